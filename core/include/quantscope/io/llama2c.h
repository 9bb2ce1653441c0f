#pragma once
// llama2.c checkpoints (Karpathy's run.c format): the legacy 7-int32 header and the v1 format
// ("ak42", version 1, 256-byte header). Tensors are exposed with Meta LLaMA names:
// tok_embeddings.weight, layers.N.attention.{wq,wk,wv,wo}.weight, layers.N.attention_norm.weight,
// layers.N.feed_forward.{w1,w2,w3}.weight, layers.N.ffn_norm.weight, norm.weight and, when the
// classifier is not shared with the embedding, output.weight.

#include <cstdint>
#include <filesystem>

namespace qs {

struct Llama2cConfig {
    int dim = 0;
    int hiddenDim = 0;
    int layers = 0;
    int heads = 0;
    int kvHeads = 0;
    int vocabSize = 0;
    int seqLen = 0;
    bool sharedClassifier = true;
    int version = 0;  ///< 0 = legacy, 1 = v1
    int headSize() const noexcept { return heads ? dim / heads : 0; }
    int kvDim() const noexcept { return heads ? dim * kvHeads / heads : 0; }
};

/// Reads and validates the header only. Throws IoError / FormatError.
Llama2cConfig readLlama2cConfig(const std::filesystem::path& path);

}  // namespace qs
