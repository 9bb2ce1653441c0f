// Presets (quant_presets.h): each is valid settings, the ggml ones produce results that GGUF
// exports write as their block type exactly (ggml_exact_pack.h), and the q4_0 preset's blocks
// lose less than ggml's own Q4_0 encoder on the same weights — the point of offering it.
#include "quantscope/io/exporter.h"
#include "quantscope/quant/quant_presets.h"
#include "quantscope/quant/metrics.h"
#include "quantscope/quant/quantize.h"
#include "tensor/ggml_blocks.h"
#include "tensor/ggml_exact_pack.h"
#include "quant_test_util.h"

#include <QTest>

#include <set>
#include <string>

using namespace qs;

class TestQuantPresets : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyPresetIsValidAndFoundByName()
    {
        std::set<std::string_view> names;
        for (const QuantPreset& p : quantPresets()) {
            QVERIFY2(names.insert(p.name).second, p.name.data());
            QCOMPARE(findQuantPreset(p.name), &p);
            QVERIFY(!p.summary.empty());
            validate(p.settings);  // throws on a bad field
        }
        QVERIFY(names.size() >= 4);
        QCOMPARE(findQuantPreset("q4_k"), nullptr);
    }

    void ggmlPresetsFillTheirBlockTypeExactly()
    {
        const Matrix w = test::heavyTailed(16, 512, 7);
        for (const char* name : {"q4_0", "q8_0"}) {
            const QuantPreset* p = findQuantPreset(name);
            QVERIFY(p && p->ggufType);
            QCOMPARE(defaultGgufType(p->settings), *p->ggufType);  // what a GGUF export picks by itself
            const QuantizedTensor q = quantizeMatrix(w, p->settings);
            const auto blocks = ggml::packExactly(q, *p->ggufType);
            QVERIFY2(blocks.has_value(), name);
            std::vector<float> decoded(w.values.size());
            decodeToFloat(*p->ggufType, blocks->data(), decoded.data(), decoded.size());
            QVERIFY2(decoded == q.dequantize().values, name);
        }
    }

    void q4_0PresetLosesLessThanGgmlsEncoder()
    {
        const Matrix w = test::heavyTailed(64, 1024, 11);
        const QuantizedTensor q = quantizeMatrix(w, findQuantPreset("q4_0")->settings);
        const double ours = measure(w, q).relErr;
        Matrix ggml(w.rows, w.cols);
        std::vector<std::byte> blocks(w.values.size() / 32 * 18);
        ggml::quantizeQ4_0(w.values.data(), blocks.data(), w.values.size() / 32);
        ggml::dequantizeBlocks(DType::Q4_0, blocks.data(), ggml.values.data(), w.values.size() / 32);
        const double theirs = compareMatrices(w, ggml).relErr;
        qInfo("Q4_0 rel_err: q4_0 preset %.5f, ggml's encoder %.5f", ours, theirs);
        QVERIFY2(ours < theirs * 0.97, qPrintable(QString("%1 vs %2").arg(ours).arg(theirs)));
        QCOMPARE(measure(w, q).bpw, 4.5);
    }
};

QTEST_APPLESS_MAIN(TestQuantPresets)
#include "test_quant_presets.moc"
