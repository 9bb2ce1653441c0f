// Gradient checks (central finite differences) for every autodiff operation, on tiny shapes.
#include "grad_check.h"

#include "quantscope/error.h"

using namespace qs;
using ad::Var;
using qs::test::checkGradients;
using qs::test::randomValues;
using qs::test::spreadValues;

namespace {
Var param(ad::Shape s, std::uint64_t seed, float lo = -1.0f, float hi = 1.0f)
{
    const auto n = ad::numelOf(s);
    return Var::parameter(std::move(s), randomValues(n, seed, lo, hi));
}
Var spreadParam(ad::Shape s, std::uint64_t seed, float step = 0.1f)
{
    const auto n = ad::numelOf(s);
    return Var::parameter(std::move(s), spreadValues(n, seed, step));
}
}  // namespace

class TestAutodiffGradients : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void elementwise()
    {
        checkGradients("add", {param({2, 3}, 1), param({2, 3}, 2)}, [](const auto& v) { return ad::add(v[0], v[1]); });
        checkGradients("sub", {param({2, 3}, 3), param({2, 3}, 4)}, [](const auto& v) { return ad::sub(v[0], v[1]); });
        checkGradients("mul", {param({2, 3}, 5), param({2, 3}, 6)}, [](const auto& v) { return ad::mul(v[0], v[1]); });
        checkGradients("scale", {param({5}, 7)}, [](const auto& v) { return ad::scale(v[0], -2.5f); });
        checkGradients("addScalar", {param({5}, 8)}, [](const auto& v) { return ad::addScalar(v[0], 0.75f); });
        checkGradients("reshape", {param({2, 3}, 9)}, [](const auto& v) { return ad::reshape(v[0], {3, 2}); });
        checkGradients("concatChannels", {param({2, 1, 2, 2}, 10), param({2, 3, 2, 2}, 11)},
                       [](const auto& v) { return ad::concatChannels({v[0], v[1]}); });
    }

    void activations()
    {
        checkGradients("relu", {spreadParam({3, 4}, 12)}, [](const auto& v) { return ad::relu(v[0]); });
        checkGradients("leakyRelu", {spreadParam({3, 4}, 13)}, [](const auto& v) { return ad::leakyRelu(v[0], 0.1f); });
        checkGradients("sigmoid", {param({3, 4}, 14, -3.0f, 3.0f)}, [](const auto& v) { return ad::sigmoid(v[0]); });
    }

    void reductions()
    {
        checkGradients("sum", {param({3, 4}, 15)}, [](const auto& v) { return ad::sum(v[0]); });
        checkGradients("mean", {param({3, 4}, 16)}, [](const auto& v) { return ad::mean(v[0]); });
    }

    void dense()
    {
        checkGradients("matmul", {param({3, 4}, 17), param({4, 2}, 18)}, [](const auto& v) { return ad::matmul(v[0], v[1]); });
        checkGradients("linear", {param({5, 3}, 19), param({4, 3}, 20), param({4}, 21)},
                       [](const auto& v) { return ad::linear(v[0], v[1], v[2]); });
        checkGradients("linear without bias", {param({5, 3}, 22), param({4, 3}, 23)},
                       [](const auto& v) { return ad::linear(v[0], v[1]); });
    }

    void conv2d()
    {
        for (int stride : {1, 2})
            for (int pad : {0, 1}) {
                checkGradients("conv2d 3x3 stride " + std::to_string(stride) + " pad " + std::to_string(pad),
                               {param({2, 2, 5, 4}, 24), param({3, 2, 3, 3}, 25), param({3}, 26)},
                               [=](const auto& v) { return ad::conv2d(v[0], v[1], v[2], {stride, pad}); });
            }
        checkGradients("conv2d 1x1", {param({1, 3, 3, 3}, 27), param({2, 3, 1, 1}, 28)},
                       [](const auto& v) { return ad::conv2d(v[0], v[1]); });
    }

    void batchNorm()
    {
        for (bool train : {true, false}) {
            ad::BatchNormState state(3);
            state.runningMean = {0.1f, -0.2f, 0.3f};
            state.runningVar = {0.5f, 1.5f, 2.0f};
            checkGradients(std::string("batchNorm 4D ") + (train ? "train" : "eval"),
                           {param({2, 3, 2, 2}, 29), param({3}, 30, 0.5f, 1.5f), param({3}, 31)},
                           [&](const auto& v) { return ad::batchNorm(v[0], v[1], v[2], state, train); });
            checkGradients(std::string("batchNorm 2D ") + (train ? "train" : "eval"),
                           {param({6, 3}, 32), param({3}, 33, 0.5f, 1.5f), param({3}, 34)},
                           [&](const auto& v) { return ad::batchNorm(v[0], v[1], v[2], state, train); });
        }
    }

    void batchNormRunningStatistics()
    {
        ad::BatchNormState state(1);
        state.momentum = 0.5f;
        const Var x = Var::constant({4, 1}, {1, 2, 3, 4});
        const Var g = Var::constant({1}, {1}), b = Var::constant({1}, {0});
        ad::batchNorm(x, g, b, state, true);
        QCOMPARE(state.runningMean[0], 1.25f);                      // 0.5 * 0 + 0.5 * 2.5
        QVERIFY(std::abs(state.runningVar[0] - (0.5f + 0.5f * 5.0f / 3.0f)) < 1e-6f);  // unbiased 5/3
    }

    void layerNorm()
    {
        checkGradients("layerNorm", {param({3, 5}, 35), param({5}, 36, 0.5f, 1.5f), param({5}, 37)},
                       [](const auto& v) { return ad::layerNorm(v[0], v[1], v[2]); });
    }

    void maxPool()
    {
        checkGradients("maxPool2d 2x2/2", {spreadParam({1, 2, 4, 4}, 38)}, [](const auto& v) { return ad::maxPool2d(v[0], 2, 2); });
        checkGradients("maxPool2d 3x3/1 pad 1", {spreadParam({2, 1, 3, 4}, 39)},
                       [](const auto& v) { return ad::maxPool2d(v[0], 3, 1, 1); });
    }

    void scatterGather()
    {
        const std::vector<std::int32_t> segment{0, 2, 0, 1, 2, 2};
        checkGradients("scatterMax", {spreadParam({6, 3}, 40)}, [&](const auto& v) { return ad::scatterMax(v[0], segment, 4); });
        const std::vector<std::int32_t> target{5, 0, 13};
        checkGradients("scatterToGrid", {param({3, 2}, 41)}, [&](const auto& v) { return ad::scatterToGrid(v[0], target, 2, 2, 4); });
        const std::vector<std::int32_t> pixels{3, 7, 3, 0};
        checkGradients("gatherPixels", {param({2, 3, 2, 2}, 42)}, [&](const auto& v) { return ad::gatherPixels(v[0], pixels); });
    }

    void fakeQuantStraightThrough()
    {
        // The STE gradient is 1 inside the range and 0 outside; finite differences of a step
        // function are meaningless, so the check compares with the definition.
        Var x = Var::parameter({4}, {-2.0f, -0.3f, 0.4f, 3.0f});
        const Var y = ad::fakeQuant(x, -1.0f, 1.0f, 8);
        QVERIFY(std::abs(y.value()[1] - -0.3f) <= 1.0f / 255.0f);
        QVERIFY(std::abs(y.value()[0] - -1.0f) <= 1.0f / 255.0f);  // clipped to the lowest level
        QCOMPARE(y.value()[3], y.value()[0] + 255.0f * (2.0f / 255.0f));  // and to the highest
        ad::backward(ad::sum(y));
        QCOMPARE(std::vector<float>(x.grad().begin(), x.grad().end()), (std::vector<float>{0, 1, 1, 0}));
    }

    void losses()
    {
        const Var target = Var::constant({2, 3}, randomValues(6, 43));
        checkGradients("mseLoss", {param({2, 3}, 44)}, [&](const auto& v) { return ad::mseLoss(v[0], target); });
        const auto t = randomValues(6, 45);
        const std::vector<float> w{1, 0, 2, 1, 1, 0.5f};
        // Predictions kept away from the kinks at |d| = beta and d = 0.
        Var pred = Var::parameter({6}, {t[0] + 0.5f, t[1] - 0.05f, t[2] + 0.03f, t[3] - 1.2f, t[4] + 0.3f, t[5] - 0.6f});
        checkGradients("smoothL1Loss", {pred}, [&](const auto& v) { return ad::smoothL1Loss(v[0], t, w, 0.2f, 3.0f); });
        checkGradients("l1Loss", {pred}, [&](const auto& v) { return ad::smoothL1Loss(v[0], t, w, 0.0f, 2.0f); });
        const std::vector<float> heat{1.0f, 0.6f, 0.0f, 0.2f, 1.0f, 0.0f, 0.9f, 0.0f};
        checkGradients("focalLoss", {param({1, 2, 2, 2}, 46, -3.0f, 3.0f)}, [&](const auto& v) { return ad::focalLoss(v[0], heat); });
    }

    void composedBlock()
    {
        // A block as the reconstruction methods will use it: conv -> BN -> ReLU -> pool -> linear.
        ad::BatchNormState state(2);
        checkGradients("block", {param({2, 1, 4, 4}, 47), param({2, 1, 3, 3}, 48), param({2}, 49, 0.5f, 1.5f), param({2}, 50),
                                 param({3, 8}, 51)},
                       [&](const auto& v) {
                           auto h = ad::conv2d(v[0], v[1], {}, {1, 1});
                           h = ad::leakyRelu(ad::batchNorm(h, v[2], v[3], state, true), 0.1f);
                           h = ad::maxPool2d(h, 2, 2);
                           return ad::linear(ad::reshape(h, {2, 8}), v[4]);
                       },
                       1e-2f, 5e-3, 3e-2);
    }

    void shapeErrors()
    {
        QVERIFY_THROWS_EXCEPTION(qs::InvalidArgument, ad::add(Var::zeros({2}), Var::zeros({3})));
        QVERIFY_THROWS_EXCEPTION(qs::InvalidArgument, ad::matmul(Var::zeros({2, 3}), Var::zeros({2, 3})));
        QVERIFY_THROWS_EXCEPTION(qs::InvalidArgument, ad::conv2d(Var::zeros({1, 2, 3, 3}), Var::zeros({1, 3, 3, 3})));
        const std::vector<std::int32_t> bad{5};
        QVERIFY_THROWS_EXCEPTION(qs::InvalidArgument, ad::scatterMax(Var::zeros({1, 2}), bad, 2));
        QVERIFY_THROWS_EXCEPTION(qs::InvalidArgument, ad::backward(Var::zeros({2}, true)));
    }
};

QTEST_APPLESS_MAIN(TestAutodiffGradients)
#include "test_gradients.moc"
