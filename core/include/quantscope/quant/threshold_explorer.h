#pragma once
// Answers "what if the outlier threshold were n σ (or bits were k)?" for one tensor without
// re-quantizing it: built once (sorted values in cache-line blocks with prefix sums per
// channel), queried in O(levels) per row on every slider move. Agrees with a full
// re-quantization to float rounding.

#include "quantscope/quant/quant_settings.h"
#include "quantscope/tensor/matrix.h"

#include <cstdint>
#include <memory>

namespace qs {

struct ExplorerAnswer {
    double sigma = 0;
    int bits = 0;
    std::int64_t outliers = 0;
    double outlierFrac = 0;
    double mse = 0;
    double relErr = 0;
    double sqnrDb = 0;
    double bpw = 0;
};

class ThresholdExplorer {
public:
    /// Builds the index for `w` (copied as needed). `base` supplies scheme, range, granularity
    /// and outlier statistics; sigma and bits are the query's; the method is ignored (the
    /// explorer always models the uniform grid, also when nl4 is chosen).
    ThresholdExplorer(const Matrix& w, const QuantSettings& base);
    ~ThresholdExplorer();
    ThresholdExplorer(ThresholdExplorer&&) noexcept;
    ThresholdExplorer& operator=(ThresholdExplorer&&) noexcept;

    /// Outliers at `sigma` (<= 0: none) and the error of quantizing the rest with `bits`.
    ExplorerAnswer query(double sigma, int bits) const;

    double mean() const noexcept;
    double stddev() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace qs
