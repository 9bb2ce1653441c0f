// GGUF v2/v3: typed metadata, text rendering, dims reversed to PyTorch order, every decoded
// tensor type read back through openCheckpoint, custom alignment.
#include "gguf_builder.h"
#include "io/gguf/gguf_file.h"
#include "quantscope/io/checkpoint.h"
#include "tensor/ggml_blocks.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <random>

using namespace qs;
using namespace qs::test;

namespace {

std::vector<float> wave(std::size_t n, float scale)
{
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = scale * std::sin(0.61f * static_cast<float>(i) + 0.3f);
    return v;
}

Bytes quantized(DType t, const std::vector<float>& x)
{
    const auto& tr = traits(t);
    Bytes b(x.size() / tr.blockElements * tr.blockBytes);
    ggml::quantizeBlocks(t, x.data(), b.data(), x.size() / tr.blockElements);
    return b;
}

// Random blocks whose f16 fields (at `halfOffsets` in each block) are small finite numbers.
Bytes randomBlocks(DType t, std::size_t blocks, std::initializer_list<std::size_t> halfOffsets, unsigned seed)
{
    const auto& tr = traits(t);
    std::mt19937 rng(seed);
    Bytes b(blocks * tr.blockBytes);
    for (auto& x : b) x = static_cast<std::byte>(rng() & 0xFF);
    for (std::size_t k = 0; k < blocks; ++k)
        for (auto off : halfOffsets) {
            const std::uint16_t h = floatToHalf(0.01f * static_cast<float>(rng() % 200) - 1.0f);
            std::memcpy(b.data() + k * tr.blockBytes + off, &h, 2);
        }
    return b;
}

std::vector<float> dequantized(DType t, const Bytes& b)
{
    const auto& tr = traits(t);
    std::vector<float> out(b.size() / tr.blockBytes * tr.blockElements);
    ggml::dequantizeBlocks(t, b.data(), out.data(), b.size() / tr.blockBytes);
    return out;
}

Bytes halves(const std::vector<float>& x, bool bf16)
{
    std::vector<std::uint16_t> h;
    for (float v : x) h.push_back(bf16 ? floatToBf16(v) : floatToHalf(v));
    Bytes b;
    appendValues(b, h);
    return b;
}

}  // namespace

class TestGguf : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::filesystem::path write(const char* name, const Bytes& b) const
    {
        const auto p = std::filesystem::path(m_dir.path().toStdString()) / name;
        writeBytes(p, b);
        return p;
    }

private Q_SLOTS:
    void metadataIsTypedAndRendered()
    {
        std::vector<std::string> vocab;
        for (int k = 0; k < 32000; ++k) vocab.push_back("tok" + std::to_string(k));
        GgufBuilder g;
        g.str("general.architecture", "llama")
            .u32("llama.context_length", 2048)
            .u64("general.parameter_count", 123456789012ull)
            .i64("test.negative", -5)
            .f32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
            .f64("test.pi", 3.25)
            .boolean("test.flag", true)
            .strings("tokenizer.ggml.tokens", vocab)
            .i32s("test.small", {1, -2, 3})
            .str("test.bad_utf8", "ok\xff");
        g.tensor("token_embd.weight", {4, 3}, 0, [] { Bytes b; appendValues(b, wave(12, 1.0f)); return b; }());
        const auto bytes = g.build();
        const auto f = io::parseGguf(bytes, "memory");
        QCOMPARE(f.version, 3u);
        QCOMPARE(f.kvs.size(), std::size_t{10});
        QCOMPARE(*f.find("general.architecture")->asString(), std::string("llama"));
        QCOMPARE(f.find("llama.context_length")->asUInt().value(), 2048ull);
        QCOMPARE(f.find("general.parameter_count")->asUInt().value(), 123456789012ull);
        QVERIFY(!f.find("test.negative")->asUInt());
        QCOMPARE(f.find("test.negative")->asNumber().value(), -5.0);
        const auto& tokens = f.find("tokenizer.ggml.tokens")->array;
        QCOMPARE(tokens.count, 32000ull);
        QCOMPARE(tokens.stringAt(31999), std::string_view("tok31999"));
        QCOMPARE(f.dataOffset % 32, 0ull);

        const auto c = openCheckpoint(write("meta.gguf", bytes));
        QCOMPARE(c->format(), std::string_view("gguf"));
        const auto& m = c->metadata();
        QCOMPARE(m.at("general.architecture"), std::string("llama"));
        QCOMPARE(m.at("llama.context_length"), std::string("2048"));
        QCOMPARE(m.at("test.negative"), std::string("-5"));
        QCOMPARE(m.at("test.pi"), std::string("3.25"));
        QCOMPARE(m.at("llama.attention.layer_norm_rms_epsilon"), std::string("1e-05"));
        QCOMPARE(m.at("test.flag"), std::string("true"));
        QCOMPARE(m.at("tokenizer.ggml.tokens"), std::string("[array of 32000 string]"));
        QCOMPARE(m.at("test.small"), std::string("[1, -2, 3]"));
        QCOMPARE(m.at("test.bad_utf8"), std::string("ok\xEF\xBF\xBD"));
        QCOMPARE(m.at("gguf.version"), std::string("3"));
    }

    void dimsAreReversedToPyTorchOrder()
    {
        const auto w = wave(3 * 5, 1.0f);  // a Linear [out=3, in=5] stored as ne = {5, 3}
        Bytes data;
        appendValues(data, w);
        GgufBuilder g;
        g.str("general.architecture", "test").tensor("blk.0.attn_q.weight", {5, 3}, 0, data);
        const auto c = openCheckpoint(write("dims.gguf", g.build()));
        const auto& t = c->tensors()[0];
        QCOMPARE(t.shape, (std::vector<std::int64_t>{3, 5}));
        QCOMPARE(t.role, TensorRole::Linear);
        const Matrix m = c->readMatrix(0);
        QCOMPARE(m.rows, 3);
        QCOMPARE(m.cols, 5);
        QCOMPARE(m.values, w);  // row r = output channel r = ne[0] contiguous values
    }

    void everyDecodedTypeReadsBack_data()
    {
        QTest::addColumn<int>("version");
        QTest::addColumn<int>("alignment");
        QTest::newRow("v3, alignment 32") << 3 << 32;
        QTest::newRow("v2, alignment 64") << 2 << 64;
    }
    void everyDecodedTypeReadsBack()
    {
        QFETCH(int, version);
        QFETCH(int, alignment);
        const auto x = wave(2 * 256, 0.8f);
        struct Case {
            const char* name;
            std::uint32_t id;
            DType dtype;
            Bytes bytes;
            std::vector<float> expect;
        };
        std::vector<Case> cases;
        Bytes f32;
        appendValues(f32, x);
        cases.push_back({"f32", 0, DType::F32, f32, x});
        cases.push_back({"f16", 1, DType::F16, halves(x, false), {}});
        cases.push_back({"bf16", 30, DType::BF16, halves(x, true), {}});
        cases.push_back({"q8_0", 8, DType::Q8_0, quantized(DType::Q8_0, x), {}});
        cases.push_back({"q4_0", 2, DType::Q4_0, quantized(DType::Q4_0, x), {}});
        cases.push_back({"q4_K", 12, DType::Q4_K, quantized(DType::Q4_K, x), {}});
        cases.push_back({"q4_1", 3, DType::Q4_1, randomBlocks(DType::Q4_1, 16, {0, 2}, 1), {}});
        cases.push_back({"q5_0", 6, DType::Q5_0, randomBlocks(DType::Q5_0, 16, {0}, 2), {}});
        cases.push_back({"q5_1", 7, DType::Q5_1, randomBlocks(DType::Q5_1, 16, {0, 2}, 3), {}});
        cases.push_back({"q6_K", 14, DType::Q6_K, randomBlocks(DType::Q6_K, 2, {208}, 4), {}});
        cases.push_back({"iq4_xs", 23, DType::IQ4_XS, randomBlocks(DType::IQ4_XS, 2, {0}, 5), {}});
        std::vector<std::int32_t> ints(512);
        for (int k = 0; k < 512; ++k) ints[static_cast<std::size_t>(k)] = k - 256;
        Bytes i32;
        appendValues(i32, ints);
        cases.push_back({"i32", 26, DType::I32, i32, {}});

        GgufBuilder g;
        g.version(static_cast<std::uint32_t>(version)).str("general.architecture", "test");
        if (alignment != 32) g.alignment(static_cast<std::uint32_t>(alignment));
        g.u32("general.quantization_version", 2);
        for (const auto& c : cases) g.tensor(c.name, {256, 2}, c.id, c.bytes);
        const auto bytes = g.build();
        const auto ckpt = openCheckpoint(write("types.gguf", bytes));
        QCOMPARE(ckpt->tensors().size(), cases.size());
        QCOMPARE(g.dataAt % static_cast<std::uint64_t>(alignment), 0ull);
        for (std::size_t k = 0; k < cases.size(); ++k) {
            const auto& c = cases[k];
            const auto& t = ckpt->tensors()[k];
            QCOMPARE(t.name, std::string(c.name));
            QCOMPARE(t.dtype, c.dtype);
            QCOMPARE(t.shape, (std::vector<std::int64_t>{2, 256}));
            QCOMPARE(t.byteSize, static_cast<std::uint64_t>(c.bytes.size()));
            QVERIFY(ckpt->readRaw(k) == c.bytes);
            std::vector<float> expect(512);
            decodeToFloat(c.dtype, c.bytes.data(), expect.data(), 512);
            if (traits(c.dtype).blockElements > 1) QCOMPARE(expect, dequantized(c.dtype, c.bytes));
            if (c.dtype == DType::I32) QCOMPARE(expect[0], -256.0f);
            const Matrix m = ckpt->readMatrix(k);
            QCOMPARE(m.rows, 2);
            QCOMPARE(m.cols, 256);
            QVERIFY2(m.values == expect, c.name);
        }
        // Quantized tensors stay close to the source values.
        const auto q8 = ckpt->readMatrix(3).values;
        for (std::size_t k = 0; k < x.size(); ++k) QVERIFY(std::fabs(q8[k] - x[k]) <= 0.8f / 127 * 0.51f + 1e-3f);
    }

    void unsupportedTypeIsNamed()
    {
        GgufBuilder g;
        g.str("general.architecture", "test").tensor("w", {256}, 13, Bytes(176));  // q5_K
        try {
            openCheckpoint(write("q5k.gguf", g.build()));
            QFAIL("expected UnsupportedError");
        } catch (const UnsupportedError& e) {
            QVERIFY2(std::string(e.what()).find("q5_K") != std::string::npos, e.what());
        }
    }

    void versionOneIsRefusedClearly()
    {
        GgufBuilder g;
        g.version(1);
        QVERIFY_THROWS_EXCEPTION(UnsupportedError, openCheckpoint(write("v1.gguf", g.build())));
    }
};

QTEST_APPLESS_MAIN(TestGguf)
#include "test_gguf.moc"
