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

/// Outlier mask (1 = outlier) per METHODS.md §3.1, or empty when the method keeps none.
std::vector<std::uint8_t> outlierMask(const Matrix& w, const QuantSettings& s)
{
    if (s.method != QuantMethod::EasyQuant || !(s.sigma > 0) || w.size() == 0) return {};
    const bool perRow = s.outlierStats == OutlierStats::PerChannel;
    const auto moments = quant::outlierMoments(w, perRow);
    std::vector<std::uint8_t> mask(static_cast<std::size_t>(w.size()));
    tbb::parallel_for(RowRange(0, w.rows), [&](const RowRange& br) {
        for (auto r = br.begin(); r != br.end(); ++r) {
            const auto rule = quant::makeRule(moments[perRow ? static_cast<std::size_t>(r) : 0], s.sigma);
            const auto row = w.row(r);
            std::uint8_t* m = mask.data() + r * w.cols;
            for (std::size_t c = 0; c < row.size(); ++c) m[c] = rule.isOutlier(row[c]) ? 1 : 0;
        }
    });
    return mask;
}

/// The normal values of [begin, begin+n) (all of them when there is no mask).
std::span<const float> normalsOf(const float* x, const std::uint8_t* mask, std::size_t n, std::vector<float>& buf)
{
    if (!mask) return {x, n};
    // Branch-free compaction: every value is written, the cursor moves past normal ones only.
    buf.resize(n);
    std::size_t k = 0;
    for (std::size_t i = 0; i < n; ++i) {
        buf[k] = x[i];
        k += mask[i] == 0;
    }
    return {buf.data(), k};
}

void quantizeSpan(const float* x, const std::uint8_t* mask, std::size_t n, const QuantSettings& s,
                  UnitScratch& scratch, std::uint8_t* codes, float& scale, std::int32_t& offset)
{
    const UnitParams p = quant::chooseUnitParams(normalsOf(x, mask, n, scratch.normals), s, scratch);
    quant::encodeUnit({x, n}, p, s, codes);
    if (mask)
        for (std::size_t i = 0; i < n; ++i)
            if (mask[i]) codes[i] = 0;
    scale = p.scale;
    offset = p.offset;
}

/// The (index, fp16) pairs of the masked values in ascending index order. Rows are counted and
/// filled in parallel (a serial scan of the mask cost a fixed time per parameter in the model
/// job); positions come from a prefix sum over rows, so the output does not depend on threads.
void collectOutliers(const Matrix& w, const std::vector<std::uint8_t>& mask, QuantizedTensor& q)
{
    if (mask.empty()) return;
    const auto rows = static_cast<std::size_t>(w.rows);
    const auto cols = static_cast<std::size_t>(w.cols);
    std::vector<std::size_t> start(rows + 1, 0);
    tbb::parallel_for(RowRange(0, w.rows), [&](const RowRange& br) {
        for (auto r = br.begin(); r != br.end(); ++r) {
            const std::uint8_t* m = mask.data() + static_cast<std::size_t>(r) * cols;
            std::size_t n = 0;
            for (std::size_t c = 0; c < cols; ++c) n += m[c];
            start[static_cast<std::size_t>(r) + 1] = n;
        }
    });
    for (std::size_t r = 0; r < rows; ++r) start[r + 1] += start[r];
    q.outlierIndex.resize(start[rows]);
    q.outlierHalf.resize(start[rows]);
    tbb::parallel_for(RowRange(0, w.rows), [&](const RowRange& br) {
        for (auto r = br.begin(); r != br.end(); ++r) {
            std::size_t k = start[static_cast<std::size_t>(r)];
            const std::size_t base = static_cast<std::size_t>(r) * cols;
            for (std::size_t c = 0; c < cols; ++c) {
                // Outliers are rare: skip eight clear mask bytes per step.
                if (c + 8 <= cols) {
                    std::uint64_t word;
                    std::memcpy(&word, mask.data() + base + c, sizeof word);
                    if (word == 0) {
                        c += 7;
                        continue;
                    }
                }
                if (!mask[base + c]) continue;
                q.outlierIndex[k] = base + c;
                q.outlierHalf[k] = floatToHalf(w.values[base + c]);
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

    const auto mask = outlierMask(w, s);
    const std::uint8_t* maskData = mask.empty() ? nullptr : mask.data();
    quant::ProgressTracker tracker(progress, w.rows, "quantizing");

    if (s.granularity == Granularity::PerTensor) {
        // One range for everything: chosen serially over the whole matrix, encoded per row.
        UnitScratch scratch;
        quantizeSpan(w.values.data(), maskData, w.values.size(), s, scratch, q.codes.data(), q.scales[0], q.offsets[0]);
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
                    quantizeSpan(w.values.data() + begin, maskData ? maskData + begin : nullptr,
                                 static_cast<std::size_t>(n), s, scratch, q.codes.data() + begin, q.scales[u], q.offsets[u]);
                }
                tracker.advance(1);
            }
        });
    }
    if (tracker.cancelled()) throw Cancelled();
    collectOutliers(w, mask, q);
    return q;
}

}  // namespace qs
