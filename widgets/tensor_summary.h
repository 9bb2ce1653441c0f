#pragma once
// What the inspector shows about one tensor's values: moments, extremes, outliers at nσ and
// per-output-channel ranges. Computed in one pass, in double precision, in a fixed order so
// the numbers match the CLI's `inspect` (same definitions: outlier when |w - mean| >= nσ,
// population standard deviation).

#include "quantscope/tensor/matrix.h"

#include <cstdint>
#include <vector>

namespace qs::gui {

struct TensorSummary {
    std::int64_t elements = 0;
    double mean = 0;
    double stddev = 0;  ///< population (divide by n)
    double min = 0;
    double max = 0;
    double absMax = 0;
    std::int64_t nonFinite = 0;
    double sigma = 3.0;         ///< threshold the outlier fields refer to
    std::int64_t outliers = 0;  ///< |w - mean| >= sigma * stddev
    std::int64_t outlierChannels = 0;
    std::vector<float> rowMin, rowMax;       ///< per output channel
    std::vector<std::int32_t> rowOutliers;   ///< outliers per output channel
    double outlierPercent() const { return elements ? 100.0 * double(outliers) / double(elements) : 0.0; }
};

TensorSummary summarize(const Matrix& w, double sigma);

/// Counts of values in `bins` equal-width bins over [lo, hi]; values outside are dropped.
std::vector<std::int64_t> histogram(const Matrix& w, int bins, double lo, double hi);

}  // namespace qs::gui
