// Reference quantizers for ggml blocks, ported from ggml-quants.c (quantize_row_q8_0_ref,
// quantize_row_q4_0_ref, quantize_row_q4_K_ref with make_qkx2_quants). Float operations are
// kept in ggml's order so the bytes match llama.cpp's reference path exactly (the build uses
// -ffp-contract=off semantics through -std=c++20 without GNU extensions).
#include "tensor/ggml_blocks.h"

#include "quantscope/error.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

namespace qs::ggml {

namespace {

using u8 = std::uint8_t;

// ggml's nearest_int: round half to even via the 1.5*2^23 trick. Defined for any input (the
// bit pattern of a huge value is just garbage, as in ggml), never undefined behaviour.
inline int nearestInt(float fval)
{
    const float val = fval + 12582912.f;
    std::int32_t i;
    std::memcpy(&i, &val, sizeof i);
    return (i & 0x007fffff) - 0x00400000;
}

// (int8_t)(v) as ggml writes it, but without undefined behaviour for NaN or out-of-range v.
inline int truncToInt8(float v)
{
    if (!(v > -129.0f && v < 128.0f)) return 0;
    return static_cast<std::int8_t>(static_cast<int>(v));
}

inline void storeHalf(std::byte* p, float f)
{
    const std::uint16_t h = floatToHalf(f);
    std::memcpy(p, &h, 2);
}

inline float loadHalf(const std::byte* p)
{
    std::uint16_t h;
    std::memcpy(&h, p, 2);
    return halfToFloat(h);
}

float makeQkx2Quants(int n, int nmax, const float* x, const float* weights, u8* L, float* theMin, u8* Laux,
                     float rmin, float rdelta, int nstep, bool useMad)
{
    float min = x[0];
    float max = x[0];
    float sumW = weights[0];
    float sumX = sumW * x[0];
    for (int i = 1; i < n; ++i) {
        if (x[i] < min) min = x[i];
        if (x[i] > max) max = x[i];
        const float w = weights[i];
        sumW += w;
        sumX += w * x[i];
    }
    if (min > 0) min = 0;
    if (max == min) {
        for (int i = 0; i < n; ++i) L[i] = 0;
        *theMin = -min;
        return 0.f;
    }
    float iscale = static_cast<float>(nmax) / (max - min);
    float scale = 1 / iscale;
    float bestError = 0;
    for (int i = 0; i < n; ++i) {
        const int l = nearestInt(iscale * (x[i] - min));
        L[i] = static_cast<u8>(std::max(0, std::min(nmax, l)));
        float diff = scale * L[i] + min - x[i];
        diff = useMad ? std::fabs(diff) : diff * diff;
        bestError += weights[i] * diff;
    }
    if (nstep < 1) {
        *theMin = -min;
        return scale;
    }
    for (int is = 0; is <= nstep; ++is) {
        iscale = (rmin + rdelta * static_cast<float>(is) + static_cast<float>(nmax)) / (max - min);
        float sumL = 0, sumL2 = 0, sumXL = 0;
        for (int i = 0; i < n; ++i) {
            int l = nearestInt(iscale * (x[i] - min));
            l = std::max(0, std::min(nmax, l));
            Laux[i] = static_cast<u8>(l);
            const float w = weights[i];
            const auto fl = static_cast<float>(l);
            sumL += w * fl;
            sumL2 += w * fl * fl;
            sumXL += w * fl * x[i];
        }
        const float D = sumW * sumL2 - sumL * sumL;
        if (D > 0) {
            float thisScale = (sumW * sumXL - sumX * sumL) / D;
            float thisMin = (sumL2 * sumX - sumL * sumXL) / D;
            if (thisMin > 0) {
                thisMin = 0;
                thisScale = sumXL / sumL2;
            }
            float curError = 0;
            for (int i = 0; i < n; ++i) {
                float diff = thisScale * Laux[i] + thisMin - x[i];
                diff = useMad ? std::fabs(diff) : diff * diff;
                curError += weights[i] * diff;
            }
            if (curError < bestError) {
                for (int i = 0; i < n; ++i) L[i] = Laux[i];
                bestError = curError;
                scale = thisScale;
                min = thisMin;
            }
        }
    }
    *theMin = -min;
    return scale;
}

void quantizeOneQ4_K(const float* x, std::byte* block)
{
    u8 L[kQK_K];
    u8 Laux[32];
    float weights[32];
    float mins[kQK_K / 32];
    float scales[kQK_K / 32];
    u8 packed[12];

    float maxScale = 0;  // as the min is subtracted, scales are always positive
    float maxMin = 0;
    for (std::size_t j = 0; j < kQK_K / 32; ++j) {
        float sumX2 = 0;
        for (std::size_t l = 0; l < 32; ++l) sumX2 += x[32 * j + l] * x[32 * j + l];
        const float avX = std::sqrt(sumX2 / 32);
        for (std::size_t l = 0; l < 32; ++l) weights[l] = avX + std::fabs(x[32 * j + l]);
        scales[j] = makeQkx2Quants(32, 15, x + 32 * j, weights, L + 32 * j, &mins[j], Laux, -1.f, 0.1f, 20, false);
        if (scales[j] > maxScale) maxScale = scales[j];
        if (mins[j] > maxMin) maxMin = mins[j];
    }

    const float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
    const float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
    for (std::size_t j = 0; j < kQK_K / 32; ++j) {
        u8 ls = static_cast<u8>(nearestInt(invScale * scales[j]));
        u8 lm = static_cast<u8>(nearestInt(invMin * mins[j]));
        ls = std::min<u8>(63, ls);
        lm = std::min<u8>(63, lm);
        if (j < 4) {
            packed[j] = ls;
            packed[j + 4] = lm;
        } else {
            packed[j + 4] = static_cast<u8>((ls & 0xF) | ((lm & 0xF) << 4));
            packed[j - 4] |= static_cast<u8>((ls >> 4) << 6);
            packed[j - 0] |= static_cast<u8>((lm >> 4) << 6);
        }
    }
    storeHalf(block, maxScale / 63.f);
    storeHalf(block + 2, maxMin / 63.f);
    std::memcpy(block + 4, packed, 12);

    const float dAll = loadHalf(block);
    const float dminAll = loadHalf(block + 2);
    u8 sc, m;
    for (int j = 0; j < static_cast<int>(kQK_K / 32); ++j) {
        scaleMinK4(j, packed, sc, m);
        const float d = dAll * sc;
        if (!d) continue;  // keeps make_qkx2_quants' codes for this sub-block, as ggml does
        const float dm = dminAll * m;
        for (int ii = 0; ii < 32; ++ii) {
            int l = nearestInt((x[32 * j + ii] + dm) / d);
            l = std::max(0, std::min(15, l));
            L[32 * j + ii] = static_cast<u8>(l);
        }
    }
    auto* q = reinterpret_cast<u8*>(block + 16);
    for (std::size_t j = 0; j < kQK_K; j += 64) {
        for (std::size_t l = 0; l < 32; ++l) q[l] = static_cast<u8>(L[j + l] | (L[j + l + 32] << 4));
        q += 32;
    }
}

}  // namespace

void quantizeQ8_0(const float* src, std::byte* dst, std::size_t blocks)
{
    for (std::size_t i = 0; i < blocks; ++i) {
        const float* x = src + i * kQK;
        std::byte* y = dst + i * 34;
        float amax = 0.0f;
        for (std::size_t j = 0; j < kQK; ++j) amax = std::max(amax, std::fabs(x[j]));
        const float d = amax / ((1 << 7) - 1);
        const float id = d ? 1.0f / d : 0.0f;
        storeHalf(y, d);
        for (std::size_t j = 0; j < kQK; ++j) {
            const float r = std::round(x[j] * id);  // roundf: half away from zero, in [-127, 127]
            const int q = (r >= -128.0f && r <= 127.0f) ? static_cast<int>(r) : 0;
            y[2 + j] = static_cast<std::byte>(static_cast<std::int8_t>(q));
        }
    }
}

void quantizeQ4_0(const float* src, std::byte* dst, std::size_t blocks)
{
    for (std::size_t i = 0; i < blocks; ++i) {
        const float* x = src + i * kQK;
        std::byte* y = dst + i * 18;
        float amax = 0.0f;  // largest |x|
        float max = 0.0f;   // the value with that magnitude, sign kept
        for (std::size_t j = 0; j < kQK; ++j) {
            if (amax < std::fabs(x[j])) {
                amax = std::fabs(x[j]);
                max = x[j];
            }
        }
        const float d = max / -8;
        const float id = d ? 1.0f / d : 0.0f;
        storeHalf(y, d);
        for (std::size_t j = 0; j < kQK / 2; ++j) {
            const float x0 = x[j] * id;
            const float x1 = x[kQK / 2 + j] * id;
            const u8 xi0 = static_cast<u8>(std::min(15, truncToInt8(x0 + 8.5f)));
            const u8 xi1 = static_cast<u8>(std::min(15, truncToInt8(x1 + 8.5f)));
            y[2 + j] = static_cast<std::byte>(static_cast<u8>(xi0 | (xi1 << 4)));
        }
    }
}

void quantizeQ4_K(const float* src, std::byte* dst, std::size_t blocks)
{
    for (std::size_t i = 0; i < blocks; ++i) quantizeOneQ4_K(src + i * kQK_K, dst + i * 144);
}

void quantizeBlocks(DType t, const float* src, std::byte* dst, std::size_t blocks)
{
    switch (t) {
    case DType::Q8_0: quantizeQ8_0(src, dst, blocks); return;
    case DType::Q4_0: quantizeQ4_0(src, dst, blocks); return;
    case DType::Q4_K: quantizeQ4_K(src, dst, blocks); return;
    default: throw UnsupportedError("no reference quantizer for " + std::string(dtypeName(t)));
    }
}

}  // namespace qs::ggml
