#include "tensor/ggml_q4_0_pack.h"

#include "quantscope/tensor/dtype.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace qs::ggml {

namespace {

constexpr std::int64_t kBlock = 32;          // values per Q4_0 block
constexpr std::size_t kBlockBytes = 2 + 16;  // fp16 d, then 16 bytes of nibbles

/// One block: nibble n[j] in the low half of byte j, n[j + 16] in the high half (ggml's
/// quantize_row_q4_0_ref layout). False when some code has no nibble under either mapping.
bool packBlock(const std::uint8_t* u, float scale, int offset, std::byte* out)
{
    std::uint8_t lo = 255, hi = 0;
    for (std::int64_t j = 0; j < kBlock; ++j) {
        lo = std::min(lo, u[j]);
        hi = std::max(hi, u[j]);
    }
    // d = s, n = u − o + 8; or d = −s, n = o + 8 − u (a grid whose top level is +8).
    const bool direct = int(lo) - offset + 8 >= 0 && int(hi) - offset + 8 <= 15;
    const bool mirrored = offset + 8 - int(hi) >= 0 && offset + 8 - int(lo) <= 15;
    if (!direct && !mirrored) return false;
    const std::uint16_t d = floatToHalf(direct ? scale : -scale);
    std::memcpy(out, &d, 2);
    auto nibble = [&](std::uint8_t code) {
        return static_cast<std::uint8_t>(direct ? int(code) - offset + 8 : offset + 8 - int(code));
    };
    for (std::int64_t j = 0; j < kBlock / 2; ++j)
        out[2 + j] = static_cast<std::byte>(nibble(u[j]) | nibble(u[j + kBlock / 2]) << 4);
    return true;
}

}  // namespace

std::optional<std::vector<std::byte>> packQ4_0Exactly(const QuantizedTensor& q)
{
    const bool uniform = q.scheme == Scheme::Symmetric && q.bits <= 4 && q.levels.empty() && q.superBlock == 0;
    const bool blocksOwnAScale = q.granularity != Granularity::PerGroup || q.groupSize % kBlock == 0;
    if (!uniform || !q.outlierIndex.empty() || q.cols % kBlock != 0 || !blocksOwnAScale) return std::nullopt;
    for (const float s : q.scales)
        if (halfToFloat(floatToHalf(s)) != s) return std::nullopt;
    std::vector<std::byte> out(static_cast<std::size_t>(q.rows * (q.cols / kBlock)) * kBlockBytes);
    std::byte* at = out.data();
    for (std::int64_t r = 0; r < q.rows; ++r)
        for (std::int64_t c = 0; c < q.cols; c += kBlock, at += kBlockBytes) {
            const auto unit = static_cast<std::size_t>(q.scaleIndex(r, c));
            if (!packBlock(q.codes.data() + r * q.cols + c, q.scales[unit], q.offsets[unit], at)) return std::nullopt;
        }
    return out;
}

}  // namespace qs::ggml
