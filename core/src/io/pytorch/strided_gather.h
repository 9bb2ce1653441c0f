#pragma once
// Gathers a strided view (PyTorch's storage offset + size + stride) into contiguous row-major
// order. The view must already be validated: every index it reaches lies inside `storage`.

#include "quantscope/tensor/dtype.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace qs::io {

struct StridedView {
    std::span<const std::byte> storage;  ///< the whole storage, numel * element size bytes
    DType dtype = DType::F32;
    std::int64_t offset = 0;             ///< in elements
    std::vector<std::int64_t> shape, stride;
};

/// The view's elements in row-major order, as raw little-endian bytes.
std::vector<std::byte> gatherBytes(const StridedView& v);
/// The view's elements decoded to float into `out` (numel values).
void gatherToFloat(const StridedView& v, float* out);

}  // namespace qs::io
