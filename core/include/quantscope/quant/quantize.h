#pragma once
// Quantizes one matrix (rows = output channels) with RTN, RTN-MSE or EasyQuant.

#include "quantscope/progress.h"
#include "quantscope/quant/quant_settings.h"
#include "quantscope/quant/quantized_tensor.h"
#include "quantscope/tensor/matrix.h"

namespace qs {

/// Quantizes `w` per `s`. Parallel over rows with TBB, deterministic at any thread count.
/// Throws InvalidArgument for bad settings, Cancelled if `progress` returns false.
QuantizedTensor quantizeMatrix(const Matrix& w, const QuantSettings& s, const ProgressFn& progress = {});

}  // namespace qs
