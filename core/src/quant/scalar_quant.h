#pragma once
// The uniform quantizer of one unit (a tensor, a channel or a group): how a range becomes a
// stored scale, how values become unsigned levels, and the plain loss every solver minimizes.
// Every fast kernel here has a reference twin (suffix Ref) that tests compare against.
//
// Rounding: round-half-to-even everywhere (IEEE default mode), the same rule as torch.round
// and numpy.rint. The fast kernels get it from the 1.5*2^23 trick, which rounds with the
// current FP mode (never changed by QuantScope) and vectorizes; Ref kernels use std::nearbyint.

#include "quantscope/quant/quant_settings.h"

#include <cstdint>
#include <span>

namespace qs::quant {

/// Rounds v to the nearest integer, ties to even; |v| must be < 2^22 (callers clamp first).
inline float roundHalfEven(float v) noexcept
{
    constexpr float kMagic = 12582912.0f;  // 1.5 * 2^23: adding it pushes the fraction out
    return (v + kMagic) - kMagic;          // not folded: the project never uses -ffast-math
}

/// The scale actually stored for step `delta`: rounded to fp16 when fp16Scales (so codes are
/// computed with what an export reloads). Throws InvalidArgument when it overflows fp16.
float storedScale(double delta, bool fp16Scales);

/// Asymmetric parameters of range [lo, hi] (the range is first widened to contain 0, so the
/// integer zero point lies in [0, 2^bits-1] and zero is exact).
struct AsymParams {
    float scale = 0;
    std::int32_t zero = 0;
};
AsymParams asymmetricParams(float lo, float hi, int bits, bool fp16Scales);

/// Symmetric codes: u = clamp(round(x/scale), qmin, qmax) - qmin; scale 0 gives u = -qmin. A
/// negative scale mirrors the grid (IntRange::Either).
void encodeSymmetric(std::span<const float> x, float scale, IntBounds b, std::uint8_t* codes) noexcept;
void encodeSymmetricRef(std::span<const float> x, float scale, IntBounds b, std::uint8_t* codes) noexcept;
/// Asymmetric codes: u = clamp(round(x/scale) + zero, 0, 2^bits-1); scale 0 gives u = zero.
void encodeAsymmetric(std::span<const float> x, float scale, std::int32_t zero, int bits,
                      std::uint8_t* codes) noexcept;
void encodeAsymmetricRef(std::span<const float> x, float scale, std::int32_t zero, int bits,
                         std::uint8_t* codes) noexcept;

/// Σ (Q(x) - x)² in double with Q the quantizer on the integer grid [qlo, qhi] with step delta
/// (symmetric: [qmin, qmax]; asymmetric: [-zero, 2^bits-1-zero]). The O(n) definition.
double naiveLoss(std::span<const float> x, double delta, int qlo, int qhi) noexcept;

/// IntRange::Either's rtn scale for a unit with values in [lo, hi] on the grid b (Full's): the
/// largest magnitude maps to qmin — as ggml's Q4_0 maps it to -8 — so a positive extreme gets a
/// negative scale; ties (hi == -lo) keep the positive one.
float eitherMinMaxScale(float lo, float hi, IntBounds b, bool fp16Scales);

/// Largest |x| (0 for an empty span).
float maxAbs(std::span<const float> x) noexcept;

}  // namespace qs::quant
