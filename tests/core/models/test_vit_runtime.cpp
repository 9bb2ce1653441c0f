// The ViT runtime against a plain loop-by-loop reference on synthetic models covering every
// structural option, ARCH.json validation, activation fake quantization and thread invariance.

#include "quantscope/error.h"
#include "quantscope/models/vit_eval.h"
#include "quantscope/models/vit_model.h"
#include "test_data.h"
#include "vit_reference.h"

#include <QTest>

#include <cmath>
#include <random>

using namespace qs;
using qs::test::SynthVit;

namespace {

std::vector<float> randomImage(const SynthVit& s, std::mt19937& rng)
{
    std::normal_distribution<float> nd(0.0f, 1.0f);
    std::vector<float> img(std::size_t(s.channels * s.height * s.width));
    for (auto& v : img) v = nd(rng);
    return img;
}

/// Largest |a - b| relative to the largest |b| (logit scale).
double relDiff(const std::vector<float>& a, const std::vector<double>& b)
{
    double num = 0, den = 1e-12;
    for (std::size_t i = 0; i < a.size(); ++i) {
        num = std::max(num, std::abs(double(a[i]) - b[i]));
        den = std::max(den, std::abs(b[i]));
    }
    return num / den;
}

void expectArchError(const std::string& json, const std::string& needle)
{
    try {
        parseVitArch(json, "test.arch.json");
        QFAIL(("no error; expected " + needle).c_str());
    } catch (const FormatError& e) {
        QVERIFY2(std::string(e.what()).find(needle) != std::string::npos, e.what());
    }
}

std::string replaceOnce(std::string s, const std::string& from, const std::string& to)
{
    const auto at = s.find(from);
    if (at != std::string::npos) s.replace(at, from.size(), to);
    return s;
}

}  // namespace

class TestVitRuntime : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesReference_data()
    {
        QTest::addColumn<int>("variant");
        QTest::newRow("pre-norm fused qkv gelu cls") << 0;
        QTest::newRow("pre-norm extra q/k/v + fused, shared norm (vit_mnist layout)") << 1;
        QTest::newRow("post-norm separate q/k/v relu mean-pool") << 2;
        QTest::newRow("rgb gelu_tanh layer-scale final+pool norm, no cls") << 3;
    }

    void matchesReference()
    {
        QFETCH(int, variant);
        SynthVit s;
        if (variant == 1) {
            s.preProj = true;
            s.sharedNorm = true;
            s.dim = 14;
            s.heads = 7;
        } else if (variant == 2) {
            s.postNorm = true;
            s.fused = false;
            s.activation = "relu";
            s.meanPool = true;
            s.layers = 3;
        } else if (variant == 3) {
            s.channels = 3;
            s.height = 12;
            s.width = 8;
            s.activation = "gelu_tanh";
            s.layerScale = true;
            s.finalNorm = true;
            s.poolNorm = true;
            s.cls = false;
            s.meanPool = true;
        }
        const auto ckpt = qs::test::makeSynthCheckpoint(s, 1234u + std::uint32_t(variant));
        const auto arch = parseVitArch(qs::test::synthArchJson(s), "synthetic.arch.json");
        const VitModel model(*ckpt, arch);
        QCOMPARE(model.embedDim(), s.dim);
        QCOMPARE(model.layers(), s.layers);
        QCOMPARE(model.numClasses(), s.classes);
        QCOMPARE(model.tokens(), (s.height / s.patch) * (s.width / s.patch) + (s.cls ? 1 : 0));
        QCOMPARE(model.preprocess().channels, s.channels);
        std::mt19937 rng(7);
        for (int k = 0; k < 5; ++k) {
            const auto img = randomImage(s, rng);
            const auto got = model.forward(img);
            const auto want = qs::test::referenceForward(s, *ckpt, img);
            QCOMPARE(got.size(), want.size());
            const double d = relDiff(got, want);
            QVERIFY2(d < 2e-5, qPrintable(QStringLiteral("relative logit difference %1").arg(d)));
        }
    }

    void weightSlotsAndReplacement()
    {
        SynthVit s;
        s.preProj = true;
        const auto ckpt = qs::test::makeSynthCheckpoint(s, 5);
        VitModel model(*ckpt, parseVitArch(qs::test::synthArchJson(s), "a.json"));
        // patch_embed + per block (3 pre + qkv + out + fc1 + fc2) + head
        QCOMPARE(model.weightSlots().size(), std::size_t(1 + s.layers * 7 + 1));
        QCOMPARE(model.weightSlots().front().role, std::string("patch_embed"));
        QCOMPARE(model.weightSlots().front().tensorName, std::string("embed.conv.weight"));
        QCOMPARE(model.weight(0).cols, std::int64_t(s.patch * s.patch));
        QCOMPARE(model.weightSlots().back().role, std::string("head"));
        // Zeroing the head makes every logit equal to its bias, and the copy stays intact.
        const VitModel original = model;
        const auto head = model.weightSlots().size() - 1;
        Matrix zero(model.weight(head).rows, model.weight(head).cols);
        model.setWeight(head, zero);
        std::mt19937 rng(3);
        const auto img = randomImage(s, rng);
        const auto logits = model.forward(img);
        const auto& bias = ckpt->values("head.bias");
        for (std::size_t i = 0; i < logits.size(); ++i) QCOMPARE(logits[i], bias[i]);
        QVERIFY(original.forward(img) != logits);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, model.setWeight(head, Matrix(1, 1)));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, model.forward(std::vector<float>(3)));
    }

    void activationFakeQuant()
    {
        SynthVit s;
        s.preProj = true;
        const auto ckpt = qs::test::makeSynthCheckpoint(s, 9);
        const VitModel model(*ckpt, parseVitArch(qs::test::synthArchJson(s), "a.json"));
        const auto n = model.weightSlots().size();
        std::mt19937 rng(11);
        const auto img = randomImage(s, rng);
        std::vector<ActivationRange> seen(n, {1e30f, -1e30f});
        const auto fp = model.forward(img, nullptr, &seen);
        // The patch kernel's input is the image itself.
        QCOMPARE(seen[0].lo, *std::min_element(img.begin(), img.end()));
        QCOMPARE(seen[0].hi, *std::max_element(img.begin(), img.end()));
        for (const auto& r : seen) QVERIFY(r.lo <= r.hi);
        ActivationQuant aq{16, seen};
        const auto q16 = model.forward(img, &aq);
        aq.bits = 4;
        const auto q4 = model.forward(img, &aq);
        double d16 = 0, d4 = 0, scale = 0;
        for (std::size_t i = 0; i < fp.size(); ++i) {
            d16 = std::max(d16, double(std::abs(q16[i] - fp[i])));
            d4 = std::max(d4, double(std::abs(q4[i] - fp[i])));
            scale = std::max(scale, double(std::abs(fp[i])));
        }
        QVERIFY2(d16 < 1e-3 * scale, "16-bit activations should be nearly exact");
        QVERIFY2(d4 > d16 && d4 > 1e-3 * scale, "4-bit activations must change the logits");
        aq.ranges.pop_back();
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, model.forward(img, &aq));
    }

    void sameAtAnyThreadCount()
    {
        SynthVit s;
        const auto ckpt = qs::test::makeSynthCheckpoint(s, 21);
        const VitModel model(*ckpt, parseVitArch(qs::test::synthArchJson(s), "a.json"));
        ImageDataset data;
        std::mt19937 rng(5);
        std::uniform_int_distribution<int> px(0, 255);
        for (int i = 0; i < 200; ++i) {
            Image img{s.width, s.height, 1, std::vector<std::uint8_t>(std::size_t(s.width * s.height))};
            for (auto& p : img.pixels) p = std::uint8_t(px(rng));
            data.images.push_back(std::move(img));
        }
        const auto one = predictAll(model, data, nullptr, 1);
        const auto four = predictAll(model, data, nullptr, 4);
        QCOMPARE(one, four);
        const auto r1 = calibrateActivations(model, data, 64, 1);
        const auto r4 = calibrateActivations(model, data, 64, 4);
        for (std::size_t i = 0; i < r1.size(); ++i) {
            QCOMPARE(r1[i].lo, r4[i].lo);
            QCOMPARE(r1[i].hi, r4[i].hi);
        }
        int calls = 0;
        QVERIFY_THROWS_EXCEPTION(
            Cancelled,
            predictAll(model, data, nullptr, 2, [&](double, std::string_view) { return ++calls < 3; }));
    }

    void archValidation()
    {
        SynthVit s;
        const auto good = qs::test::synthArchJson(s);
        QVERIFY(!parseVitArch(good, "x").tensors.empty());
        expectArchError("{", "test.arch.json: JSON");
        expectArchError(replaceOnce(good, "\"heads\": 3", "\"heads\": 0"), "heads");
        expectArchError(replaceOnce(good, "\"fc1.weight\"", "\"fc9.weight\""), "tensors.fc9.weight");
        expectArchError(replaceOnce(good, "\"b{i}.fc2.weight\"", "\"b0.fc2.weight\""), "needs \"{i}\"");
        expectArchError(replaceOnce(good, "\"activation\": \"gelu\"", "\"activation\": \"swish\""),
                        "activation");
        expectArchError(replaceOnce(good, "\"norm\": \"pre\"", "\"norm\": \"sandwich\""), "norm");
        expectArchError(replaceOnce(good, "    \"head.weight\": \"head.weight\",\n", ""),
                        "tensors.head.weight");
        expectArchError(replaceOnce(good, "\"qkv.weight\"", "\"q.weight\""), "qkv.weight");
        expectArchError(replaceOnce(good, "\"std\": [", "\"std\": [-"), "image.std");
        expectArchError(replaceOnce(good, "\"patch_size\": 4", "\"patch_size\": \"4\""), "patch_size");

        // A role whose tensor is absent: the error names the role, the pattern and the name.
        const auto ckpt = qs::test::makeSynthCheckpoint(s, 1);
        const auto wrongName = parseVitArch(replaceOnce(good, "b{i}.fc1.weight", "b{i}.mlp.fc1.weight"), "x");
        try {
            VitModel m(*ckpt, wrongName);
            QFAIL("missing tensor accepted");
        } catch (const InvalidArgument& e) {
            const std::string msg = e.what();
            QVERIFY2(msg.find("fc1.weight") != std::string::npos, e.what());
            QVERIFY2(msg.find("b{i}.mlp.fc1.weight") != std::string::npos, e.what());
            QVERIFY2(msg.find("b0.mlp.fc1.weight") != std::string::npos, e.what());
        }
        // Shapes are checked against the description.
        auto badPatch = parseVitArch(replaceOnce(good, "\"patch_size\": 4", "\"patch_size\": 2"), "x");
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, VitModel(*ckpt, badPatch));
        auto badHeads = parseVitArch(replaceOnce(good, "\"heads\": 3", "\"heads\": 5"), "x");
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, VitModel(*ckpt, badHeads));
        auto badSize = parseVitArch(replaceOnce(good, "\"size\": [8, 8]", "\"size\": [16, 8]"), "x");
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, VitModel(*ckpt, badSize));
        auto tooMany = parseVitArch(replaceOnce(good, "\"heads\": 3", "\"heads\": 3, \"layers\": 3"), "x");
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, VitModel(*ckpt, tooMany));
    }

    void shippedMnistArchParses()
    {
        const auto arch = readVitArch(qs::test::sourceDir() / "resources/models/mnist_vit.arch.json");
        QCOMPARE(arch.heads, 7);
        QCOMPARE(arch.patchSize, 7);
        QCOMPARE(arch.input.width, 28);
        QCOMPARE(arch.layerNormEps, 1e-5);
        QCOMPARE(arch.input.mean, std::vector<float>{0.1307f});
        QCOMPARE(arch.input.std, std::vector<float>{0.3081f});
        QCOMPARE(arch.tensors.at("norm1.weight"), arch.tensors.at("norm2.weight"));
        // The templates for timm and Hugging Face checkpoints parse too.
        const auto timm =
            readVitArch(qs::test::sourceDir() / "resources/models/timm_deit_tiny_patch16_224.arch.json");
        QCOMPARE(timm.input.resizeShorter, 256);
        QCOMPARE(timm.input.mean.size(), std::size_t(3));
        const auto hf =
            readVitArch(qs::test::sourceDir() / "resources/models/hf_vit_base_patch16_224.arch.json");
        QCOMPARE(hf.layerNormEps, 1e-12);
        QVERIFY(hf.tensors.count("q.weight") && !hf.tensors.count("qkv.weight"));
    }
};

QTEST_APPLESS_MAIN(TestVitRuntime)
#include "test_vit_runtime.moc"
