#pragma once
// ggml block layouts (Q4_0 ... Q6_K): reference dequantizers, and the quantizers the GGUF
// exporter needs. Layouts per shared/FORMATS.md §3.2.

#include "quantscope/tensor/dtype.h"

#include <cstddef>

namespace qs::ggml {

/// Decodes `blocks` consecutive blocks of type t from `src` into `dst`
/// (blocks * blockElements floats). Throws qs::InvalidArgument for non-block types.
void dequantizeBlocks(DType t, const std::byte* src, float* dst, std::size_t blocks);

}  // namespace qs::ggml
