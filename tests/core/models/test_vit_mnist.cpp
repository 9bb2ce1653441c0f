// The real vit_mnist_model.pth (PyTorch zip) on the real MNIST test set: the FP32 reference
// accuracy (DATA.md: 98.09 %, 9,809 / 10,000) and fake-quantized variants.

#include "quantscope/io/checkpoint.h"
#include "quantscope/models/vit_eval.h"
#include "quantscope/quant/quantize.h"
#include "test_data.h"

#include <QTest>

#include <cmath>

using namespace qs;

namespace {

// Under ASan/UBSan (Debug -O1, ~10x slower) only the first 500 images are evaluated.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

struct Fixture {
    std::unique_ptr<Checkpoint> ckpt;
    std::unique_ptr<VitModel> model;
    ImageDataset data;
};

}  // namespace

class TestVitMnist : public QObject {
    Q_OBJECT

    Fixture load(std::size_t limit)
    {
        Fixture f;
        const auto pth = qs::test::dataFile("vision/vit_mnist_model.pth");
        const auto images = qs::test::dataFile("vision/t10k-images-idx3-ubyte.gz");
        const auto labels = qs::test::dataFile("vision/t10k-labels-idx1-ubyte.gz");
        if (pth.empty() || images.empty() || labels.empty()) return f;
        f.ckpt = openCheckpoint(pth);
        f.model = std::make_unique<VitModel>(
            *f.ckpt, readVitArch(qs::test::sourceDir() / "resources/models/vit_mnist.arch.json"));
        f.data = loadImageDataset(images, labels, limit);
        return f;
    }

private Q_SLOTS:
    void structureFromTheCheckpoint()
    {
        auto f = load(1);
        if (!f.model) QSKIP("shared data vision/ missing");
        QCOMPARE(f.ckpt->format(), std::string_view("pytorch"));
        QCOMPARE(f.model->embedDim(), 49);
        QCOMPARE(f.model->mlpDim(), 196);
        QCOMPARE(f.model->layers(), 5);
        QCOMPARE(f.model->tokens(), 17);
        QCOMPARE(f.model->numClasses(), 10);
        // patch kernel + 5 x (3 extra q/k/v + in_proj + out_proj + fc1 + fc2) + classifier
        QCOMPARE(f.model->weightSlots().size(), std::size_t(1 + 5 * 7 + 1));
    }

    void first500Images()
    {
        auto f = load(500);
        if (!f.model) QSKIP("shared data vision/ missing");
        const auto one = predictAll(*f.model, f.data, nullptr, 1);
        const auto two = predictAll(*f.model, f.data, nullptr, 2);
        QCOMPARE(one, two);
        int correct = 0;
        for (std::size_t i = 0; i < one.size(); ++i) correct += one[i] == f.data.labels[i] ? 1 : 0;
        QCOMPARE(correct, 492);  // the same runtime gives 9,809 on all 10,000
    }

    void fullTestSetReference()
    {
        if (kSanitized) QSKIP("the full 10,000 images run only in non-sanitized builds");
        auto f = load(0);
        if (!f.model) QSKIP("shared data vision/ missing");
        QCOMPARE(f.data.size(), std::size_t(10000));
        VitEvalSettings s;
        const auto r = evaluateVit(*f.model, f.data, s);
        QVERIFY(r.fp.has_value());
        QVERIFY(!r.quantized.has_value());
        QCOMPARE(r.fp->correct, std::int64_t(9809));
        QCOMPARE(r.fp->total, std::int64_t(10000));
    }

    void quantizedVariants()
    {
        auto f = load(500);
        if (!f.model) QSKIP("shared data vision/ missing");
        VitEvalSettings s;
        QuantSettings q;
        q.method = QuantMethod::Rtn;
        q.bits = 8;
        q.granularity = Granularity::PerChannel;
        s.weightQuant = q;
        s.threads = 2;
        const auto r8 = evaluateVit(*f.model, f.data, s);
        QCOMPARE(r8.fp->correct, std::int64_t(492));
        // 8-bit per-channel RTN is nearly lossless on this model.
        QVERIFY2(std::abs(r8.quantized->correct - r8.fp->correct) <= 3,
                 qPrintable(QString::number(r8.quantized->correct)));
        // bpw: 8 code bits + one fp16 scale per output channel, weighted by matrix size.
        QVERIFY(r8.bitsPerWeight > 8.0 && r8.bitsPerWeight < 8.5);
        std::int64_t weights = 0;
        for (std::size_t i = 0; i < f.model->weightSlots().size(); ++i) weights += f.model->weight(i).size();
        QCOMPARE(r8.quantizedWeights, weights);

        // 2-bit RTN damages the model: the quantized pass really uses the quantized weights.
        q.bits = 2;
        s.weightQuant = q;
        s.evaluateFp = false;
        const auto r2 = evaluateVit(*f.model, f.data, s);
        QVERIFY(!r2.fp.has_value());
        QVERIFY2(r2.quantized->correct < r8.quantized->correct - 5,
                 qPrintable(QString::number(r2.quantized->correct)));

        // Keeping first and last layer in FP32 quantizes fewer weights.
        s.quantizePatchEmbed = false;
        s.quantizeHead = false;
        const auto kept = evaluateVit(*f.model, f.data, s);
        QCOMPARE(kept.quantizedWeights, weights - f.model->weight(0).size() - f.model->weight(36).size());

        // 8-bit activations on top of 8-bit weights stay close to FP32.
        q.bits = 8;
        s.weightQuant = q;
        s.quantizePatchEmbed = s.quantizeHead = true;
        s.actBits = 8;
        s.actCalibImages = 64;
        const auto a8 = evaluateVit(*f.model, f.data, s);
        QVERIFY2(a8.quantized->correct >= r8.fp->correct - 5,
                 qPrintable(QString::number(a8.quantized->correct)));
        s.threads = 1;
        QCOMPARE(evaluateVit(*f.model, f.data, s).quantPredictions, a8.quantPredictions);
    }
};

QTEST_APPLESS_MAIN(TestVitMnist)
#include "test_vit_mnist.moc"
