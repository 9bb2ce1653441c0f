// Export round trips: package, dequantized safetensors and GGUF, reopened with the project's
// readers; and the safety rules (never overwrite the input, no partial file on cancel/failure).
#include "io/gguf/gguf_file.h"
#include "quantscope/error.h"
#include "quantscope/io/checkpoint.h"
#include "quantscope/io/exporter.h"
#include "quantscope/io/package.h"
#include "quantscope/models/demo_model.h"
#include "quantscope/quant/quantize.h"
#include "quantscope/tensor/dtype.h"
#include "test_data.h"
#include "util/mapped_file.h"
#include "util/sha256.h"

#include <QTemporaryDir>
#include <QTest>

#include <cstring>

using namespace qs;
namespace fs = std::filesystem;

namespace {

ModelQuantSettings easyquant4()
{
    ModelQuantSettings s;
    s.defaults.method = QuantMethod::EasyQuant;
    s.defaults.bits = 4;
    s.defaults.solver = RangeSolver::Search;
    return s;
}

std::unique_ptr<Checkpoint> smallDemo()
{
    DemoModelConfig c;
    c.dim = 64;
    c.hiddenDim = 172;
    c.layers = 2;
    c.vocabSize = 100;
    return makeDemoCheckpoint(c);
}

ExportOptions as(ExportFormat f)
{
    ExportOptions o;
    o.format = f;
    return o;
}

std::size_t entries(const fs::path& dir)
{
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

class TestExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void formatTableAndExtensions()
    {
        QCOMPARE(exportFormatFromPath("m.qs.h5"), std::optional(ExportFormat::Package));
        QCOMPARE(exportFormatFromPath("m.safetensors"), std::optional(ExportFormat::Safetensors));
        QCOMPARE(exportFormatFromPath("m.gguf"), std::optional(ExportFormat::Gguf));
        QVERIFY(!exportFormatFromPath("m.h5").has_value());
        for (const auto& f : exportFormats()) QCOMPARE(exportFormatFromName(f.id), std::optional(f.format));
    }

    void packageReopensToTheInMemoryResult()
    {
        const auto ckpt = smallDemo();
        QTemporaryDir tmp;
        const fs::path out = fs::path(tmp.path().toStdString()) / "demo.qs.h5";
        const auto settings = easyquant4();
        const auto r = exportQuantized(*ckpt, settings, out, as(ExportFormat::Package));
        QVERIFY(r.quant.quantizedParams > 0);
        auto back = openCheckpoint(out);
        QCOMPARE(back->format(), std::string_view("quantscope-package"));
        QCOMPARE(back->tensors().size(), ckpt->tensors().size());
        int quantized = 0;
        for (std::size_t i = 0; i < ckpt->tensors().size(); ++i) {
            const auto& info = ckpt->tensors()[i];
            QCOMPARE(back->tensors()[i].name, info.name);  // catalog order kept
            QCOMPARE(back->tensors()[i].shape, info.shape);
            const auto& outcome = r.quant.tensors[i];
            if (outcome.quantized) {
                ++quantized;
                const auto expected = quantizeMatrix(ckpt->readMatrix(i), outcome.settings);
                const auto stored = readPackagedTensor(out, info.name);
                QCOMPARE(stored.codes, expected.codes);
                QCOMPARE(stored.scales, expected.scales);
                QCOMPARE(stored.outlierIndex, expected.outlierIndex);
                QCOMPARE(stored.outlierHalf, expected.outlierHalf);
                const auto a = back->readMatrix(i);
                const auto b = expected.dequantize();
                QVERIFY2(std::memcmp(a.values.data(), b.values.data(), b.values.size() * 4) == 0, info.name.c_str());
            } else {
                QCOMPARE(back->readRaw(i), ckpt->readRaw(i));
            }
        }
        QCOMPARE(quantized, 14);  // 2 blocks x 7 projections
        QVERIFY(back->metadata().at("provenance.config_json").find("easyquant") != std::string::npos);
    }

    void safetensorsHoldsDequantizedValuesAndExactCopies()
    {
        QS_REQUIRE_DATA(model, "llm/stories260K.bin");
        auto ckpt = openCheckpoint(model);
        QTemporaryDir tmp;
        const fs::path out = fs::path(tmp.path().toStdString()) / "s.safetensors";
        auto o = as(ExportFormat::Safetensors);
        o.floatDtype = DType::F16;
        const auto r = exportQuantized(*ckpt, easyquant4(), out, o);
        auto back = openCheckpoint(out);
        QCOMPARE(back->format(), std::string_view("safetensors"));
        QCOMPARE(back->metadata().at("quantscope.method"), std::string("easyquant"));
        for (const auto& outcome : r.quant.tensors) {
            const auto j = back->find(outcome.name);
            QVERIFY(j.has_value());
            if (!outcome.quantized) {  // untouched tensors: bit-for-bit copies
                QCOMPARE(back->tensors()[*j].dtype, DType::F32);
                QCOMPARE(back->readRaw(*j), ckpt->readRaw(outcome.index));
                continue;
            }
            QCOMPARE(back->tensors()[*j].dtype, DType::F16);
            const auto deq = quantizeMatrix(ckpt->readMatrix(outcome.index), outcome.settings).dequantize();
            const auto got = back->readMatrix(*j);
            for (std::size_t k = 0; k < deq.values.size(); ++k)
                QCOMPARE(got.values[k], halfToFloat(floatToHalf(deq.values[k])));
        }
        QCOMPARE(r.written.size(), std::size_t(35));
        for (const auto& w : r.written) QVERIFY2(!w.exact, w.name.c_str());  // F16 rounds Ŵ
        // F32 holds Ŵ itself.
        o.floatDtype = DType::F32;
        const auto f32 = exportQuantized(*ckpt, easyquant4(), fs::path(tmp.path().toStdString()) / "f.safetensors", o);
        for (const auto& w : f32.written) QVERIFY2(w.exact && w.relErr > 0, w.name.c_str());
    }

    void writtenSaysWhichTensorsAreExact()
    {
        // GGUF Q4_0 holds a uniform result itself when its codes fit (symmetric 4-bit, group 32,
        // no outliers) and a re-encoding otherwise; ffn_down's rows of 172 fall back to F16.
        QS_REQUIRE_DATA(model, "llm/stories260K.bin");
        QS_REQUIRE_DATA(tok, "llm/tok512.bin");
        auto ckpt = openCheckpoint(model);
        QTemporaryDir tmp;
        auto o = as(ExportFormat::Gguf);
        o.ggufType = DType::Q4_0;
        o.tokenizer = tok;
        auto fits = easyquant4();
        fits.defaults.granularity = Granularity::PerGroup;
        fits.defaults.groupSize = 32;
        fits.defaults.intRange = IntRange::Full;
        fits.defaults.sigma = 0;
        const auto exact = exportQuantized(*ckpt, fits, fs::path(tmp.path().toStdString()) / "exact.gguf", o);
        const auto reencoded = exportQuantized(*ckpt, easyquant4(), fs::path(tmp.path().toStdString()) / "re.gguf", o);
        int q4 = 0;
        for (const auto* r : {&exact, &reencoded}) {
            QCOMPARE(r->written.size(), std::size_t(35));
            for (const auto& w : r->written) {
                const bool isQ4 = w.storedAs == "Q4_0";
                QVERIFY2(w.exact == (isQ4 && r == &exact), w.name.c_str());
                q4 += isQ4 && r == &exact;
                // An exact tensor's written error is its quantization error.
                if (w.exact) {
                    const auto& t = *std::find_if(r->quant.tensors.begin(), r->quant.tensors.end(),
                                                  [&](const TensorOutcome& x) { return x.name == w.name; });
                    QVERIFY(std::abs(w.relErr - t.metrics.relErr) <= 1e-6 * t.metrics.relErr);
                }
            }
        }
        QCOMPARE(q4, 30);
        // The re-encoded export says how to get exact blocks; the exact one has nothing to say.
        auto says = [](const ExportResult& r) {
            return std::count_if(r.warnings.begin(), r.warnings.end(), [](const std::string& w) {
                return w.find("30 tensors were rounded a second time to fit Q4_0") != std::string::npos &&
                       w.find("--sigma 0") != std::string::npos;
            });
        };
        QCOMPARE(says(reencoded), 1);
        QCOMPARE(says(exact), 0);
        for (const auto& w : exact.warnings) QVERIFY2(w.find("second time") == std::string::npos, w.c_str());
        // A 4-bit result fits Q8_0 blocks too (levels -7..7 are int8): exact, and no warning that
        // it was re-encoded.
        ModelQuantSettings rtn4;
        rtn4.defaults.method = QuantMethod::Rtn;
        rtn4.defaults.bits = 4;
        auto q8 = o;
        q8.ggufType = DType::Q8_0;
        const auto narrow = exportQuantized(*ckpt, rtn4, fs::path(tmp.path().toStdString()) / "narrow.gguf", q8);
        for (const auto& w : narrow.written) QVERIFY2(w.exact == (w.storedAs == "Q8_0"), w.name.c_str());
        for (const auto& w : narrow.warnings)
            QVERIFY2(w.find("re-encoded") == std::string::npos && w.find("second time") == std::string::npos, w.c_str());
        const auto package = exportQuantized(*ckpt, easyquant4(), fs::path(tmp.path().toStdString()) / "p.qs.h5",
                                             as(ExportFormat::Package));
        for (const auto& w : package.written) QVERIFY(w.exact);
    }

    void ggufFollowsTheFormatAndLlamaConventions()
    {
        QS_REQUIRE_DATA(model, "llm/stories260K.bin");
        QS_REQUIRE_DATA(tok, "llm/tok512.bin");
        auto ckpt = openCheckpoint(model);
        QTemporaryDir tmp;
        const fs::path out = fs::path(tmp.path().toStdString()) / "s.gguf";
        auto o = as(ExportFormat::Gguf);
        o.ggufType = DType::Q8_0;
        o.tokenizer = tok;
        auto settings = easyquant4();
        settings.defaults.bits = 8;
        const auto r = exportQuantized(*ckpt, settings, out, o);

        const MappedFile f(out);
        const auto g = io::parseGguf(f.bytes(), out.string());
        QCOMPARE(g.version, 3u);
        QCOMPARE(g.tensors.size(), ckpt->tensors().size());
        QCOMPARE(*g.find("general.architecture")->asString(), std::string("llama"));
        QCOMPARE(g.find("llama.embedding_length")->asUInt().value(), std::uint64_t(64));
        QCOMPARE(g.find("llama.attention.head_count_kv")->asUInt().value(), std::uint64_t(4));
        QCOMPARE(g.find("llama.rope.dimension_count")->asUInt().value(), std::uint64_t(8));
        QCOMPARE(g.find("tokenizer.ggml.tokens")->array.count, std::uint64_t(512));
        QCOMPARE(std::string(g.find("tokenizer.ggml.tokens")->array.stringAt(1)), std::string("<s>"));
        auto back = openCheckpoint(out);
        const auto wq = back->find("blk.0.attn_q.weight");
        const auto w2 = back->find("blk.0.ffn_down.weight");
        QVERIFY(wq && w2);
        QCOMPARE(back->tensors()[*wq].dtype, DType::Q8_0);
        QCOMPARE(back->tensors()[*wq].shape, (std::vector<std::int64_t>{64, 64}));
        // hidden_dim 172 is not a multiple of 32: ffn_down falls back to F16, with a warning.
        QCOMPARE(back->tensors()[*w2].dtype, DType::F16);
        QCOMPARE(back->tensors()[*w2].shape, (std::vector<std::int64_t>{64, 172}));
        QVERIFY(std::any_of(r.warnings.begin(), r.warnings.end(),
                            [](const std::string& w) { return w.find("not a multiple of 32") != std::string::npos; }));
        // The written Q8_0 values decode to what the exporter says it wrote: compare errors.
        const auto orig = ckpt->readMatrix(*ckpt->find("layers.0.attention.wq.weight"));
        const auto written = back->readMatrix(*wq);
        double num = 0, den = 0;
        for (std::size_t k = 0; k < orig.values.size(); ++k) {
            num += std::pow(double(written.values[k]) - orig.values[k], 2);
            den += double(orig.values[k]) * orig.values[k];
        }
        const auto reported = std::find_if(r.written.begin(), r.written.end(),
                                           [](const auto& w) { return w.name == "layers.0.attention.wq.weight"; });
        QVERIFY(reported != r.written.end());
        QVERIFY(std::abs(reported->relErr - std::sqrt(num / den)) < 1e-9);
        QVERIFY(reported->relErr < 0.02);
    }

    void neverOverwritesTheInput()
    {
        QS_REQUIRE_DATA(model, "llm/stories260K.bin");
        QTemporaryDir tmp;
        const fs::path copy = fs::path(tmp.path().toStdString()) / "model.bin";
        fs::copy_file(model, copy);
        const auto before = sha256File(copy);
        auto ckpt = openCheckpoint(copy);
        for (auto f : {ExportFormat::Package, ExportFormat::Safetensors, ExportFormat::Gguf})
            QVERIFY_THROWS_EXCEPTION(InvalidArgument, exportQuantized(*ckpt, easyquant4(), copy, as(f)));
        QCOMPARE(sha256File(copy), before);
        QCOMPARE(entries(tmp.path().toStdString()), std::size_t(1));
    }

    void cancelledOrFailedExportLeavesNothing()
    {
        const auto ckpt = smallDemo();
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        int calls = 0;
        const ProgressFn cancelSoon = [&](double, std::string_view) { return ++calls < 3; };
        for (const char* name : {"c.qs.h5", "c.safetensors"})
            QVERIFY_THROWS_EXCEPTION(Cancelled, exportQuantized(*ckpt, easyquant4(), dir / name,
                                                                 as(*exportFormatFromPath(name)), cancelSoon));
        QCOMPARE(entries(dir), std::size_t(0));
        QVERIFY_THROWS_EXCEPTION(IoError, exportQuantized(*ckpt, easyquant4(), dir / "missing" / "x.qs.h5",
                                                          as(ExportFormat::Package)));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument,  // the demo is not a llama2.c checkpoint
                                 exportQuantized(*ckpt, easyquant4(), dir / "x.gguf", as(ExportFormat::Gguf)));
        QCOMPARE(entries(dir), std::size_t(0));
    }
};

QTEST_APPLESS_MAIN(TestExport)
#include "test_export.moc"
