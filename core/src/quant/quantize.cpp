#include "quantscope/quant/quantize.h"

#include "quant/nl4_codec.h"
#include "quant/outliers.h"
#include "quant/progress_tracker.h"
#include "quant/unit_quantizer.h"
#include "quantscope/error.h"
#include "quantscope/tensor/dtype.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

namespace qs {

namespace {

using quant::UnitParams;
using quant::UnitScratch;

using RowRange = tbb::blocked_range<std::int64_t>;

void checkInput(const Matrix& w)
{
    if (w.rows < 0 || w.cols < 0 || (w.cols > 0 && w.rows > std::numeric_limits<std::int64_t>::max() / w.cols) ||
        w.values.size() != static_cast<std::size_t>(w.rows * w.cols))
        throw InvalidArgument("quantizeMatrix: matrix shape " + std::to_string(w.rows) + "x" + std::to_string(w.cols) +
                              " does not match its " + std::to_string(w.values.size()) + " values");
    // Find the first non-finite value (rows in parallel, the smallest row reported).
    std::vector<std::int64_t> badCol(static_cast<std::size_t>(w.rows), -1);
    tbb::parallel_for(RowRange(0, w.rows), [&](const RowRange& br) {
        for (auto r = br.begin(); r != br.end(); ++r) {
            const auto row = w.row(r);
            // A vectorizable OR of "exponent all ones" first; the position only for a bad row.
            std::uint32_t bad = 0;
            for (const float v : row) bad |= (std::bit_cast<std::uint32_t>(v) & 0x7F800000u) == 0x7F800000u;
            if (!bad) continue;
            const auto it = std::find_if(row.begin(), row.end(), [](float v) { return !std::isfinite(v); });
            badCol[static_cast<std::size_t>(r)] = it - row.begin();
        }
    });
    for (std::int64_t r = 0; r < w.rows; ++r)
        if (const auto c = badCol[static_cast<std::size_t>(r)]; c >= 0)
            throw InvalidArgument("quantizeMatrix: non-finite value " + std::to_string(w.values[r * w.cols + c]) +
                                  " at row " + std::to_string(r) + ", column " + std::to_string(c) +
                                  "; NaN and infinity cannot be quantized");
}

/// The normal range of each row (per-channel statistics) or of the whole matrix (one entry) per
/// METHODS.md §3.1; empty when the method keeps no outliers. No mask is stored: every pass that
/// needs to know tests the values against these bounds again, which costs less than writing
/// and reading a byte per weight.
std::vector<quant::NormalRange> normalRanges(const Matrix& w, const QuantSettings& s)
{
    if (s.method != QuantMethod::EasyQuant || !(s.sigma > 0) || w.size() == 0) return {};
    const auto moments = quant::outlierMoments(w, s.outlierStats == OutlierStats::PerChannel);
    std::vector<quant::NormalRange> out;
    out.reserve(moments.size());
    for (const auto& m : moments) out.push_back(quant::normalRange(quant::makeRule(m, s.sigma)));
    return out;
}

/// Writes the normal values of x[0, n) to buf from position k on, in order (all of them when
/// there is no range; buf holds at least k + n values); returns the position after them.
std::size_t appendNormals(const float* x, std::size_t n, const quant::NormalRange* range, float* buf, std::size_t k)
{
    if (!range) {
        std::copy(x, x + n, buf + k);
        return k + n;
    }
    // Branch-free compaction: every value is written, the cursor moves past normal ones only.
    const quant::NormalRange r = *range;
    for (std::size_t i = 0; i < n; ++i) {
        buf[k] = x[i];
        k += r.isNormal(x[i]);
    }
    return k;
}

/// Outliers store code 0 (ignored when decoding; 0 compresses well).
void zeroOutlierCodes(const float* x, std::size_t n, const quant::NormalRange* range, std::uint8_t* codes)
{
    if (!range) return;
    const quant::NormalRange r = *range;
    for (std::size_t i = 0; i < n; ++i) codes[i] = r.isNormal(x[i]) ? codes[i] : 0;
}

void quantizeSpan(const float* x, const quant::NormalRange* range, std::size_t n, const QuantSettings& s,
                  UnitScratch& scratch, std::uint8_t* codes, float& scale, std::int32_t& offset)
{
    std::span<const float> normals{x, n};
    if (range) {
        scratch.normals.resize(n);
        normals = {scratch.normals.data(), appendNormals(x, n, range, scratch.normals.data(), 0)};
    }
    const UnitParams p = quant::chooseUnitParams(normals, s, scratch);
    quant::encodeUnit({x, n}, p, s, codes);
    zeroOutlierCodes(x, n, range, codes);
    scale = p.scale;
    offset = p.offset;
}

/// Outliers among x[0, n): counted eight values at a time (vectorized compares), and the
/// blocks holding none skipped when filling.
std::size_t countOutliers(const float* x, std::size_t n, quant::NormalRange r) noexcept
{
    std::size_t count = 0;
    for (std::size_t i = 0; i < n; ++i) count += !r.isNormal(x[i]);
    return count;
}

/// The (index, fp16) pairs of the outliers in ascending index order. Rows are counted and
/// filled in parallel (a serial scan cost a fixed time per parameter in the model job);
/// positions come from a prefix sum over rows, so the output does not depend on threads.
void collectOutliers(const Matrix& w, const std::vector<quant::NormalRange>& ranges, QuantizedTensor& q)
{
    if (ranges.empty()) return;
    const auto rows = static_cast<std::size_t>(w.rows);
    const auto cols = static_cast<std::size_t>(w.cols);
    auto rangeOf = [&](std::size_t r) { return ranges[ranges.size() == 1 ? 0 : r]; };
    std::vector<std::size_t> start(rows + 1, 0);
    tbb::parallel_for(RowRange(0, w.rows), [&](const RowRange& br) {
        for (auto r = br.begin(); r != br.end(); ++r) {
            const auto u = static_cast<std::size_t>(r);
            start[u + 1] = countOutliers(w.values.data() + u * cols, cols, rangeOf(u));
        }
    });
    for (std::size_t r = 0; r < rows; ++r) start[r + 1] += start[r];
    q.outlierIndex.resize(start[rows]);
    q.outlierHalf.resize(start[rows]);
    tbb::parallel_for(RowRange(0, w.rows), [&](const RowRange& br) {
        for (auto r = br.begin(); r != br.end(); ++r) {
            const auto u = static_cast<std::size_t>(r);
            std::size_t k = start[u];
            if (k == start[u + 1]) continue;  // most rows of a large matrix hold a few at most
            const quant::NormalRange range = rangeOf(u);
            const std::size_t base = u * cols;
            const float* x = w.values.data() + base;
            constexpr std::size_t kBlock = 16;
            for (std::size_t c0 = 0; c0 < cols; c0 += kBlock) {
                const std::size_t c1 = std::min(cols, c0 + kBlock);
                if (countOutliers(x + c0, c1 - c0, range) == 0) continue;  // outliers are rare
                for (std::size_t c = c0; c < c1; ++c) {
                    if (range.isNormal(x[c])) continue;
                    q.outlierIndex[k] = base + c;
                    q.outlierHalf[k] = floatToHalf(x[c]);
                    ++k;
                }
            }
        }
    });
    // The first value beyond fp16 (if any), reported by its smallest index.
    for (std::size_t k = 0; k < q.outlierHalf.size(); ++k)
        if ((q.outlierHalf[k] & 0x7C00u) == 0x7C00u)
            throw InvalidArgument("quantizeMatrix: outlier " + std::to_string(w.values[q.outlierIndex[k]]) +
                                  " at flat index " + std::to_string(q.outlierIndex[k]) + " exceeds the fp16 range");
}

}  // namespace

QuantizedTensor quantizeMatrix(const Matrix& w, const QuantSettings& s, const ProgressFn& progress)
{
    validate(s);
    checkInput(w);
    if (s.method == QuantMethod::Nl4) return quant::nl4::quantizeMatrix(w, s.groupSize, quant::nl4::Search{}, progress);
    QuantizedTensor q;
    q.rows = w.rows;
    q.cols = w.cols;
    q.bits = s.bits;
    q.scheme = s.scheme;
    q.granularity = s.granularity;
    q.groupSize = s.granularity == Granularity::PerGroup ? s.groupSize : w.cols;
    q.codes.resize(static_cast<std::size_t>(w.size()));
    const std::int64_t units = s.granularity == Granularity::PerTensor ? 1 : w.rows * q.groupsPerRow();
    q.scales.resize(static_cast<std::size_t>(units));
    q.offsets.resize(static_cast<std::size_t>(units));

    const auto ranges = normalRanges(w, s);
    const bool perRowRange = ranges.size() > 1;
    auto rangeOf = [&](std::int64_t r) -> const quant::NormalRange* {
        return ranges.empty() ? nullptr : &ranges[perRowRange ? static_cast<std::size_t>(r) : 0];
    };
    quant::ProgressTracker tracker(progress, w.rows, "quantizing");

    if (s.granularity == Granularity::PerTensor) {
        // One range for everything: chosen serially over the whole matrix, encoded per row.
        // One range for everything, chosen serially over the normal values of every row (each
        // row against its own statistics when they are per channel).
        UnitScratch scratch;
        std::span<const float> normals{w.values};
        if (!ranges.empty()) {
            scratch.normals.resize(w.values.size());
            std::size_t k = 0;
            for (std::int64_t r = 0; r < w.rows; ++r)
                k = appendNormals(w.values.data() + r * w.cols, static_cast<std::size_t>(w.cols), rangeOf(r),
                                  scratch.normals.data(), k);
            normals = {scratch.normals.data(), k};
        }
        const UnitParams p = quant::chooseUnitParams(normals, s, scratch);
        quant::encodeUnit(w.values, p, s, q.codes.data());
        for (std::int64_t r = 0; r < w.rows; ++r)
            zeroOutlierCodes(w.values.data() + r * w.cols, static_cast<std::size_t>(w.cols), rangeOf(r),
                             q.codes.data() + r * w.cols);
        q.scales[0] = p.scale;
        q.offsets[0] = p.offset;
        tracker.advance(w.rows);
    } else {
        const std::int64_t g = q.groupSize;
        const std::int64_t gpr = q.groupsPerRow();
        tbb::parallel_for(RowRange(0, w.rows), [&](const RowRange& br) {
            UnitScratch scratch;
            for (auto r = br.begin(); r != br.end(); ++r) {
                if (tracker.cancelled()) return;
                for (std::int64_t k = 0; k < gpr; ++k) {
                    const std::int64_t begin = r * w.cols + k * g;
                    const std::int64_t n = std::min(g, w.cols - k * g);
                    const auto u = static_cast<std::size_t>(r * gpr + k);
                    quantizeSpan(w.values.data() + begin, rangeOf(r), static_cast<std::size_t>(n), s, scratch,
                                 q.codes.data() + begin, q.scales[u], q.offsets[u]);
                }
                tracker.advance(1);
            }
        });
    }
    if (tracker.cancelled()) throw Cancelled();
    collectOutliers(w, ranges, q);
    return q;
}

}  // namespace qs
