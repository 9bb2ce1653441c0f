#pragma once
// What a checkpoint says about one tensor, before any of its data is read.

#include "quantscope/tensor/dtype.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace qs {

/// What a tensor is for; decides whether it is quantized by default.
enum class TensorRole : std::uint8_t { Linear, Conv, Embedding, Norm, Bias, Other };
std::string_view roleName(TensorRole r) noexcept;  ///< "linear", "conv", ...

/// How the stored shape maps onto [output channels, everything else].
enum class AxisLayout : std::uint8_t {
    OutFirst,  ///< PyTorch Linear [out, in], conv OIHW, GGUF after reversing dims: channel = axis 0
    OutLast,   ///< Keras Dense [in, out], conv HWIO: channel = last axis (rows need a transpose)
};

struct TensorInfo {
    std::string name;
    std::vector<std::int64_t> shape;  ///< as the framework sees it (GGUF dims reversed to PyTorch order)
    DType dtype = DType::F32;
    std::uint64_t byteSize = 0;       ///< bytes of stored data
    TensorRole role = TensorRole::Other;
    AxisLayout layout = AxisLayout::OutFirst;

    std::int64_t numel() const noexcept;
    /// Output channels: shape[0] (OutFirst) or shape.back() (OutLast); 1 for scalars.
    std::int64_t rows() const noexcept;
    /// numel() / rows(): the length of one output channel's row.
    std::int64_t cols() const noexcept;
};

/// Guesses the role from the name and shape using the naming habits of PyTorch, Hugging Face,
/// llama2.c, GGUF and Keras checkpoints. Readers may override with better knowledge.
TensorRole guessRole(std::string_view name, const std::vector<std::int64_t>& shape) noexcept;

}  // namespace qs
