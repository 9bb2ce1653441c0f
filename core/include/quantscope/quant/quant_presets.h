#pragma once
// Named settings for the choices people make most often, so nobody has to know which
// combination of options a llama.cpp block type holds exactly (docs/formats.md, "exact routes"):
// - q4_0 / q8_0: EasyQuant's exact fp16 step search per 32-value block on the type's own grid,
//   no outliers: GGUF exports write these results as Q4_0 / Q8_0 blocks without re-quantizing;
// - iq4_xs: nl4 at group 32, written as IQ4_XS losslessly;
// - easyquant-paper: the paper's own recipe (per channel, 3σ outliers, Adam, its [-7, 8] grid).
// A front end applies a preset first and then lets every option the user gave explicitly win.

#include "quantscope/quant/quant_settings.h"
#include "quantscope/tensor/dtype.h"

#include <optional>
#include <span>
#include <string_view>

namespace qs {

struct QuantPreset {
    std::string_view name;     ///< what --preset takes: "q4_0"
    std::string_view summary;  ///< one line for help texts (English; the GUI translates its own)
    QuantSettings settings;
    /// The GGUF block type the preset's results fill exactly, if any (defaultGgufType of the
    /// settings picks it, so an export under the preset needs no --gguf-type; a test holds both
    /// to the same answer).
    std::optional<DType> ggufType;
};

/// Every preset, in the order a front end lists them.
std::span<const QuantPreset> quantPresets() noexcept;
/// The preset called `name`, or nullptr.
const QuantPreset* findQuantPreset(std::string_view name) noexcept;

}  // namespace qs
