#pragma once
// Summary statistics of a tensor's values, as `quantscope-cli inspect` and the GUI show them.

#include <cstdint>
#include <span>

namespace qs {

struct TensorStats {
    std::uint64_t count = 0;      ///< finite values the statistics are over
    std::uint64_t nonFinite = 0;  ///< NaN and ±inf values, left out of everything else
    double mean = 0;
    double std = 0;               ///< population standard deviation (divides by count)
    double min = 0;
    double max = 0;
    double absmax = 0;
    double absmaxOverStd = 0;     ///< absmax / std; 0 when std is 0
    double kurtosis = 0;          ///< excess kurtosis m4/m2² − 3; 0 when std is 0
    double fractionBeyond3Sigma = 0;  ///< share of values with |x − mean| > 3·std
};

/// Computes the statistics in double precision, two passes (mean, then central moments).
/// Work is split into fixed chunks (in parallel) whose partial sums are combined in chunk
/// order, so the result is bit-identical at any thread count. Throws only std::bad_alloc.
TensorStats computeTensorStats(std::span<const float> values);

}  // namespace qs
