#pragma once
// Effective bits per weight, counted the way an export stores them (METHODS.md §4):
// `bits` per code (outlier positions included: their code slot still exists), 16 bits per
// scale (fp16 in every export), `bits` bits per zero point (asymmetric: it lies in
// [0, 2^bits-1]), and 16 (fp16 value) + 32 (index) bits per kept outlier.
// One formula shared by QuantizedTensor::bitsPerWeight and the ThresholdExplorer.

#include <cstdint>

namespace qs::quant {

constexpr int kScaleBits = 16;
constexpr int kOutlierBits = 16 + 32;

inline double bitsPerWeight(std::int64_t elements, int bits, std::int64_t scaleCount, bool asymmetric,
                            std::int64_t outliers) noexcept
{
    if (elements <= 0) return 0;
    const double perScale = kScaleBits + (asymmetric ? bits : 0);
    const double total = static_cast<double>(elements) * bits + static_cast<double>(scaleCount) * perScale +
                         static_cast<double>(outliers) * kOutlierBits;
    return total / static_cast<double>(elements);
}

/// Two-level scales (nl4): `subScaleBits` per group code and 16 bits per super-block scale.
inline double twoLevelBitsPerWeight(std::int64_t elements, int bits, std::int64_t groups, int subScaleBits,
                                    std::int64_t superBlocks, std::int64_t outliers) noexcept
{
    if (elements <= 0) return 0;
    const double total = static_cast<double>(elements) * bits + static_cast<double>(groups) * subScaleBits +
                         static_cast<double>(superBlocks) * kScaleBits + static_cast<double>(outliers) * kOutlierBits;
    return total / static_cast<double>(elements);
}

}  // namespace qs::quant
