#pragma once
// The built-in demo checkpoint: a small LLaMA-shaped model generated in memory, so QuantScope
// has something realistic to show without any file. Deterministic from the seed: the same
// seed gives the same bytes on every machine and at any thread count.
//
// Tensors use Hugging Face LLaMA names (model.embed_tokens.weight,
// model.layers.N.self_attn.{q,k,v,o}_proj.weight, model.layers.N.mlp.{gate,up,down}_proj.weight,
// model.layers.N.{input,post_attention}_layernorm.weight, model.norm.weight, lm_head.weight),
// stored as F16 like a real checkpoint. Projection weights are heavy-tailed (Student-t, 20
// degrees of freedom, std ≈ gain/sqrt(fan_in)) with what real LLaMA weights show: output
// channels whose range differs (log-normal row scales, a few rows twice as wide), a few input
// columns with larger weights for every output (outlier features), and rare planted outliers of
// 6–14 σ — together about 0.7 % of each matrix at EasyQuant's 3σ criterion (the paper measured
// 0.3–0.76 % on BLOOM-7B), with kurtosis 7–10 and absmax/std ≈ 13.

#include "quantscope/io/checkpoint.h"
#include "quantscope/progress.h"

#include <cstdint>
#include <filesystem>
#include <memory>

namespace qs {

struct DemoModelConfig {
    std::uint64_t seed = 42;
    int dim = 256;
    int hiddenDim = 688;  ///< not a multiple of 32 on purpose: groups get a short last group
    int layers = 4;
    int heads = 8;
    int kvHeads = 4;  ///< grouped-query attention: k/v projections are [kvDim, dim]
    int vocabSize = 1000;
};

/// Builds the demo checkpoint (format "demo", path "demo:seed=<seed>"). Tensor data is
/// generated on each readMatrix/readRaw call (thread-safe), never held. Throws InvalidArgument
/// for impossible shapes (non-positive sizes, dim not divisible by heads, > 2^31 elements).
std::unique_ptr<Checkpoint> makeDemoCheckpoint(const DemoModelConfig& config = {});

/// Writes the demo checkpoint as an F16 safetensors file (the demo's metadata in __metadata__),
/// one tensor at a time, so memory stays near one tensor even for large configurations. The
/// file appears only when complete. Throws InvalidArgument, IoError, Cancelled.
void writeDemoSafetensors(const std::filesystem::path& path, const DemoModelConfig& config = {},
                          const ProgressFn& progress = {});

}  // namespace qs
