#pragma once
// Range solvers for one unit's (normal) values on a symmetric integer grid [qmin, qmax]:
// - fp16RangeSearch: the global minimizer of L(Δ) = Σ (Q_Δ(x) - x)² over every fp16 step in a
//   window — the scales an export can store — by branch and bound (METHODS.md §3, "beyond the
//   paper"); the search solver's default path;
// - exactRangeSearch: the same over continuous Δ, sweeping every breakpoint Δ = x/(k+½) inside
//   the cells a lower bound cannot rule out (fp32 scales);
// - adamRange: the paper's Adam on r with the exact gradient;
// - clipGridSearch: rtn-mse's grid of α·max|x|.
// Each has a plain reference (brute force) next to it for the tests.

#include "quant/value_index.h"
#include "quantscope/quant/quant_settings.h"

#include <span>
#include <vector>

namespace qs::quant {

struct StepChoice {
    double delta = 0;  ///< the chosen step
    double loss = 0;   ///< L(delta)
};

/// The search window in units of max|x|/qmax: Δ ∈ [kWindowLow, kWindowHigh] · max|x|/qmax.
/// The top reaches above max|x| because rounding of the top level can make that better.
constexpr double kWindowLow = 0.05;
constexpr double kWindowHigh = 1.5;
/// Branch and bound: kCoarseCells cells, split kSplit-fold until a cell is narrow enough to
/// solve directly by one sweep (continuous: ratio b/a <= kFineCellRatio; fp16: at most
/// kLeafCodes fp16 values).
constexpr int kCoarseCells = 8;
constexpr int kSplit = 4;
constexpr double kFineCellRatio = 1.12;
constexpr int kLeafCodes = 192;

/// Minimizer of L over the fp16 steps in the window (positive finite fp16 values only), with
/// RTN's stored step max|x|/qmax as the first candidate, so the result is never worse than
/// RTN's. Exact: a cell is dropped only when a rigorous lower bound of L over it cannot beat
/// the best step scored so far. Throws InvalidArgument when max|x|/qmax overflows fp16.
StepChoice fp16RangeSearch(const ValueIndex& v, IntBounds b);
/// The same result for a small unit (a group) without an index: all breakpoints of the window
/// sorted once, and in each piece between breakpoints the convex quadratic L is minimized over
/// the fp16 steps inside it (the two codes around its minimizer). O(n·levels·log) — cheaper than
/// the branch and bound's fixed costs below kSmallUnit values.
/// `breaks` is scratch for the unit's breakpoints (reused across units by the caller).
struct Breakpoint {
    double delta;  ///< where a value moves one level toward zero
    double dS2;    ///< the change of Σq² there
    double dS1;    ///< the change of Σq·x there
};
StepChoice fp16RangeSearchSmall(std::span<const float> x, IntBounds b, std::vector<Breakpoint>& breaks);
/// The same with its own scratch (tests).
StepChoice fp16RangeSearchSmall(std::span<const float> x, IntBounds b);
constexpr std::size_t kSmallUnit = 256;
/// Reference: every fp16 step of the window scored with the O(n) loss. Tests only.
StepChoice fp16RangeSearchRef(std::span<const float> x, IntBounds b);

/// Exact minimizer of L over the continuous window (symmetric grid b). Deterministic.
StepChoice exactRangeSearch(const ValueIndex& v, IntBounds b);
/// Reference: evaluates the closed-form minimizer of every piece between consecutive
/// breakpoints with the O(n) loss. O(n · breakpoints): tests only.
StepChoice exactRangeSearchRef(std::span<const float> x, IntBounds b);

/// ∂L/∂r at range r (Δ = r/qmax): 2 Σ (Q(x) - x)·q / qmax with the clamped code q.
double rangeGradient(std::span<const float> x, double r, IntBounds b) noexcept;
/// The paper's solver: Adam (β 0.9/0.999, ε 1e-8) on r from r0 = max|x|, r >= 1e-8; returns
/// the last iterate as a step Δ = r/qmax with its loss.
StepChoice adamRange(std::span<const float> x, IntBounds b, double lr, int steps);
/// adamRange's iterates: r0 = max|x|, then r after each step (empty when max|x| = 0); the
/// teaching view draws this path. The last one is adamRange's result times qmax.
std::vector<double> adamRangePath(std::span<const float> x, IntBounds b, double lr, int steps);

/// rtn-mse: Δ = storedScale(α·max|x|/qmax) for α on the uniform grid [clipMin, 1] (points
/// values, α = 1 first); the best by L (earlier wins ties). O(points · levels).
StepChoice clipGridSearch(const ValueIndex& v, IntBounds b, const QuantSettings& s);
/// Reference: the same grid with the O(n) loss.
StepChoice clipGridSearchRef(std::span<const float> x, IntBounds b, const QuantSettings& s);

/// The search solver's stored step: fp16RangeSearch with fp16 scales, else the continuous
/// optimum rounded to float.
StepChoice searchStoredScale(const ValueIndex& v, IntBounds b, bool fp16Scales);

}  // namespace qs::quant
