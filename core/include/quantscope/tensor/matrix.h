#pragma once
// A dense float32 matrix in row-major order: the form every tensor takes inside the
// quantization core. Row r is output channel r (see TensorInfo::channelAxis).

#include <cstdint>
#include <span>
#include <vector>

namespace qs {

struct Matrix {
    std::int64_t rows = 0;
    std::int64_t cols = 0;
    std::vector<float> values;  ///< rows * cols, row-major

    Matrix() = default;
    Matrix(std::int64_t r, std::int64_t c) : rows(r), cols(c), values(static_cast<std::size_t>(r * c)) {}

    std::span<float> row(std::int64_t r) { return {values.data() + r * cols, static_cast<std::size_t>(cols)}; }
    std::span<const float> row(std::int64_t r) const
    {
        return {values.data() + r * cols, static_cast<std::size_t>(cols)};
    }
    std::int64_t size() const { return rows * cols; }
};

}  // namespace qs
