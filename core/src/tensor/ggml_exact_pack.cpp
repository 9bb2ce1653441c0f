#include "tensor/ggml_exact_pack.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace qs::ggml {

namespace {

constexpr std::int64_t kBlock = 32;  // values per Q4_0 / Q8_0 block

/// One block type: its signed levels [lo, hi] and how a block's levels are stored.
struct Format {
    int lo;
    int hi;
    std::size_t blockBytes;
    void (*store)(const int* level, std::byte* out);
};

/// ggml's quantize_row_q4_0_ref layout: level + 8 as nibbles, value j in the low half of byte j
/// and value j + 16 in its high half.
void storeNibbles(const int* level, std::byte* out)
{
    for (std::int64_t j = 0; j < kBlock / 2; ++j)
        out[j] = static_cast<std::byte>((level[j] + 8) | (level[j + kBlock / 2] + 8) << 4);
}

/// quantize_row_q8_0_ref: one int8 per value.
void storeBytes(const int* level, std::byte* out)
{
    for (std::int64_t j = 0; j < kBlock; ++j) out[j] = static_cast<std::byte>(static_cast<std::int8_t>(level[j]));
}

constexpr Format kQ4_0{-8, 7, 2 + 16, &storeNibbles};
constexpr Format kQ8_0{-128, 127, 2 + 32, &storeBytes};

/// One block: d, then the levels. False when the codes' levels fit neither way round.
bool packBlock(const Format& f, const std::uint8_t* u, float scale, int offset, std::byte* out)
{
    const auto [lo, hi] = std::minmax_element(u, u + kBlock);
    // d = s, level = u − o; or d = −s, level = o − u (a grid whose top level the format lacks).
    const bool direct = int(*lo) - offset >= f.lo && int(*hi) - offset <= f.hi;
    const bool mirrored = offset - int(*hi) >= f.lo && offset - int(*lo) <= f.hi;
    if (!direct && !mirrored) return false;
    const std::uint16_t d = floatToHalf(direct ? scale : -scale);
    std::memcpy(out, &d, 2);
    int level[kBlock];
    for (std::int64_t j = 0; j < kBlock; ++j) level[j] = direct ? int(u[j]) - offset : offset - int(u[j]);
    f.store(level, out + 2);
    return true;
}

}  // namespace

std::optional<std::vector<std::byte>> packExactly(const QuantizedTensor& q, DType type)
{
    if (type != DType::Q4_0 && type != DType::Q8_0) return std::nullopt;
    const Format& f = type == DType::Q4_0 ? kQ4_0 : kQ8_0;
    const bool uniform = q.scheme == Scheme::Symmetric && q.bits <= (type == DType::Q4_0 ? 4 : 8) &&
                         q.levels.empty() && q.superBlock == 0;
    const bool blocksOwnAScale = q.granularity != Granularity::PerGroup || q.groupSize % kBlock == 0;
    if (!uniform || !q.outlierIndex.empty() || q.cols % kBlock != 0 || !blocksOwnAScale) return std::nullopt;
    for (const float s : q.scales)
        if (halfToFloat(floatToHalf(s)) != s) return std::nullopt;
    std::vector<std::byte> out(static_cast<std::size_t>(q.rows * (q.cols / kBlock)) * f.blockBytes);
    std::byte* at = out.data();
    for (std::int64_t r = 0; r < q.rows; ++r)
        for (std::int64_t c = 0; c < q.cols; c += kBlock, at += f.blockBytes) {
            const auto unit = static_cast<std::size_t>(q.scaleIndex(r, c));
            if (!packBlock(f, q.codes.data() + r * q.cols + c, q.scales[unit], q.offsets[unit], at)) return std::nullopt;
        }
    return out;
}

}  // namespace qs::ggml
