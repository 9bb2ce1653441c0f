// Hand-made corrupt files for every point-cloud format: each must fail with a FormatError (or
// UnsupportedError) naming the field, never crash or allocate what the header claims.
#include "cloud_builders.h"
#include "quantscope/error.h"
#include "quantscope/lidar/point_cloud.h"

#include <QTest>

#include <functional>

using namespace qs;
using namespace qs::test;

namespace {

Bytes replaceText(Bytes b, const std::string& from, const std::string& to)
{
    std::string s(reinterpret_cast<const char*>(b.data()), b.size());
    const auto at = s.find(from);
    if (at == std::string::npos) throw std::logic_error("test setup: '" + from + "' not found");
    s.replace(at, from.size(), to);
    Bytes out(s.size());
    std::memcpy(out.data(), s.data(), s.size());
    return out;
}

Bytes truncated(Bytes b, std::size_t drop)
{
    b.resize(b.size() - drop);
    return b;
}

/// Expects a FormatError whose field contains `field` (empty: any field).
void expectFormatError(const Bytes& bytes, const char* name, const std::string& field)
{
    try {
        (void)parsePointCloud(bytes, name);
        QFAIL(qPrintable(QStringLiteral("no error; expected one about '%1'").arg(QString::fromStdString(field))));
    } catch (const FormatError& e) {
        QVERIFY2(e.field().find(field) != std::string::npos, e.what());
        QVERIFY2(std::string(e.what()).find(name) != std::string::npos, e.what());
    }
}

}  // namespace

class TestPointCloudCorrupt : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void kittiBin_data()
    {
        QTest::addColumn<int>("drop");
        QTest::addRow("one byte short") << 1;
        QTest::addRow("half a float") << 2;
        QTest::addRow("three floats") << 12;
        QTest::addRow("15 bytes") << 15;
        QTest::addRow("17 bytes") << 17;
    }
    void kittiBin()
    {
        QFETCH(int, drop);
        expectFormatError(truncated(test::kittiBin(), static_cast<std::size_t>(drop)), "000000.bin", "KITTI point record");
    }

    void nuscenesBinNotMultipleOf20() { expectFormatError(test::kittiBin(), "x.pcd.bin", "nuScenes point record"); }

    void pcd_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<int>("drop");
        QTest::addColumn<QString>("field");
        // mode 0 ascii, 1 binary, 2 compressed
        QTest::addRow("points vs width") << 1 << "POINTS 3" << "POINTS 4" << 0 << "POINTS";
        QTest::addRow("huge width, binary") << 1 << "WIDTH 3" << "WIDTH 4000000000" << 0 << "POINTS";
        QTest::addRow("size count mismatch") << 1 << "SIZE 4 4 4 4" << "SIZE 4 4 4" << 0 << "SIZE";
        QTest::addRow("bad type") << 1 << "TYPE F F F F" << "TYPE F F Q F" << 0 << "TYPE";
        QTest::addRow("float size 2") << 1 << "SIZE 4 4 4 4" << "SIZE 4 4 2 4" << 0 << "TYPE";
        QTest::addRow("no x field") << 1 << "FIELDS x y z" << "FIELDS a y z" << 0 << "FIELDS";
        QTest::addRow("truncated binary") << 1 << "" << "" << 5 << "binary data";
        QTest::addRow("unknown data mode") << 1 << "DATA binary" << "DATA zip" << 0 << "DATA";
        QTest::addRow("ascii missing point") << 0 << "7 8 9.0 3e1\n" << "" << 0 << "ascii data";
        QTest::addRow("ascii bad number") << 0 << "4 5 6" << "4 five 6" << 0 << "ascii point 1";
        QTest::addRow("ascii extra value") << 0 << "1 2 3 10" << "1 2 3 10 11" << 0 << "ascii point 0";
        QTest::addRow("negative width") << 0 << "WIDTH 3" << "WIDTH -3" << 0 << "WIDTH";
        QTest::addRow("compressed size lie") << 2 << "" << "" << 3 << "compressed data";
    }
    void pcd()
    {
        QFETCH(int, mode);
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(int, drop);
        QFETCH(QString, field);
        Bytes b = mode == 0 ? pcdAscii() : mode == 1 ? pcdBinary() : pcdCompressed();
        if (!from.isEmpty()) b = replaceText(b, from.toStdString(), to.toStdString());
        b = truncated(b, static_cast<std::size_t>(drop));
        expectFormatError(b, "bad.pcd", field.toStdString());
    }

    void pcdCompressedHeaderLies()
    {
        Bytes good = pcdCompressed();
        const std::size_t at = pcdHeader("binary_compressed").size();
        Bytes b = good;
        putLE<std::uint32_t>(b, at + 4, 48 + 4);  // uncompressed != points x record
        expectFormatError(b, "c.pcd", "uncompressed_size");
        // A stream claiming far more output than LZF can produce from its bytes.
        Bytes h = pcdHeader("binary_compressed", 100000000);
        appendLE<std::uint32_t>(h, 4);
        appendLE<std::uint32_t>(h, 1600000000u);
        append(h, "abcd");
        expectFormatError(h, "c.pcd", "uncompressed_size");
        // Back reference before the start of the output.
        b = good;
        b[at + 8] = std::byte{0x20};
        b[at + 9] = std::byte{0x10};
        expectFormatError(b, "c.pcd", "compressed data");
        // Literal run past the declared size: stream with one literal too many.
        b = good;
        putLE<std::uint32_t>(b, at, static_cast<std::uint32_t>(good.size() - at - 8 + 2));
        b.push_back(std::byte{0x00});
        b.push_back(std::byte{0x41});
        expectFormatError(b, "c.pcd", "compressed data");
        // compressed_size larger than the file.
        b = good;
        putLE<std::uint32_t>(b, at, 1u << 30);
        expectFormatError(b, "c.pcd", "compressed data");
    }

    void pcdNoDataLine()
    {
        Bytes b;
        append(b, "VERSION .7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nWIDTH 1\n");
        expectFormatError(b, "n.pcd", "DATA");
    }

    void ply_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<int>("drop");
        QTest::addColumn<QString>("field");
        QTest::addRow("huge vertex count") << "binary_little_endian" << "vertex 3" << "vertex 3000000000" << 0 << "element vertex";
        QTest::addRow("truncated binary") << "binary_little_endian" << "" << "" << 3 << "list items";
        QTest::addRow("truncated big endian") << "binary_big_endian" << "" << "" << 9 << "list count";
        QTest::addRow("unknown type") << "binary_little_endian" << "property float y" << "property float16 y" << 0 << "property";
        QTest::addRow("header runs into data") << "ascii" << "end_header" << "comment end_header" << 0 << "1.000000";
        QTest::addRow("bad format") << "ascii" << "ascii 1.0" << "ascii 2.0" << 0 << "format";
        QTest::addRow("ascii missing row") << "ascii" << "vertex 3" << "vertex 4" << 0 << "element vertex";
        QTest::addRow("ascii bad list length") << "ascii" << " 2 7 8" << " 9 7 8" << 0 << "vertex row 0";
        QTest::addRow("no y property") << "ascii" << "property float y" << "property float q" << 0 << "element vertex";
        QTest::addRow("float list count") << "ascii" << "list uchar int idx" << "list float int idx" << 0 << "property";
    }
    void ply()
    {
        QFETCH(QString, format);
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(int, drop);
        QFETCH(QString, field);
        Bytes b = plyFile(format.toStdString());
        if (!from.isEmpty()) b = replaceText(b, from.toStdString(), to.toStdString());
        b = truncated(b, static_cast<std::size_t>(drop));
        expectFormatError(b, "bad.ply", field.toStdString());
    }

    void las_data()
    {
        QTest::addColumn<int>("offset");
        QTest::addColumn<int>("size");
        QTest::addColumn<qint64>("value");
        QTest::addColumn<int>("drop");
        QTest::addColumn<QString>("field");
        QTest::addRow("header size too small") << 94 << 2 << qint64(100) << 0 << "header_size";
        QTest::addRow("data offset past end") << 96 << 4 << qint64(1 << 30) << 0 << "offset_to_point_data";
        QTest::addRow("record shorter than format") << 105 << 2 << qint64(12) << 0 << "point_record_length";
        QTest::addRow("count exceeds bytes") << 107 << 4 << qint64(4000000000LL) << 0 << "point_count";
        QTest::addRow("truncated points") << 0 << 0 << qint64(0) << 1 << "point_count";
        QTest::addRow("zero scale") << 131 << 8 << qint64(0) << 0 << "scale";
        QTest::addRow("bad signature") << 0 << 1 << qint64('X') << 0 << "signature";
    }
    void las()
    {
        QFETCH(int, offset);
        QFETCH(int, size);
        QFETCH(qint64, value);
        QFETCH(int, drop);
        QFETCH(QString, field);
        Bytes b = lasFile(1);
        const auto at = static_cast<std::size_t>(offset);
        if (size == 1) b[at] = static_cast<std::byte>(value);
        if (size == 2) putLE<std::uint16_t>(b, at, static_cast<std::uint16_t>(value));
        if (size == 4) putLE<std::uint32_t>(b, at, static_cast<std::uint32_t>(value));
        if (size == 8) putLE<double>(b, at, static_cast<double>(value));
        b = truncated(b, static_cast<std::size_t>(drop));
        if (field == "signature") {
            // Without the magic the sniffer falls back to the extension: read as LAS explicitly.
            try {
                (void)parsePointCloud(b, "bad.las", PointCloudFormat::Las);
                QFAIL("no error");
            } catch (const FormatError& e) {
                QCOMPARE(e.field(), std::string("signature"));
            }
            return;
        }
        expectFormatError(b, "bad.las", field.toStdString());
    }

    void lasUnsupported()
    {
        Bytes b = lasFile(0);
        b[104] = std::byte{4};
        QVERIFY_THROWS_EXCEPTION(UnsupportedError, parsePointCloud(b, "a.las"));
        b[104] = std::byte{0x83};  // LAZ bit
        QVERIFY_THROWS_EXCEPTION(UnsupportedError, parsePointCloud(b, "a.las"));
        b = lasFile(0);
        b[25] = std::byte{9};
        QVERIFY_THROWS_EXCEPTION(UnsupportedError, parsePointCloud(b, "a.las"));
        b = lasFile(0);
        b.resize(100);
        expectFormatError(b, "short.las", "header");
    }

    void lasV14CountOverflow()
    {
        Bytes b = lasFile(6);
        putLE<std::uint64_t>(b, 247, ~std::uint64_t{0});
        expectFormatError(b, "big.las", "point_count");
    }
};

QTEST_APPLESS_MAIN(TestPointCloudCorrupt)
#include "test_point_cloud_corrupt.moc"
