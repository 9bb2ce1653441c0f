#pragma once
// Positive fp16 steps as codes: positive finite fp16 values order like their codes, so a search
// window of steps is a range of codes. Inline: the range solvers' sweeps convert one code per
// piece or per breakpoint (halfToFloat is a call).

#include <algorithm>
#include <bit>
#include <cstdint>

namespace qs::quant {

/// Positive finite fp16 values order like their codes, so the window is a range of codes.
/// The largest fp16 code whose value is <= e (0 <= e, below the fp16 maximum): the double's
/// exponent and top 10 mantissa bits, i.e. truncation; subnormal halfs are multiples of 2^-24.
inline int halfCodeAtMost(double e) noexcept
{
    if (e < 0x1p-14) return static_cast<int>(e * 0x1p24);
    const auto bits = std::bit_cast<std::uint64_t>(e);
    const int exp = static_cast<int>(bits >> 52) - 1023;
    if (exp > 15) return 0x7BFF;
    return ((exp + 15) << 10) | static_cast<int>((bits >> 42) & 0x3FFu);
}

/// The value of a positive finite fp16 code, inline (halfToFloat is a call, and the sweeps
/// convert one code per piece).
inline double halfValue(int code) noexcept
{
    if (code < 0x400) return code * 0x1p-24;
    const std::uint32_t bits = (std::uint32_t((code >> 10) - 15 + 127) << 23) | (std::uint32_t(code & 0x3FF) << 13);
    return std::bit_cast<float>(bits);
}

/// The smallest fp16 code whose value is >= x (0 < x); 0x7C00 ("none") beyond the fp16 range.
inline int halfCodeAtLeast(double x) noexcept
{
    if (x > 65504.0) return 0x7C00;
    int c = halfCodeAtMost(x);
    if (halfValue(c) < x) ++c;
    return std::max(c, 1);
}

}  // namespace qs::quant
