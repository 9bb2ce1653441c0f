// The model-level job: which tensors are quantized (defaults, head names, rules), streaming in
// catalog order, element-weighted totals, progress and cancellation, and byte-identical results
// at 1 and N threads.

#include "quantscope/error.h"
#include "quantscope/io/checkpoint.h"
#include "quantscope/models/demo_model.h"
#include "quantscope/quant/model_job.h"
#include "quantscope/quant/quantize.h"
#include "quantscope/quant/tensor_rules.h"
#include "test_data.h"

#include <QTest>

#include <cmath>
#include <cstring>

namespace {

qs::TensorInfo tensor(std::string name, std::vector<std::int64_t> shape, qs::DType dtype = qs::DType::F16)
{
    qs::TensorInfo t;
    t.name = std::move(name);
    t.shape = std::move(shape);
    t.dtype = dtype;
    t.role = qs::guessRole(t.name, t.shape);
    return t;
}

std::optional<qs::QuantSettings> decide(const qs::TensorInfo& t, const qs::ModelQuantSettings& s,
                                        std::string* why = nullptr)
{
    std::string reason;
    auto r = qs::effectiveSettings(t, s, reason);
    if (why) *why = reason;
    return r;
}

/// Wraps a checkpoint and records every readMatrix call, to check the job streams.
class RecordingCheckpoint final : public qs::Checkpoint {
public:
    explicit RecordingCheckpoint(std::unique_ptr<qs::Checkpoint> inner)
        : Checkpoint(inner->path()), m_inner(std::move(inner))
    {
        m_tensors = m_inner->tensors();
    }
    std::string_view format() const noexcept override { return m_inner->format(); }
    qs::Matrix readMatrix(std::size_t i) const override
    {
        reads.push_back(i);
        return m_inner->readMatrix(i);
    }
    std::vector<std::byte> readRaw(std::size_t i) const override { return m_inner->readRaw(i); }
    mutable std::vector<std::size_t> reads;

private:
    std::unique_ptr<qs::Checkpoint> m_inner;
};

std::unique_ptr<qs::Checkpoint> smallDemo()
{
    qs::DemoModelConfig c;
    c.dim = 64;
    c.hiddenDim = 172;  // like stories260K: a short last group at G = 32
    c.layers = 2;
    c.heads = 4;
    c.kvHeads = 2;
    c.vocabSize = 128;
    return qs::makeDemoCheckpoint(c);
}

template <typename T>
void appendBytes(std::string& out, const std::vector<T>& v)
{
    out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

template <typename T>
void appendValue(std::string& out, const T& v)
{
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

/// Everything the job produces, as bytes: what the sink sees and the metrics.
std::string runToBytes(const qs::Checkpoint& ckpt, qs::ModelQuantSettings s)
{
    std::string bytes;
    const auto sink = [&](const qs::TensorOutcome& o, const qs::Matrix&, const qs::QuantizedTensor& q) {
        bytes += o.name;
        appendBytes(bytes, q.codes);
        appendBytes(bytes, q.scales);
        appendBytes(bytes, q.offsets);
        appendBytes(bytes, q.outlierIndex);
        appendBytes(bytes, q.outlierHalf);
        const auto& m = o.metrics;
        for (double d : {m.mse, m.relErr, m.sqnrDb, m.maxAbsErr, m.cosine, m.outlierFrac, m.bpw})
            appendValue(bytes, d);
    };
    const auto r = qs::quantizeModel(ckpt, s, {}, sink);
    const auto& t = r.totals;
    for (double d : {t.mse, t.relErr, t.sqnrDb, t.maxAbsErr, t.cosine, t.outlierFrac, t.bpw})
        appendValue(bytes, d);
    appendValue(bytes, t.outliers);
    return bytes;
}

}  // namespace

class TestModelJob : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void defaultsQuantizeLinearAndConvOnly()
    {
        const qs::ModelQuantSettings s;
        std::string why;
        QVERIFY(decide(tensor("model.layers.0.self_attn.q_proj.weight", {256, 256}), s, &why));
        QCOMPARE(why, std::string("linear weight"));
        QVERIFY(decide(tensor("features.0.weight", {64, 3, 3, 3}), s, &why));
        QCOMPARE(why, std::string("conv weight"));
        QVERIFY(!decide(tensor("model.layers.0.input_layernorm.weight", {256}), s, &why));
        QVERIFY(why.find("norm") != std::string::npos);
        QVERIFY(!decide(tensor("encoder.layer.0.attention.self.query.bias", {768}), s, &why));
        QVERIFY(why.find("bias") != std::string::npos);
        QVERIFY(!decide(tensor("model.embed_tokens.weight", {1000, 256}), s, &why));
        QVERIFY(why.find("embedding") != std::string::npos);
        QVERIFY(!decide(tensor("lm_head.weight", {1000, 256}), s, &why));
        QVERIFY(why.find("output head") != std::string::npos);
        QVERIFY(!decide(tensor("position_ids", {1, 512}, qs::DType::I64), s, &why));
        QVERIFY(why.find("integer") != std::string::npos);
        QVERIFY(!decide(tensor("empty.weight", {0, 16}), s));
    }

    void embeddingsAndHeadWhenEnabled()
    {
        qs::ModelQuantSettings s;
        s.quantizeEmbeddings = true;
        QVERIFY(decide(tensor("tok_embeddings.weight", {512, 64}), s));
        QVERIFY(!decide(tensor("output.weight", {512, 64}), s));
        s.quantizeOutputHead = true;
        std::string why;
        QVERIFY(decide(tensor("output.weight", {512, 64}), s, &why));
        QCOMPARE(why, std::string("output head"));
        // GPT-NeoX's head contains "embed" but is a head, not an embedding.
        s.quantizeEmbeddings = false;
        QVERIFY(decide(tensor("embed_out.weight", {512, 64}), s));
    }

    void outputHeadNames()
    {
        for (const char* n :
             {"output.weight", "lm_head.weight", "model.lm_head.weight", "wcls", "classifier.weight",
              "bert.classifier.weight", "head.weight", "heads.head.weight", "embed_out.weight"})
            QVERIFY2(qs::isOutputHeadName(n), n);
        for (const char* n :
             {"layers.0.attention.output.weight", "attn_head.weight", "lm_head.bias",
              "model.layers.0.mlp.down_proj.weight", "classifier.1.weight", "multihead.weight"})
            QVERIFY2(!qs::isOutputHeadName(n), n);
    }

    void rulesApplyInOrderLaterWins()
    {
        qs::ModelQuantSettings s;
        s.defaults.bits = 4;
        s.rules = {qs::parseTensorRule("mlp=3"), qs::parseTensorRule("down_proj=bits=8,rtn"),
                   qs::parseTensorRule("layers\\.1\\.=skip"),
                   qs::parseTensorRule("layers\\.1\\.mlp\\.down=group=64")};
        const auto down0 = tensor("model.layers.0.mlp.down_proj.weight", {256, 688});
        auto q = decide(down0, s);
        QVERIFY(q);
        QCOMPARE(q->bits, 8);
        QCOMPARE(q->method, qs::QuantMethod::Rtn);
        q = decide(tensor("model.layers.0.mlp.up_proj.weight", {688, 256}), s);
        QCOMPARE(q->bits, 3);
        QCOMPARE(q->method, qs::QuantMethod::EasyQuant);
        std::string why;
        QVERIFY(!decide(tensor("model.layers.1.self_attn.q_proj.weight", {256, 256}), s, &why));
        QCOMPARE(why, std::string("skipped by rule 3 'layers\\.1\\.'"));
        // A later rule brings a skipped tensor back, and a group size switches to per-group.
        q = decide(tensor("model.layers.1.mlp.down_proj.weight", {256, 688}), s, &why);
        QVERIFY(q);
        QCOMPARE(q->granularity, qs::Granularity::PerGroup);
        QCOMPARE(q->groupSize, std::int64_t(64));
        QCOMPARE(q->bits, 8);
        QVERIFY2(why.find("rule 4") != std::string::npos && why.find("rule 2") != std::string::npos,
                 why.c_str());
    }

    void rulesNeverTouchNormsOrEnableEmbeddings()
    {
        qs::ModelQuantSettings s;
        s.rules = {qs::parseTensorRule(".*=8")};
        QVERIFY(!decide(tensor("model.norm.weight", {256}), s));
        QVERIFY(!decide(tensor("model.embed_tokens.weight", {1000, 256}), s));
        QCOMPARE(decide(tensor("model.layers.0.mlp.up_proj.weight", {688, 256}), s)->bits, 8);
    }

    void ruleSigmaAndBadSettings()
    {
        qs::ModelQuantSettings s;
        s.rules = {qs::parseTensorRule("q_proj=sigma=2.5")};
        QCOMPARE(decide(tensor("a.q_proj.weight", {8, 8}), s)->sigma, 2.5);
        s.rules = {qs::TensorRule{"q_proj", false, std::nullopt, 9, std::nullopt, std::nullopt}};
        QVERIFY_THROWS_EXCEPTION(qs::InvalidArgument, decide(tensor("a.q_proj.weight", {8, 8}), s));
        s.rules = {qs::TensorRule{"(unclosed", true, {}, {}, {}, {}}};
        QVERIFY_THROWS_EXCEPTION(qs::InvalidArgument, decide(tensor("a.weight", {8, 8}), s));
    }

    void parsesRuleText()
    {
        auto r = qs::parseTensorRule("attn\\.(q|k)_proj=rtn-mse,3");
        QCOMPARE(r.pattern, std::string("attn\\.(q|k)_proj"));
        QCOMPARE(*r.method, qs::QuantMethod::RtnMse);
        QCOMPARE(*r.bits, 3);
        QCOMPARE(qs::ruleSpecText(r), std::string("method=rtn-mse,bits=3"));
        r = qs::parseTensorRule("x = method=easyquant, bits=5, group=32, sigma=2.75");
        QCOMPARE(qs::ruleSpecText(r), std::string("method=easyquant,bits=5,group=32,sigma=2.75"));
        QVERIFY(qs::parseTensorRule("layers\\.0\\.=skip").skip);
        for (const char* bad : {"no-equals", "=3", "x=", "x=9", "x=1", "x=foo", "x=group=0", "x=sigma=abc",
                                "(bad=3", "x=skip,3", "x=3,,4", "x=method=gptq"}) {
            bool threw = false;
            try {
                qs::parseTensorRule(bad);
            } catch (const qs::InvalidArgument& e) {
                threw = std::string(e.what()).find(bad) != std::string::npos;  // names the rule
            }
            QVERIFY2(threw, bad);
        }
    }

    void streamsInCatalogOrderOneReadPerTensor()
    {
        RecordingCheckpoint ckpt(smallDemo());
        qs::ModelQuantSettings s;
        s.defaults.method = qs::QuantMethod::Rtn;
        std::vector<std::size_t> sunk;
        const auto r = qs::quantizeModel(
            ckpt, s, {}, [&](const qs::TensorOutcome& o, const qs::Matrix& w, const qs::QuantizedTensor& q) {
                sunk.push_back(o.index);
                QCOMPARE(w.rows, q.rows);
                QCOMPARE(w.cols, q.cols);
                QVERIFY(o.quantized);
            });
        QCOMPARE(r.tensors.size(), ckpt.tensors().size());
        std::vector<std::size_t> expected;
        std::int64_t params = 0, quantized = 0;
        for (std::size_t i = 0; i < r.tensors.size(); ++i) {
            QCOMPARE(r.tensors[i].index, i);
            QCOMPARE(r.tensors[i].name, ckpt.tensors()[i].name);
            params += ckpt.tensors()[i].numel();
            if (r.tensors[i].quantized) {
                expected.push_back(i);
                quantized += ckpt.tensors()[i].numel();
            }
        }
        QCOMPARE(expected.size(), std::size_t(2 * 7));  // q, k, v, o, gate, up, down per block
        QCOMPARE(sunk, expected);
        QCOMPARE(ckpt.reads, expected);  // each tensor read once, in order: nothing held back
        QCOMPARE(r.quantizedParams, quantized);
        QCOMPARE(r.totalParams, params);
        QCOMPARE(r.totals.elements, quantized);
    }

    void totalsAreElementWeighted()
    {
        const auto ckpt = smallDemo();
        qs::ModelQuantSettings s;
        s.defaults.method = qs::QuantMethod::Rtn;
        s.defaults.bits = 3;
        double err = 0, energy = 0, bits = 0;
        std::int64_t n = 0;
        const auto r = qs::quantizeModel(
            *ckpt, s, {}, [&](const qs::TensorOutcome& o, const qs::Matrix& w, const qs::QuantizedTensor& q) {
                const auto m = qs::measure(w, q);
                QCOMPARE(o.metrics.relErr, m.relErr);  // per-tensor numbers are measure()'s
                QCOMPARE(o.metrics.bpw, m.bpw);
                err += m.mse * static_cast<double>(m.elements);
                for (float v : w.values) energy += static_cast<double>(v) * v;
                bits += m.bpw * static_cast<double>(m.elements);
                n += m.elements;
            });
        QVERIFY(std::fabs(r.totals.relErr - std::sqrt(err / energy)) < 1e-9 * r.totals.relErr);
        QVERIFY(std::fabs(r.totals.bpw - bits / static_cast<double>(n)) < 1e-12 * r.totals.bpw);
        QVERIFY(std::fabs(r.totals.sqnrDb - 10 * std::log10(energy / err)) < 1e-9);
        QVERIFY(r.totals.cosine > 0.9 && r.totals.cosine <= 1.0);
    }

    void identicalAtOneAndManyThreads()
    {
        const auto ckpt = smallDemo();
        qs::ModelQuantSettings s;  // easyquant, per channel
        s.rules = {qs::parseTensorRule("mlp=group=32"), qs::parseTensorRule("k_proj=rtn-mse")};
        s.threads = 1;
        const auto one = runToBytes(*ckpt, s);
        s.threads = 4;
        const auto four = runToBytes(*ckpt, s);
        s.threads = 0;
        const auto all = runToBytes(*ckpt, s);
        QVERIFY(one.size() > 100000);
        QVERIFY(one == four);
        QVERIFY(one == all);
    }

    void progressIsMonotonicAndBounded()
    {
        const auto ckpt = smallDemo();
        qs::ModelQuantSettings s;
        std::vector<double> seen;
        const auto r = qs::quantizeModel(*ckpt, s, [&](double f, std::string_view) {
            seen.push_back(f);
            return true;
        });
        QVERIFY(!seen.empty());
        QCOMPARE(seen.front(), 0.0);
        QCOMPARE(seen.back(), 1.0);
        for (std::size_t i = 1; i < seen.size(); ++i) QVERIFY(seen[i] >= seen[i - 1]);
        QVERIFY(seen.size() <= 14 + 256 + 1);  // tensor boundaries + at most 256 inner steps + done
        QVERIFY(r.totals.elements > 0);
    }

    void cancellationStopsWithinOneTensor()
    {
        const auto ckpt = smallDemo();
        qs::ModelQuantSettings s;
        int sunk = 0;
        bool stop = false;
        const auto progress = [&](double, std::string_view) { return !stop; };
        const auto sink = [&](const qs::TensorOutcome&, const qs::Matrix&, const qs::QuantizedTensor&) {
            if (++sunk == 2) stop = true;  // "cancel" pressed while tensor 2 is being written
        };
        QVERIFY_THROWS_EXCEPTION(qs::Cancelled, qs::quantizeModel(*ckpt, s, progress, sink));
        QCOMPARE(sunk, 2);  // the next tensor never reached the sink
    }

    void rejectsBadJobSettings()
    {
        const auto ckpt = smallDemo();
        qs::ModelQuantSettings s;
        s.threads = -1;
        QVERIFY_THROWS_EXCEPTION(qs::InvalidArgument, qs::quantizeModel(*ckpt, s));
        s.threads = 0;
        s.rules = {qs::TensorRule{"[", false, {}, 4, {}, {}}};
        QVERIFY_THROWS_EXCEPTION(qs::InvalidArgument, qs::quantizeModel(*ckpt, s));
        s.rules = {qs::parseTensorRule("no_such_tensor=3")};
        const auto r = qs::quantizeModel(*ckpt, s);
        QCOMPARE(r.warnings.size(), std::size_t(1));
        QVERIFY(r.warnings[0].find("no_such_tensor") != std::string::npos);
    }

    void realStories260K()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        const auto ckpt = qs::openCheckpoint(path);
        qs::ModelQuantSettings s;
        s.defaults.method = qs::QuantMethod::Rtn;
        auto r = qs::quantizeModel(*ckpt, s);
        int quantized = 0;
        for (const auto& t : r.tensors) {
            quantized += t.quantized ? 1 : 0;
            if (t.quantized) QVERIFY2(t.name.find(".w") != std::string::npos, t.name.c_str());
        }
        QCOMPARE(quantized, 5 * 7);  // wq wk wv wo w1 w2 w3 in 5 layers; shared classifier, no output.weight
        QVERIFY(r.totals.relErr > 0.01 && r.totals.relErr < 0.3);
        s.quantizeEmbeddings = true;
        r = qs::quantizeModel(*ckpt, s);
        QVERIFY(r.tensors[*ckpt->find("tok_embeddings.weight")].quantized);
    }
};

QTEST_APPLESS_MAIN(TestModelJob)
#include "test_model_job.moc"
