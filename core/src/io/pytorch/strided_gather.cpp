#include "io/pytorch/strided_gather.h"

#include <cstring>

namespace qs::io {

namespace {

std::int64_t numelOf(const StridedView& v)
{
    std::int64_t n = 1;
    for (auto d : v.shape) n *= d;
    return n;
}

bool isContiguous(const StridedView& v)
{
    std::int64_t expected = 1;
    for (std::size_t d = v.shape.size(); d-- > 0;) {
        if (v.shape[d] != 1 && v.stride[d] != expected) return false;
        expected *= v.shape[d];
    }
    return true;
}

}  // namespace

std::vector<std::byte> gatherBytes(const StridedView& v)
{
    const auto es = static_cast<std::size_t>(traits(v.dtype).blockBytes);
    const std::int64_t numel = numelOf(v);
    std::vector<std::byte> out(static_cast<std::size_t>(numel) * es);
    if (numel == 0) return out;
    const std::byte* src = v.storage.data();
    if (isContiguous(v)) {
        std::memcpy(out.data(), src + static_cast<std::size_t>(v.offset) * es, out.size());
        return out;
    }
    // Walk every index but the innermost with an odometer; copy the innermost run in one go
    // when it is dense, element by element otherwise (e.g. a transposed weight).
    const std::size_t rank = v.shape.size();
    const std::int64_t inner = v.shape[rank - 1], innerStride = v.stride[rank - 1];
    std::vector<std::int64_t> idx(rank - 1, 0);
    std::byte* dst = out.data();
    for (std::int64_t row = 0, rows = numel / inner; row < rows; ++row) {
        std::int64_t pos = v.offset;
        for (std::size_t d = 0; d + 1 < rank; ++d) pos += idx[d] * v.stride[d];
        if (innerStride == 1) {
            std::memcpy(dst, src + static_cast<std::size_t>(pos) * es, static_cast<std::size_t>(inner) * es);
            dst += static_cast<std::size_t>(inner) * es;
        } else {
            for (std::int64_t j = 0; j < inner; ++j, dst += es)
                std::memcpy(dst, src + static_cast<std::size_t>(pos + j * innerStride) * es, es);
        }
        for (std::size_t d = rank - 1; d-- > 0;) {
            if (++idx[d] < v.shape[d]) break;
            idx[d] = 0;
        }
    }
    return out;
}

void gatherToFloat(const StridedView& v, float* out)
{
    const auto es = static_cast<std::size_t>(traits(v.dtype).blockBytes);
    const auto numel = static_cast<std::size_t>(numelOf(v));
    if (numel == 0) return;
    if (isContiguous(v)) {
        decodeToFloat(v.dtype, v.storage.data() + static_cast<std::size_t>(v.offset) * es, out, numel);
        return;
    }
    const auto bytes = gatherBytes(v);
    decodeToFloat(v.dtype, bytes.data(), out, numel);
}

}  // namespace qs::io
