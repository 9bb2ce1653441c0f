// The teaching view's range trace is the quantizer's own optimisation made visible: its Adam
// path ends at the range the adam solver keeps, its search optimum is the step the search
// solver stores, on every integer range, and under Either it follows the grid the quantizer
// picked. A trace that drifted from the quantizer (another qmax, another update, another
// outlier rule) would teach something `quantize` does not do.

#include "quant/outliers.h"
#include "quant/scalar_quant.h"
#include "quant_test_util.h"
#include "quantscope/quant/quantize.h"
#include "quantscope/quant/range_trace.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace qs;

namespace {

Matrix rowOf(const Matrix& w, std::int64_t r)
{
    Matrix m(1, w.cols);
    std::copy_n(w.values.begin() + r * w.cols, w.cols, m.values.begin());
    return m;
}

/// The trace of a one-row matrix with that row's own statistics, as quantizeMatrix sees it.
RangeTrace traceOf(const Matrix& one, const QuantSettings& s)
{
    const quant::Moments m = quant::outlierMoments(one, false)[0];
    return traceChannelRange(one.values, m.mean, m.stddev, s);
}

float scaleWith(const Matrix& one, QuantSettings s, RangeSolver solver)
{
    s.solver = solver;
    return quantizeMatrix(one, s).scales[0];
}

}  // namespace

class TestRangeTrace : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void traceEndsWhereTheSolversDo()
    {
        const Matrix w = test::heavyTailed(6, 300, 52);
        for (const IntRange range : {IntRange::Restricted, IntRange::Full, IntRange::EasyQuantLiteral}) {
            QuantSettings s;
            s.intRange = range;
            s.adamSteps = 120;
            s.adamLr = 2e-4;
            const IntBounds b = symmetricBounds(s.bits, range);
            for (std::int64_t r = 0; r < w.rows; ++r) {
                const Matrix one = rowOf(w, r);
                const RangeTrace t = traceOf(one, s);
                QCOMPARE(int(t.range.size()), s.adamSteps + 1);
                QCOMPARE(t.loss.size(), t.range.size());
                QVERIFY(!t.mirrored);
                // The path starts at max|normal| and ends at the adam solver's stored step.
                const quant::OutlierRule rule = quant::makeRule(quant::outlierMoments(one, false)[0], s.sigma);
                double maxNormal = 0;
                std::vector<float> normals;
                for (const float v : one.values)
                    if (!rule.isOutlier(v)) {
                        maxNormal = std::max(maxNormal, double(std::abs(v)));
                        normals.push_back(v);
                    }
                QCOMPARE(t.normals, int(normals.size()));
                QCOMPARE(t.range.front(), maxNormal);
                const float adam = scaleWith(one, s, RangeSolver::Adam);
                QCOMPARE(quant::storedScale(t.range.back() / b.qmax, true), adam);
                // The search optimum is the search solver's step, and no worse than the step the
                // adam solver stores (both fp16).
                QCOMPARE(float(t.searchRange / b.qmax), scaleWith(one, s, RangeSolver::Search));
                QVERIFY(t.searchLoss <= quant::naiveLoss(normals, adam, b.qmin, b.qmax));
                QCOMPARE(t.searchLoss, quant::naiveLoss(normals, t.searchRange / b.qmax, b.qmin, b.qmax));
                // The landscape spans [0.3, 1.5]·max|normal|.
                QCOMPARE(t.curveRange.front(), 0.3 * maxNormal);
                QVERIFY(std::abs(t.curveRange.back() - 1.5 * maxNormal) < 1e-12 * maxNormal);
            }
        }
    }

    void eitherFollowsTheChosenGrid()
    {
        const Matrix w = test::heavyTailed(40, 96, 53);
        QuantSettings s;
        s.intRange = IntRange::Either;
        s.adamSteps = 60;
        s.adamLr = 3e-4;
        const IntBounds full = symmetricBounds(s.bits, IntRange::Full);
        int mirrored = 0;
        for (std::int64_t r = 0; r < w.rows; ++r) {
            const Matrix one = rowOf(w, r);
            const RangeTrace t = traceOf(one, s);
            const float adam = scaleWith(one, s, RangeSolver::Adam);
            const float search = scaleWith(one, s, RangeSolver::Search);
            QCOMPARE(t.mirrored, adam < 0);
            QCOMPARE(quant::storedScale(t.range.back() / full.qmax, true), std::abs(adam));
            QCOMPARE(float(t.searchRange / full.qmax), std::abs(search));
            mirrored += t.mirrored;
            // The mirrored channel is the same trace on the negated values, direct.
            Matrix neg = one;
            for (float& v : neg.values) v = -v;
            const RangeTrace tn = traceOf(neg, s);
            if (scaleWith(neg, s, RangeSolver::Adam) == -adam) {  // no tie between the grids
                QCOMPARE(tn.mirrored, !t.mirrored);
                QCOMPARE(tn.range, t.range);
            }
        }
        QVERIFY2(mirrored > 0 && mirrored < w.rows, qPrintable(QString::number(mirrored)));
    }

    void thresholdAndEmptyChannels()
    {
        Matrix w = test::heavyTailed(1, 200, 54);
        w.values[17] = 1.0f;  // far beyond 3 std
        QuantSettings s;
        s.adamSteps = 10;
        const RangeTrace t = traceOf(w, s);
        QVERIFY(t.normals < 200);
        QVERIFY(t.range.front() < 0.5);  // the outlier does not set the initial range
        s.sigma = 0;  // keeps every value
        const RangeTrace all = traceOf(w, s);
        QCOMPARE(all.normals, 200);
        QCOMPARE(all.range.front(), 1.0);
        const Matrix zeros(1, 8);
        const RangeTrace none = traceChannelRange(zeros.values, 0, 0, s);
        QVERIFY(none.range.empty() && none.curveRange.empty());
        QCOMPARE(none.normals, 8);
    }
};

QTEST_APPLESS_MAIN(TestRangeTrace)
#include "test_range_trace.moc"
