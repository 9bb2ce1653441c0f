#include "tensor_summary.h"

#include <algorithm>
#include <cmath>

namespace qs::gui {

TensorSummary summarize(const Matrix& w, double sigma)
{
    TensorSummary s;
    s.sigma = sigma;
    s.stats = computeTensorStats(w.values);
    s.rowMin.assign(std::size_t(w.rows), 0.f);
    s.rowMax.assign(std::size_t(w.rows), 0.f);
    s.rowOutliers.assign(std::size_t(w.rows), 0);
    const double t = sigma > 0 ? sigma * s.stats.std : INFINITY;
    for (std::int64_t r = 0; r < w.rows; ++r) {
        float lo = +INFINITY, hi = -INFINITY;
        std::int32_t count = 0;
        for (float v : w.row(r)) {
            if (!std::isfinite(v)) continue;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
            count += std::abs(double(v) - s.stats.mean) > t;
        }
        s.rowMin[std::size_t(r)] = std::isfinite(lo) ? lo : 0.f;
        s.rowMax[std::size_t(r)] = std::isfinite(hi) ? hi : 0.f;
        s.rowOutliers[std::size_t(r)] = count;
        s.outliers += count;
        s.outlierChannels += count > 0;
    }
    return s;
}

std::vector<std::int64_t> histogram(const Matrix& w, int bins, double lo, double hi)
{
    std::vector<std::int64_t> counts(std::size_t(std::max(bins, 1)), 0);
    if (!(hi > lo)) {
        counts[0] = w.size();
        return counts;
    }
    const double scale = double(bins) / (hi - lo);
    for (float v : w.values) {
        if (!(v >= lo && v <= hi)) continue;
        const auto b = std::min<std::int64_t>(bins - 1, std::int64_t((v - lo) * scale));
        ++counts[std::size_t(b)];
    }
    return counts;
}

}  // namespace qs::gui
