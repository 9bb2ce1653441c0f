// The real vit_mnist_model.pth (PyTorch zip) on the real MNIST test set: the FP32 reference
// accuracy (DATA.md: 98.09 %, 9,809 / 10,000) and fake-quantized variants.

#include "quantscope/io/checkpoint.h"
#include "quantscope/models/vit_eval.h"
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
            *f.ckpt, readVitArch(qs::test::sourceDir() / "resources/models/mnist_vit.arch.json"));
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
        const auto pred = predictAll(*f.model, f.data, nullptr);
        std::int64_t correct = 0;
        for (std::size_t i = 0; i < pred.size(); ++i) correct += pred[i] == f.data.labels[i] ? 1 : 0;
        QCOMPARE(correct, std::int64_t(9809));  // DATA.md: 98.09 %
    }
};

QTEST_APPLESS_MAIN(TestVitMnist)
#include "test_vit_on_mnist.moc"
