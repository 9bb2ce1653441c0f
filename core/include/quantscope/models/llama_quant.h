#pragma once
// LLaMA models with replaced weights, for measuring what quantization does to model quality:
// (1) fake quantization in memory — each selected weight goes through qs::quantizeMatrix and is
// replaced by its dequantized value; (2) weights taken by name from another file (an exported
// package or a dequantized safetensors file), matched under either naming.

#include "quantscope/io/checkpoint.h"
#include "quantscope/models/llama_loader.h"
#include "quantscope/progress.h"
#include "quantscope/quant/quant_settings.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qs {

struct LlamaQuantOptions {
    QuantSettings settings;
    bool quantizeEmbedding = false;   ///< tok_embeddings.weight (also the classifier when shared)
    bool quantizeClassifier = false;  ///< output.weight, when the classifier is not shared
    int threads = 0;                  ///< 0 = all cores; results are identical at any count
    ProgressFn progress;              ///< per tensor; false cancels (throws Cancelled)
};

struct LlamaQuantReport {
    std::vector<std::string> quantized;  ///< canonical names, in slot order
    std::int64_t quantizedParams = 0;
    std::int64_t totalParams = 0;        ///< every weight of the model (the shared classifier once)
    double bpw = 0;                      ///< effective bits per weight over the quantized tensors
    double seconds = 0;
};

/// True for the slots `options` selects: the linear weights (wq wk wv wo w1 w2 w3), plus the
/// embedding / separate classifier when asked.
bool isSelectedForQuantization(const LlamaWeightSlot& slot, const LlamaQuantOptions& options);

/// The model of `ckpt` with the selected weights fake-quantized. Throws InvalidArgument for bad
/// settings, Cancelled, and whatever reading the checkpoint throws.
LlamaModel loadFakeQuantizedLlama(const Checkpoint& ckpt, const LlamaCheckpointInfo& info, const LlamaQuantOptions& options,
                                  LlamaQuantReport* report = nullptr);

struct LlamaReplacementReport {
    std::vector<std::string> replaced;  ///< canonical names taken from the replacement file
    std::vector<std::string> kept;      ///< canonical names taken from the original
};

/// The model of `original` with every weight that `replacement` holds (under the original's
/// naming or the other one; q/k rows are permuted across RoPE layouts when the namings differ).
/// Throws InvalidArgument when a matching tensor has the wrong size or nothing matches.
LlamaModel loadLlamaWithReplacements(const Checkpoint& original, const LlamaCheckpointInfo& info,
                                     const Checkpoint& replacement, LlamaReplacementReport* report = nullptr);

}  // namespace qs
