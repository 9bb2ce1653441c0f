#include "quantscope/tensor/dtype.h"

#include "quantscope/error.h"
#include "tensor/ggml_blocks.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace qs {

namespace {

constexpr std::array<DTypeTraits, 23> kTable{{
    {DType::F64, "F64", 1, 8, true, false, "IEEE binary64"},
    {DType::F32, "F32", 1, 4, true, false, "IEEE binary32"},
    {DType::F16, "F16", 1, 2, true, false, "IEEE binary16"},
    {DType::BF16, "BF16", 1, 2, true, false, "bfloat16: top 16 bits of binary32"},
    {DType::F8_E4M3, "F8_E4M3", 1, 1, true, false, "OCP FP8 E4M3FN: bias 7, no inf, max 448"},
    {DType::F8_E5M2, "F8_E5M2", 1, 1, true, false, "OCP FP8 E5M2: bias 15, has inf, max 57344"},
    {DType::I64, "I64", 1, 8, false, true, "signed 64-bit integer"},
    {DType::I32, "I32", 1, 4, false, true, "signed 32-bit integer"},
    {DType::I16, "I16", 1, 2, false, true, "signed 16-bit integer"},
    {DType::I8, "I8", 1, 1, false, true, "signed 8-bit integer"},
    {DType::U64, "U64", 1, 8, false, true, "unsigned 64-bit integer"},
    {DType::U32, "U32", 1, 4, false, true, "unsigned 32-bit integer"},
    {DType::U16, "U16", 1, 2, false, true, "unsigned 16-bit integer"},
    {DType::U8, "U8", 1, 1, false, true, "unsigned 8-bit integer"},
    {DType::Bool, "BOOL", 1, 1, false, true, "boolean, one byte"},
    {DType::Q4_0, "Q4_0", 32, 18, true, false, "ggml: f16 scale + 32 x 4-bit, 4.5 bpw"},
    {DType::Q4_1, "Q4_1", 32, 20, true, false, "ggml: f16 scale, f16 min + 32 x 4-bit, 5.0 bpw"},
    {DType::Q5_0, "Q5_0", 32, 22, true, false, "ggml: f16 scale + 32 x 5-bit, 5.5 bpw"},
    {DType::Q5_1, "Q5_1", 32, 24, true, false, "ggml: f16 scale, f16 min + 32 x 5-bit, 6.0 bpw"},
    {DType::Q8_0, "Q8_0", 32, 34, true, false, "ggml: f16 scale + 32 x int8, 8.5 bpw"},
    {DType::Q4_K, "Q4_K", 256, 144, true, false, "ggml k-quant: 8 x 32 sub-blocks, 6-bit scales/mins, 4.5 bpw"},
    {DType::Q6_K, "Q6_K", 256, 210, true, false, "ggml k-quant: 16 x 16 sub-blocks, 8-bit scales, 6.5625 bpw"},
    {DType::IQ4_XS, "IQ4_XS", 256, 136, true, false,
     "ggml i-quant: 8 x 32 sub-blocks, 6-bit scales, 4-bit indices into the IQ4_NL codebook, 4.25 bpw"},
}};

static_assert([] {
    for (std::size_t i = 0; i < kTable.size(); ++i)
        if (static_cast<std::size_t>(kTable[i].type) != i) return false;
    return true;
}());

template <typename T>
T loadLE(const std::byte* p) noexcept
{
    T v;
    std::memcpy(&v, p, sizeof(T));
    static_assert(std::endian::native == std::endian::little, "big-endian hosts are not supported");
    return v;
}

template <typename T>
void decodePlain(const std::byte* src, float* dst, std::size_t n) noexcept
{
    for (std::size_t i = 0; i < n; ++i) dst[i] = static_cast<float>(loadLE<T>(src + i * sizeof(T)));
}

/// halfToFloat without branches or selects, so a run of halfs vectorizes (checkpoint reads
/// convert billions of them): shift exponent and mantissa into place and rebias the exponent;
/// an all-ones exponent (inf/NaN) gets the rest of the float bias; a zero exponent (zero and
/// subnormals) is renormalized by one float subtraction of the implicit bit's value. Masks,
/// not ternaries: GCC 12 turned the ternaries into scalar cmovs.
inline float halfToFloatBranchless(std::uint16_t h) noexcept
{
    const std::uint32_t magnitude = static_cast<std::uint32_t>(h & 0x7FFFu) << 13;
    const std::uint32_t exp = magnitude & 0x0F800000u;
    const std::uint32_t infNan = 0u - std::uint32_t(exp == 0x0F800000u);  // all ones or zero
    const std::uint32_t small = 0u - std::uint32_t(exp == 0u);
    const std::uint32_t bits = magnitude + (std::uint32_t(127 - 15) << 23) + (infNan & (std::uint32_t(128 - 16) << 23));
    // Zero exponent: 2^-14 · (1.mant) as above, minus the implicit 2^-14, is mant·2^-24.
    const std::uint32_t sub =
        std::bit_cast<std::uint32_t>(std::bit_cast<float>(bits + (1u << 23)) - std::bit_cast<float>(113u << 23));
    const std::uint32_t mag = (sub & small) | (bits & ~small);
    return std::bit_cast<float>(mag | (static_cast<std::uint32_t>(h & 0x8000u) << 16));
}

void decodeHalfRun(const std::byte* src, float* dst, std::size_t n) noexcept
{
    for (std::size_t i = 0; i < n; ++i) dst[i] = halfToFloatBranchless(loadLE<std::uint16_t>(src + 2 * i));
}

/// Converts a large F16 tensor on every core of the current arena: the model job reads
/// tensors of tens of millions of halfs, and a serial conversion (plus the page faults of a
/// mapped file) was a fixed cost per parameter that no amount of parallel quantization hid.
/// Each element is converted on its own, so the result does not depend on the split.
void decodeHalf(const std::byte* src, float* dst, std::size_t n)
{
    constexpr std::size_t kChunk = std::size_t{1} << 16;
    if (n < 4 * kChunk) return decodeHalfRun(src, dst, n);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, (n + kChunk - 1) / kChunk),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                          const std::size_t begin = r.begin() * kChunk;
                          const std::size_t end = std::min(n, r.end() * kChunk);
                          decodeHalfRun(src + 2 * begin, dst + begin, end - begin);
                      });
}

}  // namespace

std::span<const DTypeTraits> dtypeTable() noexcept { return kTable; }

const DTypeTraits& traits(DType t) noexcept { return kTable[static_cast<std::size_t>(t)]; }

std::optional<DType> dtypeFromName(std::string_view name) noexcept
{
    for (const auto& t : kTable)
        if (t.name == name) return t.type;
    return std::nullopt;
}

std::optional<std::uint64_t> storageBytes(DType t, std::uint64_t elements) noexcept
{
    const auto& tr = traits(t);
    if (elements % tr.blockElements != 0) return std::nullopt;
    const std::uint64_t blocks = elements / tr.blockElements;
    if (blocks > std::numeric_limits<std::uint64_t>::max() / tr.blockBytes) return std::nullopt;
    return blocks * tr.blockBytes;
}

float halfToFloat(std::uint16_t h) noexcept
{
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    const std::uint32_t exp = (h >> 10) & 0x1Fu;
    const std::uint32_t mant = h & 0x3FFu;
    std::uint32_t bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else {  // subnormal: value = mant * 2^-24
            const float f = static_cast<float>(mant) * 0x1p-24f;
            bits = std::bit_cast<std::uint32_t>(f) | sign;
        }
    } else if (exp == 0x1F) {
        bits = sign | 0x7F800000u | (mant << 13);
    } else {
        bits = sign | ((exp + 112) << 23) | (mant << 13);
    }
    return std::bit_cast<float>(bits);
}

std::uint16_t floatToHalf(float f) noexcept
{
    const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
    const std::uint16_t sign = static_cast<std::uint16_t>((x >> 16) & 0x8000u);
    const std::uint32_t ax = x & 0x7FFFFFFFu;
    if (ax > 0x7F800000u) return static_cast<std::uint16_t>(sign | 0x7E00u);  // NaN
    if (ax >= 0x47800000u) {  // >= 65536: rounds to inf unless below the halfway point of max
        // 65520 is the midpoint between 65504 (max half) and 65536; it rounds to even = inf.
        return static_cast<std::uint16_t>(sign | 0x7C00u);
    }
    if (ax < 0x38800000u) {  // below the smallest normal half 2^-14: subnormal or zero
        // value / 2^-24 rounded to nearest even gives the subnormal mantissa
        const float v = std::bit_cast<float>(ax) * 0x1p24f;
        const float r = std::nearbyint(v);  // default rounding mode: nearest even
        return static_cast<std::uint16_t>(sign | static_cast<std::uint16_t>(r));
    }
    // normal: rebias exponent, round mantissa 23 -> 10 bits to nearest even
    std::uint32_t m = ax - 0x38000000u;  // exponent bias 127 -> 15
    const std::uint32_t lsb = (m >> 13) & 1u;
    m += 0x0FFFu + lsb;
    return static_cast<std::uint16_t>(sign | static_cast<std::uint16_t>(m >> 13));
}

float bf16ToFloat(std::uint16_t b) noexcept
{
    return std::bit_cast<float>(static_cast<std::uint32_t>(b) << 16);
}

std::uint16_t floatToBf16(float f) noexcept
{
    const std::uint32_t u = std::bit_cast<std::uint32_t>(f);
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<std::uint16_t>((u >> 16) | 0x40u);
    return static_cast<std::uint16_t>((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}

float e4m3ToFloat(std::uint8_t v) noexcept
{
    const bool neg = v & 0x80u;
    const int exp = (v >> 3) & 0xF;
    const int mant = v & 0x7;
    float r;
    if (exp == 0xF && mant == 0x7) {
        r = std::numeric_limits<float>::quiet_NaN();
    } else if (exp == 0) {
        r = std::ldexp(static_cast<float>(mant), -9);  // mant/8 * 2^(1-7)
    } else {
        r = std::ldexp(1.0f + static_cast<float>(mant) / 8.0f, exp - 7);
    }
    return neg ? -r : r;
}

float e5m2ToFloat(std::uint8_t v) noexcept
{
    // E5M2 is the top byte of an IEEE half.
    return halfToFloat(static_cast<std::uint16_t>(v) << 8);
}

void decodeToFloat(DType t, const std::byte* src, float* dst, std::size_t count)
{
    const auto& tr = traits(t);
    if (count % tr.blockElements != 0)
        throw InvalidArgument("decodeToFloat: " + std::string(tr.name) + " needs a multiple of " +
                              std::to_string(tr.blockElements) + " elements");
    if (count == 0) return;  // empty tensors may come with a null data pointer
    switch (t) {
    case DType::F64: decodePlain<double>(src, dst, count); return;
    case DType::F32: std::memcpy(dst, src, count * 4); return;
    case DType::F16: decodeHalf(src, dst, count); return;
    case DType::BF16:
        for (std::size_t i = 0; i < count; ++i) dst[i] = bf16ToFloat(loadLE<std::uint16_t>(src + 2 * i));
        return;
    case DType::F8_E4M3:
        for (std::size_t i = 0; i < count; ++i) dst[i] = e4m3ToFloat(static_cast<std::uint8_t>(src[i]));
        return;
    case DType::F8_E5M2:
        for (std::size_t i = 0; i < count; ++i) dst[i] = e5m2ToFloat(static_cast<std::uint8_t>(src[i]));
        return;
    case DType::I64: decodePlain<std::int64_t>(src, dst, count); return;
    case DType::I32: decodePlain<std::int32_t>(src, dst, count); return;
    case DType::I16: decodePlain<std::int16_t>(src, dst, count); return;
    case DType::I8: decodePlain<std::int8_t>(src, dst, count); return;
    case DType::U64: decodePlain<std::uint64_t>(src, dst, count); return;
    case DType::U32: decodePlain<std::uint32_t>(src, dst, count); return;
    case DType::U16: decodePlain<std::uint16_t>(src, dst, count); return;
    case DType::U8: decodePlain<std::uint8_t>(src, dst, count); return;
    case DType::Bool:
        for (std::size_t i = 0; i < count; ++i) dst[i] = src[i] != std::byte{0} ? 1.0f : 0.0f;
        return;
    case DType::Q4_0:
    case DType::Q4_1:
    case DType::Q5_0:
    case DType::Q5_1:
    case DType::Q8_0:
    case DType::Q4_K:
    case DType::Q6_K:
    case DType::IQ4_XS: ggml::dequantizeBlocks(t, src, dst, count / tr.blockElements); return;
    }
    throw InvalidArgument("decodeToFloat: unknown dtype");
}

}  // namespace qs
