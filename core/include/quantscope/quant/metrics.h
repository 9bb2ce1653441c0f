#pragma once
// Error metrics (shared/METHODS.md §4). Names used everywhere: mse, rel_err, sqnr_db,
// max_abs_err, cosine, outlier_frac, bpw.

#include "quantscope/tensor/matrix.h"

#include <cstdint>
#include <string_view>

namespace qs {

struct QuantizedTensor;

struct TensorMetrics {
    double mse = 0;          ///< mean (Ŵ-W)^2
    double relErr = 0;       ///< ||Ŵ-W||_F / ||W||_F
    double sqnrDb = 0;       ///< 10 log10(ΣW² / Σ(Ŵ-W)²); +inf when exact
    double maxAbsErr = 0;
    double cosine = 1;       ///< between flattened W and Ŵ
    double outlierFrac = 0;  ///< kept outliers / elements
    double bpw = 0;          ///< effective bits per weight (QuantizedTensor::bitsPerWeight)
    std::int64_t outliers = 0;
    std::int64_t elements = 0;
};

/// Compares W and Ŵ (same shape). Deterministic: sums in a fixed order in double precision.
TensorMetrics compareMatrices(const Matrix& original, const Matrix& dequantized);
/// compareMatrices plus outlier and bpw fields from q.
TensorMetrics measure(const Matrix& original, const QuantizedTensor& q);

}  // namespace qs
