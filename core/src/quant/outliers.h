#pragma once
// EasyQuant's outlier rule (METHODS.md §3.1): W_ij is an outlier when |W_ij - mean| >= n·std.
// Statistics over the whole matrix (paper) or per output channel; population std (ddof 0).
// The quantizer and the ThresholdExplorer share these functions so they agree bit for bit.

#include "quantscope/quant/quant_settings.h"
#include "quantscope/tensor/matrix.h"

#include <cmath>
#include <cstdint>
#include <vector>

namespace qs::quant {

struct Moments {
    double mean = 0;
    double stddev = 0;
};

/// Mean and population std of each row (perRow) or of the whole matrix (one entry).
/// Deterministic: per-row double sums (the matrix read once), rows combined in order.
std::vector<Moments> outlierMoments(const Matrix& w, bool perRow);

/// The outlier test with threshold t = sigma·std, evaluated in double. Returns false for
/// every value when t <= 0 (sigma <= 0 or a constant matrix keeps no outliers).
struct OutlierRule {
    double mean = 0;
    double threshold = 0;  ///< sigma * std
    bool isOutlier(float v) const noexcept
    {
        return threshold > 0 && std::abs(static_cast<double>(v) - mean) >= threshold;
    }
};

inline OutlierRule makeRule(const Moments& m, double sigma) noexcept
{
    return {m.mean, sigma > 0 ? sigma * m.stddev : 0.0};
}

/// The rule as two float bounds: v is normal exactly when below < v < above. The double test
/// is monotone in v on each side of the mean (rounding is monotone), so the outliers above the
/// mean are the floats from some value up and those below it the floats up to some value;
/// comparing floats against those two values gives the same answer for every finite float,
/// without a conversion to double per value — the quantizer's passes vectorize on it.
struct NormalRange {
    float below = -INFINITY;  ///< the largest outlier below the mean (-inf: none)
    float above = INFINITY;   ///< the smallest outlier above the mean (+inf: none)
    /// Bitwise & rather than &&: no branch, so the loops over a row vectorize.
    bool isNormal(float v) const noexcept { return (v > below) & (v < above); }
};

NormalRange normalRange(const OutlierRule& rule) noexcept;

}  // namespace qs::quant
