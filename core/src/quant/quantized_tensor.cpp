#include "quantscope/quant/quantized_tensor.h"

#include "quant/bpw.h"
#include "quant/nl4_codec.h"
#include "quantscope/tensor/dtype.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>

namespace qs {

std::int64_t QuantizedTensor::groupsPerRow() const noexcept
{
    if (granularity == Granularity::PerTensor) return 1;
    if (groupSize <= 0) return 1;
    return (cols + groupSize - 1) / groupSize;
}

std::int64_t QuantizedTensor::scaleIndex(std::int64_t r, std::int64_t c) const noexcept
{
    if (granularity == Granularity::PerTensor) return 0;
    if (granularity == Granularity::PerChannel || groupSize <= 0) return r;
    return r * groupsPerRow() + c / groupSize;
}

std::int64_t QuantizedTensor::superBlocksPerRow() const noexcept
{
    if (superBlock <= 0) return 0;
    return (cols + superBlock - 1) / superBlock;
}

Matrix QuantizedTensor::dequantize() const
{
    Matrix m(rows, cols);
    constexpr std::int64_t kRowsPerTask = 16;  // a few tasks per tensor even for short rows
    tbb::parallel_for(tbb::blocked_range<std::int64_t>(0, rows, kRowsPerTask),
                      [&](const tbb::blocked_range<std::int64_t>& br) {
                          dequantizeRows(br.begin(), br.end(), m.values.data() + br.begin() * cols);
                      });
    return m;
}

void QuantizedTensor::dequantizeRows(std::int64_t r0, std::int64_t r1, float* dst) const
{
    const std::int64_t g = granularity == Granularity::PerGroup && groupSize > 0 ? groupSize : cols;
    for (std::int64_t r = r0; r < r1; ++r) {
        const std::uint8_t* u = codes.data() + r * cols;
        float* out = dst + (r - r0) * cols;
        // One (scale, offset) per span of g columns: no per-element index arithmetic.
        for (std::int64_t c0 = 0; c0 < cols; c0 += g) {
            const auto si = scaleIndex(r, c0);
            const float s = scales[static_cast<std::size_t>(si)];
            const int off = offsets[static_cast<std::size_t>(si)];
            const std::int64_t end = std::min(cols, c0 + g);
            if (!levels.empty())  // codebook (nl4): scale * levels[u], offsets are 0
                for (std::int64_t c = c0; c < end; ++c) out[c] = s * levels[u[c]];
            else
                for (std::int64_t c = c0; c < end; ++c) out[c] = s * static_cast<float>(int(u[c]) - off);
        }
    }
    // The outliers of these rows: a contiguous run of the ascending flat indices.
    const auto first = static_cast<std::uint64_t>(r0 * cols), last = static_cast<std::uint64_t>(r1 * cols);
    auto it = std::lower_bound(outlierIndex.begin(), outlierIndex.end(), first);
    for (; it != outlierIndex.end() && *it < last; ++it)
        dst[*it - first] = halfToFloat(outlierHalf[static_cast<std::size_t>(it - outlierIndex.begin())]);
}

double QuantizedTensor::bitsPerWeight() const noexcept
{
    if (superBlock > 0)
        return quant::twoLevelBitsPerWeight(rows * cols, bits, static_cast<std::int64_t>(scales.size()),
                                            quant::nl4::kSubScaleBits, static_cast<std::int64_t>(superScales.size()),
                                            static_cast<std::int64_t>(outlierIndex.size()));
    return quant::bitsPerWeight(rows * cols, bits, static_cast<std::int64_t>(scales.size()),
                                scheme == Scheme::Asymmetric, static_cast<std::int64_t>(outlierIndex.size()));
}

}  // namespace qs
