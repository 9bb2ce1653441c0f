#include "io/package/bit_packing.h"
#include "quantscope/error.h"
#include "quantscope/io/checkpoint.h"
#include "quantscope/io/package.h"
#include "quantscope/tensor/dtype.h"
#include "util/sha256.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <fstream>
#include <random>

using namespace qs;
namespace fs = std::filesystem;

namespace {

// A 3x10 tensor, 3-bit per-group (groups of 4: the last group is 2 wide), two outliers.
QuantizedTensor handMadeTensor()
{
    QuantizedTensor q;
    q.rows = 3;
    q.cols = 10;
    q.bits = 3;
    q.scheme = Scheme::Symmetric;
    q.granularity = Granularity::PerGroup;
    q.groupSize = 4;
    std::mt19937 rng(7);
    for (int i = 0; i < 30; ++i) q.codes.push_back(static_cast<std::uint8_t>(rng() % 7));  // levels 0..6
    for (int i = 0; i < 9; ++i) {
        q.scales.push_back(halfToFloat(floatToHalf(0.01f * static_cast<float>(i + 1))));
        q.offsets.push_back(3);  // -qmin for restricted 3-bit
    }
    q.outlierIndex = {4, 27};
    q.codes[4] = 0;
    q.codes[27] = 0;
    q.outlierHalf = {floatToHalf(1.5f), floatToHalf(-2.25f)};
    return q;
}

TensorInfo infoFor(const std::string& name, std::vector<std::int64_t> shape, DType dt)
{
    TensorInfo t;
    t.name = name;
    t.shape = std::move(shape);
    t.dtype = dt;
    t.role = guessRole(name, t.shape);
    t.byteSize = storageBytes(dt, static_cast<std::uint64_t>(t.numel())).value();
    return t;
}

fs::path writeSample(const fs::path& dir, const QuantizedTensor& q)
{
    const auto path = dir / "model.qs.h5";
    PackageWriter w(path);
    w.setProvenance({"source.safetensors", std::string(64, 'a'), "safetensors", R"({"method":"easyquant"})", ""});
    w.setMetadata({{"dim", "10"}});
    TensorMetrics m;
    m.relErr = 0.05;
    m.bpw = q.bitsPerWeight();
    w.addQuantized(infoFor("layers.0.attention.wq.weight", {3, 10}, DType::F32), q, m);
    std::vector<std::uint16_t> norm = {floatToHalf(1.0f), floatToHalf(0.5f), floatToHalf(-0.25f)};
    w.addUnquantized(infoFor("layers.0.attention_norm.weight", {3}, DType::F16),
                     std::as_bytes(std::span<const std::uint16_t>(norm)));
    w.commit({33, 30, m.bpw, 126, w.payloadBytes()});
    return path;
}

}  // namespace

class TestPackage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void bitPackingRoundTripsEveryWidth()
    {
        std::mt19937 rng(1);
        for (int bits = 1; bits <= 8; ++bits) {
            for (std::size_t n : {std::size_t(0), std::size_t(1), std::size_t(7), std::size_t(1001)}) {
                std::vector<std::uint8_t> levels(n);
                for (auto& l : levels) l = static_cast<std::uint8_t>(rng() & ((1u << bits) - 1));
                const auto packed = package::packBits(levels, bits);
                QCOMPARE(packed.size(), (n * static_cast<std::size_t>(bits) + 7) / 8);
                QCOMPARE(package::unpackBits(packed, bits, n), levels);
            }
        }
        // The documented bit order: 3-bit levels 1, 2 -> stream bits 001 010 -> byte 0b00010001.
        const std::uint8_t two[] = {1, 2};
        QCOMPARE(package::packBits(two, 3).at(0), std::uint8_t(0x11));
    }

    void sha256KnownAnswers()
    {
        Sha256 a;
        QCOMPARE(a.hexdigest(), std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        Sha256 b;
        b.update("abc", 3);
        QCOMPARE(b.hexdigest(), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        Sha256 c;  // two blocks, fed in odd pieces
        const std::string msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        c.update(msg.data(), 5);
        c.update(msg.data() + 5, msg.size() - 5);
        QCOMPARE(c.hexdigest(), std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
    }

    void reopeningGivesExactlyWhatWasWritten()
    {
        QTemporaryDir tmp;
        const auto q = handMadeTensor();
        const auto path = writeSample(tmp.path().toStdString(), q);

        auto ckpt = openCheckpoint(path);
        QCOMPARE(ckpt->format(), std::string_view("quantscope-package"));
        QCOMPARE(ckpt->tensors().size(), std::size_t(2));
        QCOMPARE(ckpt->tensors()[0].name, std::string("layers.0.attention.wq.weight"));
        QCOMPARE(ckpt->tensors()[1].dtype, DType::F16);
        QCOMPARE(ckpt->metadata().at("provenance.source_file"), std::string("source.safetensors"));
        QCOMPARE(ckpt->metadata().at("provenance.config_json"), std::string(R"({"method":"easyquant"})"));
        QCOMPARE(ckpt->metadata().at("dim"), std::string("10"));

        const auto back = readPackagedTensor(path, "layers.0.attention.wq.weight");
        QCOMPARE(back.codes, q.codes);
        QCOMPARE(back.scales, q.scales);
        QCOMPARE(back.offsets, q.offsets);
        QCOMPARE(back.outlierIndex, q.outlierIndex);
        QCOMPARE(back.outlierHalf, q.outlierHalf);
        QCOMPARE(back.groupSize, q.groupSize);

        const auto expected = q.dequantize();
        const auto got = ckpt->readMatrix(0);
        QCOMPARE(got.rows, expected.rows);
        QVERIFY(std::memcmp(got.values.data(), expected.values.data(), expected.values.size() * 4) == 0);
        QCOMPARE(got.values[4], 1.5f);  // the outlier, kept in fp16

        const auto norm = ckpt->readMatrix(1);
        QCOMPARE(norm.values, (std::vector<float>{1.0f, 0.5f, -0.25f}));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, readPackagedTensor(path, "layers.0.attention_norm.weight"));
    }

    void h5dumpReadsThePackage()
    {
        const auto h5dump = QStandardPaths::findExecutable("h5dump");
        if (h5dump.isEmpty()) QSKIP("h5dump (hdf5-tools) not installed");
        QTemporaryDir tmp;
        const auto path = writeSample(tmp.path().toStdString(), handMadeTensor());
        QProcess p;
        p.start(h5dump, {"-A", QString::fromStdString(path.string())});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 0);
        const auto out = QString::fromUtf8(p.readAllStandardOutput());
        QVERIFY(out.contains("quantscope-package"));
        QVERIFY(out.contains("GROUP \"tensors\""));
        QVERIFY(out.contains("layers.0.attention.wq.weight"));
        QVERIFY(out.contains("DATASET \"scales\""));
        QVERIFY(out.contains("16-bit little-endian floating-point") || out.contains("H5T_IEEE_F16") ||
                out.contains("floating-point"));
    }

    void abandonedWriterLeavesNoFile()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        {
            PackageWriter w(dir / "cancelled.qs.h5");
            TensorMetrics m;
            w.addQuantized(infoFor("w", {3, 10}, DType::F32), handMadeTensor(), m);
        }
        QVERIFY(fs::is_empty(dir));
    }

    void damagedPackagesAreRefusedClearly()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        const auto good = writeSample(dir, handMadeTensor());
        std::ifstream in(good, std::ios::binary);
        std::string bytes{std::istreambuf_iterator<char>(in), {}};
        for (std::size_t cut : {std::size_t(8), std::size_t(600), bytes.size() / 2, bytes.size() - 10}) {
            const auto bad = dir / ("cut" + std::to_string(cut) + ".qs.h5");
            std::ofstream(bad, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(cut));
            try {
                auto c = openCheckpoint(bad);
                for (std::size_t i = 0; i < c->tensors().size(); ++i) c->readMatrix(i);
                QFAIL(qPrintable(QString("truncated at %1 was accepted").arg(cut)));
            } catch (const Error& e) {
                QVERIFY2(std::string(e.what()).find("cut") != std::string::npos, e.what());
            }
        }
        QTemporaryDir other;
        const fs::path odir = other.path().toStdString();
        // Outlier index beyond the tensor.
        auto q = handMadeTensor();
        q.outlierIndex = {4, 30};
        const auto badOutlier = writeSample(odir, q);
        QVERIFY_THROWS_EXCEPTION(FormatError, readPackagedTensor(badOutlier, "layers.0.attention.wq.weight"));
    }

    void refusesToOverwriteTheSource()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        const auto src = dir / "src.qs.h5";
        std::ofstream(src) << "source";
        const fs::path inputs[] = {src};
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, PackageWriter(src, inputs));
        std::ifstream in(src);
        std::string s;
        in >> s;
        QCOMPARE(s, std::string("source"));
    }
};

QTEST_APPLESS_MAIN(TestPackage)
#include "test_package.moc"
