#include "tensor/ggml_iq4_xs.h"

#include "quant/nl4_codec.h"
#include "quantscope/error.h"
#include "tensor/ggml_blocks.h"

#include <algorithm>
#include <cstring>

namespace qs::ggml {

namespace {

using namespace iq4xs;

bool hasIq4nlCodebook(const QuantizedTensor& q) noexcept
{
    return q.levels.size() == kIq4nlValues.size() &&
           std::equal(q.levels.begin(), q.levels.end(), kIq4nlValues.begin(),
                      [](float level, std::int8_t v) { return level == static_cast<float>(v); });
}

/// One block: d's fp16 bits as they are, the eight biased sub-scale codes ls split into the low
/// nibbles (scales_l) and the top two bits (scales_h), and the 256 indices two per byte.
void packBlock(std::uint16_t d, const std::uint8_t* ls, const std::uint8_t* u, std::byte* out)
{
    std::uint16_t scalesH = 0;
    std::uint8_t scalesL[kSubBlocks / 2] = {};
    for (std::size_t ib = 0; ib < kSubBlocks; ++ib) {
        scalesL[ib / 2] = static_cast<std::uint8_t>(scalesL[ib / 2] | ((ls[ib] & 0xF) << (4 * (ib % 2))));
        scalesH = static_cast<std::uint16_t>(scalesH | (((ls[ib] >> 4) & 3) << (2 * ib)));
    }
    std::memcpy(out, &d, 2);
    std::memcpy(out + kScalesHAt, &scalesH, 2);
    std::memcpy(out + kScalesLAt, scalesL, sizeof scalesL);
    for (std::size_t ib = 0; ib < kSubBlocks; ++ib) {
        const std::uint8_t* sub = u + ib * kSubBlock;
        for (std::size_t j = 0; j < kSubBlock / 2; ++j)
            out[kQsAt + ib * kSubBlock / 2 + j] = static_cast<std::byte>(sub[j] | (sub[j + kSubBlock / 2] << 4));
    }
}

}  // namespace

std::string iq4xsMismatch(const QuantizedTensor& q)
{
    if (!hasIq4nlCodebook(q) || q.bits != 4 || q.superBlock != static_cast<std::int64_t>(kQK_K))
        return "it is not an nl4 tensor (IQ4_XS holds nl4's codebook and 256-value super-blocks only)";
    if (q.groupSize != static_cast<std::int64_t>(kSubBlock))
        return "its sub-blocks have " + std::to_string(q.groupSize) + " values and IQ4_XS's have 32 (quantize with --group 32)";
    if (q.cols % static_cast<std::int64_t>(kQK_K) != 0)
        return "its rows of " + std::to_string(q.cols) +
               " values are not whole 256-value super-blocks, which IQ4_XS needs (nl4 shortens the last one)";
    if (!q.outlierIndex.empty()) return "it keeps fp16 outliers, which IQ4_XS cannot hold";
    return {};
}

std::vector<std::byte> packIq4Xs(const QuantizedTensor& q, const std::string& name)
{
    if (const auto why = iq4xsMismatch(q); !why.empty())
        throw InvalidArgument("IQ4_XS: tensor " + name + " cannot be written losslessly: " + why);
    if (q.codes.size() != static_cast<std::size_t>(q.rows * q.cols) ||
        std::any_of(q.codes.begin(), q.codes.end(), [](std::uint8_t u) { return u > 15; }))
        throw InvalidArgument("IQ4_XS: tensor " + name + " has codes that are not 4-bit indices, one per value");
    const auto ls = quant::nl4::biasedSubScaleCodes(q, name);  // throws when a scale is not d * l
    const std::size_t blocks = q.superScales.size();  // rows * cols / 256: whole super-blocks
    std::vector<std::byte> out(blocks * traits(DType::IQ4_XS).blockBytes);
    for (std::size_t b = 0; b < blocks; ++b)
        packBlock(q.superScales[b], ls.data() + b * kSubBlocks, q.codes.data() + b * kQK_K,
                  out.data() + b * traits(DType::IQ4_XS).blockBytes);
    return out;
}

}  // namespace qs::ggml
