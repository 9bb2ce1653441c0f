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
    if (w.cols > std::numeric_limits<std::uint32_t>::max())
        throw InvalidArgument("quantizeMatrix: " + std::to_string(w.cols) +
                              " columns; rows of more than 2^32 values are not supported");
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

/// Per row, the columns of its outliers in ascending order (rows without any stay empty).
using RowOutliers = std::vector<std::vector<std::uint32_t>>;

/// Whether the 16 values at x are all normal: four-float vector compares (GCC's vector
/// extension; the scalar form of this loop is not vectorized).
bool allNormal(const float* x, const quant::NormalRange& r) noexcept
{
    using V4 = float __attribute__((vector_size(16)));
    using M4 = std::int32_t __attribute__((vector_size(16)));
    const V4 below = {r.below, r.below, r.below, r.below}, above = {r.above, r.above, r.above, r.above};
    M4 normal = {-1, -1, -1, -1};
    for (int t = 0; t < 4; ++t) {
        V4 v;
        std::memcpy(&v, x + 4 * t, sizeof v);
        normal &= (v > below) & (v < above);
    }
    return (normal[0] & normal[1] & normal[2] & normal[3]) != 0;
}

/// Splits x[0, n) by the range: the normal values go to buf from position k on, in order (buf
/// holds at least k + n values), and the columns of the others, plus `column0`, are appended to
/// `outliers`; returns the position after the normal values. With no range every value is
/// normal. Outliers are rare (under 1 % at 3σ), so most blocks of kSplitBlock values hold none:
/// such a block is tested by one vectorized pass and copied whole. A block with an outlier is
/// split branch-free: every value is written to both places, and only the cursor of the side it
/// belongs to moves (`cols` holds at least n positions). That per-value path alone was the
/// largest cost of EasyQuant before its range solver (its cursor is a dependency chain).
std::size_t splitOutliers(const float* x, std::size_t n, const quant::NormalRange* range, float* buf, std::size_t k,
                          std::uint32_t* cols, std::vector<std::uint32_t>& outliers, std::uint32_t column0)
{
    if (!range) {
        std::copy(x, x + n, buf + k);
        return k + n;
    }
    constexpr std::size_t kSplitBlock = 16;
    const quant::NormalRange r = *range;
    std::size_t j = 0;
    auto splitEach = [&](std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i) {
            buf[k] = x[i];
            cols[j] = column0 + static_cast<std::uint32_t>(i);
            const bool normal = r.isNormal(x[i]);
            k += normal;
            j += !normal;
        }
    };
    std::size_t i = 0;
    for (; i + kSplitBlock <= n; i += kSplitBlock) {
        if (allNormal(x + i, r)) {
            std::copy(x + i, x + i + kSplitBlock, buf + k);
            k += kSplitBlock;
        } else {
            splitEach(i, i + kSplitBlock);
        }
    }
    splitEach(i, n);
    outliers.insert(outliers.end(), cols, cols + j);
    return k;
}

/// Quantizes x[0, n) (columns column0.. of a row) as one unit; its outliers' columns are
/// appended to `outliers` and their codes set to 0 (ignored when decoding; 0 compresses well).
void quantizeSpan(const float* x, const quant::NormalRange* range, std::size_t n, const QuantSettings& s,
                  UnitScratch& scratch, std::uint8_t* codes, float& scale, std::int32_t& offset,
                  std::vector<std::uint32_t>& outliers, std::uint32_t column0)
{
    std::span<const float> normals{x, n};
    const std::size_t before = outliers.size();
    if (range) {
        scratch.normals.resize(n);
        scratch.columns.resize(n);
        normals = {scratch.normals.data(),
                   splitOutliers(x, n, range, scratch.normals.data(), 0, scratch.columns.data(), outliers, column0)};
    }
    const UnitParams p = quant::chooseUnitParams(normals, s, scratch);
    quant::encodeUnit({x, n}, p, s, codes);
    for (std::size_t i = before; i < outliers.size(); ++i) codes[outliers[i] - column0] = 0;
    scale = p.scale;
    offset = p.offset;
}

/// The (index, fp16) pairs of the outliers in ascending index order, filled in parallel from
/// positions that a prefix sum over rows gives, so the output does not depend on threads.
void collectOutliers(const Matrix& w, const RowOutliers& rowOutliers, QuantizedTensor& q)
{
    if (rowOutliers.empty()) return;
    const auto rows = static_cast<std::size_t>(w.rows);
    const auto cols = static_cast<std::size_t>(w.cols);
    std::vector<std::size_t> start(rows + 1, 0);
    for (std::size_t r = 0; r < rows; ++r) start[r + 1] = start[r] + rowOutliers[r].size();
    q.outlierIndex.resize(start[rows]);
    q.outlierHalf.resize(start[rows]);
    tbb::parallel_for(RowRange(0, w.rows), [&](const RowRange& br) {
        for (auto r = br.begin(); r != br.end(); ++r) {
            const auto u = static_cast<std::size_t>(r);
            std::size_t k = start[u];
            for (const std::uint32_t c : rowOutliers[u]) {
                q.outlierIndex[k] = u * cols + c;
                q.outlierHalf[k] = floatToHalf(w.values[u * cols + c]);
                ++k;
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
    RowOutliers rowOutliers(ranges.empty() ? 0 : static_cast<std::size_t>(w.rows));
    // Every row's outlier list when there are no ranges; shared by the workers but never written
    // (with no range, splitOutliers returns before touching it).
    std::vector<std::uint32_t> none;
    auto outliersOf = [&](std::int64_t r) -> std::vector<std::uint32_t>& {
        return ranges.empty() ? none : rowOutliers[static_cast<std::size_t>(r)];
    };

    if (s.granularity == Granularity::PerTensor) {
        // One range for everything, chosen serially over the normal values of every row (each
        // row against its own statistics when they are per channel), encoded at once.
        UnitScratch scratch;
        std::span<const float> normals{w.values};
        if (!ranges.empty()) {
            scratch.normals.resize(w.values.size());
            scratch.columns.resize(static_cast<std::size_t>(w.cols));
            std::size_t k = 0;
            for (std::int64_t r = 0; r < w.rows; ++r)
                k = splitOutliers(w.values.data() + r * w.cols, static_cast<std::size_t>(w.cols), rangeOf(r),
                                  scratch.normals.data(), k, scratch.columns.data(), outliersOf(r), 0);
            normals = {scratch.normals.data(), k};
        }
        const UnitParams p = quant::chooseUnitParams(normals, s, scratch);
        quant::encodeUnit(w.values, p, s, q.codes.data());
        for (std::int64_t r = 0; r < w.rows; ++r)
            for (const std::uint32_t c : outliersOf(r)) q.codes[static_cast<std::size_t>(r * w.cols + c)] = 0;
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
                                 q.codes.data() + begin, q.scales[u], q.offsets[u], outliersOf(r),
                                 static_cast<std::uint32_t>(k * g));
                }
                tracker.advance(1);
            }
        });
    }
    if (tracker.cancelled()) throw Cancelled();
    collectOutliers(w, rowOutliers, q);
    return q;
}

}  // namespace qs
