#pragma once
// Range solvers for one unit's (normal) values on a symmetric integer grid [qmin, qmax]:
// - exactRangeSearch: the global minimizer of L(Δ) = Σ (Q_Δ(x) - x)² over a window of steps,
//   by an exact sweep over every breakpoint Δ = x/(k+½) inside the cells a lower bound cannot
//   rule out (METHODS.md §3, "beyond the paper");
// - adamRange: the paper's Adam on r with the exact gradient;
// - clipGridSearch: rtn-mse's grid of α·max|x|.
// Each has a plain reference (brute force) next to it for the tests.

#include "quant/sorted_values.h"
#include "quantscope/quant/quant_settings.h"

#include <span>
#include <vector>

namespace qs::quant {

struct StepChoice {
    double delta = 0;  ///< the chosen step (before fp16 rounding)
    double loss = 0;   ///< L(delta)
};

/// The search window in units of max|x|/qmax: Δ ∈ [kWindowLow, kWindowHigh] · max|x|/qmax.
/// The top reaches above max|x| because rounding of the top level can make that better.
constexpr double kWindowLow = 0.05;
constexpr double kWindowHigh = 1.5;
/// Branch and bound: kCoarseCells geometric cells, split kSplit-fold until a cell's ratio
/// b/a is at most kFineCellRatio, then swept exactly.
constexpr int kCoarseCells = 8;
constexpr int kSplit = 4;
constexpr double kFineCellRatio = 1.12;

/// Exact minimizer of L over the window (symmetric grid b). Deterministic. When `nearBest` is
/// given it also receives the best step of every other swept cell and grid point whose loss is
/// within kNearBestRel of the minimum: after fp16 rounding of the scale, a second well can win.
StepChoice exactRangeSearch(const SortedValues& v, IntBounds b, std::vector<double>* nearBest = nullptr);
constexpr double kNearBestRel = 1e-4;
constexpr std::size_t kWellsPerCell = 3;
/// Reference: evaluates the closed-form minimizer of every piece between consecutive
/// breakpoints with the O(n) loss. O(n · breakpoints): tests only.
StepChoice exactRangeSearchRef(std::span<const float> x, IntBounds b);

/// ∂L/∂r at range r (Δ = r/qmax): 2 Σ (Q(x) - x)·q / qmax with the clamped code q.
double rangeGradient(std::span<const float> x, double r, IntBounds b) noexcept;
/// The paper's solver: Adam (β 0.9/0.999, ε 1e-8) on r from r0 = max|x|, r >= 1e-8; returns
/// the last iterate as a step Δ = r/qmax with its loss.
StepChoice adamRange(std::span<const float> x, IntBounds b, double lr, int steps);

/// rtn-mse: Δ = storedScale(α·max|x|/qmax) for α on the uniform grid [clipMin, 1] (points
/// values, α = 1 first); the best by L (earlier wins ties). Fast: O(points·levels·log n).
StepChoice clipGridSearch(const SortedValues& v, IntBounds b, const QuantSettings& s);
/// Reference: the same grid with the O(n) loss.
StepChoice clipGridSearchRef(std::span<const float> x, IntBounds b, const QuantSettings& s);

/// Best of the stored scales next to `delta` (fp16 neighbours when fp16Scales) by exact loss.
StepChoice bestStoredScale(const SortedValues& v, IntBounds b, double delta, bool fp16Scales);
/// The search solver's stored step: the best stored scale around the optimum and around
/// every near-best well.
StepChoice searchStoredScale(const SortedValues& v, IntBounds b, bool fp16Scales);

}  // namespace qs::quant
