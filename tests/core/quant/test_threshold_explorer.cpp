// ThresholdExplorer against a full re-quantization (quantizeMatrix, easyquant + minmax solver)
// on random and real tensors, every granularity, both schemes, both outlier statistics.

#include "quant_test_util.h"
#include "quantscope/error.h"
#include "quantscope/io/checkpoint.h"
#include "quantscope/quant/metrics.h"
#include "quantscope/quant/quantize.h"
#include "quantscope/quant/threshold_explorer.h"
#include "test_data.h"

#include <QElapsedTimer>
#include <QTest>

#include <cmath>

using namespace qs;

namespace {

/// The explorer sums per-level prefix sums; the quantizer rounds x/Δ in float. They differ only
/// by double rounding and by values within one float ulp of a level boundary.
constexpr double kErrRelTol = 1e-6;

QuantSettings mirrored(const QuantSettings& base, double sigma, int bits)
{
    QuantSettings s = base;
    s.method = QuantMethod::EasyQuant;
    s.solver = RangeSolver::MinMax;
    s.sigma = sigma;
    s.bits = bits;
    return s;
}

void compareAll(const Matrix& w, const QuantSettings& base, const char* what)
{
    const ThresholdExplorer ex(w, base);
    for (double sigma : {0.0, 2.0, 2.5, 3.0, 4.5})
        for (int bits : {2, 3, 4, 8}) {
            const ExplorerAnswer a = ex.query(sigma, bits);
            const auto q = quantizeMatrix(w, mirrored(base, sigma, bits));
            const TensorMetrics m = measure(w, q);
            const QString ctx = QString("%1 sigma %2 bits %3: explorer mse %4, quantizer %5")
                                    .arg(what).arg(sigma).arg(bits).arg(a.mse, 0, 'g', 12).arg(m.mse, 0, 'g', 12);
            QVERIFY2(a.outliers == m.outliers, qPrintable(ctx));
            QVERIFY2(std::abs(a.mse - m.mse) <= kErrRelTol * m.mse, qPrintable(ctx));
            QVERIFY2(std::abs(a.relErr - m.relErr) <= kErrRelTol * m.relErr, qPrintable(ctx));
            QCOMPARE(a.bpw, m.bpw);
            QCOMPARE(a.outlierFrac, m.outlierFrac);
        }
}

}  // namespace

class TestThresholdExplorer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void agreesWithQuantizerOnRandomTensors()
    {
        const Matrix w = test::heavyTailed(40, 172, 31, 3.0);
        for (auto g : {Granularity::PerChannel, Granularity::PerGroup, Granularity::PerTensor})
            for (auto sc : {Scheme::Symmetric, Scheme::Asymmetric})
                for (auto st : {OutlierStats::WholeMatrix, OutlierStats::PerChannel})
                    for (auto range : {IntRange::Restricted, IntRange::EasyQuantLiteral, IntRange::Either}) {
                        QuantSettings base;
                        base.granularity = g;
                        base.groupSize = 64;
                        base.scheme = sc;
                        base.outlierStats = st;
                        base.intRange = range;
                        compareAll(w, base, qPrintable(QString("g%1 s%2 st%3 r%4").arg(int(g)).arg(int(sc)).arg(int(st)).arg(int(range))));
                    }
        QuantSettings no16;
        no16.fp16Scales = false;
        compareAll(w, no16, "fp32 scales");
    }

    void agreesWithQuantizerOnRealTensors()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        const auto ckpt = openCheckpoint(path);
        for (const char* name : {"layers.0.attention.wq.weight", "layers.4.feed_forward.w2.weight"}) {
            const Matrix w = ckpt->readMatrix(*ckpt->find(name));
            compareAll(w, QuantSettings{}, name);
            QuantSettings grouped;
            grouped.granularity = Granularity::PerGroup;
            grouped.groupSize = 32;
            compareAll(w, grouped, name);
        }
    }

    void queriesAreFast()
    {
        const Matrix w = test::heavyTailed(512, 512, 32);
        const ThresholdExplorer ex(w, QuantSettings{});
        QElapsedTimer t;
        t.start();
        int n = 0;
        for (double sigma = 2.0; sigma <= 4.0; sigma += 0.05, ++n) QVERIFY(ex.query(sigma, 4).outliers >= 0);
        qInfo("explorer on 512x512 per-channel: %.1f us per query (%d queries)", double(t.nsecsElapsed()) / 1e3 / n, n);
        QVERIFY(ex.stddev() > 0);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, ex.query(3.0, 9));
    }

    void outliersShrinkAsSigmaGrows()
    {
        const Matrix w = test::heavyTailed(64, 256, 33);
        const ThresholdExplorer ex(w, QuantSettings{});
        std::int64_t prev = w.size() + 1;
        for (double sigma = 1.0; sigma <= 8.0; sigma += 0.25) {
            const auto a = ex.query(sigma, 4);
            QVERIFY(a.outliers <= prev);
            prev = a.outliers;
        }
        QCOMPARE(ex.query(0.0, 4).outliers, std::int64_t(0));
    }
};

QTEST_APPLESS_MAIN(TestThresholdExplorer)
#include "test_threshold_explorer.moc"
