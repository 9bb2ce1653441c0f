#include "quant/scalar_quant.h"

#include "quantscope/error.h"
#include "quantscope/tensor/dtype.h"

#include <algorithm>
#include <cmath>

namespace qs::quant {

float storedScale(double delta, bool fp16Scales)
{
    const float f = static_cast<float>(delta);
    if (!fp16Scales) return f;
    const float h = halfToFloat(floatToHalf(f));
    if (!std::isfinite(h))
        throw InvalidArgument("quantization scale " + std::to_string(delta) +
                              " exceeds the fp16 range; disable fp16 scales for this tensor");
    return h;
}

float eitherMinMaxScale(float lo, float hi, IntBounds b, bool fp16Scales)
{
    const double longSide = -double(b.qmin);
    if (hi > -lo) return -storedScale(double(hi) / longSide, fp16Scales);
    return storedScale(-double(lo) / longSide, fp16Scales);
}

AsymParams asymmetricParams(float lo, float hi, int bits, bool fp16Scales)
{
    lo = std::min(lo, 0.0f);
    hi = std::max(hi, 0.0f);
    const int levels = (1 << bits) - 1;
    AsymParams p;
    p.scale = storedScale((static_cast<double>(hi) - lo) / levels, fp16Scales);
    if (p.scale > 0) {
        const float z = roundHalfEven(std::min(-lo / p.scale, static_cast<float>(levels)));
        p.zero = static_cast<std::int32_t>(std::clamp(z, 0.0f, static_cast<float>(levels)));
    }
    return p;
}

void encodeSymmetric(std::span<const float> x, float scale, IntBounds b, std::uint8_t* codes) noexcept
{
    const auto n = x.size();
    if (!(std::abs(scale) > 0)) {  // 0 or NaN; a negative scale is a mirrored grid
        std::fill_n(codes, n, static_cast<std::uint8_t>(-b.qmin));
        return;
    }
    const float lo = static_cast<float>(b.qmin);
    const float hi = static_cast<float>(b.qmax);
    const float* src = x.data();
    // Clamping before rounding equals rounding before clamping (the bounds are integers) and
    // keeps the magic-number rounding in range.
    for (std::size_t i = 0; i < n; ++i) {
        const float q = roundHalfEven(std::clamp(src[i] / scale, lo, hi));
        codes[i] = static_cast<std::uint8_t>(static_cast<int>(q) - b.qmin);
    }
}

void encodeSymmetricRef(std::span<const float> x, float scale, IntBounds b, std::uint8_t* codes) noexcept
{
    for (std::size_t i = 0; i < x.size(); ++i) {
        int q = 0;
        if (std::abs(scale) > 0) q = std::clamp(static_cast<int>(std::nearbyint(x[i] / scale)), b.qmin, b.qmax);
        codes[i] = static_cast<std::uint8_t>(q - b.qmin);
    }
}

void encodeAsymmetric(std::span<const float> x, float scale, std::int32_t zero, int bits,
                      std::uint8_t* codes) noexcept
{
    const auto n = x.size();
    if (!(scale > 0)) {
        std::fill_n(codes, n, static_cast<std::uint8_t>(zero));
        return;
    }
    const float lo = static_cast<float>(-zero);
    const float hi = static_cast<float>(((1 << bits) - 1) - zero);
    const float* src = x.data();
    for (std::size_t i = 0; i < n; ++i) {
        const float q = roundHalfEven(std::clamp(src[i] / scale, lo, hi));
        codes[i] = static_cast<std::uint8_t>(static_cast<int>(q) + zero);
    }
}

void encodeAsymmetricRef(std::span<const float> x, float scale, std::int32_t zero, int bits,
                         std::uint8_t* codes) noexcept
{
    const int top = (1 << bits) - 1;
    for (std::size_t i = 0; i < x.size(); ++i) {
        int u = zero;
        if (scale > 0) u = std::clamp(static_cast<int>(std::nearbyint(x[i] / scale)) + zero, 0, top);
        codes[i] = static_cast<std::uint8_t>(u);
    }
}

double naiveLoss(std::span<const float> x, double delta, int qlo, int qhi) noexcept
{
    double sum = 0;
    for (const float v : x) {
        double q = 0;
        if (delta > 0) q = std::clamp(std::nearbyint(v / delta), static_cast<double>(qlo), static_cast<double>(qhi));
        const double e = q * delta - v;
        sum += e * e;
    }
    return sum;
}

float maxAbs(std::span<const float> x) noexcept
{
    // Eight independent maxima, merged at the end: max is exact and order-free, and the lanes
    // break the one long dependency chain a plain loop has (GCC does not vectorize a float max
    // reduction without -ffast-math).
    constexpr std::size_t kLanes = 8;
    float m[kLanes] = {};
    std::size_t i = 0;
    for (; i + kLanes <= x.size(); i += kLanes)
        for (std::size_t j = 0; j < kLanes; ++j) m[j] = std::max(m[j], std::abs(x[i + j]));
    for (; i < x.size(); ++i) m[0] = std::max(m[0], std::abs(x[i]));
    float r = 0;
    for (const float v : m) r = std::max(r, v);
    return r;
}

}  // namespace qs::quant
