#include "tensor_summary.h"

#include <algorithm>
#include <cmath>

namespace qs::gui {

TensorSummary summarize(const Matrix& w, double sigma)
{
    TensorSummary s;
    s.sigma = sigma;
    s.elements = w.size();
    s.rowMin.assign(std::size_t(w.rows), 0.f);
    s.rowMax.assign(std::size_t(w.rows), 0.f);
    s.rowOutliers.assign(std::size_t(w.rows), 0);
    if (w.size() == 0) return s;

    double sum = 0;
    s.min = +INFINITY;
    s.max = -INFINITY;
    for (std::int64_t r = 0; r < w.rows; ++r) {
        float lo = +INFINITY, hi = -INFINITY;
        for (float v : w.row(r)) {
            if (!std::isfinite(v)) {
                ++s.nonFinite;
                continue;
            }
            sum += v;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        s.rowMin[std::size_t(r)] = lo;
        s.rowMax[std::size_t(r)] = hi;
        s.min = std::min(s.min, double(lo));
        s.max = std::max(s.max, double(hi));
    }
    const double n = double(s.elements - s.nonFinite);
    if (n <= 0) return s;
    s.mean = sum / n;
    // Second pass for the variance: sum((v-mean)^2) does not cancel catastrophically.
    double sumSq = 0;
    for (float v : w.values)
        if (std::isfinite(v)) sumSq += (double(v) - s.mean) * (double(v) - s.mean);
    s.stddev = std::sqrt(sumSq / n);
    s.absMax = std::max(std::abs(s.min), std::abs(s.max));

    if (sigma > 0) {
        const double t = sigma * s.stddev;
        for (std::int64_t r = 0; r < w.rows; ++r) {
            std::int32_t count = 0;
            for (float v : w.row(r))
                if (std::isfinite(v) && std::abs(double(v) - s.mean) >= t) ++count;
            s.rowOutliers[std::size_t(r)] = count;
            s.outliers += count;
            if (count) ++s.outlierChannels;
        }
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
