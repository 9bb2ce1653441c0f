#pragma once
// EasyQuant's range optimisation for one output channel, step by step, for teaching
// (shared/METHODS.md §3): the path of the paper's Adam on the range r, the loss
// L(r) = Σ_normal (Q_r(x) − x)² along it and over a window of r, and the search solver's
// optimum — both computed by the quantizer's own code, so what the teaching view draws is
// what `quantize` does (the Adam path ends at the range the adam solver keeps, and the search
// optimum is the step the search solver stores).

#include "quantscope/quant/quant_settings.h"

#include <span>
#include <vector>

namespace qs {

struct RangeTrace {
    std::vector<double> range;  ///< r after step 0 (= max|normal x|), 1, ..., steps
    std::vector<double> loss;   ///< L(r) at each of those ranges
    std::vector<double> curveRange, curveLoss;  ///< L over r in [0.3, 1.5]·max|normal x|
    double searchRange = 0;  ///< the search solver's step times qmax
    double searchLoss = 0;   ///< L there
    int normals = 0;         ///< values below the outlier threshold
    /// IntRange::Either only: the quantizer chose the mirrored grid (a negative scale); every
    /// figure above is then on the mirrored values, i.e. on the grid that was chosen.
    bool mirrored = false;
};

/// Traces one channel of a symmetric quantizer at `settings` (bits, integer range, Adam's lr
/// and steps, fp16 scales). `row` holds the channel's values; outliers are |x − mean| ≥
/// settings.sigma · stddev with the tensor's mean and std (EasyQuant's default whole-matrix
/// statistics); sigma <= 0 keeps every value. Under Either the path shown is the grid the adam
/// solver picks, and the search optimum the grid the search solver picks.
RangeTrace traceChannelRange(std::span<const float> row, double mean, double stddev, const QuantSettings& settings);

}  // namespace qs
