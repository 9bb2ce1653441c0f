#pragma once
// One unit (the whole tensor, a channel or a group): choose its scale (and zero point) from
// its normal values per the method, then write its codes.

#include "quant/fp16_step_sweep.h"
#include "quant/range_search.h"
#include "quant/value_index.h"
#include "quantscope/quant/quant_settings.h"

#include <cstdint>
#include <span>
#include <vector>

namespace qs::quant {

struct UnitParams {
    float scale = 0;
    std::int32_t offset = 0;  ///< -qmin (symmetric) or the zero point (asymmetric)
};

/// Reusable buffers of one worker (no allocation per unit in the steady state).
struct UnitScratch {
    std::vector<float> normals;
    std::vector<float> mirrored;  ///< -normals: IntRange::Either's mirrored grid, searched as Full
    std::vector<std::uint32_t> columns;  ///< a unit's outlier columns, before they are kept
    ValueIndex index;
    std::vector<Breakpoint> breaks;  ///< small units' fp16 search
    StepSweepScratch sweep;          ///< large units' fp16 search
};

/// Chooses the unit's parameters from `normals` (its values without outliers):
/// rtn: max|x| (symmetric) or [min, max]; rtn-mse: clip grid; easyquant: the solver.
/// Asymmetric rtn-mse and easyquant both use the clip grid on [α·min, α·max] (documented in
/// docs/quantization.md: the paper's range optimization is symmetric).
UnitParams chooseUnitParams(std::span<const float> normals, const QuantSettings& s, UnitScratch& scratch);

/// Codes of a unit's values (outliers get code 0 afterwards, by the caller).
void encodeUnit(std::span<const float> values, const UnitParams& p, const QuantSettings& s, std::uint8_t* codes) noexcept;

/// The asymmetric clip grid (fast, sorted) — exposed for tests with its reference.
UnitParams asymmetricClipSearch(const ValueIndex& v, const QuantSettings& s);
UnitParams asymmetricClipSearchRef(std::span<const float> x, const QuantSettings& s);

}  // namespace qs::quant
