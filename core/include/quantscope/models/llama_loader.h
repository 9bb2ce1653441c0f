#pragma once
// Builds a LlamaModel from any qs::Checkpoint whose tensors carry the Meta LLaMA names
// (llama2.c checkpoints: tok_embeddings.weight, layers.N.attention.wq.weight, ...) or the
// Hugging Face Llama names (model.embed_tokens.weight, model.layers.N.self_attn.q_proj.weight,
// ..., lm_head.weight) with a config.json.
//
// Hugging Face checkpoints store wq/wk with their rows permuted for the rotate-half RoPE; the
// config says RopeStyle::HalfSplit and the weights are used as stored. When a replacement file
// uses the other naming than the original (see llama_quant.h), q/k rows are permuted across.

#include "quantscope/io/checkpoint.h"
#include "quantscope/models/llama_model.h"

#include <filesystem>
#include <optional>
#include <string>

namespace qs {

enum class LlamaNaming : std::uint8_t { Meta, HuggingFace };

struct LlamaCheckpointInfo {
    LlamaConfig config;
    LlamaNaming naming = LlamaNaming::Meta;
    std::string configSource;  ///< where the config came from: "llama2c header", a config.json path, ...
};

/// Parses a Hugging Face config.json (model_type llama/mistral: hidden_size, intermediate_size,
/// num_hidden_layers, num_attention_heads, num_key_value_heads, vocab_size,
/// max_position_embeddings, rms_norm_eps, rope_theta, tie_word_embeddings). Rope style HalfSplit.
/// Throws FormatError (bad JSON, missing or mistyped keys), UnsupportedError (rope_scaling,
/// a head_dim other than hidden_size / heads, attention biases).
LlamaConfig parseHfLlamaConfig(const std::string& jsonText, const std::string& fileName);

/// Detects the naming and reads the config: from llama2.c metadata (Meta names), from
/// `configJson` or the config.json next to the checkpoint (Hugging Face names). Checks every
/// tensor the config needs exists with the right shape. Throws UnsupportedError when the
/// checkpoint is not a LLaMA-family model, FormatError / InvalidArgument for inconsistencies.
LlamaCheckpointInfo inspectLlamaCheckpoint(const Checkpoint& ckpt, const std::filesystem::path& configJson = {});

/// The name a canonical (Meta) weight name has under `naming`.
std::string llamaTensorName(const std::string& metaName, LlamaNaming naming);

/// Index of the canonical weight `metaName` in `ckpt` under either naming (the preferred one
/// first), and the naming it was found under.
std::optional<std::pair<std::size_t, LlamaNaming>> findLlamaTensor(const Checkpoint& ckpt, const std::string& metaName,
                                                                   LlamaNaming preferred);

/// Reorders the rows of a q or k projection between the two RoPE layouts (heads of size
/// rows / heads): Meta pairs (2i, 2i+1) <-> Hugging Face pairs (i, i + head_size/2).
Matrix permuteRopeRows(const Matrix& w, int heads, LlamaNaming from, LlamaNaming to);

/// Reads weight `slot` from `ckpt` (stored under `info.naming`).
Matrix readLlamaWeight(const Checkpoint& ckpt, const LlamaCheckpointInfo& info, const LlamaWeightSlot& slot);

/// The model with the checkpoint's own weights.
LlamaModel loadLlamaModel(const Checkpoint& ckpt, const LlamaCheckpointInfo& info);

}  // namespace qs
