#include "quantscope/quant/quantized_tensor.h"

#include "quant/bpw.h"
#include "quantscope/tensor/dtype.h"

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

Matrix QuantizedTensor::dequantize() const
{
    Matrix m(rows, cols);
    if (granularity == Granularity::PerTensor || granularity == Granularity::PerChannel) {
        // One scale per row (or for everything): no per-element index arithmetic.
        for (std::int64_t r = 0; r < rows; ++r) {
            const auto si = scaleIndex(r, 0);
            const float s = scales[si];
            const int off = offsets[si];
            const auto* u = codes.data() + r * cols;
            float* dst = m.values.data() + r * cols;
            for (std::int64_t c = 0; c < cols; ++c) dst[c] = s * static_cast<float>(int(u[c]) - off);
        }
    } else {
        for (std::int64_t r = 0; r < rows; ++r)
            for (std::int64_t c = 0; c < cols; ++c) {
                const auto si = scaleIndex(r, c);
                const auto i = r * cols + c;
                m.values[i] = scales[si] * static_cast<float>(int(codes[i]) - offsets[si]);
            }
    }
    for (std::size_t k = 0; k < outlierIndex.size(); ++k) m.values[outlierIndex[k]] = halfToFloat(outlierHalf[k]);
    return m;
}

double QuantizedTensor::bitsPerWeight() const noexcept
{
    return quant::bitsPerWeight(rows * cols, bits, static_cast<std::int64_t>(scales.size()),
                                scheme == Scheme::Asymmetric, static_cast<std::int64_t>(outlierIndex.size()));
}

}  // namespace qs
