#pragma once
// A LLaMA-family transformer runtime (llama2.c / Meta LLaMA / Hugging Face Llama): RMSNorm,
// rotary embeddings, grouped-query attention, SwiGLU MLP, tied or separate classifier.
//
// The model is built from a config and a function returning each weight by its canonical
// (Meta LLaMA) name, so callers can hand in original, dequantized or otherwise replaced weights
// tensor by tensor (see llama_loader.h for checkpoints and llama_quant.h for fake quantization).
// A whole sequence is processed at once with matrix-matrix products; a Session runs the same
// model token by token with a KV cache. Float32 arithmetic; NLL sums in double.

#include "quantscope/tensor/matrix.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace qs {

/// How query/key features are paired for rotation.
enum class RopeStyle : std::uint8_t {
    Interleaved,  ///< llama2.c / Meta: pairs (2i, 2i+1) of each head
    HalfSplit,    ///< Hugging Face "rotate_half": pairs (i, i + head_size/2) (q/k weights permuted)
};

struct LlamaConfig {
    int dim = 0;
    int hiddenDim = 0;
    int layers = 0;
    int heads = 0;
    int kvHeads = 0;
    int vocabSize = 0;
    int seqLen = 0;  ///< longest sequence the model accepts
    bool sharedClassifier = true;
    float normEps = 1e-5f;
    float ropeTheta = 10000.0f;
    RopeStyle rope = RopeStyle::Interleaved;

    int headSize() const noexcept { return heads ? dim / heads : 0; }
    int kvDim() const noexcept { return heads ? dim / heads * kvHeads : 0; }
};

/// Throws InvalidArgument naming the bad field (non-positive sizes, dim not divisible by heads,
/// heads not a multiple of kvHeads, odd head size).
void validate(const LlamaConfig& c);

/// One weight the model needs: canonical Meta name and the [rows, cols] it must have (norms
/// have rows = 1). `linear` marks the matrices quantized by default (wq wk wv wo w1 w2 w3).
struct LlamaWeightSlot {
    std::string name;
    std::int64_t rows = 0;
    std::int64_t cols = 0;
    bool linear = false;
    bool embedding = false;   ///< tok_embeddings.weight (also the classifier when shared)
    bool classifier = false;  ///< output.weight (only when not shared)
};

/// Every weight of a model with config `c`, in a fixed order: embedding, per layer
/// attention_norm wq wk wv wo ffn_norm w1 w2 w3, final norm, then output.weight if unshared.
std::vector<LlamaWeightSlot> llamaWeightSlots(const LlamaConfig& c);

/// Returns the weight called `slot.name`; the model checks its shape (1 x n or n elements for norms).
using LlamaWeightFn = std::function<Matrix(const LlamaWeightSlot& slot)>;

class LlamaModel {
public:
    /// Reads every slot through `weights`. Throws InvalidArgument for a bad config or a weight
    /// of the wrong shape, and whatever `weights` throws.
    LlamaModel(const LlamaConfig& config, const LlamaWeightFn& weights);
    ~LlamaModel();
    LlamaModel(LlamaModel&&) noexcept;
    LlamaModel& operator=(LlamaModel&&) noexcept;

    const LlamaConfig& config() const noexcept;

    /// Logits of every position, [tokens.size(), vocab]. Throws InvalidArgument for an empty
    /// sequence, one longer than seqLen, or a token outside the vocabulary.
    Matrix forward(std::span<const int> tokens) const;
    /// Σ_t −log p(tokens[t+1] | tokens[0..t]) over the sequence (tokens.size() − 1 terms), in one
    /// sequence-at-once pass. Thread-safe: each call uses its own (thread-local) scratch space.
    double sequenceNll(std::span<const int> tokens) const;

    /// Token-by-token evaluation with a KV cache (same arithmetic per token as forward()).
    class Session {
    public:
        explicit Session(const LlamaModel& model);
        ~Session();
        Session(Session&&) noexcept;
        Session& operator=(Session&&) noexcept;
        /// Feeds one token at the next position; returns the logits that follow it (valid until
        /// the next call). Throws InvalidArgument past seqLen or for a bad token.
        std::span<const float> step(int token);
        int position() const noexcept;
        void reset() noexcept;

    private:
        struct Impl;
        std::unique_ptr<Impl> m_impl;
    };
    /// sequenceNll computed through a Session, one token at a time (the baseline the
    /// sequence-at-once path is compared against in tests and benchmarks).
    double sequenceNllIncremental(std::span<const int> tokens) const;

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

}  // namespace qs
