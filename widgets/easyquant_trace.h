#pragma once
// EasyQuant's range optimisation for one output channel, step by step, for teaching: the
// range r and the loss L(r) = Σ_normal (Q_r(x) − x)² after every Adam step (shared/METHODS.md
// §3: exact gradient ∂L/∂Δ = 2 Σ (Q(x) − x)·q with the clamped code q, Δ = r/qmax), plus the
// loss curve over r and the optimum of the exact search. The core quantizer runs Adam
// internally without exposing the path; this replays the same update so the path can be drawn.

#include "quantscope/quant/quant_settings.h"

#include <span>
#include <vector>

namespace qs::gui {

struct RangeTrace {
    std::vector<double> range;  ///< r after step 0 (= max|normal x|), 1, ..., steps
    std::vector<double> loss;   ///< L(r) at each of those ranges
    std::vector<double> curveRange, curveLoss;  ///< L over r in [0.3, 1.5]·max|x| (dense)
    double searchRange = 0;  ///< argmin of L over every breakpoint (exact), see rangeLoss
    double searchLoss = 0;
    int normals = 0;
};

/// L(r) for the symmetric quantizer of `settings` (bits, integer range) over `values`.
double rangeLoss(std::span<const float> values, double range, const QuantSettings& settings);

/// Traces one channel: `row` is the channel's values; outliers are |x − mean| ≥ sigma·std with
/// the tensor's mean and std (whole-matrix statistics, as EasyQuant does by default).
RangeTrace traceChannel(std::span<const float> row, double mean, double stddev, const QuantSettings& settings);

}  // namespace qs::gui
