// Reference dequantizers for the ggml block types, ported from ggml-quants.c
// (dequantize_row_q4_0 ... dequantize_row_q6_K, dequantize_row_iq4_xs). Blocks are read byte by byte through memcpy,
// so unaligned tensor data in a mapped file is fine.
#include "tensor/ggml_blocks.h"

#include "quantscope/error.h"

#include <cstdint>
#include <cstring>
#include <string>

namespace qs::ggml {

namespace {

using u8 = std::uint8_t;

inline float f16At(const std::byte* p)
{
    std::uint16_t h;
    std::memcpy(&h, p, 2);
    return halfToFloat(h);
}

inline const u8* bytesAt(const std::byte* p) { return reinterpret_cast<const u8*>(p); }

// block_q4_0 { f16 d; u8 qs[16]; }
void dequantQ4_0(const std::byte* b, float* y)
{
    const float d = f16At(b);
    const u8* qs = bytesAt(b + 2);
    for (std::size_t j = 0; j < kQK / 2; ++j) {
        const int x0 = (qs[j] & 0x0F) - 8;
        const int x1 = (qs[j] >> 4) - 8;
        y[j] = static_cast<float>(x0) * d;
        y[j + kQK / 2] = static_cast<float>(x1) * d;
    }
}

// block_q4_1 { f16 d; f16 m; u8 qs[16]; }
void dequantQ4_1(const std::byte* b, float* y)
{
    const float d = f16At(b);
    const float m = f16At(b + 2);
    const u8* qs = bytesAt(b + 4);
    for (std::size_t j = 0; j < kQK / 2; ++j) {
        const int x0 = qs[j] & 0x0F;
        const int x1 = qs[j] >> 4;
        y[j] = static_cast<float>(x0) * d + m;
        y[j + kQK / 2] = static_cast<float>(x1) * d + m;
    }
}

// block_q5_0 { f16 d; u8 qh[4]; u8 qs[16]; }: bit j of qh is the 5th bit of element j.
void dequantQ5_0(const std::byte* b, float* y)
{
    const float d = f16At(b);
    std::uint32_t qh;
    std::memcpy(&qh, b + 2, 4);
    const u8* qs = bytesAt(b + 6);
    for (std::uint32_t j = 0; j < kQK / 2; ++j) {
        const u8 xh0 = static_cast<u8>(((qh >> (j + 0)) << 4) & 0x10);
        const u8 xh1 = static_cast<u8>((qh >> (j + 12)) & 0x10);
        const int x0 = ((qs[j] & 0x0F) | xh0) - 16;
        const int x1 = ((qs[j] >> 4) | xh1) - 16;
        y[j] = static_cast<float>(x0) * d;
        y[j + kQK / 2] = static_cast<float>(x1) * d;
    }
}

// block_q5_1 { f16 d; f16 m; u8 qh[4]; u8 qs[16]; }
void dequantQ5_1(const std::byte* b, float* y)
{
    const float d = f16At(b);
    const float m = f16At(b + 2);
    std::uint32_t qh;
    std::memcpy(&qh, b + 4, 4);
    const u8* qs = bytesAt(b + 8);
    for (std::uint32_t j = 0; j < kQK / 2; ++j) {
        const u8 xh0 = static_cast<u8>(((qh >> (j + 0)) << 4) & 0x10);
        const u8 xh1 = static_cast<u8>((qh >> (j + 12)) & 0x10);
        const int x0 = (qs[j] & 0x0F) | xh0;
        const int x1 = (qs[j] >> 4) | xh1;
        y[j] = static_cast<float>(x0) * d + m;
        y[j + kQK / 2] = static_cast<float>(x1) * d + m;
    }
}

// block_q8_0 { f16 d; i8 qs[32]; }
void dequantQ8_0(const std::byte* b, float* y)
{
    const float d = f16At(b);
    for (std::size_t j = 0; j < kQK; ++j) y[j] = static_cast<float>(static_cast<std::int8_t>(b[2 + j])) * d;
}

}  // namespace

// get_scale_min_k4: 6-bit scale and min of sub-block j from the 12 packed bytes.
void scaleMinK4(int j, const u8* q, u8& d, u8& m)
{
    if (j < 4) {
        d = q[j] & 63;
        m = q[j + 4] & 63;
    } else {
        d = static_cast<u8>((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
        m = static_cast<u8>((q[j + 4] >> 4) | ((q[j - 0] >> 6) << 4));
    }
}

namespace {

// block_q4_K { f16 d; f16 dmin; u8 scales[12]; u8 qs[128]; }
void dequantQ4_K(const std::byte* b, float* y)
{
    const float d = f16At(b);
    const float min = f16At(b + 2);
    const u8* scales = bytesAt(b + 4);
    const u8* q = bytesAt(b + 16);
    int is = 0;
    u8 sc, m;
    for (std::size_t j = 0; j < kQK_K; j += 64) {
        scaleMinK4(is + 0, scales, sc, m);
        const float d1 = d * sc;
        const float m1 = min * m;
        scaleMinK4(is + 1, scales, sc, m);
        const float d2 = d * sc;
        const float m2 = min * m;
        for (int l = 0; l < 32; ++l) *y++ = d1 * static_cast<float>(q[l] & 0xF) - m1;
        for (int l = 0; l < 32; ++l) *y++ = d2 * static_cast<float>(q[l] >> 4) - m2;
        q += 32;
        is += 2;
    }
}

// block_q6_K { u8 ql[128]; u8 qh[64]; i8 scales[16]; f16 d; }
void dequantQ6_K(const std::byte* b, float* y)
{
    const float d = f16At(b + 208);
    const u8* ql = bytesAt(b);
    const u8* qh = bytesAt(b + 128);
    const auto* sc = reinterpret_cast<const std::int8_t*>(b + 192);
    for (std::size_t n = 0; n < kQK_K; n += 128) {
        for (int l = 0; l < 32; ++l) {
            const int is = l / 16;
            const int q1 = static_cast<std::int8_t>((ql[l + 0] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
            const int q2 = static_cast<std::int8_t>((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
            const int q3 = static_cast<std::int8_t>((ql[l + 0] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
            const int q4 = static_cast<std::int8_t>((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
            y[l + 0] = d * sc[is + 0] * static_cast<float>(q1);
            y[l + 32] = d * sc[is + 2] * static_cast<float>(q2);
            y[l + 64] = d * sc[is + 4] * static_cast<float>(q3);
            y[l + 96] = d * sc[is + 6] * static_cast<float>(q4);
        }
        y += 128;
        ql += 64;
        qh += 32;
        sc += 8;
    }
}

// block_iq4_xs (layout in ggml_blocks.h). dl is computed once per sub-block as d * (ls - 32),
// then multiplied by the level, the same two float products as ggml, so values agree bit for bit.
void dequantIQ4_XS(const std::byte* b, float* y)
{
    using namespace iq4xs;
    const float d = f16At(b);
    std::uint16_t scalesH;
    std::memcpy(&scalesH, b + kScalesHAt, 2);
    const u8* scalesL = bytesAt(b + kScalesLAt);
    const u8* qs = bytesAt(b + kQsAt);
    for (std::size_t ib = 0; ib < kSubBlocks; ++ib) {
        const int ls = ((scalesL[ib / 2] >> 4 * (ib % 2)) & 0xF) | (((scalesH >> 2 * ib) & 3) << 4);
        const float dl = d * static_cast<float>(ls - kScaleBias);
        for (std::size_t j = 0; j < kSubBlock / 2; ++j) {
            y[j] = dl * static_cast<float>(kIq4nlValues[qs[j] & 0xF]);
            y[j + kSubBlock / 2] = dl * static_cast<float>(kIq4nlValues[qs[j] >> 4]);
        }
        y += kSubBlock;
        qs += kSubBlock / 2;
    }
}

}  // namespace

void dequantizeBlocks(DType t, const std::byte* src, float* dst, std::size_t blocks)
{
    void (*one)(const std::byte*, float*) = nullptr;
    switch (t) {
    case DType::Q4_0: one = &dequantQ4_0; break;
    case DType::Q4_1: one = &dequantQ4_1; break;
    case DType::Q5_0: one = &dequantQ5_0; break;
    case DType::Q5_1: one = &dequantQ5_1; break;
    case DType::Q8_0: one = &dequantQ8_0; break;
    case DType::Q4_K: one = &dequantQ4_K; break;
    case DType::Q6_K: one = &dequantQ6_K; break;
    case DType::IQ4_XS: one = &dequantIQ4_XS; break;
    default: throw InvalidArgument("dequantizeBlocks: " + std::string(dtypeName(t)) + " is not a block type");
    }
    const auto& tr = traits(t);
    for (std::size_t i = 0; i < blocks; ++i) one(src + i * tr.blockBytes, dst + i * tr.blockElements);
}

}  // namespace qs::ggml
