// Real weights through the writers and readers: stories260K's matrices (shared/data, llama2.c
// legacy layout read directly here) are written as safetensors (F32, BF16) and GGUF (F32, Q8_0,
// Q4_K), reopened with openCheckpoint, and their statistics compared with DATA.md's figures
// (absmax/std: embedding 4.3, wq 8.1, wk 6.3, wv 6.9, wo 7.7, w1 5.5, w3 5.0).
#include "gguf_builder.h"
#include "quantscope/io/safetensors_writer.h"
#include "quantscope/tensor/tensor_stats.h"
#include "tensor/ggml_blocks.h"
#include "test_data.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace qs;
using namespace qs::test;

namespace {

struct Weight {
    std::string name;
    std::int64_t rows, cols;
    std::vector<float> values;
    double absmaxOverStd;  // DATA.md
};

// llama2.c legacy: 7 int32 (dim, hidden, layers, heads, kv_heads, vocab, seq_len), then fp32
// token_embedding, rms_att, wq, wk, wv, wo, rms_ffn, w1, w2, w3, ... (all layers stacked).
std::vector<Weight> loadStories(const std::filesystem::path& p)
{
    const Bytes b = readBytes(p);
    std::int32_t h[7];
    std::memcpy(h, b.data(), sizeof h);
    const std::int64_t dim = h[0], hidden = h[1], layers = h[2], heads = h[3], kvHeads = h[4], vocab = std::abs(h[5]);
    const std::int64_t kvDim = dim / heads * kvHeads;
    std::size_t off = 28;
    auto take = [&](const char* name, std::int64_t rows, std::int64_t cols, double ratio) {
        Weight w{name, rows, cols, std::vector<float>(static_cast<std::size_t>(rows * cols)), ratio};
        std::memcpy(w.values.data(), b.data() + off, w.values.size() * 4);
        off += w.values.size() * 4;
        return w;
    };
    std::vector<Weight> out;
    out.push_back(take("tok_embeddings.weight", vocab, dim, 4.3));
    take("rms_att", layers, dim, 0);
    out.push_back(take("wq", layers * dim, dim, 8.1));
    out.push_back(take("wk", layers * kvDim, dim, 6.3));
    out.push_back(take("wv", layers * kvDim, dim, 6.9));
    out.push_back(take("wo", layers * dim, dim, 7.7));
    take("rms_ffn", layers, dim, 0);
    out.push_back(take("w1", layers * hidden, dim, 5.5));
    take("w2", layers * dim, hidden, 0);
    out.push_back(take("w3", layers * hidden, dim, 5.0));
    return out;
}

Bytes asBytes(DType t, const std::vector<float>& x)
{
    if (t == DType::F32) {
        Bytes b;
        appendValues(b, x);
        return b;
    }
    const auto& tr = traits(t);
    Bytes b(x.size() / tr.blockElements * tr.blockBytes);
    ggml::quantizeBlocks(t, x.data(), b.data(), x.size() / tr.blockElements);
    return b;
}

}  // namespace

class TestRealWeights : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    void checkRatios(const std::filesystem::path& file, const std::vector<Weight>& weights, double tolerance)
    {
        const auto c = openCheckpoint(file);
        QCOMPARE(c->tensors().size(), weights.size());
        for (const auto& w : weights) {
            const auto idx = c->find(w.name);
            QVERIFY2(idx.has_value(), w.name.c_str());
            const Matrix m = c->readMatrix(*idx);
            QCOMPARE(m.rows, w.rows);
            QCOMPARE(m.cols, w.cols);
            const auto s = computeTensorStats(m.values);
            if (tolerance == 0) {  // lossless: bit-identical values, identical statistics
                QVERIFY(m.values == w.values);
                const auto direct = computeTensorStats(w.values);
                QCOMPARE(std::memcmp(&s, &direct, sizeof s), 0);
                QVERIFY(std::fabs(s.absmaxOverStd - w.absmaxOverStd) < 0.05);  // DATA.md, 1 decimal
                continue;
            }
            QVERIFY2(std::fabs(s.absmaxOverStd - w.absmaxOverStd) < tolerance,
                     qPrintable(QString("%1 %2: absmax/std %3, expected %4")
                                    .arg(QString::fromStdString(file.filename().string()), QString::fromStdString(w.name))
                                    .arg(s.absmaxOverStd)
                                    .arg(w.absmaxOverStd)));
        }
    }

private Q_SLOTS:
    void statisticsSurviveEveryFormat()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        const auto weights = loadStories(path);
        const std::filesystem::path dir = m_dir.path().toStdString();
        for (DType t : {DType::F32, DType::BF16}) {
            const auto file = dir / ("stories_" + std::string(dtypeName(t)) + ".safetensors");
            SafetensorsWriter w(file);
            for (const auto& x : weights) w.addTensor(x.name, {x.rows, x.cols}, x.values, t);
            w.commit();
            checkRatios(file, weights, t == DType::F32 ? 0.0 : 0.1);
        }
        // (Q4_K needs rows of 256; these have 64.)
        for (auto [t, id] : {std::pair{DType::F32, 0u}, std::pair{DType::Q8_0, 8u}}) {
            GgufBuilder g;
            g.str("general.architecture", "llama");
            for (const auto& x : weights)
                g.tensor(x.name, {static_cast<std::uint64_t>(x.cols), static_cast<std::uint64_t>(x.rows)}, id,
                         asBytes(t, x.values));
            const auto file = dir / ("stories_" + std::string(dtypeName(t)) + ".gguf");
            writeBytes(file, g.build());
            checkRatios(file, weights, t == DType::F32 ? 0.0 : 0.15);
        }
    }
};

QTEST_APPLESS_MAIN(TestRealWeights)
#include "test_real_weights.moc"
