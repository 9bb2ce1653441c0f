#pragma once
// The result of quantizing one matrix: integer codes, scales, zero points and fp16 outliers —
// everything an export writes, and enough to reproduce the dequantized weights exactly.

#include "quantscope/quant/quant_settings.h"
#include "quantscope/tensor/matrix.h"

#include <cstdint>
#include <vector>

namespace qs {

struct QuantizedTensor {
    std::int64_t rows = 0;
    std::int64_t cols = 0;
    int bits = 4;
    Scheme scheme = Scheme::Symmetric;
    Granularity granularity = Granularity::PerChannel;
    /// Columns sharing one scale inside a row: cols for per-channel, groupSize for per-group.
    /// Per-tensor uses one scale for everything (scales.size() == 1).
    std::int64_t groupSize = 0;

    /// One unsigned level u in [0, 2^bits - 1] per element, row-major. The real value is
    /// scale * (u - offset) with offset = -qmin (symmetric) or the group's zero point.
    /// Codes at outlier positions are 0 and ignored.
    std::vector<std::uint8_t> codes;
    std::vector<float> scales;            ///< per (row, group) in row-major order
    std::vector<std::int32_t> offsets;    ///< same size as scales: -qmin or the zero point

    /// Non-uniform codebook (nl4): the real value is scale * levels[u] (offsets are 0). Empty
    /// for the uniform integer grid.
    std::vector<float> levels;
    /// Two-level scales (nl4): each run of superBlock columns of a row shares one fp16 scale d
    /// (superScales, fp16 bits, per (row, super-block) in row-major order) and every group
    /// inside it stores a signed 6-bit code l with scales[group] = d * l exactly. 0 = one level.
    std::int64_t superBlock = 0;
    std::vector<std::uint16_t> superScales;

    std::vector<std::uint64_t> outlierIndex;  ///< flat indices r*cols + c, ascending
    std::vector<std::uint16_t> outlierHalf;   ///< fp16 bits of the kept values

    std::int64_t groupsPerRow() const noexcept;
    /// Index into scales/offsets for element (r, c).
    std::int64_t scaleIndex(std::int64_t r, std::int64_t c) const noexcept;

    /// Ŵ = outliers + dequantized normals (rows in parallel; each element on its own, so the
    /// result does not depend on the thread count).
    Matrix dequantize() const;
    /// Rows [r0, r1) of Ŵ into dst (row-major, (r1 - r0) * cols floats), outliers included:
    /// for consumers that want Ŵ a row at a time without a full copy.
    void dequantizeRows(std::int64_t r0, std::int64_t r1, float* dst) const;

    std::int64_t superBlocksPerRow() const noexcept;

    /// Honest bits per weight: code bits + 16-bit scale (and zero point when asymmetric) per
    /// group + (16-bit value + 32-bit index) per outlier, divided by rows * cols. Two-level
    /// scales count 6 bits per group and 16 per super-block instead of 16 per group.
    double bitsPerWeight() const noexcept;
};

}  // namespace qs
