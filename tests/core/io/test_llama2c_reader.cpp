#include "quantscope/error.h"
#include "quantscope/io/checkpoint.h"
#include "quantscope/io/llama2c.h"
#include "test_data.h"

#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <fstream>

using namespace qs;

namespace {

std::vector<char> readAll(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

void writeAll(const std::filesystem::path& p, const std::vector<char>& bytes)
{
    std::ofstream out(p, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

class TestLlama2cReader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void legacyConfigAndCatalog()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        const auto c = readLlama2cConfig(path);
        QCOMPARE(c.dim, 64);
        QCOMPARE(c.hiddenDim, 172);
        QCOMPARE(c.layers, 5);
        QCOMPARE(c.heads, 8);
        QCOMPARE(c.kvHeads, 4);
        QCOMPARE(c.vocabSize, 512);
        QCOMPARE(c.seqLen, 512);
        QVERIFY(c.sharedClassifier);
        auto ckpt = openCheckpoint(path);
        QCOMPARE(ckpt->format(), std::string_view("llama2c"));
        QCOMPARE(ckpt->tensors().size(), std::size_t(5 * 9 + 2));
        std::int64_t params = 0;
        for (const auto& t : ckpt->tensors()) params += t.numel();
        QCOMPARE(params, std::int64_t(260032));
        const auto wk = ckpt->find("layers.0.attention.wk.weight");
        QVERIFY(wk.has_value());
        QCOMPARE(ckpt->tensors()[*wk].rows(), std::int64_t(32));
        QCOMPARE(ckpt->tensors()[*wk].cols(), std::int64_t(64));
    }

    void bothFormatsHoldIdenticalTensors()
    {
        QS_REQUIRE_DATA(legacy, "llm/stories260K.bin");
        QS_REQUIRE_DATA(v1, "llm/stories260K_v1.bin");
        auto a = openCheckpoint(legacy);
        auto b = openCheckpoint(v1);
        QCOMPARE(b->metadata().at("llama2c_version"), std::string("1"));
        QCOMPARE(a->tensors().size(), b->tensors().size());
        for (std::size_t i = 0; i < a->tensors().size(); ++i) {
            const auto& name = a->tensors()[i].name;
            const auto j = b->find(name);
            QVERIFY2(j.has_value(), name.c_str());
            const auto ma = a->readMatrix(i);
            const auto mb = b->readMatrix(*j);
            QCOMPARE(ma.rows, mb.rows);
            QVERIFY2(ma.values == mb.values, name.c_str());
        }
        // Real weights, not zeros: the embedding has a sensible spread.
        const auto emb = a->readMatrix(*a->find("tok_embeddings.weight"));
        double ss = 0;
        for (float v : emb.values) ss += double(v) * v;
        QVERIFY(ss / double(emb.values.size()) > 1e-4);
    }

    void truncatedFileIsAFormatError()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K_v1.bin");
        QTemporaryDir dir;
        auto bytes = readAll(path);
        bytes.resize(bytes.size() - 100);
        const auto bad = std::filesystem::path(dir.path().toStdString()) / "truncated.bin";
        writeAll(bad, bytes);
        try {
            openCheckpoint(bad);
            QFAIL("expected a FormatError");
        } catch (const FormatError& e) {
            QVERIFY(std::string(e.what()).find("truncated.bin") != std::string::npos);
            QVERIFY(std::string(e.what()).find("bytes") != std::string::npos);
        }
    }

    void absurdHeaderValuesAreRefused()
    {
        QTemporaryDir dir;
        const auto bad = std::filesystem::path(dir.path().toStdString()) / "absurd.bin";
        const std::int32_t header[7] = {64, 172, 5, 8, 4, 512, -1};  // seq_len negative
        std::vector<char> bytes(sizeof header + 64);
        std::memcpy(bytes.data(), header, sizeof header);
        writeAll(bad, bytes);
        QVERIFY_THROWS_EXCEPTION(FormatError, openCheckpoint(bad));
        const std::int32_t huge[7] = {1 << 30, 172, 5, 8, 4, 512, 512};
        std::memcpy(bytes.data(), huge, sizeof huge);
        writeAll(bad, bytes);
        QVERIFY_THROWS_EXCEPTION(FormatError, openCheckpoint(bad));
        const std::int32_t badHeads[7] = {64, 172, 5, 8, 3, 512, 512};  // 8 % 3 != 0
        std::memcpy(bytes.data(), badHeads, sizeof badHeads);
        writeAll(bad, bytes);
        QVERIFY_THROWS_EXCEPTION(FormatError, openCheckpoint(bad));
    }

    void missingFileIsAnIoError()
    {
        QVERIFY_THROWS_EXCEPTION(IoError, openCheckpoint("/nonexistent/model.bin"));
    }
};

QTEST_APPLESS_MAIN(TestLlama2cReader)
#include "test_llama2c_reader.moc"
