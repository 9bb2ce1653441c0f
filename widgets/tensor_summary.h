#pragma once
// What the inspector shows about one tensor's values: the core's statistics (the numbers
// `quantscope-cli inspect` prints) plus what only the GUI draws — per-output-channel ranges
// and which channels hold values beyond ±nσ.

#include "quantscope/tensor/matrix.h"
#include "quantscope/tensor/tensor_stats.h"

#include <cstdint>
#include <vector>

namespace qs::gui {

struct TensorSummary {
    TensorStats stats;          ///< computeTensorStats over all values
    double sigma = 3.0;         ///< threshold the outlier fields refer to
    std::int64_t outliers = 0;  ///< |w − mean| > sigma·std (the inspect rule)
    std::int64_t outlierChannels = 0;
    std::vector<float> rowMin, rowMax;      ///< per output channel (finite values)
    std::vector<std::int32_t> rowOutliers;  ///< outliers per output channel
    double outlierPercent() const
    {
        return stats.count ? 100.0 * double(outliers) / double(stats.count) : 0.0;
    }
};

TensorSummary summarize(const Matrix& w, double sigma);

/// Counts of values in `bins` equal-width bins over [lo, hi]; values outside are dropped.
std::vector<std::int64_t> histogram(const Matrix& w, int bins, double lo, double hi);

}  // namespace qs::gui
