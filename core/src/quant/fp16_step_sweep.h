#pragma once
// The search solver's path for large units (a channel of a weight matrix): the fp16 step with
// the least loss L(Δ) = Σ (Q_Δ(x) - x)² in the window, exactly — the same answer as
// fp16RangeSearch, about twice as fast on 4096-value channels (35–50 vs 67–95 µs in a driver
// timing both on the same rows; bench_quantize times whole matrices), because it
// builds a cheaper structure and solves the cells the bound keeps by one sweep.
//
// - The values are grouped by |x| into a few hundred equal-width buckets (a counting sort) with
//   prefix sums of count, |x| and x² over the buckets — instead of ValueIndex's bucket per value
//   and running sums per value, which cost more to build than everything else.
// - Branch and bound over cells of fp16 codes, with range_search's cell bound computed on the
//   buckets lying entirely inside each range (a subset of the values there: still a lower
//   bound, a little looser).
// - A cell of at most a few hundred codes is solved exactly by one sweep: between breakpoints
//   Δ = |x|/(j-½) the loss is S2·Δ² - 2·S1·Δ + Σx² with S2 = Σq², S1 = Σq·|x|; the state at
//   the cell's first code comes from the prefix sums plus the values of one bucket per level;
//   every breakpoint inside the cell is binned to the first code it affects (level j's come
//   from one contiguous run of buckets); one walk over the codes adds the bins up and scores
//   every code.
//
// Symmetric grids with one top level for both signs (the restricted range) only; the others
// take fp16RangeSearch.

#include "quant/range_search.h"
#include "quant/value_index.h"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace qs::quant {

/// Reusable buffers of one worker (no allocation per unit in the steady state).
struct StepSweepScratch {
    std::vector<float> grouped;          ///< the unit's values grouped by |x| bucket
    std::vector<std::uint16_t> bucket;   ///< each value's bucket
    std::vector<std::uint32_t> start;    ///< first grouped value of each bucket
    std::vector<RangeSums> prefix;       ///< count, Σ|x|, Σx² over the buckets below
    /// Per code: (ΔS2, ΔS1), then spare bins.
    std::vector<double __attribute__((vector_size(16)))> bins;
};

/// The fp16 step of least loss over the window [kWindowLow, kWindowHigh]·max|x|/qmax (RTN's
/// stored step among the candidates, so never worse than RTN), with its loss — the contract of
/// fp16RangeSearch. nullopt when the grid is not symmetric (qmax != -qmin) or the window
/// reaches below the smallest fp16 value (the caller falls back to fp16RangeSearch).
/// Throws InvalidArgument when max|x|/qmax overflows fp16.
std::optional<StepChoice> fp16StepSweep(std::span<const float> x, IntBounds b, StepSweepScratch& s);

}  // namespace qs::quant
