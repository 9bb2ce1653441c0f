// ThresholdExplorer mirrors exactly one quantization: quantizeMatrix with method easyquant,
// solver minmax (outliers isolated at n·σ, each unit's range = the extremes of its normal
// values, no range optimization), with the base settings' scheme, integer range,
// granularity, outlier statistics and fp16 scales; sigma and bits come from the query.
// sigma <= 0 therefore answers plain RTN. See docs/quantization.md.
//
// Build: every segment (a row, or a group of a row) is sorted once into blocks of 10 values
// that share a cache line with the prefix sums of x, x² and of the fp16 rounding error² (what
// an outlier costs) up to them; a compact array keeps each block's first value (a "fence").
// Query: per segment, the normal interval (the outlier rule is monotone on each side of the
// mean) and every level boundary are found by galloping over the fences from the previous
// position (boundaries only move forward), then a scan of one block; the sums at a position are its block's prefix plus that partial
// block. A query therefore reads the small fence array and a few lines per boundary instead
// of binary-searching the values, and the index takes ~6.8 bytes per weight instead of 28
// (11008×4096: about 310 MB, not 1.3 GB).

#include "quantscope/quant/threshold_explorer.h"

#include "quant/bpw.h"
#include "quant/outliers.h"
#include "quant/scalar_quant.h"
#include "quant/value_index.h"
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

/// Ten sorted values and the segment's sums before them share one 64-byte cache line, so a
/// level boundary costs one line: its scan and its prefix sums come together.
constexpr std::size_t kBlock = 10;

struct alignas(64) Block {
    float v[kBlock] = {};
    double sx = 0;   // Σ x over the segment's values before this block
    double sxx = 0;  // Σ x²
    double err = 0;  // Σ (fp16(x) - x)²
};
static_assert(sizeof(Block) == 64);

inline double halfError(float x) noexcept
{
    const double e = double(halfToFloat(floatToHalf(x))) - x;
    return e * e;
}

struct ThresholdExplorer::Impl {
    QuantSettings base;
    std::int64_t rows = 0;
    std::int64_t cols = 0;
    std::int64_t units = 0;
    std::vector<std::size_t> segBegin;   // flat offset of each segment; size segments + 1
    std::vector<std::size_t> segBlock;   // into fence; size segments + 1 (blocks: + segment)
    std::vector<std::int64_t> segUnit;   // unit of each segment
    std::vector<std::int64_t> segRow;
    std::vector<Block> blocks;           // per segment: its blocks, then one holding the total
    std::vector<float> fence;            // first value of each block
    std::vector<quant::Moments> moments; // per row or one
    quant::Moments whole;
    double sumSquares = 0;

    std::size_t segments() const noexcept { return segUnit.size(); }
    std::size_t length(std::size_t s) const noexcept { return segBegin[s + 1] - segBegin[s]; }
    const Block* blocksOf(std::size_t s) const noexcept { return blocks.data() + segBlock[s] + s; }
    float valueAt(std::size_t s, std::size_t i) const noexcept { return blocksOf(s)[i / kBlock].v[i % kBlock]; }

    /// The first position at or after `from` in segment s where keepGoing(value) turns false
    /// (keepGoing is true on a prefix of the sorted segment): gallop over the fences, then scan
    /// one block.
    template <typename Pred>
    std::size_t seek(std::size_t s, std::size_t from, Pred keepGoing) const noexcept
    {
        if (from >= length(s)) return length(s);
        return scanBlock(s, gallop(s, from / kBlock, keepGoing), from, keepGoing);
    }

    /// The last block at or after block `from` whose fence keeps keepGoing true (or `from`):
    /// the block holding the position where keepGoing turns false. Fences only, so it touches
    /// the small fence array and none of the blocks.
    template <typename Pred>
    std::size_t gallop(std::size_t s, std::size_t from, Pred keepGoing) const noexcept
    {
        const float* f = fence.data() + segBlock[s];
        const std::size_t count = segBlock[s + 1] - segBlock[s];
        std::size_t lo = from;
        std::size_t step = 1;
        std::size_t hi = lo + step;
        while (hi < count && keepGoing(f[hi])) {
            lo = hi;
            step *= 2;
            hi = lo + step;
        }
        hi = std::min(hi, count);  // f[hi] stops (or the end): the answer is before block hi
        while (hi - lo > 1) {
            const std::size_t mid = lo + (hi - lo) / 2;
            (keepGoing(f[mid]) ? lo : hi) = mid;
        }
        return lo;
    }

    /// The first position in block k of segment s, at or after `from`, where keepGoing turns
    /// false (the block's end when it never does).
    template <typename Pred>
    std::size_t scanBlock(std::size_t s, std::size_t k, std::size_t from, Pred keepGoing) const noexcept
    {
        const Block& b = blocksOf(s)[k];
        const std::size_t first = k * kBlock;
        std::size_t i = std::max(from, first);
        const std::size_t end = std::min(length(s), first + kBlock);
        while (i < end && keepGoing(b.v[i - first])) ++i;
        return i;
    }

    /// Count, Σx, Σx² of the first i values of segment s.
    quant::RangeSums sumsBefore(std::size_t s, std::size_t i) const noexcept
    {
        const std::size_t k = i / kBlock;
        const Block& b = blocksOf(s)[k];
        quant::RangeSums r{double(k * kBlock), b.sx, b.sxx};
        for (std::size_t j = 0; j < i - k * kBlock; ++j) r.add(b.v[j]);
        return r;
    }

    /// Σ (fp16(x) - x)² over the first i values of segment s.
    double errorBefore(std::size_t s, std::size_t i) const noexcept
    {
        const std::size_t k = i / kBlock;
        const Block& b = blocksOf(s)[k];
        double e = b.err;
        for (std::size_t j = 0; j < i - k * kBlock; ++j) e += halfError(b.v[j]);
        return e;
    }

    /// Loss of the segment's values [i0, i1) on grid [qlo, qhi] with step d. Two phases so
    /// the cache misses overlap: first every level boundary's block from the fences (small,
    /// cache-resident), then the blocks' scans and prefix sums, whose loads no longer depend
    /// on each other (a chained search waited for one miss per boundary on large tensors).
    double segmentLoss(std::size_t s, std::size_t i0, std::size_t i1, double d, int qlo, int qhi,
                       std::vector<std::size_t>& boundaryBlock) const noexcept
    {
        if (i1 <= i0) return 0;
        quant::RangeSums prev = sumsBefore(s, i0);
        if (!(d > 0)) return (sumsBefore(s, i1) - prev).sxx;
        const int levels = qhi - qlo + 1;
        boundaryBlock.resize(static_cast<std::size_t>(levels));
        std::size_t b = i0 / kBlock;
        const Block* own = blocksOf(s);
        for (int q = qlo; q < qhi; ++q) {
            const double t = (q + 0.5) * d;
            b = gallop(s, b, [t](float x) { return double(x) < t; });
            boundaryBlock[static_cast<std::size_t>(q - qlo)] = b;
            __builtin_prefetch(own + b);  // all of them in flight before the scans
        }
        double total = 0;
        std::size_t at = i0;
        for (int q = qlo; q <= qhi && at < i1; ++q) {
            std::size_t end = i1;
            if (q != qhi) {
                const double t = (q + 0.5) * d;
                const std::size_t k = boundaryBlock[static_cast<std::size_t>(q - qlo)];
                end = std::min(i1, scanBlock(s, k, at, [t](float x) { return double(x) < t; }));
            }
            if (end > at) {
                const quant::RangeSums cur = sumsBefore(s, end);
                total += std::max(0.0, (cur - prev).squaredDistanceTo(q * d));
                prev = cur;
                at = end;
            }
        }
        return total;
    }
};

ThresholdExplorer::ThresholdExplorer(const Matrix& w, const QuantSettings& chosen) : m_impl(std::make_unique<Impl>())
{
    // The explorer models the uniform grid with outlier isolation, whatever method is chosen:
    // nl4's fixed 4-bit layout would refuse the other bits a query asks about.
    QuantSettings base = chosen;
    base.method = QuantMethod::EasyQuant;
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
    const std::size_t segs = d.segments();
    d.segBlock.resize(segs + 1, 0);
    for (std::size_t s = 0; s < segs; ++s) d.segBlock[s + 1] = d.segBlock[s] + (d.length(s) + kBlock - 1) / kBlock;
    d.fence.resize(d.segBlock[segs]);
    d.blocks.resize(d.segBlock[segs] + segs);
    tbb::parallel_for(SegRange(0, segs), [&](const SegRange& br) {
        std::vector<float> v;
        for (std::size_t s = br.begin(); s != br.end(); ++s) {
            // Segments are contiguous row pieces in row-major order.
            const std::size_t n = d.length(s);
            v.assign(w.values.begin() + static_cast<std::ptrdiff_t>(d.segBegin[s]),
                     w.values.begin() + static_cast<std::ptrdiff_t>(d.segBegin[s] + n));
            std::sort(v.begin(), v.end());
            Block* b = d.blocks.data() + d.segBlock[s] + s;
            float* f = d.fence.data() + d.segBlock[s];
            double sx = 0, sxx = 0, err = 0;
            for (std::size_t i = 0; i < n; ++i) {
                Block& blk = b[i / kBlock];
                if (i % kBlock == 0) {
                    blk.sx = sx, blk.sxx = sxx, blk.err = err;
                    f[i / kBlock] = v[i];
                }
                blk.v[i % kBlock] = v[i];
                const double x = v[i];
                sx += x;
                sxx += x * x;
                err += halfError(v[i]);
            }
            Block& total = b[(n + kBlock - 1) / kBlock];
            total.sx = sx, total.sxx = sxx, total.err = err;
        }
    });
    d.moments = quant::outlierMoments(w, base.outlierStats == OutlierStats::PerChannel);
    d.whole = base.outlierStats == OutlierStats::PerChannel ? quant::outlierMoments(w, false)[0] : d.moments[0];
    for (std::size_t s = 0; s < segs; ++s) d.sumSquares += d.blocks[d.segBlock[s + 1] + s].sxx;
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
            lo[k] = d.seek(k, 0, [&](float x) { return x < rule.mean && rule.isOutlier(x); });
            hi[k] = d.seek(k, lo[k], [&](float x) { return !(x > rule.mean && rule.isOutlier(x)); });
        }
    });
    std::vector<float> umin(static_cast<std::size_t>(d.units), 0.0f), umax(static_cast<std::size_t>(d.units), 0.0f);
    std::vector<char> seen(static_cast<std::size_t>(d.units), 0);
    std::int64_t outliers = 0;
    double outlierErr = 0;
    for (std::size_t k = 0; k < segs; ++k) {
        const std::size_t n = d.length(k);
        outliers += static_cast<std::int64_t>(lo[k] + (n - hi[k]));
        if (lo[k] > 0 || hi[k] < n) outlierErr += d.errorBefore(k, lo[k]) + d.errorBefore(k, n) - d.errorBefore(k, hi[k]);
        if (hi[k] <= lo[k]) continue;
        const auto u = static_cast<std::size_t>(d.segUnit[k]);
        const float a = d.valueAt(k, lo[k]), b = d.valueAt(k, hi[k] - 1);
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
        } else if (d.base.intRange == IntRange::Either) {
            params[u] = {quant::eitherMinMaxScale(umin[u], umax[u], sb, d.base.fp16Scales), -sb.qmin};
        } else {
            const float m = std::max(std::abs(umin[u]), std::abs(umax[u]));
            params[u] = {quant::storedScale(double(m) / sb.qmax, d.base.fp16Scales), -sb.qmin};
        }
    }
    tbb::parallel_for(SegRange(0, segs, kQueryGrain), [&](const SegRange& br) {
        std::vector<std::size_t> blocks;
        for (std::size_t k = br.begin(); k != br.end(); ++k) {
            const auto& p = params[static_cast<std::size_t>(d.segUnit[k])];
            const int qlo = asym ? -p.zero : sb.qmin;
            const int qhi = asym ? (1 << bits) - 1 - p.zero : sb.qmax;
            // A negative scale (IntRange::Either) is the mirrored grid with a positive one.
            segErr[k] = p.scale < 0 ? d.segmentLoss(k, lo[k], hi[k], -p.scale, -qhi, -qlo, blocks)
                                    : d.segmentLoss(k, lo[k], hi[k], p.scale, qlo, qhi, blocks);
        }
    });
    double err = outlierErr;
    for (const double e : segErr) err += e;

    ExplorerAnswer a;
    a.sigma = sigma;
    a.bits = bits;
    a.outliers = outliers;
    const double n = double(d.segBegin.back());
    a.outlierFrac = n > 0 ? double(outliers) / n : 0.0;
    a.mse = n > 0 ? err / n : 0.0;
    a.relErr = d.sumSquares > 0 ? std::sqrt(err / d.sumSquares) : 0.0;
    a.sqnrDb = err > 0 ? 10.0 * std::log10(d.sumSquares / err) : std::numeric_limits<double>::infinity();
    a.bpw = quant::bitsPerWeight(static_cast<std::int64_t>(d.segBegin.back()), bits, d.units, asym, outliers);
    return a;
}

}  // namespace qs
