// EasyQuant: the exact gradient, the exact range search against its brute-force reference,
// search <= adam, rtn-mse <= rtn, outlier handling, thread-count independence, progress.

#include "quant/fp16_step_sweep.h"
#include "quant/outliers.h"
#include "quant/range_search.h"
#include "quant/scalar_quant.h"
#include "quant/value_index.h"
#include "quant_test_util.h"
#include "quantscope/error.h"
#include "quantscope/quant/metrics.h"
#include "quantscope/quant/quantize.h"
#include "quantscope/tensor/dtype.h"

#include <QTest>

#include <tbb/global_control.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace qs;
using namespace qs::quant;

namespace {

/// Central differences vs the analytic gradient where no value sits near a rounding boundary.
constexpr double kGradRelTol = 1e-6;
/// Fast exact search vs the O(n·breakpoints) reference: same minimum up to double rounding.
constexpr double kSearchRelTol = 1e-9;

double channelObjective(const Matrix& w, const QuantizedTensor& q, std::int64_t r)
{
    // Σ over the row's normal values of (Q(x)-x)², using the stored codes and scale.
    double sum = 0;
    std::size_t k = std::lower_bound(q.outlierIndex.begin(), q.outlierIndex.end(), std::uint64_t(r * w.cols)) -
                    q.outlierIndex.begin();
    for (std::int64_t c = 0; c < w.cols; ++c) {
        const auto i = std::uint64_t(r * w.cols + c);
        if (k < q.outlierIndex.size() && q.outlierIndex[k] == i) {
            ++k;
            continue;
        }
        const auto si = q.scaleIndex(r, c);
        const double e = double(q.scales[si]) * (int(q.codes[i]) - q.offsets[si]) - w.values[i];
        sum += e * e;
    }
    return sum;
}

bool sameBytes(const QuantizedTensor& a, const QuantizedTensor& b)
{
    auto eq = [](const auto& x, const auto& y) {
        return x.size() == y.size() && (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(x[0])) == 0);
    };
    return eq(a.codes, b.codes) && eq(a.scales, b.scales) && eq(a.offsets, b.offsets) &&
           eq(a.outlierIndex, b.outlierIndex) && eq(a.outlierHalf, b.outlierHalf);
}

}  // namespace

class TestEasyQuant : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void gradientMatchesFiniteDifferences()
    {
        const Matrix x = test::heavyTailed(1, 500, 21);
        for (int bits : {2, 3, 4, 8}) {
            const IntBounds b = symmetricBounds(bits, IntRange::Restricted);
            const double m = maxAbs(x.values);
            int checked = 0;
            for (double alpha = 0.3; alpha <= 1.2; alpha += 0.0371) {
                const double r = alpha * m;
                const double h = r * 1e-7;
                // smooth only if no value crosses a boundary within ±h
                bool smooth = true;
                for (const float v : x.values)
                    for (int q = b.qmin; q < b.qmax && smooth; ++q) {
                        const double bd = (q + 0.5) * r / b.qmax;
                        if (std::abs(v - bd) < 4 * h * std::abs(q + 0.5) / b.qmax + 1e-12) smooth = false;
                    }
                if (!smooth) continue;
                const double fd = (naiveLoss(x.values, (r + h) / b.qmax, b.qmin, b.qmax) -
                                   naiveLoss(x.values, (r - h) / b.qmax, b.qmin, b.qmax)) /
                                  (2 * h);
                const double g = rangeGradient(x.values, r, b);
                QVERIFY2(std::abs(fd - g) <= kGradRelTol * std::max(std::abs(g), 1e-3 * m),
                         qPrintable(QString("bits %1 r %2: fd %3 analytic %4").arg(bits).arg(r).arg(fd).arg(g)));
                ++checked;
            }
            QVERIFY(checked >= 5);
        }
    }

    void eitherKeepsTheBetterOfBothGrids()
    {
        // IntRange::Either searches Full's grid and its mirror per unit and keeps the lower loss:
        // never worse than Full, as good as the paper's [-7, 8] (the mirror) for the exact search,
        // and it does mirror some units.
        const Matrix w = test::heavyTailed(12, 640, 77);
        auto unitLoss = [&](const Matrix& d, std::int64_t r, std::int64_t c0, std::int64_t c1) {
            double l = 0;
            for (std::int64_t c = c0; c < c1; ++c) l += std::pow(double(d.row(r)[c]) - w.row(r)[c], 2);
            return l;
        };
        for (auto method : {QuantMethod::RtnMse, QuantMethod::EasyQuant})
            for (auto solver : {RangeSolver::Search, RangeSolver::Adam})
                for (std::int64_t group : {std::int64_t(32), std::int64_t(0)}) {
                    if (method == QuantMethod::RtnMse && solver == RangeSolver::Adam) continue;
                    QuantSettings s;
                    s.method = method;
                    s.solver = solver;
                    s.adamSteps = 60;
                    s.sigma = 0;
                    s.granularity = group ? Granularity::PerGroup : Granularity::PerChannel;
                    s.groupSize = group ? group : 128;
                    s.intRange = IntRange::Either;
                    const auto either = quantizeMatrix(w, s);
                    s.intRange = IntRange::Full;
                    const auto full = quantizeMatrix(w, s);
                    s.intRange = IntRange::EasyQuantLiteral;
                    const auto literal = quantizeMatrix(w, s);
                    const Matrix de = either.dequantize(), df = full.dequantize(), dl = literal.dequantize();
                    const std::int64_t width = group ? group : w.cols;
                    int mirrored = 0;
                    double sumEither = 0, sumFull = 0;
                    for (std::int64_t r = 0; r < w.rows; ++r)
                        for (std::int64_t c = 0; c < w.cols; c += width) {
                            const double e = unitLoss(de, r, c, c + width), f = unitLoss(df, r, c, c + width);
                            const QString what = QString("method %1 solver %2 group %3 unit (%4, %5): either %6 full %7")
                                                     .arg(int(method)).arg(int(solver)).arg(group).arg(r).arg(c).arg(e, 0, 'g', 12).arg(f, 0, 'g', 12);
                            QVERIFY2(e <= f * (1 + 1e-9), qPrintable(what));
                            if (method == QuantMethod::EasyQuant && solver == RangeSolver::Search)
                                QVERIFY2(e <= unitLoss(dl, r, c, c + width) * (1 + 1e-9), qPrintable(what));
                            mirrored += either.scales[std::size_t(either.scaleIndex(r, c))] < 0;
                            sumEither += e;
                            sumFull += f;
                        }
                    // Adam starts both ways at max|x|/qmax, where the extra level is beyond every
                    // value either way (a tie: the direct grid); 60 steps rarely leave that.
                    if (solver == RangeSolver::Adam) continue;
                    QVERIFY2(mirrored > 0 && sumEither < sumFull, qPrintable(QString("method %1 solver %2 group %3: %4 mirrored, %5 vs %6").arg(int(method)).arg(int(solver)).arg(group).arg(mirrored).arg(sumEither).arg(sumFull)));
                }
    }

    void eitherRtnIsGgmlsQ4_0Rule()
    {
        // rtn on Either at group 32 is ggml's Q4_0 rule: d = (the value of largest magnitude) / -8.
        const Matrix w = test::heavyTailed(16, 256, 5);
        QuantSettings s;
        s.method = QuantMethod::Rtn;
        s.granularity = Granularity::PerGroup;
        s.groupSize = 32;
        s.intRange = IntRange::Either;
        const auto q = quantizeMatrix(w, s);
        int negative = 0;
        for (std::int64_t r = 0; r < w.rows; ++r)
            for (std::int64_t c = 0; c < w.cols; c += 32) {
                float extreme = 0;
                for (std::int64_t j = c; j < c + 32; ++j)
                    if (std::abs(w.row(r)[j]) > std::abs(extreme)) extreme = w.row(r)[j];
                const float d = halfToFloat(floatToHalf(extreme / -8.0f));
                QCOMPARE(q.scales[std::size_t(q.scaleIndex(r, c))], d);
                negative += d < 0;
            }
        QVERIFY(negative > 0);
    }

    void exactSearchMatchesBruteForce()
    {
        for (std::uint32_t seed = 1; seed <= 40; ++seed) {
            const int n = 20 + int(seed * 7 % 180);
            const Matrix x = test::heavyTailed(1, n, 100 + seed, seed % 2 ? 3.0 : 30.0);
            for (int bits : {2, 3, 4}) {
                for (auto range : {IntRange::Restricted, IntRange::Full, IntRange::EasyQuantLiteral}) {
                    const IntBounds b = symmetricBounds(bits, range);
                    const ValueIndex sv(x.values);
                    const auto fast = exactRangeSearch(sv, b);
                    const auto ref = exactRangeSearchRef(x.values, b);
                    QVERIFY2(std::abs(fast.loss - ref.loss) <= kSearchRelTol * ref.loss,
                             qPrintable(QString("seed %1 bits %2: fast %3 ref %4").arg(seed).arg(bits).arg(fast.loss, 0, 'g', 17).arg(ref.loss, 0, 'g', 17)));
                    QVERIFY(std::abs(fast.loss - naiveLoss(x.values, fast.delta, b.qmin, b.qmax)) <= kSearchRelTol * ref.loss);
                }
            }
        }
    }

    void fp16SearchMatchesBruteForce()
    {
        // The default search path: the best of every fp16 step in the window, exactly.
        for (std::uint32_t seed = 1; seed <= 24; ++seed) {
            const int n = 16 + int(seed * 53 % 700);
            Matrix x = test::heavyTailed(1, n, 300 + seed, seed % 2 ? 3.0 : 30.0);
            if (seed % 3 == 0)
                for (auto& v : x.values) v = halfToFloat(floatToHalf(v));  // duplicates
            for (int bits : {2, 3, 4, 8}) {
                const IntBounds b = symmetricBounds(bits, seed % 2 ? IntRange::Restricted : IntRange::EasyQuantLiteral);
                const ValueIndex sv(x.values);
                const auto fast = fp16RangeSearch(sv, b);
                const auto ref = fp16RangeSearchRef(x.values, b);
                const auto small = fp16RangeSearchSmall(x.values, b);
                StepSweepScratch scratch;
                const auto swept = fp16StepSweep(x.values, b, scratch);
                // The sweep takes the restricted (symmetric) grid and declines the others.
                QCOMPARE(swept.has_value(), b.qmax == -b.qmin);
                if (swept)
                    QVERIFY2(std::abs(swept->loss - ref.loss) <= kSearchRelTol * ref.loss,
                             qPrintable(QString("sweep, seed %1 bits %2: %3 at %4, ref %5 at %6").arg(seed).arg(bits)
                                            .arg(swept->loss, 0, 'g', 17).arg(swept->delta, 0, 'g', 9).arg(ref.loss, 0, 'g', 17).arg(ref.delta, 0, 'g', 9)));
                QVERIFY2(std::abs(small.loss - ref.loss) <= kSearchRelTol * ref.loss,
                         qPrintable(QString("small, seed %1 bits %2: %3 at %4, ref %5 at %6").arg(seed).arg(bits)
                                        .arg(small.loss, 0, 'g', 17).arg(small.delta, 0, 'g', 9).arg(ref.loss, 0, 'g', 17).arg(ref.delta, 0, 'g', 9)));
                QVERIFY2(std::abs(fast.loss - ref.loss) <= kSearchRelTol * ref.loss,
                         qPrintable(QString("seed %1 bits %2: fast %3 at %4, ref %5 at %6").arg(seed).arg(bits)
                                        .arg(fast.loss, 0, 'g', 17).arg(fast.delta, 0, 'g', 9).arg(ref.loss, 0, 'g', 17).arg(ref.delta, 0, 'g', 9)));
                QCOMPARE(double(halfToFloat(floatToHalf(float(fast.delta)))), fast.delta);  // storable
            }
        }
    }

    void stepSweepMatchesBranchAndBoundOnChannels()
    {
        // Channel-sized units (the sweep's purpose) with whole-matrix 3-sigma outliers removed,
        // like the search solver sees them: the sweep and the index's branch and bound both
        // claim the exact fp16 minimum, so their losses agree; every chosen step is an fp16
        // value; and the loss reported is the step's real loss.
        const Matrix w = test::heavyTailed(12, 4096, 41);
        const auto mom = outlierMoments(w, false)[0];
        StepSweepScratch scratch;
        int compared = 0;
        for (std::int64_t r = 0; r < w.rows; ++r) {
            std::vector<float> x;
            for (const float v : w.row(r))
                if (std::abs(v - mom.mean) < 3 * mom.stddev) x.push_back(v);
            if (r % 3 == 0)
                for (auto& v : x) v = halfToFloat(floatToHalf(v));  // fp16 weights: exact ties
            for (int bits : {2, 3, 4, 8}) {
                const IntBounds b = symmetricBounds(bits, IntRange::Restricted);
                const auto swept = fp16StepSweep(x, b, scratch);
                QVERIFY(swept.has_value());
                const auto bnb = fp16RangeSearch(ValueIndex(x), b);
                QVERIFY2(std::abs(swept->loss - bnb.loss) <= kSearchRelTol * bnb.loss,
                         qPrintable(QString("row %1 bits %2: sweep %3 at %4, branch and bound %5 at %6").arg(r).arg(bits)
                                        .arg(swept->loss, 0, 'g', 17).arg(swept->delta, 0, 'g', 9).arg(bnb.loss, 0, 'g', 17).arg(bnb.delta, 0, 'g', 9)));
                QCOMPARE(double(halfToFloat(floatToHalf(float(swept->delta)))), swept->delta);
                QVERIFY(std::abs(naiveLoss(x, swept->delta, b.qmin, b.qmax) - swept->loss) <= kSearchRelTol * swept->loss);
                ++compared;
            }
        }
        QCOMPARE(compared, 48);
        // A unit whose window reaches below the smallest fp16 step is left to the general path.
        const std::vector<float> tiny{1e-7f, -2e-7f, 3e-8f};
        QVERIFY(!fp16StepSweep(tiny, symmetricBounds(4, IntRange::Restricted), scratch).has_value());
    }

    void searchNeverWorseThanAdamOrRtn()
    {
        const Matrix w = test::heavyTailed(48, 256, 22);
        for (int bits : {3, 4}) {
            const IntBounds b = symmetricBounds(bits, IntRange::Restricted);
            for (std::int64_t r = 0; r < w.rows; ++r) {
                const auto row = w.row(r);
                const ValueIndex sv(row);
                const auto search = exactRangeSearch(sv, b);
                const auto adam = adamRange(row, b, 1e-3, 100);
                const double rtn = naiveLoss(row, double(maxAbs(row)) / b.qmax, b.qmin, b.qmax);
                QVERIFY(search.loss <= adam.loss * (1 + kSearchRelTol));
                QVERIFY(search.loss <= rtn * (1 + kSearchRelTol));
                QVERIFY(adam.loss <= rtn * (1 + 1e-6));  // Adam starts at rtn and descends
            }
        }
    }

    void rtnMseNotWorseThanRtn()
    {
        const Matrix w = test::heavyTailed(32, 300, 23);
        QuantSettings s;
        s.method = QuantMethod::Rtn;
        const auto rtn = quantizeMatrix(w, s);
        s.method = QuantMethod::RtnMse;
        const auto mse = quantizeMatrix(w, s);
        for (std::int64_t r = 0; r < w.rows; ++r)
            QVERIFY(channelObjective(w, mse, r) <= channelObjective(w, rtn, r) * (1 + 1e-12));
    }

    void outliersAreKeptAsFp16()
    {
        Matrix w = test::heavyTailed(20, 100, 24, 30.0);
        w.values[5 * 100 + 7] = 1.0f;  // a planted outlier, far above 3 std
        QuantSettings s;
        const auto q = quantizeMatrix(w, s);
        const auto mom = outlierMoments(w, false)[0];
        std::vector<std::uint64_t> expect;
        for (std::size_t i = 0; i < w.values.size(); ++i)
            if (std::abs(double(w.values[i]) - mom.mean) >= 3 * mom.stddev) expect.push_back(i);
        QVERIFY(q.outlierIndex == expect);
        QVERIFY(std::find(expect.begin(), expect.end(), 507u) != expect.end());
        const Matrix d = q.dequantize();
        for (std::size_t k = 0; k < expect.size(); ++k) {
            QCOMPARE(q.codes[expect[k]], std::uint8_t(0));
            QCOMPARE(d.values[expect[k]], halfToFloat(floatToHalf(w.values[expect[k]])));
        }
        // the outlier does not stretch its channel's range
        QVERIFY(q.scales[5] < 0.5f / 7);
        // sigma <= 0 keeps none; per-channel statistics find the planted one too
        s.sigma = 0;
        QVERIFY(quantizeMatrix(w, s).outlierIndex.empty());
        s.sigma = 3;
        s.outlierStats = OutlierStats::PerChannel;
        const auto qc = quantizeMatrix(w, s);
        QVERIFY(std::find(qc.outlierIndex.begin(), qc.outlierIndex.end(), 507u) != qc.outlierIndex.end());
    }

    void outliersAtBlockEdgesGroupsAndTails()
    {
        // The split copies outlier-free runs of 16 values whole and splits the rest value by
        // value; plant outliers at run edges, group edges and in the short last group, and
        // check both sides of the split: the outlier list against the rule, and each unit's
        // minmax step against max|normal| computed here from the rule.
        Matrix w = test::heavyTailed(40, 103, 41);
        auto plant = [&](std::int64_t r, std::int64_t c) { w.values[std::size_t(r * w.cols + c)] = (c % 2 ? -1.0f : 1.0f); };
        for (std::int64_t r = 0; r < 16; ++r)  // a lone outlier at every offset of each unit's runs
            for (std::int64_t g = 0; g < 3; ++g) {
                plant(r, g * 37 + r);
                if (g < 2) plant(r, g * 37 + 16 + (r + 5) % 16);
            }
        plant(20, 102);
        for (std::int64_t c = 37; c < 53; ++c) plant(21, c);  // a whole run of outliers
        QuantSettings s;
        s.solver = RangeSolver::MinMax;
        s.granularity = Granularity::PerGroup;
        s.groupSize = 37;  // groups start at 0, 37, 74 (not multiples of 16); the last has 29
        const auto q = quantizeMatrix(w, s);
        const OutlierRule rule = makeRule(outlierMoments(w, false)[0], s.sigma);
        std::vector<std::uint64_t> expect;
        for (std::size_t i = 0; i < w.values.size(); ++i)
            if (rule.isOutlier(w.values[i])) expect.push_back(i);
        QVERIFY(expect.size() >= 97);
        QVERIFY(q.outlierIndex == expect);
        const IntBounds b = symmetricBounds(s.bits, s.intRange);
        for (std::int64_t r = 0; r < w.rows; ++r)
            for (std::int64_t g = 0; g < q.groupsPerRow(); ++g) {
                double m = 0;
                for (std::int64_t c = g * 37; c < std::min<std::int64_t>(w.cols, (g + 1) * 37); ++c)
                    if (const float v = w.values[std::size_t(r * w.cols + c)]; !rule.isOutlier(v))
                        m = std::max(m, double(std::abs(v)));
                QCOMPARE(q.scales[std::size_t(r * q.groupsPerRow() + g)], storedScale(m / b.qmax, true));
            }
    }

    void normalRangeAgreesWithTheRule()
    {
        // The quantizer tests floats against two float bounds; the rule is a double test. They
        // must agree for every float, so check the floats next to each bound (where rounding
        // decides) and a spread of values, for means and thresholds of many scales.
        std::mt19937_64 rng(7);
        std::uniform_real_distribution<double> unit(-1.0, 1.0);
        int edges = 0;
        for (int trial = 0; trial < 2000; ++trial) {
            const double scale = std::ldexp(1.0, int(unit(rng) * 40));
            OutlierRule rule{unit(rng) * scale, std::abs(unit(rng)) * scale};
            if (trial % 7 == 0) rule.threshold = 0;  // keeps none
            const NormalRange r = normalRange(rule);
            auto agree = [&](float v) {
                if (r.isNormal(v) == !rule.isOutlier(v)) return true;
                qWarning("mean %.17g threshold %.17g: %.9g normal %d, rule says outlier %d", rule.mean, rule.threshold,
                         double(v), int(r.isNormal(v)), int(rule.isOutlier(v)));
                return false;
            };
            for (const float edge : {r.below, r.above}) {
                if (!std::isfinite(edge)) continue;
                float v = edge;
                for (int k = 0; k < 3; ++k) v = std::nextafter(v, -INFINITY);
                for (int k = 0; k < 7; ++k, v = std::nextafter(v, INFINITY)) QVERIFY(agree(v));
                ++edges;
            }
            for (int k = 0; k < 50; ++k) QVERIFY(agree(float(rule.mean + unit(rng) * 4 * rule.threshold)));
            QVERIFY(agree(float(rule.mean)));
        }
        QVERIFY(edges > 3000);
        // Bounds beyond the float range: no float is an outlier on that side.
        const NormalRange wide = normalRange({0.0, 1e300});
        QVERIFY(std::isinf(wide.below) && std::isinf(wide.above));
        QVERIFY(wide.isNormal(std::numeric_limits<float>::max()));
    }

    void perTensorRangeWithPerChannelOutliers()
    {
        // One range for the matrix, outliers found per row: each row is tested against its own
        // statistics (a row of large values keeps its values; a planted spike is caught).
        Matrix w = test::heavyTailed(6, 200, 31);
        for (std::int64_t c = 0; c < w.cols; ++c) w.values[2 * w.cols + c] *= 50;  // a loud row
        w.values[4 * w.cols + 9] = 40 * std::abs(w.values[4 * w.cols + 9]) + 1.0f;
        QuantSettings s;
        s.granularity = Granularity::PerTensor;
        s.outlierStats = OutlierStats::PerChannel;
        const auto q = quantizeMatrix(w, s);
        const auto moments = outlierMoments(w, true);
        std::vector<std::uint64_t> expect;
        for (std::int64_t r = 0; r < w.rows; ++r)
            for (std::int64_t c = 0; c < w.cols; ++c)
                if (makeRule(moments[std::size_t(r)], 3.0).isOutlier(w.values[r * w.cols + c])) expect.push_back(r * w.cols + c);
        QVERIFY(q.outlierIndex == expect);
        QVERIFY(std::find(expect.begin(), expect.end(), std::uint64_t(4 * w.cols + 9)) != expect.end());
        for (const auto i : expect) QCOMPARE(q.codes[i], std::uint8_t(0));
        QCOMPARE(q.scales.size(), std::size_t(1));
    }

    void easyQuantBeatsRtnOnHeavyTails()
    {
        const Matrix w = test::heavyTailed(64, 512, 25);
        QuantSettings s;
        s.method = QuantMethod::Rtn;
        const double rtn = measure(w, quantizeMatrix(w, s)).relErr;
        s.method = QuantMethod::EasyQuant;
        for (auto g : {Granularity::PerChannel, Granularity::PerGroup, Granularity::PerTensor}) {
            s.granularity = g;
            s.groupSize = 100;  // 512 = 5*100 + 12
            const auto m = measure(w, quantizeMatrix(w, s));
            QVERIFY2(m.relErr < rtn, qPrintable(QString("granularity %1: %2 vs rtn %3").arg(int(g)).arg(m.relErr).arg(rtn)));
            QVERIFY(m.outlierFrac > 0 && m.outlierFrac < 0.03);
        }
    }

    void identicalAtAnyThreadCount()
    {
        const Matrix w = test::heavyTailed(97, 300, 26);
        std::vector<QuantSettings> all;
        for (auto m : {QuantMethod::Rtn, QuantMethod::RtnMse, QuantMethod::EasyQuant})
            for (auto g : {Granularity::PerChannel, Granularity::PerGroup, Granularity::PerTensor})
                for (auto sc : {Scheme::Symmetric, Scheme::Asymmetric}) {
                    QuantSettings s;
                    s.method = m;
                    s.granularity = g;
                    s.groupSize = 64;
                    s.scheme = sc;
                    all.push_back(s);
                }
        QuantSettings adam;
        adam.solver = RangeSolver::Adam;
        adam.adamSteps = 20;
        all.push_back(adam);
        adam.outlierStats = OutlierStats::PerChannel;
        all.push_back(adam);
        for (const auto& s : all) {
            QuantizedTensor one;
            {
                tbb::global_control single(tbb::global_control::max_allowed_parallelism, 1);
                one = quantizeMatrix(w, s);
            }
            const QuantizedTensor many = quantizeMatrix(w, s);
            QVERIFY2(sameBytes(one, many), qPrintable(QString("%1 %2").arg(methodName(s.method).data()).arg(granularityName(s.granularity).data())));
        }
    }

    void progressIsBoundedAndCancels()
    {
        const Matrix w = test::heavyTailed(2000, 16, 27);
        int calls = 0;
        double last = 0;
        quantizeMatrix(w, QuantSettings{}, [&](double f, std::string_view) {
            ++calls;
            last = f;
            return true;
        });
        QVERIFY(calls > 10 && calls <= 201);
        QCOMPARE(last, 1.0);
        QVERIFY_THROWS_EXCEPTION(Cancelled, quantizeMatrix(w, QuantSettings{}, [](double, std::string_view) { return false; }));
    }
};

QTEST_APPLESS_MAIN(TestEasyQuant)
#include "test_easyquant.moc"
