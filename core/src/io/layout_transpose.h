#pragma once
// Turns a tensor stored with its output channel on the LAST axis (Keras Dense [in,out], Conv
// HWIO, an ONNX MatMul B [in,out]) into QuantScope's row-per-output-channel Matrix.

#include "quantscope/tensor/matrix.h"
#include "quantscope/tensor/tensor_info.h"

#include <cstddef>
#include <vector>

namespace qs::io {

/// `flat` holds cols x rows values in row-major order (the stored layout, channel last);
/// returns the rows x cols matrix with row r = every value of output channel r.
Matrix transposeOutLast(const float* flat, std::int64_t rows, std::int64_t cols);

/// A tensor's stored bytes (info.dtype, stored layout) decoded to float as QuantScope's
/// row-per-output-channel Matrix: what readMatrix returns for readers that hold raw bytes.
Matrix matrixFromRaw(const TensorInfo& info, const std::vector<std::byte>& raw);

}  // namespace qs::io
