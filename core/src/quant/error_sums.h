#pragma once
// The double-precision sums every error metric is built from (METHODS.md §4), shared by
// measure()/compareMatrices() and the model job, so a tensor's numbers in a report, in the GUI
// and in the model totals come from one computation. Rows are summed in parallel and combined
// in row order: the result does not depend on the thread count.

#include "quantscope/quant/metrics.h"
#include "quantscope/tensor/matrix.h"

namespace qs {
struct QuantizedTensor;
}

namespace qs::quant {

struct ErrorSums {
    double ww = 0;  ///< Σ W²
    double hh = 0;  ///< Σ Ŵ²
    double wh = 0;  ///< Σ W·Ŵ
    double ee = 0;  ///< Σ (Ŵ-W)²
    double maxAbs = 0;

    void add(const ErrorSums& o) noexcept;
};

/// Sums of W against Ŵ (same shape; InvalidArgument otherwise).
ErrorSums sumErrors(const Matrix& original, const Matrix& dequantized);
/// The same sums against q's dequantized weights, decoded a row at a time: no full Ŵ copy, and
/// bit-identical to sumErrors(original, q.dequantize()).
ErrorSums sumErrors(const Matrix& original, const QuantizedTensor& q);
/// mse, rel_err, sqnr_db, max_abs_err and cosine from the sums of `elements` values.
TensorMetrics metricsFromSums(const ErrorSums& s, std::int64_t elements);

}  // namespace qs::quant
