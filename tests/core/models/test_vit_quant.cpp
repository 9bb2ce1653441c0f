// vit_mnist_model.pth fake-quantized through the quantization API: weight-only at 8 and 2
// bits, first/last layer kept in FP32, and 8-bit activations; thread-count invariance.

#include "quantscope/io/checkpoint.h"
#include "quantscope/models/vit_eval.h"
#include "test_data.h"

#include <QTest>

#include <cmath>

using namespace qs;

class TestVitQuant : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void quantizedVariants()
    {
        QS_REQUIRE_DATA(pth, "vision/vit_mnist_model.pth");
        QS_REQUIRE_DATA(images, "vision/t10k-images-idx3-ubyte.gz");
        QS_REQUIRE_DATA(labels, "vision/t10k-labels-idx1-ubyte.gz");
        const auto ckpt = openCheckpoint(pth);
        const VitModel model(*ckpt,
                             readVitArch(qs::test::sourceDir() / "resources/models/mnist_vit.arch.json"));
        const auto data = loadImageDataset(images, labels, 500);
        VitEvalSettings s;
        QuantSettings q;
        q.method = QuantMethod::Rtn;
        q.bits = 8;
        q.granularity = Granularity::PerChannel;
        s.weightQuant = q;
        s.threads = 2;
        const auto r8 = evaluateVit(model, data, s);
        QCOMPARE(r8.fp->correct, std::int64_t(492));
        // 8-bit per-channel RTN is nearly lossless on this model.
        QVERIFY2(std::abs(r8.quantized->correct - r8.fp->correct) <= 3,
                 qPrintable(QString::number(r8.quantized->correct)));
        // bpw: 8 code bits + one fp16 scale per output channel, weighted by matrix size.
        QVERIFY(r8.bitsPerWeight > 8.0 && r8.bitsPerWeight < 8.5);
        std::int64_t weights = 0;
        for (std::size_t i = 0; i < model.weightSlots().size(); ++i) weights += model.weight(i).size();
        QCOMPARE(r8.quantizedWeights, weights);

        // 2-bit RTN damages the model: the quantized pass really uses the quantized weights.
        q.bits = 2;
        s.weightQuant = q;
        s.evaluateFp = false;
        const auto r2 = evaluateVit(model, data, s);
        QVERIFY(!r2.fp.has_value());
        QVERIFY2(r2.quantized->correct < r8.quantized->correct - 5,
                 qPrintable(QString::number(r2.quantized->correct)));

        // Keeping first and last layer in FP32 quantizes fewer weights.
        s.quantizePatchEmbed = false;
        s.quantizeHead = false;
        const auto kept = evaluateVit(model, data, s);
        QCOMPARE(kept.quantizedWeights, weights - model.weight(0).size() - model.weight(36).size());

        // 8-bit activations on top of 8-bit weights stay close to FP32.
        q.bits = 8;
        s.weightQuant = q;
        s.quantizePatchEmbed = s.quantizeHead = true;
        s.actBits = 8;
        s.actCalibImages = 64;
        const auto a8 = evaluateVit(model, data, s);
        QVERIFY2(a8.quantized->correct >= r8.fp->correct - 5,
                 qPrintable(QString::number(a8.quantized->correct)));
        s.threads = 1;
        QCOMPARE(evaluateVit(model, data, s).quantPredictions, a8.quantPredictions);
    }
};

QTEST_APPLESS_MAIN(TestVitQuant)
#include "test_vit_quant.moc"
