#include "quantscope/error.h"
#include "quantscope/io/checkpoint.h"
#include "quantscope/io/safetensors_writer.h"
#include "quantscope/models/llama_eval.h"
#include "quantscope/models/llama_loader.h"
#include "quantscope/models/llama_quant.h"
#include "models/llama_impl.h"
#include "test_data.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>
#include <fstream>

// The full-file check evaluates 380,662 tokens: fine in Release, too slow under ASan Debug.
#if defined(QS_SANITIZED) || defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

using namespace qs;

namespace {

const std::string kGreedyStart =
    "Once upon a time, there was a little girl named Lily. She loved to play outside in the park.";

LlamaModel loadModel(const std::filesystem::path& path)
{
    const auto ckpt = openCheckpoint(path);
    return loadLlamaModel(*ckpt, inspectLlamaCheckpoint(*ckpt));
}

// A llama2.c checkpoint re-exposed under Hugging Face names, with q/k rows permuted the way
// transformers' convert_llama_weights_to_hf.py does, and no metadata (config.json instead).
class HfView final : public Checkpoint {
public:
    HfView(std::unique_ptr<Checkpoint> src, const std::filesystem::path& fakePath, int heads, int kvHeads)
        : Checkpoint(fakePath), m_src(std::move(src)), m_heads(heads), m_kvHeads(kvHeads)
    {
        for (const auto& t : m_src->tensors()) {
            TensorInfo info = t;
            info.name = llamaTensorName(t.name, LlamaNaming::HuggingFace);
            m_tensors.push_back(info);
        }
    }
    std::string_view format() const noexcept override { return "test-hf"; }
    Matrix readMatrix(std::size_t i) const override
    {
        const auto& name = m_src->tensors()[i].name;
        Matrix m = m_src->readMatrix(i);
        if (name.find("attention.wq") != std::string::npos)
            return permuteRopeRows(m, m_heads, LlamaNaming::Meta, LlamaNaming::HuggingFace);
        if (name.find("attention.wk") != std::string::npos)
            return permuteRopeRows(m, m_kvHeads, LlamaNaming::Meta, LlamaNaming::HuggingFace);
        return m;
    }
    std::vector<std::byte> readRaw(std::size_t i) const override { return m_src->readRaw(i); }

private:
    std::unique_ptr<Checkpoint> m_src;
    int m_heads;
    int m_kvHeads;
};

// Only the tensors whose name contains `keep`, each scaled by `factor`: a stand-in for a file of
// dequantized weights.
class SubsetView final : public Checkpoint {
public:
    SubsetView(const Checkpoint& src, const std::string& keep, float factor)
        : Checkpoint(src.path().parent_path() / "subset"), m_src(src), m_factor(factor)
    {
        for (std::size_t i = 0; i < src.tensors().size(); ++i)
            if (src.tensors()[i].name.find(keep) != std::string::npos) {
                m_tensors.push_back(src.tensors()[i]);
                m_index.push_back(i);
            }
    }
    std::string_view format() const noexcept override { return "test-subset"; }
    Matrix readMatrix(std::size_t i) const override
    {
        Matrix m = m_src.readMatrix(m_index.at(i));
        for (float& v : m.values) v *= m_factor;
        return m;
    }
    std::vector<std::byte> readRaw(std::size_t i) const override { return m_src.readRaw(m_index.at(i)); }

private:
    const Checkpoint& m_src;
    float m_factor;
    std::vector<std::size_t> m_index;
};

}  // namespace

class TestLlamaModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void configFromLlama2cHeader()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        const auto ckpt = openCheckpoint(path);
        const auto info = inspectLlamaCheckpoint(*ckpt);
        QCOMPARE(info.naming, LlamaNaming::Meta);
        QCOMPARE(info.config.dim, 64);
        QCOMPARE(info.config.hiddenDim, 172);
        QCOMPARE(info.config.layers, 5);
        QCOMPARE(info.config.heads, 8);
        QCOMPARE(info.config.kvHeads, 4);
        QCOMPARE(info.config.vocabSize, 512);
        QVERIFY(info.config.sharedClassifier);
        QCOMPARE(info.config.rope, RopeStyle::Interleaved);
    }

    void greedyDecodingFromBothFormats()
    {
        QS_REQUIRE_DATA(legacy, "llm/stories260K.bin");
        QS_REQUIRE_DATA(v1, "llm/stories260K_v1.bin");
        QS_REQUIRE_DATA(tokPath, "llm/tok512.bin");
        const LlamaTokenizer tok(tokPath);
        const auto a = generateGreedy(loadModel(legacy), 40);
        const auto b = generateGreedy(loadModel(v1), 40);
        QCOMPARE(a, b);
        const auto text = tok.decode(a);
        QVERIFY2(text.rfind(kGreedyStart, 0) == 0, text.c_str());
    }

    void nllOfFirst40Paragraphs()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        QS_REQUIRE_DATA(v1, "llm/stories260K_v1.bin");
        QS_REQUIRE_DATA(tokPath, "llm/tok512.bin");
        QS_REQUIRE_DATA(text, "text/tinystories_val.txt");
        const LlamaTokenizer tok(tokPath);
        PerplexityOptions o;
        o.maxParagraphs = 40;
        const auto r = evaluatePerplexity(loadModel(path), tok, text, o);
        QCOMPARE(r.sequences, std::int64_t(40));
        QCOMPARE(r.tokens, std::int64_t(4059));
        QVERIFY2(std::abs(r.nll - 1.3565) <= 0.0005, qPrintable(QString::number(r.nll, 'f', 6)));
        QVERIFY(std::abs(r.ppl - std::exp(r.nll)) < 1e-12);
        // The v1 file holds the same weights: bit-identical result.
        const auto r1 = evaluatePerplexity(loadModel(v1), tok, text, o);
        QCOMPARE(r1.nll, r.nll);
    }

    void nllOfWholeFile()
    {
        if (kSanitized) QSKIP("380,662-token evaluation skipped in sanitized builds");
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        QS_REQUIRE_DATA(tokPath, "llm/tok512.bin");
        QS_REQUIRE_DATA(text, "text/tinystories_val.txt");
        const auto r = evaluatePerplexity(loadModel(path), LlamaTokenizer(tokPath), text);
        QCOMPARE(r.tokens, std::int64_t(380662));
        QVERIFY2(std::abs(r.nll - 1.6810) <= 0.0005, qPrintable(QString::number(r.nll, 'f', 6)));
        QVERIFY2(std::abs(r.ppl - 5.371) <= 0.003, qPrintable(QString::number(r.ppl, 'f', 4)));
    }

    void sequenceAtOnceEqualsTokenByToken()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        QS_REQUIRE_DATA(tokPath, "llm/tok512.bin");
        const auto model = loadModel(path);
        const LlamaTokenizer tok(tokPath);
        const auto ids = tok.encode("Tom had a red ball. He threw it to his dog, and the dog ran after it.");
        const Matrix all = model.forward(ids);
        LlamaModel::Session session(model);
        // Different summation orders (matrix-matrix vs matrix-vector products): equal to 1e-5
        // relative to the logit scale of each position.
        float worst = 0;
        for (std::size_t t = 0; t < ids.size(); ++t) {
            const auto logits = session.step(ids[t]);
            const auto ref = all.row(std::int64_t(t));
            float scale = 1;
            for (float v : ref) scale = std::max(scale, std::abs(v));
            for (std::size_t v = 0; v < ref.size(); ++v) worst = std::max(worst, std::abs(logits[v] - ref[v]) / scale);
        }
        QVERIFY2(worst <= 1e-5f, qPrintable(QString::number(double(worst))));
        QCOMPARE(session.position(), int(ids.size()));
        const double a = model.sequenceNll(ids), b = model.sequenceNllIncremental(ids);
        QVERIFY2(std::abs(a - b) <= 1e-5 * double(ids.size()), qPrintable(QString::number(a - b)));
        // 300 positions: the session's cache grows (64 -> 128 -> 256 -> 512) on the way.
        std::string story;
        for (int i = 0; i < 12; ++i) story += "The little dog ran to the park and played with a red ball all day. ";
        auto longIds = tok.encode(story);
        longIds.resize(300);
        const double la = model.sequenceNll(longIds), lb = model.sequenceNllIncremental(longIds);
        QVERIFY2(std::abs(la - lb) <= 1e-5 * double(longIds.size()), qPrintable(QString::number(la - lb)));
    }

    void identicalAtAnyThreadCount()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        QS_REQUIRE_DATA(tokPath, "llm/tok512.bin");
        QS_REQUIRE_DATA(text, "text/tinystories_val.txt");
        const auto model = loadModel(path);
        const LlamaTokenizer tok(tokPath);
        PerplexityOptions o;
        o.maxParagraphs = 32;
        const auto seqs = encodeParagraphs(tok, readParagraphs(text), o);
        o.threads = 1;
        const auto one = evaluateSequences(model, seqs, o);
        o.threads = 2;
        const auto four = evaluateSequences(model, seqs, o);
        QCOMPARE(one.tokens, four.tokens);
        QVERIFY(std::memcmp(&one.nll, &four.nll, sizeof(double)) == 0);
    }

    // The run-time-selected fast kernels (AVX2+FMA where the CPU has them) against the plain
    // Eigen reference: same logits to float rounding, same NLL to 1e-5 per token.
    void fastKernelsMatchTheReference()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        QS_REQUIRE_DATA(tokPath, "llm/tok512.bin");
        QS_REQUIRE_DATA(text, "text/tinystories_val.txt");
        if (!llamaAvx2Kernels()) QSKIP("no AVX2+FMA on this CPU: only the reference kernels exist");
        const auto fast = loadModel(path);
        llamaForceReferenceKernels(true);
        const auto reference = loadModel(path);
        llamaForceReferenceKernels(false);
        const LlamaTokenizer tok(tokPath);
        PerplexityOptions o;
        o.maxParagraphs = 6;
        const auto seqs = encodeParagraphs(tok, readParagraphs(text), o);
        for (const auto& s : seqs) {
            const Matrix a = fast.forward(s), b = reference.forward(s);
            float worst = 0, scale = 1;
            for (std::size_t i = 0; i < a.values.size(); ++i) {
                worst = std::max(worst, std::abs(a.values[i] - b.values[i]));
                scale = std::max(scale, std::abs(b.values[i]));
            }
            QVERIFY2(worst <= 2e-5f * scale, qPrintable(QString::number(double(worst))));
            QVERIFY(std::abs(fast.sequenceNll(s) - reference.sequenceNll(s)) <= 1e-5 * double(s.size()));
        }
        // Odd shapes: a head size of 16, hidden 20 (tails of 8-wide tiles), one layer.
        LlamaConfig c;
        c.dim = 32; c.hiddenDim = 20; c.layers = 1; c.heads = 2; c.kvHeads = 1; c.vocabSize = 37; c.seqLen = 40;
        auto weights = [](const LlamaWeightSlot& slot) {
            Matrix m(slot.rows, slot.cols);
            std::uint32_t state = 12345u + static_cast<std::uint32_t>(slot.name.size());
            for (float& v : m.values) {
                state = state * 1664525u + 1013904223u;
                v = (float(state >> 8) / float(1 << 24) - 0.5f) * (slot.rows == 1 ? 0.2f : 0.6f) + (slot.rows == 1 ? 1.0f : 0.0f);
            }
            return m;
        };
        const LlamaModel f2(c, weights);
        llamaForceReferenceKernels(true);
        const LlamaModel r2(c, weights);
        llamaForceReferenceKernels(false);
        std::vector<int> ids;
        for (int i = 0; i < 29; ++i) ids.push_back((i * 7 + 3) % 37);
        const Matrix a = f2.forward(ids), b = r2.forward(ids);
        for (std::size_t i = 0; i < a.values.size(); ++i) QVERIFY(std::abs(a.values[i] - b.values[i]) <= 1e-4f);
    }

    // Hugging Face names + config.json + rotate-half RoPE on permuted q/k give the same model.
    void huggingFaceNamingAndRope()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        QS_REQUIRE_DATA(tokPath, "llm/tok512.bin");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::filesystem::path root = dir.path().toStdString();
        {
            std::ofstream cfg(root / "config.json");
            cfg << R"({"model_type": "llama", "hidden_size": 64, "intermediate_size": 172,
                       "num_hidden_layers": 5, "num_attention_heads": 8, "num_key_value_heads": 4,
                       "vocab_size": 512, "max_position_embeddings": 512, "rms_norm_eps": 1e-5,
                       "tie_word_embeddings": true})";
        }
        HfView hf(openCheckpoint(path), root / "model.safetensors", 8, 4);
        const auto info = inspectLlamaCheckpoint(hf);
        QCOMPARE(info.naming, LlamaNaming::HuggingFace);
        QCOMPARE(info.config.rope, RopeStyle::HalfSplit);
        QVERIFY(info.config.sharedClassifier);
        const auto hfModel = loadLlamaModel(hf, info);
        const auto metaModel = loadModel(path);
        const LlamaTokenizer tok(tokPath);
        QCOMPARE(generateGreedy(hfModel, 30), generateGreedy(metaModel, 30));
        const auto ids = tok.encode("The cat sat on the mat and looked at the big blue sky.");
        QVERIFY(std::abs(hfModel.sequenceNll(ids) - metaModel.sequenceNll(ids)) < 1e-4);
        // The name maps both ways.
        QCOMPARE(llamaTensorName("layers.3.feed_forward.w2.weight", LlamaNaming::HuggingFace),
                 std::string("model.layers.3.mlp.down_proj.weight"));
        QVERIFY(findLlamaTensor(hf, "layers.3.attention.wk.weight", LlamaNaming::Meta)->second ==
                LlamaNaming::HuggingFace);
    }

    // --quantized FILE: weights taken by name, under either naming, q/k rows permuted across
    // RoPE layouts; tensors the file lacks stay original.
    void replacementWeightsByName()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        QS_REQUIRE_DATA(v1, "llm/stories260K_v1.bin");
        QS_REQUIRE_DATA(tokPath, "llm/tok512.bin");
        const auto ckpt = openCheckpoint(path);
        const auto info = inspectLlamaCheckpoint(*ckpt);
        const auto original = loadLlamaModel(*ckpt, info);
        const LlamaTokenizer tok(tokPath);
        const auto ids = tok.encode("Lily found a shiny stone in the garden and showed it to her mom.");
        const double ref = original.sequenceNll(ids);

        const auto same = openCheckpoint(v1);
        LlamaReplacementReport report;
        const auto fromV1 = loadLlamaWithReplacements(*ckpt, info, *same, &report);
        QCOMPARE(report.replaced.size(), llamaWeightSlots(info.config).size());
        QVERIFY(report.kept.empty());
        QCOMPARE(fromV1.sequenceNll(ids), ref);

        QTemporaryDir dir;
        HfView hf(openCheckpoint(path), std::filesystem::path(dir.path().toStdString()) / "m.safetensors", 8, 4);
        const auto fromHf = loadLlamaWithReplacements(*ckpt, info, hf, &report);
        QCOMPARE(report.replaced.size(), llamaWeightSlots(info.config).size());
        QVERIFY(std::abs(fromHf.sequenceNll(ids) - ref) < 1e-9);  // permuted back exactly

        const SubsetView halfW2(*ckpt, "feed_forward.w2", 0.5f);
        const auto changed = loadLlamaWithReplacements(*ckpt, info, halfW2, &report);
        QCOMPARE(report.replaced.size(), std::size_t(5));
        QVERIFY(std::abs(changed.sequenceNll(ids) - ref) > 1e-3);

        const SubsetView nothing(*ckpt, "no-such-tensor", 1.0f);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, loadLlamaWithReplacements(*ckpt, info, nothing));
    }

    // A real Hugging Face layout on disk: model.safetensors (HF names, q/k permuted as
    // convert_llama_weights_to_hf.py does, no lm_head) + config.json, read by the safetensors
    // reader. Same greedy tokens and the reference NLL; the file also works as --quantized input
    // for the llama2.c model.
    void huggingFaceSafetensorsOnDisk()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        QS_REQUIRE_DATA(tokPath, "llm/tok512.bin");
        QS_REQUIRE_DATA(text, "text/tinystories_val.txt");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::filesystem::path root = dir.path().toStdString();
        const auto src = openCheckpoint(path);
        const HfView hf(openCheckpoint(path), root / "model.safetensors", 8, 4);
        {
            SafetensorsWriter w(root / "model.safetensors");
            for (std::size_t i = 0; i < hf.tensors().size(); ++i) {
                const Matrix m = hf.readMatrix(i);
                w.addTensor(hf.tensors()[i].name, hf.tensors()[i].shape, m.values);
            }
            w.commit();
            std::ofstream cfg(root / "config.json");
            cfg << R"({"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 64,
                       "intermediate_size": 172, "num_hidden_layers": 5, "num_attention_heads": 8,
                       "num_key_value_heads": 4, "vocab_size": 512, "max_position_embeddings": 512,
                       "rms_norm_eps": 1e-05, "rope_theta": 10000.0, "tie_word_embeddings": true,
                       "torch_dtype": "float32"})";
        }
        const auto file = openCheckpoint(root / "model.safetensors");
        QCOMPARE(file->format(), std::string_view("safetensors"));
        const auto info = inspectLlamaCheckpoint(*file);
        QCOMPARE(info.naming, LlamaNaming::HuggingFace);
        QCOMPARE(info.config.rope, RopeStyle::HalfSplit);
        const auto model = loadLlamaModel(*file, info);
        QCOMPARE(generateGreedy(model, 40), generateGreedy(loadModel(path), 40));
        PerplexityOptions o;
        o.maxParagraphs = 40;
        const auto r = evaluatePerplexity(model, LlamaTokenizer(tokPath), text, o);
        QCOMPARE(r.tokens, std::int64_t(4059));
        QVERIFY2(std::abs(r.nll - 1.3565) <= 0.0005, qPrintable(QString::number(r.nll, 'f', 6)));

        LlamaReplacementReport report;
        const auto srcInfo = inspectLlamaCheckpoint(*src);
        const auto replaced = loadLlamaWithReplacements(*src, srcInfo, *file, &report);
        QCOMPARE(report.replaced.size(), llamaWeightSlots(srcInfo.config).size());
        const auto ids = LlamaTokenizer(tokPath).encode("Once upon a time, a cat sat on a mat.");
        QCOMPARE(replaced.sequenceNll(ids), loadModel(path).sequenceNll(ids));
    }

    void rejectsBadInput()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        const auto model = loadModel(path);
        const std::vector<int> badToken{1, 600};
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, model.sequenceNll(badToken));
        const std::vector<int> tooLong(513, 1);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, model.forward(tooLong));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, model.forward({}));
        // A weight of the wrong shape names the tensor.
        const auto ckpt = openCheckpoint(path);
        const auto info = inspectLlamaCheckpoint(*ckpt);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, LlamaModel(info.config, [&](const LlamaWeightSlot& s) {
                                     Matrix m = readLlamaWeight(*ckpt, info, s);
                                     if (s.name == "layers.2.attention.wv.weight") m.rows /= 2;
                                     return m;
                                 }));
        LlamaConfig bad = info.config;
        bad.kvHeads = 3;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, validate(bad));
        QVERIFY_THROWS_EXCEPTION(FormatError, parseHfLlamaConfig("{\"hidden_size\": 64", "c.json"));
        QVERIFY_THROWS_EXCEPTION(FormatError, parseHfLlamaConfig(R"({"hidden_size": "x"})", "c.json"));
        QVERIFY_THROWS_EXCEPTION(UnsupportedError, parseHfLlamaConfig(R"({"model_type": "gpt2"})", "c.json"));
    }

    void paragraphSplitting()
    {
        const auto p = splitParagraphs("  First line.\nSame paragraph. \n\n\n\nSecond.\n \nStill second.\n\n\n");
        QCOMPARE(p.size(), std::size_t(2));
        QCOMPARE(p[0], std::string("First line.\nSame paragraph."));
        QCOMPARE(p[1], std::string("Second.\n \nStill second."));
        QVERIFY(splitParagraphs("\n\n \n\n").empty());
    }
};

QTEST_APPLESS_MAIN(TestLlamaModel)
#include "test_llama_model.moc"
