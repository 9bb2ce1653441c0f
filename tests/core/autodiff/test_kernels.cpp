// Forward values of the dense kernels against plain loops, bit-identical results at 1 and 4
// threads, and a few Adam steps that must reduce a loss.
#include "grad_check.h"

#include <tbb/global_control.h>

#include <cstring>

using namespace qs;
using ad::Var;
using qs::test::randomValues;

namespace {

/// Plain loop convolution (the reference for the im2col + GEMM kernel).
std::vector<float> convReference(const Var& x, const Var& w, const Var& b, int stride, int pad)
{
    const auto n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3), o = w.dim(0), k = w.dim(2);
    const auto ho = (h + 2 * pad - k) / stride + 1, wo = (wd + 2 * pad - k) / stride + 1;
    std::vector<float> out(static_cast<std::size_t>(n * o * ho * wo));
    for (std::int64_t img = 0; img < n; ++img)
        for (std::int64_t oc = 0; oc < o; ++oc)
            for (std::int64_t oy = 0; oy < ho; ++oy)
                for (std::int64_t ox = 0; ox < wo; ++ox) {
                    double s = b.value()[static_cast<std::size_t>(oc)];
                    for (std::int64_t ic = 0; ic < c; ++ic)
                        for (std::int64_t ki = 0; ki < k; ++ki)
                            for (std::int64_t kj = 0; kj < k; ++kj) {
                                const auto iy = oy * stride - pad + ki, ix = ox * stride - pad + kj;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                s += static_cast<double>(x.value()[static_cast<std::size_t>(((img * c + ic) * h + iy) * wd + ix)]) *
                                     w.value()[static_cast<std::size_t>(((oc * c + ic) * k + ki) * k + kj)];
                            }
                    out[static_cast<std::size_t>(((img * o + oc) * ho + oy) * wo + ox)] = static_cast<float>(s);
                }
    return out;
}

struct RunResult {
    std::vector<float> out, gx, gw, gl;
};

/// A graph big enough to span several chunks of every kernel (pixels > 2048, rows > 512).
RunResult runGraph()
{
    Var x = Var::parameter({2, 3, 40, 70}, randomValues(2 * 3 * 40 * 70, 1));
    Var w = Var::parameter({4, 3, 3, 3}, randomValues(4 * 27, 2));
    Var b = Var::parameter({4}, randomValues(4, 3));
    Var lw = Var::parameter({5, 4}, randomValues(20, 4));
    ad::BatchNormState st(4);
    auto h = ad::conv2d(x, w, b, {1, 1});
    h = ad::relu(ad::batchNorm(h, Var::constant({4}, {1, 1, 1, 1}), Var::constant({4}, {0, 0, 0, 0}), st, true));
    auto rows = ad::reshape(h, {2 * 40 * 70, 4});  // not a real transpose; enough to exercise linear
    auto y = ad::linear(rows, lw);
    auto loss = ad::mean(ad::mul(y, y));
    ad::backward(loss);
    return {std::vector<float>(y.value().begin(), y.value().end()), std::vector<float>(x.grad().begin(), x.grad().end()),
            std::vector<float>(w.grad().begin(), w.grad().end()), std::vector<float>(lw.grad().begin(), lw.grad().end())};
}

bool sameBytes(const std::vector<float>& a, const std::vector<float>& b)
{
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace

class TestAutodiffKernels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void convMatchesLoop()
    {
        for (int stride : {1, 2})
            for (int pad : {0, 1}) {
                const Var x = Var::constant({2, 3, 45, 61}, randomValues(2 * 3 * 45 * 61, 5));
                const Var w = Var::constant({4, 3, 3, 3}, randomValues(108, 6));
                const Var b = Var::constant({4}, randomValues(4, 7));
                const Var y = ad::conv2d(x, w, b, {stride, pad});
                const auto ref = convReference(x, w, b, stride, pad);
                QCOMPARE(static_cast<std::size_t>(y.numel()), ref.size());
                for (std::size_t i = 0; i < ref.size(); ++i) QVERIFY(std::abs(y.value()[i] - ref[i]) < 1e-4f);
            }
    }

    void matmulMatchesLoop()
    {
        const Var a = Var::constant({700, 5}, randomValues(3500, 8));
        const Var b = Var::constant({5, 3}, randomValues(15, 9));
        const Var c = ad::matmul(a, b);
        for (std::int64_t i = 0; i < 700; ++i)
            for (std::int64_t j = 0; j < 3; ++j) {
                double s = 0;
                for (std::int64_t k = 0; k < 5; ++k) s += static_cast<double>(a.value()[static_cast<std::size_t>(i * 5 + k)]) * b.value()[static_cast<std::size_t>(k * 3 + j)];
                QVERIFY(std::abs(c.value()[static_cast<std::size_t>(i * 3 + j)] - s) < 1e-5);
            }
    }

    void identicalAtAnyThreadCount()
    {
        RunResult one, many;
        {
            tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
            one = runGraph();
        }
        {
            tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 4);
            many = runGraph();
        }
        QVERIFY(sameBytes(one.out, many.out));
        QVERIFY(sameBytes(one.gx, many.gx));
        QVERIFY(sameBytes(one.gw, many.gw));
        QVERIFY(sameBytes(one.gl, many.gl));
    }

    void noGradRecordsNothing()
    {
        Var w = Var::parameter({2, 2}, {1, 2, 3, 4});
        ad::NoGradGuard guard;
        const Var y = ad::linear(Var::constant({1, 2}, {1, 1}), w);
        QVERIFY(!y.requiresGrad());
        QVERIFY(y.node().inputs.empty());
    }

    void adamReducesLoss()
    {
        // Fit y = 2 x0 - x1 + 0.5 with a linear layer.
        const auto xs = randomValues(64 * 2, 10);
        std::vector<float> ys(64);
        for (std::size_t i = 0; i < 64; ++i) ys[i] = 2 * xs[2 * i] - xs[2 * i + 1] + 0.5f;
        const Var x = Var::constant({64, 2}, xs), y = Var::constant({64, 1}, ys);
        Var w = Var::parameter({1, 2}, {0, 0}), b = Var::parameter({1}, {0});
        ad::Adam adam({w, b}, {.lr = 0.05f});
        float first = 0, last = 0;
        for (int step = 0; step < 200; ++step) {
            const Var loss = ad::mseLoss(ad::linear(x, w, b), y);
            if (step == 0) first = loss.item();
            last = loss.item();
            ad::backward(loss);
            adam.step();
        }
        QVERIFY2(last < 0.01f * first, qPrintable(QStringLiteral("%1 -> %2").arg(first).arg(last)));
        QVERIFY(std::abs(w.value()[0] - 2.0f) < 0.1f);
    }
};

QTEST_APPLESS_MAIN(TestAutodiffKernels)
#include "test_kernels.moc"
