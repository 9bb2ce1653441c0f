// The uniform quantizer's kernels against their plain references, RTN edge cases, the
// settings table, QuantizedTensor indexing/dequantization/bpw, and the metrics.

#include "quant/outliers.h"
#include "quant/range_search.h"
#include "quant/scalar_quant.h"
#include "quant/value_index.h"
#include "quant/unit_quantizer.h"
#include "quant_test_util.h"
#include "quantscope/error.h"
#include "quantscope/quant/metrics.h"
#include "quantscope/quant/quantize.h"
#include "quantscope/tensor/dtype.h"

#include <QTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <span>
#include <utility>

using namespace qs;
using namespace qs::quant;

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

/// Loss values computed by prefix sums vs the O(n) definition: both double, different order.
constexpr double kLossRelTol = 1e-9;

bool lossClose(double a, double b) { return std::abs(a - b) <= kLossRelTol * std::max({std::abs(a), std::abs(b), 1e-30}); }

QuantSettings rtnSettings(int bits, Granularity g = Granularity::PerChannel)
{
    QuantSettings s;
    s.method = QuantMethod::Rtn;
    s.bits = bits;
    s.granularity = g;
    return s;
}

}  // namespace

class TestQuantKernels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void namesRoundTrip()
    {
        for (auto m : {QuantMethod::Rtn, QuantMethod::RtnMse, QuantMethod::EasyQuant})
            QCOMPARE(methodFromName(methodName(m)), std::optional(m));
        for (auto g : {Granularity::PerTensor, Granularity::PerChannel, Granularity::PerGroup})
            QCOMPARE(granularityFromName(granularityName(g)), std::optional(g));
        for (auto r : {IntRange::Restricted, IntRange::Full, IntRange::EasyQuantLiteral, IntRange::Either})
            QCOMPARE(intRangeFromName(intRangeName(r)), std::optional(r));
        for (auto s : {RangeSolver::Adam, RangeSolver::Search, RangeSolver::MinMax})
            QCOMPARE(solverFromName(solverName(s)), std::optional(s));
        QCOMPARE(methodName(QuantMethod::RtnMse), std::string_view("rtn-mse"));
        QVERIFY(!methodFromName("gptq"));
        // The list front ends offer (the CLI's --method check) is every method, in enum order.
        const auto names = methodNames();
        QCOMPARE(names.size(), std::size_t(4));
        for (std::size_t i = 0; i < names.size(); ++i)
            QCOMPARE(methodFromName(names[i]), std::optional(static_cast<QuantMethod>(i)));
    }

    void validateNamesTheBadField()
    {
        QuantSettings s;
        validate(s);
        auto expectBad = [](QuantSettings bad, const char* field) {
            try {
                validate(bad);
                QFAIL("validate accepted a bad setting");
            } catch (const InvalidArgument& e) {
                QVERIFY2(std::string(e.what()).find(field) != std::string::npos, e.what());
            }
        };
        s.bits = 1;
        expectBad(s, "bits");
        s.bits = 9;
        expectBad(s, "bits");
        s = {};
        s.granularity = Granularity::PerGroup;
        s.groupSize = 0;
        expectBad(s, "groupSize");
        s = {};
        s.clipMin = 0;
        expectBad(s, "clipMin");
        s = {};
        s.sigma = std::numeric_limits<double>::quiet_NaN();
        expectBad(s, "sigma");
        s = {};
        s.adamLr = -1;
        expectBad(s, "adamLr");
    }

    void symmetricBoundsPerRange()
    {
        QCOMPARE(symmetricBounds(4, IntRange::Restricted).qmin, -7);
        QCOMPARE(symmetricBounds(4, IntRange::Restricted).qmax, 7);
        QCOMPARE(symmetricBounds(4, IntRange::Full).qmin, -8);
        QCOMPARE(symmetricBounds(4, IntRange::Full).qmax, 7);
        QCOMPARE(symmetricBounds(4, IntRange::EasyQuantLiteral).qmin, -7);
        QCOMPARE(symmetricBounds(4, IntRange::EasyQuantLiteral).qmax, 8);
        QCOMPARE(symmetricBounds(2, IntRange::Restricted).qmax, 1);
        QCOMPARE(symmetricBounds(8, IntRange::Full).qmin, -128);
        QCOMPARE(symmetricBounds(8, IntRange::EasyQuantLiteral).qmax, 128);
        QCOMPARE(symmetricBounds(4, IntRange::Either).qmin, -8);  // Full's codes; a unit may mirror them
        QCOMPARE(symmetricBounds(4, IntRange::Either).qmax, 7);
    }

    void roundingIsHalfToEven()
    {
        QCOMPARE(roundHalfEven(0.5f), 0.0f);
        QCOMPARE(roundHalfEven(1.5f), 2.0f);
        QCOMPARE(roundHalfEven(2.5f), 2.0f);
        QCOMPARE(roundHalfEven(-1.5f), -2.0f);
        QCOMPARE(roundHalfEven(-2.5f), -2.0f);
        QCOMPARE(roundHalfEven(2.4999998f), 2.0f);
        QCOMPARE(roundHalfEven(127.5f), 128.0f);
    }

    void fastEncodersMatchReferences()
    {
        const Matrix x = test::heavyTailed(1, 4000, 11);
        std::vector<float> vals = x.values;
        for (int k = -20; k <= 20; ++k) vals.push_back(0.0125f * k * 0.5f);  // exact ties at scale 0.0125
        for (int bits = 2; bits <= 8; ++bits)
            for (auto r : {IntRange::Restricted, IntRange::Full, IntRange::EasyQuantLiteral})
                for (float scale : {0.0125f, 0.003f, 0.0f, -0.0125f, -0.003f}) {  // < 0: IntRange::Either's mirror
                    std::vector<std::uint8_t> a(vals.size()), b(vals.size());
                    encodeSymmetric(vals, scale, symmetricBounds(bits, r), a.data());
                    encodeSymmetricRef(vals, scale, symmetricBounds(bits, r), b.data());
                    QVERIFY(a == b);
                    if (scale < 0) continue;  // asymmetric scales are never negative
                    for (std::int32_t zero : {0, (1 << bits) / 2, (1 << bits) - 1}) {
                        encodeAsymmetric(vals, scale, zero, bits, a.data());
                        encodeAsymmetricRef(vals, scale, zero, bits, b.data());
                        QVERIFY(a == b);
                    }
                }
    }

    void indexSumsMatchNaiveSums()
    {
        // Heavy-tailed values with many exact duplicates (fp16-rounded), thresholds at values
        // themselves (ties), between them, and beyond the ends.
        Matrix x = test::heavyTailed(1, 3000, 11);
        for (auto& v : x.values) v = halfToFloat(floatToHalf(v));
        const ValueIndex vi(x.values);
        std::vector<double> ts{-kInfinity, kInfinity, 0.0, -1e30, 1e30};
        for (std::size_t i = 0; i < x.values.size(); i += 37) {
            ts.push_back(x.values[i]);
            ts.push_back(std::nextafter(double(x.values[i]), 1e300));
            ts.push_back(std::nextafter(double(x.values[i]), -1e300));
        }
        for (const double t : ts) {
            RangeSums ref;
            for (const float v : x.values)
                if (double(v) < t) ref.add(v);
            const RangeSums got = vi.below(t);
            QVERIFY2(got.count == ref.count, qPrintable(QString("t %1: %2 vs %3").arg(t).arg(got.count).arg(ref.count)));
            QVERIFY(lossClose(got.sxx, ref.sxx));
            QVERIFY(std::abs(got.sx - ref.sx) <= 1e-12 * std::max(1.0, ref.sxx));
        }
    }

    void indexHandlesDegenerateUnits()
    {
        const ValueIndex empty(std::vector<float>{});
        QCOMPARE(empty.loss(0.1, -7, 7), 0.0);
        QCOMPARE(empty.below(1.0).count, 0.0);
        const std::vector<float> same(50, 0.25f);
        const ValueIndex flat(same);
        QCOMPARE(flat.below(0.25).count, 0.0);
        QCOMPARE(flat.below(0.2500001).count, 50.0);
        QVERIFY(lossClose(flat.loss(0.1, -7, 7), naiveLoss(same, 0.1, -7, 7)));
        const std::vector<float> wide{-3e38f, 0.0f, 1e-30f, 3e38f};  // range overflows float
        const ValueIndex w(wide);
        QCOMPARE(w.below(0.0).count, 1.0);
        QCOMPARE(w.below(1e-30).count, 2.0);
        QCOMPARE(w.below(kInfinity).count, 4.0);
    }

    void indexLossMatchesNaiveLoss()
    {
        const Matrix x = test::heavyTailed(1, 3000, 12);
        const ValueIndex sv(x.values);
        for (int bits : {2, 3, 4, 8})
            for (auto r : {IntRange::Restricted, IntRange::Full, IntRange::EasyQuantLiteral}) {
                const IntBounds b = symmetricBounds(bits, r);
                for (double d : {0.0, 1e-5, 0.001, 0.004, 0.02, 0.3}) {
                    const double fast = sv.loss(d, b.qmin, b.qmax);
                    const double ref = naiveLoss(x.values, d, b.qmin, b.qmax);
                    QVERIFY2(lossClose(fast, ref), qPrintable(QString("bits %1 delta %2: %3 vs %4").arg(bits).arg(d).arg(fast).arg(ref)));
                }
                // an asymmetric grid
                QVERIFY(lossClose(sv.loss(0.003, -3, (1 << bits) - 4), naiveLoss(x.values, 0.003, -3, (1 << bits) - 4)));
            }
    }

    void clipGridMatchesReference()
    {
        const Matrix x = test::heavyTailed(1, 2000, 13);
        const ValueIndex sv(x.values);
        for (int bits : {2, 4, 8}) {
            QuantSettings s;
            s.bits = bits;
            s.scheme = Scheme::Asymmetric;
            const auto b = symmetricBounds(bits, IntRange::Restricted);
            const auto fast = clipGridSearch(sv, b, s);
            const auto ref = clipGridSearchRef(x.values, b, s);
            QVERIFY(lossClose(fast.loss, ref.loss));
            const auto fa = asymmetricClipSearch(sv, s);
            const auto ra = asymmetricClipSearchRef(x.values, s);
            const int top = (1 << bits) - 1;
            QVERIFY(lossClose(naiveLoss(x.values, fa.scale, -fa.offset, top - fa.offset),
                              naiveLoss(x.values, ra.scale, -ra.offset, top - ra.offset)));
        }
    }

    void rtnErrorIsHalfAStep()
    {
        const Matrix w = test::heavyTailed(16, 172, 14);
        for (int bits = 2; bits <= 8; ++bits)
            for (auto g : {Granularity::PerTensor, Granularity::PerChannel, Granularity::PerGroup}) {
                QuantSettings s = rtnSettings(bits, g);
                s.groupSize = 64;  // 172 = 64 + 64 + 44: a short last group
                const auto q = quantizeMatrix(w, s);
                const Matrix d = q.dequantize();
                for (std::int64_t r = 0; r < w.rows; ++r)
                    for (std::int64_t c = 0; c < w.cols; ++c) {
                        const float scale = q.scales[q.scaleIndex(r, c)];
                        const float x = w.values[r * w.cols + c];
                        // fp16 rounding of the scale may clip the extreme value by < 1e-3 relative
                        const float tol = 0.5f * scale * 1.0001f + 1e-3f * std::abs(x);
                        QVERIFY(std::abs(d.values[r * w.cols + c] - x) <= tol);
                        QVERIFY(q.codes[r * w.cols + c] < (1 << bits));
                    }
            }
    }

    void shortLastGroupIndexing()
    {
        const Matrix w = test::heavyTailed(3, 172, 15);
        QuantSettings s = rtnSettings(4, Granularity::PerGroup);
        s.groupSize = 64;
        const auto q = quantizeMatrix(w, s);
        QCOMPARE(q.groupsPerRow(), std::int64_t(3));
        QCOMPARE(q.scales.size(), std::size_t(9));
        QCOMPARE(q.scaleIndex(1, 171), std::int64_t(5));
        QCOMPARE(q.scaleIndex(2, 128), std::int64_t(8));
        // the last group's scale is its own max|x| / 7
        float m = 0;
        for (int c = 128; c < 172; ++c) m = std::max(m, std::abs(w.values[2 * 172 + c]));
        QCOMPARE(q.scales[8], storedScale(double(m) / 7, true));
    }

    void rowDequantizationMatchesWholeMatrix()
    {
        // dequantizeRows (what measure() and the model job decode row by row) must equal the
        // matching rows of dequantize(), outliers included, for every granularity; and
        // measure() must equal compareMatrices() against the full copy, to the bit.
        const Matrix w = test::heavyTailed(37, 172, 23);
        for (const auto g : {Granularity::PerTensor, Granularity::PerChannel, Granularity::PerGroup}) {
            QuantSettings s;
            s.granularity = g;
            s.groupSize = 64;  // a short last group of 44
            s.sigma = 2.0;     // plenty of outliers
            const auto q = quantizeMatrix(w, s);
            QVERIFY(!q.outlierIndex.empty());
            const Matrix full = q.dequantize();
            for (const auto& [r0, r1] : {std::pair<std::int64_t, std::int64_t>{0, 37}, {5, 6}, {11, 30}, {36, 37}}) {
                std::vector<float> part(static_cast<std::size_t>((r1 - r0) * w.cols));
                q.dequantizeRows(r0, r1, part.data());
                QVERIFY(std::memcmp(part.data(), full.values.data() + r0 * w.cols, part.size() * sizeof(float)) == 0);
            }
            const auto a = measure(w, q), b = compareMatrices(w, full);
            QCOMPARE(a.relErr, b.relErr);
            QCOMPARE(a.mse, b.mse);
            QCOMPARE(a.cosine, b.cosine);
            QCOMPARE(a.maxAbsErr, b.maxAbsErr);
            for (std::size_t k = 0; k < q.outlierIndex.size(); ++k)
                QCOMPARE(full.values[q.outlierIndex[k]], halfToFloat(q.outlierHalf[k]));
        }
    }

    void intRangeBoundsReachTheirCodes()
    {
        Matrix w(1, 4);
        w.values = {-1.0f, -0.5f, 0.5f, 1.0f};
        for (auto r : {IntRange::Restricted, IntRange::Full, IntRange::EasyQuantLiteral}) {
            QuantSettings s = rtnSettings(4);
            s.intRange = r;
            const auto q = quantizeMatrix(w, s);
            const IntBounds b = symmetricBounds(4, r);
            QCOMPARE(q.offsets[0], -b.qmin);
            QCOMPARE(int(q.codes[3]) - q.offsets[0], b.qmax);  // +max maps to qmax
            // -max maps to -qmax, except Full which can reach -qmax only (qmin = -8 unused)
            QCOMPARE(int(q.codes[0]) - q.offsets[0], -b.qmax < b.qmin ? b.qmin : -b.qmax);
        }
        // Full range: with r = max|x| the level -8 is reached only below -r (a smaller step,
        // e.g. from a clip search); the encoder uses it, and 2 bits Full spans [-2, 1].
        const std::vector<float> v{-8.0f, -9.0f, 7.0f, 8.0f};
        std::vector<std::uint8_t> c(4);
        encodeSymmetric(v, 1.0f, symmetricBounds(4, IntRange::Full), c.data());
        QCOMPARE(std::vector<int>(c.begin(), c.end()), (std::vector<int>{0, 0, 15, 15}));
        encodeSymmetric(v, 4.0f, symmetricBounds(2, IntRange::Full), c.data());
        QCOMPARE(std::vector<int>(c.begin(), c.end()), (std::vector<int>{0, 0, 3, 3}));
    }

    void momentsMatchALongDoubleReference()
    {
        // Whole-matrix and per-row moments against a plain two-pass reference in long double,
        // on rows with very different offsets (the combination across rows is where a
        // one-pass formula would cancel) and a short odd row length.
        Matrix w = test::heavyTailed(37, 61, 71);
        for (std::int64_t r = 0; r < w.rows; ++r)
            for (std::int64_t c = 0; c < w.cols; ++c) w.values[std::size_t(r * w.cols + c)] += 100.0f * float(r % 5);
        auto reference = [](std::span<const float> x) {
            long double sum = 0;
            for (const float v : x) sum += v;
            const long double mean = sum / x.size();
            long double m2 = 0;
            for (const float v : x) m2 += (v - mean) * (v - mean);
            return std::pair<double, double>{double(mean), double(std::sqrt(m2 / x.size()))};
        };
        const auto [mean, sd] = reference(w.values);
        const quant::Moments all = quant::outlierMoments(w, false)[0];
        QVERIFY2(std::abs(all.mean - mean) <= 1e-13 * std::abs(mean), qPrintable(QString::number(all.mean - mean)));
        QVERIFY2(std::abs(all.stddev - sd) <= 1e-13 * sd, qPrintable(QString::number(all.stddev - sd)));
        const auto rows = quant::outlierMoments(w, true);
        QCOMPARE(rows.size(), std::size_t(w.rows));
        for (std::int64_t r = 0; r < w.rows; ++r) {
            const auto [m, s] = reference(w.row(r));
            QVERIFY(std::abs(rows[std::size_t(r)].mean - m) <= 1e-13 * std::max(1.0, std::abs(m)));
            QVERIFY(std::abs(rows[std::size_t(r)].stddev - s) <= 1e-12 * s);
        }
        QCOMPARE(quant::outlierMoments(Matrix(0, 4), false)[0].stddev, 0.0);
    }

    void edgeCases()
    {
        // all-zero and constant rows, single element
        Matrix w(3, 5);
        for (int c = 0; c < 5; ++c) w.values[5 + c] = 0.25f;
        w.values[10] = -3.0f;
        for (auto m : {QuantMethod::Rtn, QuantMethod::RtnMse, QuantMethod::EasyQuant})
            for (auto sc : {Scheme::Symmetric, Scheme::Asymmetric}) {
                QuantSettings s = rtnSettings(4);
                s.method = m;
                s.scheme = sc;
                const auto q = quantizeMatrix(w, s);
                const Matrix d = q.dequantize();
                for (int c = 0; c < 5; ++c) QCOMPARE(d.values[c], 0.0f);  // zero row exact
                for (int c = 0; c < 5; ++c) QVERIFY(std::abs(d.values[5 + c] - 0.25f) < 1e-3f);
                QVERIFY(std::abs(d.values[10] + 3.0f) < 3e-3f);
            }
        Matrix one(1, 1);
        one.values = {0.7f};
        const auto q1 = quantizeMatrix(one, QuantSettings{});
        QVERIFY(std::abs(q1.dequantize().values[0] - 0.7f) < 1e-3f);
        // empty matrix
        const auto q0 = quantizeMatrix(Matrix(0, 8), QuantSettings{});
        QCOMPARE(q0.codes.size(), std::size_t(0));
    }

    void nonFiniteInputIsRejected()
    {
        for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
            Matrix w = test::heavyTailed(4, 8, 16);
            w.values[2 * 8 + 5] = bad;
            try {
                quantizeMatrix(w, QuantSettings{});
                QFAIL("non-finite input accepted");
            } catch (const InvalidArgument& e) {
                QVERIFY2(std::string(e.what()).find("row 2, column 5") != std::string::npos, e.what());
            }
        }
        Matrix wrong(2, 3);
        wrong.values.resize(5);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, quantizeMatrix(wrong, QuantSettings{}));
        // Outlier columns are 32-bit: a row of more than 2^32 values is refused up front (shown
        // with zero rows, which needs no memory).
        Matrix tooWide;
        tooWide.cols = std::int64_t(1) << 33;
        try {
            quantizeMatrix(tooWide, QuantSettings{});
            QFAIL("a row of 2^33 values was accepted");
        } catch (const InvalidArgument& e) {
            QVERIFY2(std::string(e.what()).find("2^32") != std::string::npos, e.what());
        }
    }

    void fp16ScalesAreWhatTheCodesUse()
    {
        const Matrix w = test::heavyTailed(8, 100, 17);
        QuantSettings s = rtnSettings(4);
        const auto q = quantizeMatrix(w, s);
        for (std::size_t i = 0; i < q.scales.size(); ++i) QCOMPARE(halfToFloat(floatToHalf(q.scales[i])), q.scales[i]);
        // re-encoding each row with its stored scale reproduces the codes
        for (std::int64_t r = 0; r < w.rows; ++r) {
            std::vector<std::uint8_t> c(100);
            encodeSymmetricRef(w.row(r), q.scales[r], symmetricBounds(4, IntRange::Restricted), c.data());
            QVERIFY(std::equal(c.begin(), c.end(), q.codes.begin() + r * 100));
        }
        s.fp16Scales = false;
        const auto q32 = quantizeMatrix(w, s);
        QCOMPARE(q32.scales[0], float(double(maxAbs(w.row(0))) / 7));
    }

    void bitsPerWeightCountsEverything()
    {
        const Matrix w = test::heavyTailed(4, 128, 18);
        QuantSettings s = rtnSettings(4, Granularity::PerGroup);
        s.groupSize = 64;
        QCOMPARE(quantizeMatrix(w, s).bitsPerWeight(), 4.0 + 16.0 / 64);
        s.scheme = Scheme::Asymmetric;
        QCOMPARE(quantizeMatrix(w, s).bitsPerWeight(), 4.0 + 20.0 / 64);
        QuantSettings e;
        e.sigma = 2.0;
        const auto q = quantizeMatrix(w, e);
        QVERIFY(!q.outlierIndex.empty());
        QCOMPARE(q.bitsPerWeight(), 4.0 + 16.0 / 128 + 48.0 * double(q.outlierIndex.size()) / 512);
    }

    void metricsOfKnownMatrices()
    {
        Matrix a(1, 4), b(1, 4);
        a.values = {1, 2, 3, 4};
        b.values = {1, 2, 3, 4};
        auto m = compareMatrices(a, b);
        QCOMPARE(m.mse, 0.0);
        QVERIFY(std::isinf(m.sqnrDb));
        QCOMPARE(m.cosine, 1.0);
        b.values = {1, 2, 3, 5};
        m = compareMatrices(a, b);
        QCOMPARE(m.mse, 0.25);
        QCOMPARE(m.maxAbsErr, 1.0);
        QVERIFY(std::abs(m.relErr - std::sqrt(1.0 / 30)) < 1e-15);
        QVERIFY(std::abs(m.sqnrDb - 10 * std::log10(30.0)) < 1e-12);
        QVERIFY(std::abs(m.cosine - 34.0 / std::sqrt(30.0 * 39.0)) < 1e-15);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, compareMatrices(a, Matrix(2, 2)));
        const auto q = quantizeMatrix(test::heavyTailed(4, 64, 19), rtnSettings(8));
        const auto mq = measure(test::heavyTailed(4, 64, 19), q);
        QCOMPARE(mq.bpw, q.bitsPerWeight());
        QVERIFY(mq.relErr > 0 && mq.relErr < 0.02);
    }
};

QTEST_APPLESS_MAIN(TestQuantKernels)
#include "test_quant_kernels.moc"
