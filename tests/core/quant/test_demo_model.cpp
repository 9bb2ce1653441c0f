// The built-in demo checkpoint: LLaMA-shaped catalog, deterministic from the seed (and at any
// thread count), heavy-tailed weights with a realistic, < 1 % share of 3σ outliers.

#include "quantscope/error.h"
#include "quantscope/models/demo_model.h"
#include "quantscope/tensor/dtype.h"

#include <QTemporaryDir>
#include <QTest>

#include <tbb/task_arena.h>

#include <cmath>
#include <cstring>

namespace {

struct Moments {
    double mean = 0, stddev = 0, kurtosis = 0, absMax = 0, outlierFrac = 0;
};

/// Whole-matrix statistics and EasyQuant's 3σ outlier share, computed plainly here.
Moments moments(const qs::Matrix& m)
{
    const auto n = static_cast<double>(m.values.size());
    Moments r;
    for (float v : m.values) r.mean += v;
    r.mean /= n;
    double m2 = 0, m4 = 0;
    for (float v : m.values) {
        const double d = v - r.mean;
        m2 += d * d;
        m4 += d * d * d * d;
        r.absMax = std::max(r.absMax, std::fabs(d));
    }
    m2 /= n;
    m4 /= n;
    r.stddev = std::sqrt(m2);
    r.kurtosis = m4 / (m2 * m2);
    std::int64_t out = 0;
    for (float v : m.values) out += std::fabs(v - r.mean) >= 3.0 * r.stddev ? 1 : 0;
    r.outlierFrac = static_cast<double>(out) / n;
    return r;
}

}  // namespace

class TestDemoModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void catalogIsLlamaShaped()
    {
        const auto ckpt = qs::makeDemoCheckpoint();
        QCOMPARE(ckpt->format(), std::string_view("demo"));
        QCOMPARE(ckpt->tensors().size(), std::size_t(2 + 4 * 9 + 1));
        const auto shapeOf = [&](const char* name) {
            const auto i = ckpt->find(name);
            if (!i) qFatal("missing tensor %s", name);
            return ckpt->tensors()[*i].shape;
        };
        using S = std::vector<std::int64_t>;
        QCOMPARE(shapeOf("model.embed_tokens.weight"), (S{1000, 256}));
        QCOMPARE(shapeOf("model.layers.0.self_attn.q_proj.weight"), (S{256, 256}));
        QCOMPARE(shapeOf("model.layers.3.self_attn.k_proj.weight"), (S{128, 256}));  // 4 of 8 kv heads
        QCOMPARE(shapeOf("model.layers.3.self_attn.v_proj.weight"), (S{128, 256}));
        QCOMPARE(shapeOf("model.layers.1.self_attn.o_proj.weight"), (S{256, 256}));
        QCOMPARE(shapeOf("model.layers.2.mlp.gate_proj.weight"), (S{688, 256}));
        QCOMPARE(shapeOf("model.layers.2.mlp.up_proj.weight"), (S{688, 256}));
        QCOMPARE(shapeOf("model.layers.2.mlp.down_proj.weight"), (S{256, 688}));
        QCOMPARE(shapeOf("model.layers.0.input_layernorm.weight"), (S{256}));
        QCOMPARE(shapeOf("model.layers.0.post_attention_layernorm.weight"), (S{256}));
        QCOMPARE(shapeOf("model.norm.weight"), (S{256}));
        QCOMPARE(shapeOf("lm_head.weight"), (S{1000, 256}));
        for (const auto& t : ckpt->tensors()) {
            QCOMPARE(t.dtype, qs::DType::F16);
            QCOMPARE(t.byteSize, static_cast<std::uint64_t>(t.numel()) * 2);
            const auto expected = t.shape.size() == 1                         ? qs::TensorRole::Norm
                                  : t.name.find("embed") != std::string::npos ? qs::TensorRole::Embedding
                                                                              : qs::TensorRole::Linear;
            QCOMPARE(t.role, expected);
        }
        QCOMPARE(ckpt->metadata().at("architecture"), std::string("llama"));
    }

    void sameSeedSameBytesDifferentSeedDifferent()
    {
        qs::DemoModelConfig c;
        c.layers = 1;
        const auto a = qs::makeDemoCheckpoint(c);
        const auto b = qs::makeDemoCheckpoint(c);
        c.seed = 43;
        const auto other = qs::makeDemoCheckpoint(c);
        // Read b backwards: generation must not depend on the order of reads.
        std::vector<std::vector<std::byte>> fromB(b->tensors().size());
        for (std::size_t i = fromB.size(); i-- > 0;) fromB[i] = b->readRaw(i);
        for (std::size_t i = 0; i < a->tensors().size(); ++i) {
            QVERIFY2(a->readRaw(i) == fromB[i], a->tensors()[i].name.c_str());
            QVERIFY2(a->readRaw(i) != other->readRaw(i), a->tensors()[i].name.c_str());
        }
    }

    void identicalAtAnyThreadCount()
    {
        const auto ckpt = qs::makeDemoCheckpoint();
        const auto down = *ckpt->find("model.layers.1.mlp.down_proj.weight");
        qs::Matrix one;
        tbb::task_arena(1).execute([&] { one = ckpt->readMatrix(down); });
        qs::Matrix many;
        tbb::task_arena(4).execute([&] { many = ckpt->readMatrix(down); });
        QVERIFY(one.values == many.values);
    }

    void rawBytesAreTheF16OfTheMatrix()
    {
        const auto ckpt = qs::makeDemoCheckpoint();
        const auto i = *ckpt->find("model.layers.0.self_attn.v_proj.weight");
        const auto m = ckpt->readMatrix(i);
        const auto raw = ckpt->readRaw(i);
        QCOMPARE(raw.size(), m.values.size() * 2);
        for (std::size_t k = 0; k < m.values.size(); ++k) {
            std::uint16_t h;
            std::memcpy(&h, raw.data() + 2 * k, 2);
            QCOMPARE(qs::halfToFloat(h), m.values[k]);
        }
    }

    void weightsAreHeavyTailedWithFewOutliers()
    {
        const auto ckpt = qs::makeDemoCheckpoint();
        for (std::size_t i = 0; i < ckpt->tensors().size(); ++i) {
            const auto& t = ckpt->tensors()[i];
            if (t.shape.size() != 2) continue;
            const auto s = moments(ckpt->readMatrix(i));
            const auto what =
                QString::fromStdString(t.name) + QStringLiteral(": outliers %1 %, kurtosis %2, absmax/std %3")
                                                     .arg(100 * s.outlierFrac)
                                                     .arg(s.kurtosis)
                                                     .arg(s.absMax / s.stddev);
            QVERIFY2(s.outlierFrac > 0.001 && s.outlierFrac < 0.01,
                     qPrintable(what));                             // EasyQuant: "under 1 %"
            QVERIFY2(s.kurtosis > 4.0, qPrintable(what));           // a Gaussian has 3
            QVERIFY2(s.absMax / s.stddev > 6.0, qPrintable(what));  // planted outliers reach far
            if (t.role == qs::TensorRole::Linear) {
                // std ≈ gain / sqrt(fan_in): within a factor of 2 of 1/sqrt(fan_in)
                const double expected = 1.0 / std::sqrt(static_cast<double>(t.shape[1]));
                QVERIFY2(s.stddev > 0.5 * expected && s.stddev < 2.0 * expected, qPrintable(what));
            }
            if (i < 3) qInfo("%s", qPrintable(what));
        }
    }

    void writesTheSameBytesAsSafetensors()
    {
        qs::DemoModelConfig c;
        c.layers = 1;
        c.vocabSize = 100;
        QTemporaryDir dir;
        const auto path = std::filesystem::path(dir.filePath("demo.safetensors").toStdString());
        qs::writeDemoSafetensors(path, c);
        const auto demo = qs::makeDemoCheckpoint(c);
        const auto file = qs::openCheckpoint(path);
        QCOMPARE(file->format(), std::string_view("safetensors"));
        QCOMPARE(file->tensors().size(), demo->tensors().size());
        for (std::size_t i = 0; i < demo->tensors().size(); ++i) {
            const auto j = file->find(demo->tensors()[i].name);
            QVERIFY(j);
            QCOMPARE(file->tensors()[*j].shape, demo->tensors()[i].shape);
            QVERIFY(file->readRaw(*j) == demo->readRaw(i));
        }
        QCOMPARE(file->metadata().at("seed"), std::string("42"));
    }

    void normsAreNearOne()
    {
        const auto ckpt = qs::makeDemoCheckpoint();
        const auto m = ckpt->readMatrix(*ckpt->find("model.norm.weight"));
        QCOMPARE(m.rows, std::int64_t(256));
        QCOMPARE(m.cols, std::int64_t(1));
        const auto s = moments(m);
        QVERIFY(std::fabs(s.mean - 1.0) < 0.05);
    }

    void rejectsImpossibleShapes()
    {
        qs::DemoModelConfig c;
        c.heads = 7;  // 256 is not a multiple of 7
        QVERIFY_THROWS_EXCEPTION(qs::InvalidArgument, qs::makeDemoCheckpoint(c));
        c = {};
        c.dim = 0;
        QVERIFY_THROWS_EXCEPTION(qs::InvalidArgument, qs::makeDemoCheckpoint(c));
        c = {};
        c.kvHeads = 3;
        QVERIFY_THROWS_EXCEPTION(qs::InvalidArgument, qs::makeDemoCheckpoint(c));
        c = {};
        c.dim = 1 << 20;
        c.vocabSize = 1 << 20;
        QVERIFY_THROWS_EXCEPTION(qs::InvalidArgument, qs::makeDemoCheckpoint(c));
        const auto ckpt = qs::makeDemoCheckpoint();
        QVERIFY_THROWS_EXCEPTION(qs::InvalidArgument, ckpt->readMatrix(ckpt->tensors().size()));
    }
};

QTEST_APPLESS_MAIN(TestDemoModel)
#include "test_demo_model.moc"
