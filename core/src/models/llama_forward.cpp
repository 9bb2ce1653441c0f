// The LLaMA forward pass with Eigen: every projection is one matrix-matrix product over all
// positions of the chunk, attention is two products per head (causal: triangular when the chunk
// starts at position 0), softmaxes and activations are vectorized array expressions.
// Results do not depend on the thread: all reductions run in a fixed order inside one call.

#include "models/llama_impl.h"

#include <Eigen/Core>

#include <cmath>

namespace qs {

namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Map = Eigen::Map<RowMat, Eigen::Unaligned, Eigen::OuterStride<>>;
using CMap = Eigen::Map<const RowMat, Eigen::Unaligned, Eigen::OuterStride<>>;
using ArrayMap = Eigen::Map<Eigen::ArrayXf>;
using CArrayMap = Eigen::Map<const Eigen::ArrayXf>;

Map view(float* p, Eigen::Index rows, Eigen::Index cols, Eigen::Index stride)
{
    return Map(p, rows, cols, Eigen::OuterStride<>(stride));
}
CMap cview(const float* p, Eigen::Index rows, Eigen::Index cols, Eigen::Index stride)
{
    return CMap(p, rows, cols, Eigen::OuterStride<>(stride));
}
// Per-thread buffers, grown on demand and reused across calls (no allocation per sequence once
// the longest sequence has been seen).
struct Scratch {
    std::vector<float> x, xn, qkv, att, o, h, g, logits, kCache, vCache;
    static float* get(std::vector<float>& v, std::size_t n)
    {
        if (v.size() < n) v.resize(n);
        return v.data();
    }
};
thread_local Scratch t_scratch;

void rmsnorm(const float* x, float* out, const float* w, int rows, int dim, float eps)
{
    const CArrayMap weight(w, dim);
    for (int t = 0; t < rows; ++t) {
        const CArrayMap xr(x + static_cast<std::ptrdiff_t>(t) * dim, dim);
        const float ss = xr.square().sum() / static_cast<float>(dim) + eps;
        ArrayMap(out + static_cast<std::ptrdiff_t>(t) * dim, dim) = weight * (xr * (1.0f / std::sqrt(ss)));
    }
}

// Rotates `heads` heads of one position in place. Interleaved: pairs (2i, 2i+1) (llama2.c);
// HalfSplit: pairs (i, i + hs/2) (Hugging Face rotate_half).
void rope(float* v, int heads, int hs, const float* cosRow, const float* sinRow, RopeStyle style)
{
    const int half = hs / 2;
    for (int h = 0; h < heads; ++h) {
        float* p = v + static_cast<std::ptrdiff_t>(h) * hs;
        for (int i = 0; i < half; ++i) {
            const int a = style == RopeStyle::Interleaved ? 2 * i : i;
            const int b = style == RopeStyle::Interleaved ? 2 * i + 1 : i + half;
            const float v0 = p[a], v1 = p[b];
            p[a] = v0 * cosRow[i] - v1 * sinRow[i];
            p[b] = v0 * sinRow[i] + v1 * cosRow[i];
        }
    }
}

// Softmax of row r of `s` over its first `len` entries, in place.
void softmaxRow(float* row, int len)
{
    ArrayMap r(row, len);
    const float mx = r.maxCoeff();
    r = (r - mx).exp();
    r *= 1.0f / r.sum();
}

// Multi-head causal attention of chunk rows (positions start..start+T-1) against the cache.
void refAttention(const LlamaConfig& c, const float* qkv, int T, int start, const float* kc, const float* vc, float* att,
                  float* out)
{
    const int hs = c.headSize(), kv = c.kvDim(), qkvCols = c.dim + 2 * kv, group = c.heads / c.kvHeads;
    const int keys = start + T;
    for (int h = 0; h < c.heads; ++h) {
        const int kvh = h / group;
        const CMap q = cview(qkv + static_cast<std::ptrdiff_t>(h) * hs, T, hs, qkvCols);
        const CMap k = cview(kc + static_cast<std::ptrdiff_t>(kvh) * hs, keys, hs, kv);
        const CMap v = cview(vc + static_cast<std::ptrdiff_t>(kvh) * hs, keys, hs, kv);
        Map s = view(att, T, keys, keys);
        Map o = view(out + static_cast<std::ptrdiff_t>(h) * hs, T, hs, c.dim);
        if (start == 0 && T > 1) {
            // Only the causal (lower) triangle is computed, normalized and multiplied.
            s.triangularView<Eigen::Lower>() = q * k.transpose();
            for (int i = 0; i < T; ++i) softmaxRow(att + static_cast<std::ptrdiff_t>(i) * keys, i + 1);
            o.noalias() = s.triangularView<Eigen::Lower>() * v;
        } else {
            s.noalias() = q * k.transpose();
            for (int i = 0; i < T; ++i) {
                float* row = att + static_cast<std::ptrdiff_t>(i) * keys;
                softmaxRow(row, start + i + 1);
                std::fill(row + start + i + 1, row + keys, 0.0f);
            }
            o.noalias() = s * v;
        }
    }
}

void refGemm(const float* x, int T, int K, const float* wt, int N, float* y, bool accumulate)
{
    Map Y = view(y, T, N, N);
    if (accumulate)
        Y.noalias() += cview(x, T, K, K) * cview(wt, K, N, N);
    else
        Y.noalias() = cview(x, T, K, K) * cview(wt, K, N, N);
}

void refSwiglu(const float* h, int T, int hid, float* g)
{
    const CMap H = cview(h, T, 2 * hid, 2 * hid);
    Map G = view(g, T, hid, hid);
    const auto a = H.leftCols(hid).array();
    G.array() = a / (1.0f + (-a).exp()) * H.rightCols(hid).array();
}

double refNll(const float* logits, int rows, int vocab, const int* targets)
{
    double nll = 0.0;
    for (int t = 0; t < rows; ++t) {
        const CArrayMap row(logits + static_cast<std::ptrdiff_t>(t) * vocab, vocab);
        const float mx = row.maxCoeff();
        const double lse = double(mx) + std::log(double((row - mx).exp().sum()));
        nll += lse - double(row[targets[t]]);
    }
    return nll;
}

}  // namespace

const LlamaKernels& llamaReferenceKernels()
{
    static const LlamaKernels k{"reference (Eigen)", &refGemm, &refAttention, &refSwiglu, &refNll};
    return k;
}

double llamaForwardChunk(const LlamaModel::Impl& m, std::span<const int> tokens, int start, float* kCache,
                         float* vCache, int cacheRows, int logitRows, float* logits, const int* targets)
{
    const LlamaConfig& c = m.config;
    const LlamaKernels& k = m.kernels;
    const int T = static_cast<int>(tokens.size());
    const int dim = c.dim, kv = c.kvDim(), hs = c.headSize(), hid = c.hiddenDim;
    const int qkvCols = dim + 2 * kv;
    const auto rows = static_cast<std::size_t>(T);
    Scratch& sc = t_scratch;
    float* x = Scratch::get(sc.x, rows * dim);
    float* xn = Scratch::get(sc.xn, rows * dim);
    float* qkv = Scratch::get(sc.qkv, rows * qkvCols);
    float* att = Scratch::get(sc.att, rows * static_cast<std::size_t>(start + T));
    float* o = Scratch::get(sc.o, rows * dim);
    float* h = Scratch::get(sc.h, rows * 2 * hid);
    float* g = Scratch::get(sc.g, rows * hid);

    for (int t = 0; t < T; ++t)
        std::copy_n(m.embedding.data() + static_cast<std::ptrdiff_t>(tokens[static_cast<std::size_t>(t)]) * dim, dim,
                    x + static_cast<std::ptrdiff_t>(t) * dim);
    // Folding 1/sqrt(head_size) into q saves a pass over the T x T scores.
    const float qScale = 1.0f / std::sqrt(static_cast<float>(hs));
    const std::size_t half = static_cast<std::size_t>(hs / 2);

    for (std::size_t l = 0; l < m.layers.size(); ++l) {
        const LlamaLayerWeights& w = m.layers[l];
        rmsnorm(x, xn, w.attnNorm.data(), T, dim, c.normEps);
        k.gemm(xn, T, dim, w.wqkvT.data(), qkvCols, qkv, false);

        float* kc = kCache + l * static_cast<std::size_t>(cacheRows) * kv;
        float* vc = vCache + l * static_cast<std::size_t>(cacheRows) * kv;
        for (int t = 0; t < T; ++t) {
            float* row = qkv + static_cast<std::ptrdiff_t>(t) * qkvCols;
            const std::size_t pos = static_cast<std::size_t>(start + t);
            const float* cs = m.ropeCos.data() + pos * half;
            const float* sn = m.ropeSin.data() + pos * half;
            rope(row, c.heads, hs, cs, sn, c.rope);
            rope(row + dim, c.kvHeads, hs, cs, sn, c.rope);
            ArrayMap(row, dim) *= qScale;
            std::copy_n(row + dim, kv, kc + pos * kv);
            std::copy_n(row + dim + kv, kv, vc + pos * kv);
        }
        k.attention(c, qkv, T, start, kc, vc, att, o);
        k.gemm(o, T, dim, w.woT.data(), dim, x, true);

        rmsnorm(x, xn, w.ffnNorm.data(), T, dim, c.normEps);
        k.gemm(xn, T, dim, w.w13T.data(), 2 * hid, h, false);
        k.swiglu(h, T, hid, g);
        k.gemm(g, T, hid, w.w2T.data(), dim, x, true);
    }

    if (logitRows <= 0) return 0.0;
    rmsnorm(x, xn, m.finalNorm.data(), logitRows, dim, c.normEps);
    const int vocab = c.vocabSize;
    float* out = targets ? Scratch::get(sc.logits, static_cast<std::size_t>(logitRows) * vocab) : logits;
    k.gemm(xn, logitRows, dim, m.classifierT.data(), vocab, out, false);
    return targets ? k.nll(out, logitRows, vocab, targets) : 0.0;
}

double llamaSequenceNll(const LlamaModel::Impl& m, std::span<const int> tokens)
{
    const int T = static_cast<int>(tokens.size());
    if (T < 2) return 0.0;
    const std::size_t cache = m.layers.size() * tokens.size() * static_cast<std::size_t>(m.config.kvDim());
    float* kc = Scratch::get(t_scratch.kCache, cache);
    float* vc = Scratch::get(t_scratch.vCache, cache);
    return llamaForwardChunk(m, tokens, 0, kc, vc, T, T - 1, nullptr, tokens.data() + 1);
}

}  // namespace qs
