#pragma once
// nl4 at group 32 → IQ4_XS (GGUF type 23). nl4 (docs/quantization.md) stores the same things as
// block_iq4_xs — an fp16 d per 256 values, a 6-bit sub-scale per 32, a 4-bit index into the
// IQ4_NL codebook per value — so an nl4 tensor whose rows are whole super-blocks is re-arranged
// into IQ4_XS bytes without re-quantizing anything: the blocks decode (ggml's
// dequantize_row_iq4_xs, or ggml::dequantizeBlocks) to QuantizedTensor::dequantize() bit for bit.

#include "quantscope/quant/quantized_tensor.h"

#include <cstddef>
#include <string>
#include <vector>

namespace qs::ggml {

/// Why `q` cannot be written as IQ4_XS without changing a value, or "" when it can: it must be
/// an nl4 tensor (the IQ4_NL codebook, two-level scales) at group 32, with rows that are whole
/// 256-value super-blocks (nl4 lets a row's last super-block be shorter; IQ4_XS does not) and
/// no fp16 outliers.
std::string iq4xsMismatch(const QuantizedTensor& q);

/// The rows * cols / 256 IQ4_XS blocks of `q`, row by row (a row's blocks are contiguous, as in a
/// GGUF tensor). Throws InvalidArgument naming `name` when iq4xsMismatch(q) is not empty or the
/// tensor's scales or codes are not a valid nl4 encoding.
std::vector<std::byte> packIq4Xs(const QuantizedTensor& q, const std::string& name);

}  // namespace qs::ggml
