// GGUF export checked by an independent parser: Hugging Face's @huggingface/gguf (npm, run with
// the machine's Node.js through gguf_dump.mjs) parses what QuantScope exported from the real
// llama2.c model, and every field it reports — header, every metadata key/type/value (the
// tokenizer arrays element by element), every tensor's name/shape/type/offset, the data
// section's offset — must agree with what QuantScope wrote; nl4 at group 32 must appear as
// IQ4_XS (23) with IQ4_XS's byte size. SKIPs when node or the package is
// absent (scripts/install-deps.sh installs the package into build-tools/node_modules).
#include "io/gguf/gguf_file.h"
#include "llama2c_model.h"
#include "quantscope/io/checkpoint.h"
#include "quantscope/io/exporter.h"
#include "quantscope/tensor/dtype.h"
#include "test_data.h"
#include "util/mapped_file.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cstring>

using namespace qs;
namespace fs = std::filesystem;

namespace {

/// A JSON number or decimal string (the dump prints 64-bit integers as strings).
QString text(const QJsonValue& v)
{
    if (v.isString()) return v.toString();
    return QString::number(v.toDouble(), 'g', 17);
}

QString decimal(std::uint64_t v) { return QString::number(v); }
QString decimal(std::int64_t v) { return QString::number(v); }

/// Bytes of a tensor from its GGUF shape and type id, from ggml's block table (written out here,
/// not taken from the project's dtype table, so a wrong table entry cannot hide itself).
std::uint64_t ggmlBytes(std::uint32_t type, const std::vector<std::uint64_t>& ne)
{
    std::uint64_t n = 1;
    for (auto d : ne) n *= d;
    switch (type) {
    case 0: return n * 4;          // F32
    case 1: return n * 2;          // F16
    case 2: return n / 32 * 18;    // Q4_0: fp16 d + 16 bytes of nibbles
    case 8: return n / 32 * 34;    // Q8_0: fp16 d + 32 int8
    case 23: return n / 256 * 136; // IQ4_XS: fp16 d, u16 scales_h, 4 bytes scales_l, 128 of nibbles
    default: return 0;
    }
}

/// Compares one metadata value: element `i` of an array when `index` >= 0, else the scalar.
void compareScalar(io::GgufType type, const io::GgufValue& v, const io::GgufArray* array, std::size_t index,
                   const QJsonValue& got, const QString& where)
{
    using T = io::GgufType;
    switch (type) {
    case T::String: {
        const auto s = array ? std::string(array->stringAt(index)) : v.s;
        QVERIFY2(got.toString() == QString::fromStdString(s), qPrintable(where));
        break;
    }
    case T::Bool:
        QVERIFY2(got.toBool() == (array ? array->numberAt(index) != 0 : v.b), qPrintable(where));
        break;
    case T::F32:
    case T::F64:
        // The dump prints the exact double; float32 values widen exactly.
        QVERIFY2(got.toDouble() == (array ? array->numberAt(index) : v.f), qPrintable(where));
        break;
    case T::U8: case T::U16: case T::U32: case T::U64:
        QVERIFY2(text(got) == (array ? decimal(std::uint64_t(array->numberAt(index))) : decimal(v.u)),
                 qPrintable(where + ": " + text(got)));
        break;
    case T::I8: case T::I16: case T::I32: case T::I64:
        QVERIFY2(text(got) == (array ? decimal(std::int64_t(array->numberAt(index))) : decimal(v.i)),
                 qPrintable(where + ": " + text(got)));
        break;
    case T::Array:
        QFAIL(qPrintable(where + ": nested arrays are not written by the exporter"));
    }
}

}  // namespace

class TestGgufInterop : public QObject {
    Q_OBJECT

    fs::path m_model, m_tokenizer;
    QTemporaryDir m_tmp;

    /// Runs the independent parser on `file`, returns its JSON.
    QJsonObject parseWithHuggingFace(const fs::path& file)
    {
        QProcess node;
        node.start(QStringLiteral(QS_NODE_EXECUTABLE),
                   {QStringLiteral(QS_GGUF_DUMP_SCRIPT), QStringLiteral(QS_NODE_MODULES),
                    QString::fromStdString(file.string())});
        if (!node.waitForFinished(60000) || node.exitStatus() != QProcess::NormalExit || node.exitCode() != 0) {
            qWarning("gguf_dump.mjs failed: %s", node.readAllStandardError().constData());
            return {};
        }
        QJsonParseError err{};
        const auto doc = QJsonDocument::fromJson(node.readAllStandardOutput(), &err);
        if (err.error != QJsonParseError::NoError) qWarning("bad JSON: %s", qPrintable(err.errorString()));
        return doc.object();
    }

    void compareHeaderAndMetadata(const io::GgufFile& g, const QJsonObject& js)
    {
        QCOMPARE(js.value("littleEndian").toBool(), true);
        QCOMPARE(js.value("version").toInt(), int(g.version));
        QCOMPARE(text(js.value("tensorCount")), decimal(std::uint64_t(g.tensors.size())));
        QCOMPARE(text(js.value("kvCount")), decimal(std::uint64_t(g.kvs.size())));
        QCOMPARE(text(js.value("tensorDataOffset")), decimal(g.dataOffset));
        const auto kvs = js.value("kvs").toArray();
        QCOMPARE(std::size_t(kvs.size()), g.kvs.size());
        for (std::size_t i = 0; i < g.kvs.size(); ++i) {
            const auto& kv = g.kvs[i];
            const auto o = kvs[qsizetype(i)].toObject();
            const auto key = QString::fromStdString(kv.key);
            QCOMPARE(o.value("key").toString(), key);  // same keys, same order
            QCOMPARE(o.value("type").toInt(), int(kv.value.type));
            if (kv.value.type != io::GgufType::Array) {
                compareScalar(kv.value.type, kv.value, nullptr, 0, o.value("value"), key);
                if (QTest::currentTestFailed()) return;
                continue;
            }
            const auto& a = kv.value.array;
            QCOMPARE(o.value("subType").toInt(), int(a.elementType));
            QCOMPARE(text(o.value("length")), decimal(a.count));
            const auto values = o.value("value").toArray();
            QCOMPARE(std::uint64_t(values.size()), a.count);
            for (std::size_t e = 0; e < a.count; ++e)
                compareScalar(a.elementType, kv.value, &a, e, values[qsizetype(e)],
                              key + "[" + QString::number(e) + "]");
            if (QTest::currentTestFailed()) return;
        }
    }

    /// The tensor table, and — from the independent parser's numbers alone — that every tensor
    /// is aligned, inside the file, and disjoint from the others.
    void compareTensorTable(const io::GgufFile& g, const QJsonObject& js)
    {
        const auto tensors = js.value("tensors").toArray();
        QCOMPARE(std::size_t(tensors.size()), g.tensors.size());
        const auto fileSize = text(js.value("fileSize")).toULongLong();
        const auto dataOffset = text(js.value("tensorDataOffset")).toULongLong();
        QCOMPARE(dataOffset % g.alignment, std::uint64_t(0));
        std::vector<std::pair<std::uint64_t, std::uint64_t>> extents;
        for (std::size_t i = 0; i < g.tensors.size(); ++i) {
            const auto& t = g.tensors[i];
            const auto o = tensors[qsizetype(i)].toObject();
            const auto name = QString::fromStdString(t.name);
            QCOMPARE(o.value("name").toString(), name);
            QCOMPARE(std::size_t(o.value("nDims").toInt()), t.ne.size());
            const auto shape = o.value("shape").toArray();
            QCOMPARE(std::size_t(shape.size()), t.ne.size());
            std::vector<std::uint64_t> ne;
            for (qsizetype d = 0; d < shape.size(); ++d) {
                QCOMPARE(text(shape[d]), decimal(t.ne[std::size_t(d)]));
                ne.push_back(text(shape[d]).toULongLong());
            }
            QCOMPARE(o.value("type").toInt(), int(t.ggmlType));
            const auto offset = text(o.value("offset")).toULongLong();
            QCOMPARE(offset, t.offset);
            QVERIFY2(offset % g.alignment == 0, qPrintable(name));
            const auto bytes = ggmlBytes(std::uint32_t(o.value("type").toInt()), ne);
            QVERIFY2(bytes > 0, qPrintable(name + ": unexpected ggml type"));
            QCOMPARE(bytes, t.bytes);
            QVERIFY2(dataOffset + offset + bytes <= fileSize, qPrintable(name + " runs past the end of the file"));
            extents.emplace_back(offset, offset + bytes);
        }
        std::sort(extents.begin(), extents.end());
        for (std::size_t i = 1; i < extents.size(); ++i) QVERIFY(extents[i].first >= extents[i - 1].second);
    }

    /// Exports `model` as GGUF, has the independent parser read it, compares every field, and
    /// sets `tensors` to the parser's tensor table (left empty after a failure).
    void exportAndCompare(const fs::path& model, const ModelQuantSettings& s, DType blockType,
                          const std::string& outName, QJsonArray& tensors)
    {
        auto ckpt = openCheckpoint(model);
        const fs::path out = fs::path(m_tmp.path().toStdString()) / outName;
        ExportOptions o;
        o.format = ExportFormat::Gguf;
        o.ggufType = blockType;
        o.tokenizer = m_tokenizer;
        exportQuantized(*ckpt, s, out, o);

        const MappedFile f(out);
        const auto g = io::parseGguf(f.bytes(), out.string());
        const auto js = parseWithHuggingFace(out);
        QVERIFY2(!js.isEmpty(), "the independent parser produced no result");
        qInfo("%s parsed %s: %lld KVs, %lld tensors", qPrintable(js.value("parser").toString()),
              out.filename().c_str(), static_cast<long long>(js.value("kvs").toArray().size()),
              static_cast<long long>(js.value("tensors").toArray().size()));
        compareHeaderAndMetadata(g, js);
        if (QTest::currentTestFailed()) return;
        compareTensorTable(g, js);
        if (QTest::currentTestFailed()) return;
        QCOMPARE(g.tensors.size(), ckpt->tensors().size());

        // And what the independent parser saw is what the exporter meant to write.
        const auto kvs = js.value("kvs").toArray();
        const auto tokens = std::find_if(kvs.begin(), kvs.end(), [](const QJsonValue& kv) {
            return kv.toObject().value("key").toString() == "tokenizer.ggml.tokens";
        });
        QVERIFY(tokens != kvs.end());
        QCOMPARE(text(tokens->toObject().value("length")), QString("512"));
        QCOMPARE(tokens->toObject().value("value").toArray()[1].toString(), QString("<s>"));
        tensors = js.value("tensors").toArray();
    }

    void check(DType blockType, std::uint32_t ggmlId)
    {
        ModelQuantSettings s;
        s.defaults.method = QuantMethod::EasyQuant;
        s.defaults.bits = blockType == DType::Q4_0 ? 4 : 8;
        QJsonArray tensors;
        exportAndCompare(m_model, s, blockType, "stories260K." + std::string(dtypeName(blockType)) + ".gguf", tensors);
        QVERIFY(!tensors.isEmpty());
        for (const auto& t : tensors) {
            const auto o2 = t.toObject();
            const auto name = o2.value("name").toString();
            const auto nDims = o2.value("nDims").toInt();
            // Norms stay F32; ffn_down's rows (172) are not whole blocks and fall back to F16.
            const int expected = nDims == 1 ? 0 : name.contains("ffn_down") ? 1 : int(ggmlId);
            QVERIFY2(o2.value("type").toInt() == expected, qPrintable(name));
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (QStringLiteral(QS_NODE_EXECUTABLE).isEmpty() || !QFileInfo::exists(QStringLiteral(QS_NODE_EXECUTABLE)))
            QSKIP("Node.js not found (apt-get install nodejs): the independent GGUF parser cannot run");
        if (!QFileInfo::exists(QStringLiteral(QS_NODE_MODULES "/@huggingface/gguf/package.json")))
            QSKIP("@huggingface/gguf is not installed in " QS_NODE_MODULES " (run scripts/install-deps.sh)");
        m_model = test::dataFile("llm/stories260K.bin");
        m_tokenizer = test::dataFile("llm/tok512.bin");
        if (m_model.empty() || m_tokenizer.empty()) QSKIP("shared data files llm/stories260K.bin, llm/tok512.bin missing");
        QVERIFY(m_tmp.isValid());
    }

    void f16AgreesWithHuggingFaceParser() { check(DType::F16, 1); }
    void q8_0AgreesWithHuggingFaceParser() { check(DType::Q8_0, 8); }
    void q4_0AgreesWithHuggingFaceParser() { check(DType::Q4_0, 2); }

    void nl4Group32IsIq4XsForHuggingFaceParser()
    {
        // A dim-256 model made of stories260K's weights (its own rows of 64 fit no IQ4_XS block):
        // the attention and w1/w3 matrices (rows of 256) must be IQ4_XS (23) with 136 bytes per
        // 256 values (checked in compareTensorTable), ffn_down (rows of 288) the Q4_0 fallback.
        const fs::path wide = fs::path(m_tmp.path().toStdString()) / "wide256.bin";
        test::writeLlama2cModel(wide, {}, test::llama2cWeights(m_model));
        ModelQuantSettings s;
        s.defaults.method = QuantMethod::Nl4;
        s.defaults.granularity = Granularity::PerGroup;
        s.defaults.groupSize = 32;
        QJsonArray tensors;
        exportAndCompare(wide, s, DType::Q4_0, "wide256.nl4.gguf", tensors);
        QVERIFY(!tensors.isEmpty());
        int iq4xs = 0;
        for (const auto& t : tensors) {
            const auto o2 = t.toObject();
            const auto name = o2.value("name").toString();
            const bool lossless = name.startsWith("blk.") && o2.value("nDims").toInt() == 2 && !name.contains("ffn_down");
            const int expected = o2.value("nDims").toInt() == 1 ? 0 : lossless ? 23 : 2;
            QVERIFY2(o2.value("type").toInt() == expected, qPrintable(name));
            iq4xs += lossless;
        }
        QCOMPARE(iq4xs, 6);
    }
};

QTEST_APPLESS_MAIN(TestGgufInterop)
#include "test_gguf_interop.moc"
