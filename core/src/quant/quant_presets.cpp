#include "quantscope/quant/quant_presets.h"

#include <algorithm>
#include <array>

namespace qs {

namespace {

/// EasyQuant per 32-value block on the grids a ggml block type holds: the full signed range
/// ([-8, 7] for Q4_0, [-128, 127] for Q8_0) or its mirror, whichever fits the block better
/// (a negative d, as ggml's own encoder uses); fp16 scales (the block's d); no fp16 outliers,
/// which neither block type can carry.
QuantSettings ggmlBlocks(int bits)
{
    QuantSettings s;
    s.method = QuantMethod::EasyQuant;
    s.solver = RangeSolver::Search;
    s.bits = bits;
    s.granularity = Granularity::PerGroup;
    s.groupSize = 32;
    s.intRange = IntRange::Either;
    s.sigma = 0;
    s.fp16Scales = true;
    return s;
}

QuantSettings nl4Blocks()
{
    QuantSettings s;
    s.method = QuantMethod::Nl4;
    s.bits = 4;
    s.granularity = Granularity::PerGroup;
    s.groupSize = 32;
    return s;
}

/// arXiv 2403.02775 as printed for LLaMA: 4-bit per output channel, outliers at 3σ over the
/// whole matrix kept in fp16, Adam (lr 1e-4, 500 steps) on each range, the formula's [-7, 8].
QuantSettings easyQuantPaper()
{
    QuantSettings s;
    s.method = QuantMethod::EasyQuant;
    s.bits = 4;
    s.granularity = Granularity::PerChannel;
    s.intRange = IntRange::EasyQuantLiteral;
    s.sigma = 3;
    s.outlierStats = OutlierStats::WholeMatrix;
    s.solver = RangeSolver::Adam;
    s.adamLr = 1e-4;
    s.adamSteps = 500;
    return s;
}

const std::array<QuantPreset, 4>& presets()
{
    static const std::array<QuantPreset, 4> table{{
        {"q4_0", "llama.cpp Q4_0 (4.5 bpw): exact fp16 step search per 32-value block on [-8, 7] or its mirror, no "
                 "outliers; "
                 "GGUF exports write the blocks exactly",
         ggmlBlocks(4), DType::Q4_0},
        {"q8_0", "llama.cpp Q8_0 (8.5 bpw): exact fp16 step search per 32-value block on [-128, 127] or its mirror, "
                 "no outliers; "
                 "GGUF exports write the blocks exactly",
         ggmlBlocks(8), DType::Q8_0},
        {"iq4_xs", "llama.cpp IQ4_XS (4.25 bpw): nl4 at group 32, written to GGUF losslessly where rows are a "
                   "multiple of 256",
         nl4Blocks(), std::nullopt},
        {"easyquant-paper", "EasyQuant as the paper runs LLaMA: 4-bit per channel, 3-sigma fp16 outliers, Adam "
                            "(lr 1e-4, 500 steps), the grid [-7, 8]",
         easyQuantPaper(), std::nullopt},
    }};
    return table;
}

}  // namespace

std::span<const QuantPreset> quantPresets() noexcept { return presets(); }

const QuantPreset* findQuantPreset(std::string_view name) noexcept
{
    const auto& all = presets();
    const auto it = std::find_if(all.begin(), all.end(), [&](const QuantPreset& p) { return p.name == name; });
    return it == all.end() ? nullptr : &*it;
}

}  // namespace qs
