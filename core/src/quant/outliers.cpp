#include "quant/outliers.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <cmath>
#include <limits>
#include <span>

namespace qs::quant {

namespace {

/// Σ f(x) over a row in double, in four interleaved lanes combined in a fixed order: one
/// accumulator is a chain of dependent adds (4 cycles a value) that cost more than quantizing
/// the row; the lanes are deterministic, so results do not depend on threads.
template <typename F>
double laneSum(std::span<const float> row, F f) noexcept
{
    double lane[4] = {0, 0, 0, 0};
    std::size_t i = 0;
    for (; i + 4 <= row.size(); i += 4)
        for (std::size_t k = 0; k < 4; ++k) lane[k] += f(double(row[i + k]));
    for (; i < row.size(); ++i) lane[0] += f(double(row[i]));
    return (lane[0] + lane[1]) + (lane[2] + lane[3]);
}

/// The float nearest the boundary `edge` of the outliers on one side (dir +1: above the mean,
/// the smallest outlier; dir -1: below, the largest), found by stepping from float(edge) while
/// the double test says otherwise; ±infinity when no finite float on that side is an outlier.
float outlierEdge(const OutlierRule& rule, double edge, float dir) noexcept
{
    const float inf = dir * std::numeric_limits<float>::infinity();
    if (!(std::abs(edge) <= std::numeric_limits<float>::max())) return inf;
    float f = static_cast<float>(edge);
    const auto onSide = [&](float v) { return dir > 0 ? double(v) > rule.mean : double(v) < rule.mean; };
    // Step outwards until f is an outlier, then inwards while the next float still is one.
    while (std::isfinite(f) && !(onSide(f) && rule.isOutlier(f))) f = std::nextafter(f, inf);
    if (!std::isfinite(f)) return inf;
    for (float g = std::nextafter(f, -inf); onSide(g) && rule.isOutlier(g); g = std::nextafter(f, -inf)) f = g;
    return f;
}

}  // namespace

NormalRange normalRange(const OutlierRule& rule) noexcept
{
    if (!(rule.threshold > 0)) return {};
    return {outlierEdge(rule, rule.mean - rule.threshold, -1.0f), outlierEdge(rule, rule.mean + rule.threshold, 1.0f)};
}

std::vector<Moments> outlierMoments(const Matrix& w, bool perRow)
{
    const std::int64_t rows = w.rows;
    const std::int64_t cols = w.cols;
    // Per row: the mean, then Σ(x - row mean)² while the row is still in cache (two passes
    // over the row, one over memory: the matrix is read once). Rows combine exactly like
    // Chan et al.'s pairwise update, in row order: Σ over the matrix of (x - mean)² =
    // Σ_r [M2_r + n·(mean_r - mean)²]. No cancellation (every square is of a centred value),
    // and the same answer at any thread count.
    std::vector<double> rowSum(static_cast<std::size_t>(rows));
    std::vector<double> rowMean(static_cast<std::size_t>(rows));
    std::vector<double> rowM2(static_cast<std::size_t>(rows));
    tbb::parallel_for(tbb::blocked_range<std::int64_t>(0, rows), [&](const auto& br) {
        for (auto r = br.begin(); r != br.end(); ++r) {
            const auto row = w.row(r);
            const double sum = laneSum(row, [](double v) { return v; });
            const double mean = cols > 0 ? sum / double(cols) : 0.0;
            rowSum[static_cast<std::size_t>(r)] = sum;
            rowMean[static_cast<std::size_t>(r)] = mean;
            rowM2[static_cast<std::size_t>(r)] = laneSum(row, [mean](double v) { return (v - mean) * (v - mean); });
        }
    });
    std::vector<Moments> out;
    if (perRow) {
        out.resize(static_cast<std::size_t>(rows));
        for (std::int64_t r = 0; r < rows; ++r) {
            const auto u = static_cast<std::size_t>(r);
            out[u] = {rowMean[u], cols > 0 ? std::sqrt(rowM2[u] / double(cols)) : 0.0};
        }
        return out;
    }
    const double n = static_cast<double>(rows) * static_cast<double>(cols);
    double sum = 0;
    for (const double v : rowSum) sum += v;
    const double mean = n > 0 ? sum / n : 0.0;
    double m2 = 0;
    for (std::size_t r = 0; r < rowMean.size(); ++r)
        m2 += rowM2[r] + double(cols) * (rowMean[r] - mean) * (rowMean[r] - mean);
    out.push_back({mean, n > 0 ? std::sqrt(m2 / n) : 0.0});
    return out;
}

}  // namespace qs::quant
