#pragma once
// Quantizes a whole checkpoint tensor by tensor: picks which tensors to quantize, applies
// per-tensor overrides, streams results to a sink, and reports metrics. TBB-parallel inside
// each tensor; results identical at any thread count.

#include "quantscope/io/checkpoint.h"
#include "quantscope/progress.h"
#include "quantscope/quant/metrics.h"
#include "quantscope/quant/quant_settings.h"
#include "quantscope/quant/quantized_tensor.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace qs {

/// A per-tensor override, like llama.cpp's --tensor-type: applies to tensors whose name matches
/// `pattern` (ECMAScript regex, searched anywhere in the name). Later rules win.
struct TensorRule {
    std::string pattern;
    bool skip = false;
    std::optional<QuantMethod> method;
    std::optional<int> bits;
    std::optional<std::int64_t> groupSize;
    std::optional<double> sigma;
};

struct ModelQuantSettings {
    QuantSettings defaults;
    bool quantizeEmbeddings = false;
    bool quantizeOutputHead = false;  ///< "output.weight", "lm_head.weight", "wcls", classifier heads
    std::vector<TensorRule> rules;
    int threads = 0;  ///< 0 = all cores
};

struct TensorOutcome {
    std::size_t index = 0;  ///< into Checkpoint::tensors()
    std::string name;
    bool quantized = false;
    std::string reason;     ///< why it was skipped, or which rule applied
    QuantSettings settings; ///< effective settings (when quantized)
    TensorMetrics metrics;  ///< when quantized
    double seconds = 0;
};

struct ModelQuantResult {
    std::vector<TensorOutcome> tensors;  ///< every tensor of the checkpoint, in catalog order
    TensorMetrics totals;                ///< over the quantized tensors (element-weighted)
    std::int64_t quantizedParams = 0;
    std::int64_t totalParams = 0;
    double seconds = 0;
    std::vector<std::string> warnings;
};

/// Receives each quantized tensor as soon as it is done (in catalog order), with the original.
/// Used by exporters to stream; keeps peak memory near one tensor.
using QuantizedTensorSink =
    std::function<void(const TensorOutcome&, const Matrix& original, const QuantizedTensor& q)>;

/// Decides whether tensor `info` is quantized and with which settings (defaults + rules).
/// Returns nullopt and sets `reason` when it is left untouched.
std::optional<QuantSettings> effectiveSettings(const TensorInfo& info, const ModelQuantSettings& s,
                                               std::string& reason);

ModelQuantResult quantizeModel(const Checkpoint& ckpt, const ModelQuantSettings& s,
                               const ProgressFn& progress = {}, const QuantizedTensorSink& sink = {});

}  // namespace qs
