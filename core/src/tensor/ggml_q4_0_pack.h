#pragma once
// Uniform 4-bit results → Q4_0 (GGUF type 2) without re-quantizing. A Q4_0 block is an fp16 d
// and 32 nibbles n with value d·(n − 8). A symmetric QuantizedTensor of at most 4 bits stores
// value s·(u − o): when one scale covers each 32-value block, s is an fp16 value and no fp16
// outlier sits beside the codes, every block is n = u − o + 8 with d = s (or n = o + 8 − u with
// d = −s, for grids whose top level is +8), and the file decodes to QuantizedTensor::dequantize()
// exactly (bit for bit, except that a zero code under a negative d decodes to −0). Re-encoding the dequantized values with ggml's absmax encoder instead rounds each
// weight a second time onto another grid (docs/formats.md has what that costs).

#include "quantscope/quant/quantized_tensor.h"

#include <cstddef>
#include <optional>
#include <vector>

namespace qs::ggml {

/// The rows * cols / 32 Q4_0 blocks of `q`, row by row, or nullopt when some value of `q` has
/// no exact Q4_0 form (asymmetric or more than 4 bits, a codebook, outliers, rows that are not
/// whole blocks, a group that splits a block, a scale that is not an fp16 value, a code range
/// no nibble mapping covers).
std::optional<std::vector<std::byte>> packQ4_0Exactly(const QuantizedTensor& q);

}  // namespace qs::ggml
