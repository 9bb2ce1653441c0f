#pragma once
// ggml block layouts (Q4_0 ... Q6_K, IQ4_XS): reference dequantizers and the reference quantizers the
// GGUF exporter and the llama.cpp comparison benchmark need. Layouts per shared/FORMATS.md §3.2;
// every function is a plain port of the matching ggml-quants.c routine (dequantize_row_*,
// quantize_row_*_ref), so the bytes and floats agree with llama.cpp bit for bit.

#include "quantscope/tensor/dtype.h"

#include <array>
#include <cstddef>
#include <cstdint>

namespace qs::ggml {

constexpr std::size_t kQK = 32;    ///< elements per Q4_0/Q4_1/Q5_0/Q5_1/Q8_0 block
constexpr std::size_t kQK_K = 256; ///< elements per k-quant super-block

/// kvalues_iq4nl (ggml-common.h): the 16 levels of IQ4_NL and IQ4_XS, indexed by a nibble.
inline constexpr std::array<std::int8_t, 16> kIq4nlValues{-127, -104, -83, -65, -49, -35, -22, -10,
                                                          1,    13,   25,  38,  53,  69,  89,  113};

/// block_iq4_xs { f16 d; u16 scales_h; u8 scales_l[4]; u8 qs[128]; } = 136 bytes per 256 values:
/// eight sub-blocks of 32, sub-block ib with the 6-bit scale
/// ls = ((scales_l[ib/2] >> 4*(ib%2)) & 0xF) | (((scales_h >> 2*ib) & 3) << 4), each value
/// d * (ls - 32) * kvalues_iq4nl[nibble]; qs[16*ib + j] holds value j of the sub-block in its
/// low nibble and value j + 16 in its high nibble.
namespace iq4xs {
constexpr std::size_t kSubBlock = 32;
constexpr std::size_t kSubBlocks = kQK_K / kSubBlock;
constexpr std::size_t kScalesHAt = 2, kScalesLAt = 4, kQsAt = 8;
constexpr int kScaleBias = 32;  ///< ls - 32 is the signed sub-block scale
}  // namespace iq4xs

/// Decodes `blocks` consecutive blocks of type t from `src` into `dst`
/// (blocks * blockElements floats). Throws qs::InvalidArgument for non-block types.
void dequantizeBlocks(DType t, const std::byte* src, float* dst, std::size_t blocks);

/// Encodes `blocks` blocks (blocks * blockElements floats from `src`) into `dst`
/// (blocks * blockBytes bytes). Supported: Q8_0, Q4_0 (quantize_row_q{8,4}_0_ref) and Q4_K
/// (quantize_row_q4_K_ref with make_qkx2_quants). Other types throw qs::UnsupportedError.
/// Inputs are expected finite; NaN/inf give unspecified codes but no undefined behaviour.
void quantizeBlocks(DType t, const float* src, std::byte* dst, std::size_t blocks);

void quantizeQ8_0(const float* src, std::byte* dst, std::size_t blocks);
void quantizeQ4_0(const float* src, std::byte* dst, std::size_t blocks);
void quantizeQ4_K(const float* src, std::byte* dst, std::size_t blocks);

/// get_scale_min_k4: the 6-bit scale `d` and min `m` of sub-block j (0..7) from the 12 packed
/// scale bytes of a Q4_K/Q5_K block.
void scaleMinK4(int j, const std::uint8_t* q, std::uint8_t& d, std::uint8_t& m);

}  // namespace qs::ggml
