// ThresholdExplorer mirrors exactly one quantization: quantizeMatrix with method easyquant,
// solver minmax (outliers isolated at n·σ, each unit's range = the extremes of its normal
// values, no range optimization), with the base settings' scheme, integer range,
// granularity, outlier statistics and fp16 scales; sigma and bits come from the query.
// sigma <= 0 therefore answers plain RTN. See docs/quantization.md.
//
// Build: every segment (a row, or a group of a row) is sorted once with prefix sums of x, x²
// and of the fp16 rounding error² of each value (what an outlier costs). Query: per segment,
// two binary searches give the normal interval (the outlier rule is monotone on each side of
// the mean), its ends give the unit's range, and the loss costs O(levels · log n).

#include "quantscope/quant/threshold_explorer.h"

#include "quant/bpw.h"
#include "quant/outliers.h"
#include "quant/scalar_quant.h"
#include "quantscope/error.h"
#include "quantscope/tensor/dtype.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace qs {

namespace {
using SegRange = tbb::blocked_range<std::size_t>;
// Segments per task in a query: small tensors answer on the calling thread (no wake-ups).
constexpr std::size_t kQueryGrain = 2048;
}

struct ThresholdExplorer::Impl {
    QuantSettings base;
    std::int64_t rows = 0;
    std::int64_t cols = 0;
    std::int64_t units = 0;
    std::vector<std::size_t> segBegin;   // into values; size segments + 1
    std::vector<std::int64_t> segUnit;   // unit of each segment
    std::vector<std::int64_t> segRow;
    std::vector<float> values;           // sorted within each segment
    std::vector<double> px, pxx, perr;   // prefix sums; segment s uses [segBegin[s] + s, segBegin[s+1] + s]
    std::vector<quant::Moments> moments; // per row or one
    quant::Moments whole;
    double sumSquares = 0;

    std::size_t segments() const noexcept { return segUnit.size(); }

    double prefixDiff(const std::vector<double>& p, std::size_t s, std::size_t i0, std::size_t i1) const noexcept
    {
        const std::size_t o = segBegin[s] + s;
        return p[o + i1] - p[o + i0];
    }

    /// Loss of the segment's values [i0, i1) (segment-relative) on grid [qlo, qhi] with step d.
    double segmentLoss(std::size_t s, std::size_t i0, std::size_t i1, double d, int qlo, int qhi) const noexcept
    {
        if (i1 <= i0) return 0;
        if (!(d > 0)) return prefixDiff(pxx, s, i0, i1);
        const float* v = values.data() + segBegin[s];
        double total = 0;
        std::size_t begin = i0;
        for (int q = qlo; q <= qhi && begin < i1; ++q) {
            std::size_t end = i1;
            if (q != qhi) {
                const double bound = (q + 0.5) * d;
                end = static_cast<std::size_t>(
                    std::lower_bound(v + begin, v + i1, bound, [](float a, double t) { return double(a) < t; }) - v);
            }
            if (end > begin) {
                const double cnt = double(end - begin);
                const double sx = prefixDiff(px, s, begin, end);
                const double sxx = prefixDiff(pxx, s, begin, end);
                const double c = q * d;
                total += std::max(0.0, sxx - 2.0 * c * sx + cnt * c * c);
            }
            begin = end;
        }
        return total;
    }
};

ThresholdExplorer::ThresholdExplorer(const Matrix& w, const QuantSettings& base) : m_impl(std::make_unique<Impl>())
{
    validate(base);
    if (w.rows < 0 || w.cols < 0 || w.values.size() != static_cast<std::size_t>(w.rows * w.cols))
        throw InvalidArgument("ThresholdExplorer: matrix shape does not match its values");
    for (std::size_t i = 0; i < w.values.size(); ++i)
        if (!std::isfinite(w.values[i]))
            throw InvalidArgument("ThresholdExplorer: non-finite value at flat index " + std::to_string(i));
    Impl& d = *m_impl;
    d.base = base;
    d.rows = w.rows;
    d.cols = w.cols;
    const std::int64_t g = base.granularity == Granularity::PerGroup ? std::max<std::int64_t>(1, base.groupSize)
                                                                     : std::max<std::int64_t>(1, w.cols);
    const std::int64_t gpr = w.cols > 0 ? (w.cols + g - 1) / g : 1;
    d.segBegin.push_back(0);
    for (std::int64_t r = 0; r < w.rows; ++r)
        for (std::int64_t k = 0; k < gpr; ++k) {
            const std::int64_t n = std::max<std::int64_t>(0, std::min(g, w.cols - k * g));
            d.segBegin.push_back(d.segBegin.back() + static_cast<std::size_t>(n));
            d.segRow.push_back(r);
            d.segUnit.push_back(base.granularity == Granularity::PerTensor    ? 0
                                : base.granularity == Granularity::PerChannel ? r
                                                                              : r * gpr + k);
        }
    d.units = base.granularity == Granularity::PerTensor ? 1 : w.rows * (base.granularity == Granularity::PerChannel ? 1 : gpr);
    d.values = w.values;  // segments are contiguous row pieces in row-major order
    const std::size_t segs = d.segments();
    d.px.resize(d.values.size() + segs);
    d.pxx.resize(d.values.size() + segs);
    d.perr.resize(d.values.size() + segs);
    tbb::parallel_for(SegRange(0, segs), [&](const SegRange& br) {
        for (std::size_t s = br.begin(); s != br.end(); ++s) {
            float* v = d.values.data() + d.segBegin[s];
            const std::size_t n = d.segBegin[s + 1] - d.segBegin[s];
            std::sort(v, v + n);
            const std::size_t o = d.segBegin[s] + s;
            double a = 0, b = 0, e = 0;
            d.px[o] = d.pxx[o] = d.perr[o] = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const double x = v[i];
                const double h = halfToFloat(floatToHalf(v[i]));
                a += x;
                b += x * x;
                e += (h - x) * (h - x);
                d.px[o + i + 1] = a;
                d.pxx[o + i + 1] = b;
                d.perr[o + i + 1] = e;
            }
        }
    });
    d.moments = quant::outlierMoments(w, base.outlierStats == OutlierStats::PerChannel);
    d.whole = base.outlierStats == OutlierStats::PerChannel ? quant::outlierMoments(w, false)[0] : d.moments[0];
    for (std::size_t s = 0; s < segs; ++s) d.sumSquares += d.prefixDiff(d.pxx, s, 0, d.segBegin[s + 1] - d.segBegin[s]);
}

ThresholdExplorer::~ThresholdExplorer() = default;
ThresholdExplorer::ThresholdExplorer(ThresholdExplorer&&) noexcept = default;
ThresholdExplorer& ThresholdExplorer::operator=(ThresholdExplorer&&) noexcept = default;

double ThresholdExplorer::mean() const noexcept { return m_impl->whole.mean; }
double ThresholdExplorer::stddev() const noexcept { return m_impl->whole.stddev; }

ExplorerAnswer ThresholdExplorer::query(double sigma, int bits) const
{
    const Impl& d = *m_impl;
    QuantSettings s = d.base;
    s.bits = bits;
    s.sigma = sigma;
    validate(s);
    const std::size_t segs = d.segments();
    const bool perRow = d.base.outlierStats == OutlierStats::PerChannel;
    const bool asym = d.base.scheme == Scheme::Asymmetric;

    // Pass 1: each segment's normal interval [lo, hi); the units' ranges from its ends.
    std::vector<std::size_t> lo(segs), hi(segs);
    tbb::parallel_for(SegRange(0, segs, kQueryGrain), [&](const SegRange& br) {
        for (std::size_t k = br.begin(); k != br.end(); ++k) {
            const auto rule = quant::makeRule(d.moments[perRow ? static_cast<std::size_t>(d.segRow[k]) : 0], sigma);
            const float* v = d.values.data() + d.segBegin[k];
            const float* e = d.values.data() + d.segBegin[k + 1];
            const float* a = std::partition_point(v, e, [&](float x) { return x < rule.mean && rule.isOutlier(x); });
            const float* b = std::partition_point(a, e, [&](float x) { return !(x > rule.mean && rule.isOutlier(x)); });
            lo[k] = static_cast<std::size_t>(a - v);
            hi[k] = static_cast<std::size_t>(b - v);
        }
    });
    std::vector<float> umin(static_cast<std::size_t>(d.units), 0.0f), umax(static_cast<std::size_t>(d.units), 0.0f);
    std::vector<char> seen(static_cast<std::size_t>(d.units), 0);
    std::int64_t outliers = 0;
    double outlierErr = 0;
    for (std::size_t k = 0; k < segs; ++k) {
        const std::size_t n = d.segBegin[k + 1] - d.segBegin[k];
        outliers += static_cast<std::int64_t>(lo[k] + (n - hi[k]));
        outlierErr += d.prefixDiff(d.perr, k, 0, lo[k]) + d.prefixDiff(d.perr, k, hi[k], n);
        if (hi[k] <= lo[k]) continue;
        const auto u = static_cast<std::size_t>(d.segUnit[k]);
        const float a = d.values[d.segBegin[k] + lo[k]], b = d.values[d.segBegin[k] + hi[k] - 1];
        umin[u] = seen[u] ? std::min(umin[u], a) : a;
        umax[u] = seen[u] ? std::max(umax[u], b) : b;
        seen[u] = 1;
    }

    // Pass 2: the unit's scale exactly as the quantizer stores it, then each segment's loss.
    const IntBounds sb = symmetricBounds(bits, d.base.intRange);
    std::vector<double> segErr(segs);
    std::vector<quant::AsymParams> params(static_cast<std::size_t>(d.units));
    for (std::size_t u = 0; u < params.size(); ++u) {
        if (asym) {
            params[u] = quant::asymmetricParams(umin[u], umax[u], bits, d.base.fp16Scales);
        } else {
            const float m = std::max(std::abs(umin[u]), std::abs(umax[u]));
            params[u] = {quant::storedScale(double(m) / sb.qmax, d.base.fp16Scales), -sb.qmin};
        }
    }
    tbb::parallel_for(SegRange(0, segs, kQueryGrain), [&](const SegRange& br) {
        for (std::size_t k = br.begin(); k != br.end(); ++k) {
            const auto& p = params[static_cast<std::size_t>(d.segUnit[k])];
            const int qlo = asym ? -p.zero : sb.qmin;
            const int qhi = asym ? (1 << bits) - 1 - p.zero : sb.qmax;
            segErr[k] = d.segmentLoss(k, lo[k], hi[k], p.scale, qlo, qhi);
        }
    });
    double err = outlierErr;
    for (const double e : segErr) err += e;

    ExplorerAnswer a;
    a.sigma = sigma;
    a.bits = bits;
    a.outliers = outliers;
    const double n = double(d.values.size());
    a.outlierFrac = n > 0 ? double(outliers) / n : 0.0;
    a.mse = n > 0 ? err / n : 0.0;
    a.relErr = d.sumSquares > 0 ? std::sqrt(err / d.sumSquares) : 0.0;
    a.sqnrDb = err > 0 ? 10.0 * std::log10(d.sumSquares / err) : std::numeric_limits<double>::infinity();
    a.bpw = quant::bitsPerWeight(static_cast<std::int64_t>(d.values.size()), bits, d.units, asym, outliers);
    return a;
}

}  // namespace qs
