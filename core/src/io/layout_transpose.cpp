#include "io/layout_transpose.h"

#include "quantscope/tensor/dtype.h"

#include <algorithm>

namespace qs::io {

Matrix transposeOutLast(const float* flat, std::int64_t rows, std::int64_t cols)
{
    Matrix m(rows, cols);
    // Blocked so both the reads and the writes stay within a few cache lines per tile.
    constexpr std::int64_t kTile = 32;
    for (std::int64_t c0 = 0; c0 < cols; c0 += kTile)
        for (std::int64_t r0 = 0; r0 < rows; r0 += kTile)
            for (std::int64_t c = c0; c < std::min(cols, c0 + kTile); ++c)
                for (std::int64_t r = r0; r < std::min(rows, r0 + kTile); ++r)
                    m.values[static_cast<std::size_t>(r * cols + c)] = flat[c * rows + r];
    return m;
}

Matrix matrixFromRaw(const TensorInfo& info, const std::vector<std::byte>& raw)
{
    std::vector<float> flat(static_cast<std::size_t>(info.numel()));
    if (!flat.empty()) decodeToFloat(info.dtype, raw.data(), flat.data(), flat.size());
    if (info.layout == AxisLayout::OutLast) return transposeOutLast(flat.data(), info.rows(), info.cols());
    Matrix m;
    m.rows = info.rows();
    m.cols = info.cols();
    m.values = std::move(flat);
    return m;
}

}  // namespace qs::io
