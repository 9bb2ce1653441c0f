#pragma once
// Uniform results → Q4_0 / Q8_0 (GGUF types 2 and 8) without re-quantizing. Both store an fp16
// d per 32 values: Q4_0 a nibble n with value d·(n − 8), Q8_0 an int8 q with value d·q. A
// symmetric QuantizedTensor stores value s·(u − o); when one scale covers each 32-value block, s
// is an fp16 value and no fp16 outlier sits beside the codes, every block is q = u − o with
// d = s (or q = o − u with d = −s, for grids whose top level is the format's missing +8 / +128),
// and the file decodes to QuantizedTensor::dequantize() exactly (bit for bit, except that a zero
// code under a negative d decodes to −0). Re-encoding the dequantized values with ggml's absmax
// encoders instead rounds each weight a second time onto another grid (docs/formats.md has what
// that costs).

#include "quantscope/quant/quantized_tensor.h"
#include "quantscope/tensor/dtype.h"

#include <cstddef>
#include <optional>
#include <vector>

namespace qs::ggml {

/// The rows * cols / 32 blocks of `q` as `type` (Q4_0 or Q8_0), row by row, or nullopt when some
/// value of `q` has no exact form there (another type, asymmetric or more bits than the type
/// holds, a codebook, outliers, rows that are not whole blocks, a group that splits a block, a
/// scale that is not an fp16 value, a block's codes wider than the type's levels).
std::optional<std::vector<std::byte>> packExactly(const QuantizedTensor& q, DType type);

}  // namespace qs::ggml
