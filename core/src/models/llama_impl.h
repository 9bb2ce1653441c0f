#pragma once
// The packed weights of a LlamaModel, the kernels the forward pass runs on them, and the forward
// pass itself (llama_forward.cpp). Plain vectors here; Eigen appears only in llama_forward.cpp,
// intrinsics only in llama_kernels_avx2.cpp.

#include "quantscope/models/llama_model.h"

#include <vector>

namespace qs {

/// Weights are stored transposed, [in, out] row-major, so every projection is Y = X · Wt with
/// the output features contiguous (what both the Eigen and the AVX2 kernels want).
struct LlamaLayerWeights {
    std::vector<float> attnNorm;  ///< [dim]
    std::vector<float> wqkvT;     ///< [dim, dim + 2 kvDim]: q, k, v columns (one product)
    std::vector<float> woT;       ///< [dim, dim]
    std::vector<float> ffnNorm;   ///< [dim]
    std::vector<float> w13T;      ///< [dim, 2 hidden]: w1 columns, then w3 (one product)
    std::vector<float> w2T;       ///< [hidden, dim]
};

/// The hot operations of the forward pass. A plain Eigen version (the reference, any CPU) and an
/// AVX2+FMA version chosen at run time when the CPU has it; tests compare the two.
struct LlamaKernels {
    const char* name;
    /// Y[T, N] = X[T, K] · Wt[K, N] (or += when `accumulate`); all row-major and dense.
    void (*gemm)(const float* x, int T, int K, const float* wt, int N, float* y, bool accumulate);
    /// Causal multi-head attention of chunk rows (positions start..start+T-1) over the cache
    /// (keys/values [start+T, kvDim]); q is read from `qkv` (row stride dim + 2 kvDim, already
    /// scaled by 1/sqrt(head_size)); writes out[T, dim]. `scratch` holds at least T * (start+T) floats.
    void (*attention)(const LlamaConfig& c, const float* qkv, int T, int start, const float* kc, const float* vc,
                      float* scratch, float* out);
    /// g[T, hid] = silu(h[:, :hid]) * h[:, hid:] with h [T, 2 hid].
    void (*swiglu)(const float* h, int T, int hid, float* g);
    /// Σ over rows of logsumexp(logits row) − logits[row, target].
    double (*nll)(const float* logits, int rows, int vocab, const int* targets);
};

const LlamaKernels& llamaReferenceKernels();
/// The AVX2+FMA kernels, or null when the CPU (or the build) lacks them.
const LlamaKernels* llamaAvx2Kernels();
/// Which kernels models built from now on use: the fastest available (default) or the reference.
/// For tests and benchmarks.
void llamaForceReferenceKernels(bool force);
/// The kernels a model with config `c` gets (respecting llamaForceReferenceKernels).
LlamaKernels llamaSelectKernels(const LlamaConfig& c);

struct LlamaModel::Impl {
    LlamaConfig config;
    LlamaKernels kernels{};
    std::vector<float> embedding;  ///< [vocab, dim] (row lookup)
    std::vector<LlamaLayerWeights> layers;
    std::vector<float> finalNorm;    ///< [dim]
    std::vector<float> classifierT;  ///< [dim, vocab] (the embedding transposed when shared)
    std::vector<float> ropeCos;      ///< [seqLen, headSize / 2]
    std::vector<float> ropeSin;
};

/// Runs `tokens` at positions start.. through the model. Keys and values of every layer are
/// written into `kCache`/`vCache` ([layers][cacheRows][kvDim], cacheRows >= start + tokens.size())
/// at those positions and attention reads positions 0..start+i from there. Writes logits of the first `logitRows` positions to `logits`
/// ([logitRows, vocab]) and, when `targets` is given, returns Σ −log p(targets[i]) over those rows
/// instead (logits may then be null). Uses thread-local scratch space.
double llamaForwardChunk(const LlamaModel::Impl& m, std::span<const int> tokens, int start, float* kCache,
                         float* vCache, int cacheRows, int logitRows, float* logits, const int* targets);

/// Σ −log p(tokens[t+1] | tokens[..t]) in one pass with thread-local scratch and cache.
double llamaSequenceNll(const LlamaModel::Impl& m, std::span<const int> tokens);

}  // namespace qs
