#pragma once
// The packed weights of a LlamaModel and the forward pass over them (llama_forward.cpp).
// Plain vectors here; Eigen appears only inside llama_forward.cpp.

#include "quantscope/models/llama_model.h"

#include <vector>

namespace qs {

struct LlamaLayerWeights {
    std::vector<float> attnNorm;  ///< [dim]
    std::vector<float> wqkv;      ///< [dim + 2 kvDim, dim]: wq rows, then wk, then wv (one GEMM)
    std::vector<float> wo;        ///< [dim, dim]
    std::vector<float> ffnNorm;   ///< [dim]
    std::vector<float> w13;       ///< [2 hidden, dim]: w1 rows, then w3 (one GEMM)
    std::vector<float> w2;        ///< [dim, hidden]
};

struct LlamaModel::Impl {
    LlamaConfig config;
    std::vector<float> embedding;  ///< [vocab, dim]
    std::vector<LlamaLayerWeights> layers;
    std::vector<float> finalNorm;   ///< [dim]
    std::vector<float> classifier;  ///< [vocab, dim]; empty when shared with the embedding
    std::vector<float> ropeCos;     ///< [seqLen, headSize / 2]
    std::vector<float> ropeSin;

    const float* classifierData() const { return classifier.empty() ? embedding.data() : classifier.data(); }
};

/// Runs `tokens` at positions start.. through the model. Keys and values of every layer are
/// written into `kCache`/`vCache` ([layers][cacheRows][kvDim], cacheRows >= start + tokens.size())
/// at those positions and attention reads
/// positions 0..start+i from there. Writes logits of the first `logitRows` positions to `logits`
/// ([logitRows, vocab]) and, when `targets` is given, returns Σ −log p(targets[i]) over those rows
/// instead (logits may then be null). Uses thread-local scratch space.
double llamaForwardChunk(const LlamaModel::Impl& m, std::span<const int> tokens, int start, float* kCache,
                         float* vCache, int cacheRows, int logitRows, float* logits, const int* targets);

/// Σ −log p(tokens[t+1] | tokens[..t]) in one pass with thread-local scratch and cache.
double llamaSequenceNll(const LlamaModel::Impl& m, std::span<const int> tokens);

}  // namespace qs
