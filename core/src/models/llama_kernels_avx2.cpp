// AVX2+FMA kernels of the LLaMA forward pass, chosen at run time when the CPU has them (the
// binary stays runnable on any x86-64: only these functions carry the target attribute, and no
// template from another header is instantiated with it). The Eigen kernels in llama_forward.cpp
// are the reference; tests compare both.
//
// gemm: register-blocked 6 x 16 tiles of Y = X · Wt, the weight rows streamed once per tile.
// attention: per query row, 8 keys at a time (dot products reduced with a transposing hadd tree),
// one softmax pass, then Σ p_j v_j with the 1/Σ folded in; only the causal keys are touched.
// exp: the Cephes polynomial (as in Eigen's pexp), max relative error ~2e-7.

#include "models/llama_impl.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define QS_HAVE_AVX2_KERNELS 1
#include <immintrin.h>
#endif

#include <cmath>
#include <cstdint>

namespace qs {

#if defined(QS_HAVE_AVX2_KERNELS)

namespace {

#define QS_AVX2 __attribute__((target("avx2,fma")))
// The register tiles only stay in registers when the loops over them are fully unrolled.
#define QS_UNROLL _Pragma("GCC unroll 8")

QS_AVX2 inline __m256 exp256(__m256 x)
{
    x = _mm256_min_ps(x, _mm256_set1_ps(88.3762626647949f));
    x = _mm256_max_ps(x, _mm256_set1_ps(-88.3762626647949f));
    __m256 fx = _mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f));
    fx = _mm256_floor_ps(fx);
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), x);
    const __m256 z = _mm256_mul_ps(x, x);
    __m256 y = _mm256_set1_ps(1.9875691500e-4f);
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894e-2f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459e-1f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201e-1f));
    y = _mm256_fmadd_ps(y, z, x);
    y = _mm256_add_ps(y, _mm256_set1_ps(1.0f));
    __m256i e = _mm256_cvttps_epi32(fx);
    e = _mm256_slli_epi32(_mm256_add_epi32(e, _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(e));
}

QS_AVX2 inline float hsum(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

QS_AVX2 inline float hmax(__m256 v)
{
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// Lanes [0, n) set, n in 0..8.
QS_AVX2 inline __m256i tailMask(int n)
{
    alignas(32) static const std::int32_t bits[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bits + 8 - n));
}

QS_AVX2 inline void storeTile(float* y, __m256 v, bool accumulate)
{
    _mm256_storeu_ps(y, accumulate ? _mm256_add_ps(_mm256_loadu_ps(y), v) : v);
}

// R rows of Y = X · Wt (or +=): 16-column tiles, then 8-column tiles with a masked tail.
template <int R>
QS_AVX2 void gemmRows(const float* x, int K, const float* wt, int N, float* y, bool accumulate)
{
    int n = 0;
    for (; n + 16 <= N; n += 16) {
        __m256 c0[R], c1[R];
        QS_UNROLL
        for (int r = 0; r < R; ++r) c0[r] = c1[r] = _mm256_setzero_ps();
        const float* w = wt + n;
        for (int k = 0; k < K; ++k, w += N) {
            const __m256 b0 = _mm256_loadu_ps(w), b1 = _mm256_loadu_ps(w + 8);
            QS_UNROLL
        for (int r = 0; r < R; ++r) {
                const __m256 a = _mm256_broadcast_ss(x + static_cast<std::ptrdiff_t>(r) * K + k);
                c0[r] = _mm256_fmadd_ps(a, b0, c0[r]);
                c1[r] = _mm256_fmadd_ps(a, b1, c1[r]);
            }
        }
        QS_UNROLL
        for (int r = 0; r < R; ++r) {
            storeTile(y + static_cast<std::ptrdiff_t>(r) * N + n, c0[r], accumulate);
            storeTile(y + static_cast<std::ptrdiff_t>(r) * N + n + 8, c1[r], accumulate);
        }
    }
    for (; n < N; n += 8) {
        const int valid = N - n < 8 ? N - n : 8;
        const __m256i mask = tailMask(valid);
        __m256 c[R];
        QS_UNROLL
        for (int r = 0; r < R; ++r) c[r] = _mm256_setzero_ps();
        const float* w = wt + n;
        for (int k = 0; k < K; ++k, w += N) {
            const __m256 b = _mm256_maskload_ps(w, mask);
            QS_UNROLL
        for (int r = 0; r < R; ++r)
                c[r] = _mm256_fmadd_ps(_mm256_broadcast_ss(x + static_cast<std::ptrdiff_t>(r) * K + k), b, c[r]);
        }
        QS_UNROLL
        for (int r = 0; r < R; ++r) {
            float* out = y + static_cast<std::ptrdiff_t>(r) * N + n;
            const __m256 v = accumulate ? _mm256_add_ps(_mm256_maskload_ps(out, mask), c[r]) : c[r];
            _mm256_maskstore_ps(out, mask, v);
        }
    }
}

QS_AVX2 void gemm(const float* x, int T, int K, const float* wt, int N, float* y, bool accumulate)
{
    constexpr int kRows = 6;
    int t = 0;
    for (; t + kRows <= T; t += kRows)
        gemmRows<kRows>(x + static_cast<std::ptrdiff_t>(t) * K, K, wt, N, y + static_cast<std::ptrdiff_t>(t) * N, accumulate);
    const float* xr = x + static_cast<std::ptrdiff_t>(t) * K;
    float* yr = y + static_cast<std::ptrdiff_t>(t) * N;
    switch (T - t) {
    case 5: gemmRows<5>(xr, K, wt, N, yr, accumulate); break;
    case 4: gemmRows<4>(xr, K, wt, N, yr, accumulate); break;
    case 3: gemmRows<3>(xr, K, wt, N, yr, accumulate); break;
    case 2: gemmRows<2>(xr, K, wt, N, yr, accumulate); break;
    case 1: gemmRows<1>(xr, K, wt, N, yr, accumulate); break;
    default: break;
    }
}

// Dot products of q (hs floats, hs % 8 == 0) with 8 consecutive keys (row stride `stride`).
QS_AVX2 inline __m256 dot8(const float* q, const float* k, int hs, int stride)
{
    __m256 d[8];
    QS_UNROLL
    for (int u = 0; u < 8; ++u) {
        const float* kr = k + static_cast<std::ptrdiff_t>(u) * stride;
        __m256 acc = _mm256_mul_ps(_mm256_loadu_ps(q), _mm256_loadu_ps(kr));
        for (int i = 8; i < hs; i += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), _mm256_loadu_ps(kr + i), acc);
        d[u] = acc;
    }
    const __m256 s0123 = _mm256_hadd_ps(_mm256_hadd_ps(d[0], d[1]), _mm256_hadd_ps(d[2], d[3]));
    const __m256 s4567 = _mm256_hadd_ps(_mm256_hadd_ps(d[4], d[5]), _mm256_hadd_ps(d[6], d[7]));
    return _mm256_add_ps(_mm256_permute2f128_ps(s0123, s4567, 0x20), _mm256_permute2f128_ps(s0123, s4567, 0x31));
}

// softmax numerators exp(s - max) in place over n scores; returns their sum.
QS_AVX2 float expShifted(float* s, int n)
{
    __m256 mx = _mm256_set1_ps(-INFINITY);
    int j = 0;
    for (; j + 8 <= n; j += 8) mx = _mm256_max_ps(mx, _mm256_loadu_ps(s + j));
    float m = hmax(mx);
    for (int i = j; i < n; ++i) m = std::max(m, s[i]);
    const __m256 vm = _mm256_set1_ps(m);
    __m256 sum = _mm256_setzero_ps();
    for (j = 0; j + 8 <= n; j += 8) {
        const __m256 e = exp256(_mm256_sub_ps(_mm256_loadu_ps(s + j), vm));
        _mm256_storeu_ps(s + j, e);
        sum = _mm256_add_ps(sum, e);
    }
    if (j < n) {
        const __m256i mask = tailMask(n - j);
        const __m256 e = _mm256_and_ps(exp256(_mm256_sub_ps(_mm256_maskload_ps(s + j, mask), vm)), _mm256_castsi256_ps(mask));
        _mm256_maskstore_ps(s + j, mask, e);
        sum = _mm256_add_ps(sum, e);
    }
    return hsum(sum);
}

QS_AVX2 void attention(const LlamaConfig& c, const float* qkv, int T, int start, const float* kc, const float* vc,
                       float* scratch, float* out)
{
    const int hs = c.headSize(), kv = c.kvDim(), qkvCols = c.dim + 2 * kv, group = c.heads / c.kvHeads;
    float* s = scratch;
    for (int t = 0; t < T; ++t) {
        const int keys = start + t + 1;
        for (int h = 0; h < c.heads; ++h) {
            const int kvh = h / group;
            const float* q = qkv + static_cast<std::ptrdiff_t>(t) * qkvCols + static_cast<std::ptrdiff_t>(h) * hs;
            const float* k = kc + static_cast<std::ptrdiff_t>(kvh) * hs;
            const float* v = vc + static_cast<std::ptrdiff_t>(kvh) * hs;
            int j = 0;
            for (; j + 8 <= keys; j += 8) _mm256_storeu_ps(s + j, dot8(q, k + static_cast<std::ptrdiff_t>(j) * kv, hs, kv));
            for (; j < keys; ++j) {
                const float* kr = k + static_cast<std::ptrdiff_t>(j) * kv;
                __m256 acc = _mm256_setzero_ps();
                for (int i = 0; i < hs; i += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), _mm256_loadu_ps(kr + i), acc);
                s[j] = hsum(acc);
            }
            const __m256 inv = _mm256_set1_ps(1.0f / expShifted(s, keys));
            float* o = out + static_cast<std::ptrdiff_t>(t) * c.dim + static_cast<std::ptrdiff_t>(h) * hs;
            for (int i = 0; i < hs; i += 8) {
                // Four independent accumulators: one chain would wait on the FMA latency per key.
                __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
                const float* vr = v + i;
                const std::ptrdiff_t st = kv;
                int jj = 0;
                for (; jj + 4 <= keys; jj += 4, vr += 4 * st) {
                    a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(s + jj), _mm256_loadu_ps(vr), a0);
                    a1 = _mm256_fmadd_ps(_mm256_broadcast_ss(s + jj + 1), _mm256_loadu_ps(vr + st), a1);
                    a2 = _mm256_fmadd_ps(_mm256_broadcast_ss(s + jj + 2), _mm256_loadu_ps(vr + 2 * st), a2);
                    a3 = _mm256_fmadd_ps(_mm256_broadcast_ss(s + jj + 3), _mm256_loadu_ps(vr + 3 * st), a3);
                }
                for (; jj < keys; ++jj, vr += st) a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(s + jj), _mm256_loadu_ps(vr), a0);
                const __m256 acc = _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3));
                _mm256_storeu_ps(o + i, _mm256_mul_ps(acc, inv));
            }
        }
    }
}

QS_AVX2 void swiglu(const float* h, int T, int hid, float* g)
{
    const __m256 one = _mm256_set1_ps(1.0f);
    for (int t = 0; t < T; ++t) {
        const float* a = h + static_cast<std::ptrdiff_t>(t) * 2 * hid;
        const float* b = a + hid;
        float* out = g + static_cast<std::ptrdiff_t>(t) * hid;
        for (int i = 0; i < hid; i += 8) {
            const __m256i mask = tailMask(hid - i < 8 ? hid - i : 8);
            const __m256 x = _mm256_maskload_ps(a + i, mask);
            const __m256 silu = _mm256_div_ps(x, _mm256_add_ps(one, exp256(_mm256_sub_ps(_mm256_setzero_ps(), x))));
            _mm256_maskstore_ps(out + i, mask, _mm256_mul_ps(silu, _mm256_maskload_ps(b + i, mask)));
        }
    }
}

QS_AVX2 double nll(const float* logits, int rows, int vocab, const int* targets)
{
    double total = 0.0;
    for (int t = 0; t < rows; ++t) {
        const float* row = logits + static_cast<std::ptrdiff_t>(t) * vocab;
        __m256 mx = _mm256_set1_ps(-INFINITY);
        int j = 0;
        for (; j + 8 <= vocab; j += 8) mx = _mm256_max_ps(mx, _mm256_loadu_ps(row + j));
        float m = hmax(mx);
        for (int i = j; i < vocab; ++i) m = std::max(m, row[i]);
        const __m256 vm = _mm256_set1_ps(m);
        __m256 sum = _mm256_setzero_ps();
        for (j = 0; j + 8 <= vocab; j += 8) sum = _mm256_add_ps(sum, exp256(_mm256_sub_ps(_mm256_loadu_ps(row + j), vm)));
        float tail = 0;
        for (; j < vocab; ++j) tail += std::exp(row[j] - m);
        total += double(m) + std::log(double(hsum(sum)) + double(tail)) - double(row[targets[t]]);
    }
    return total;
}

}  // namespace

const LlamaKernels* llamaAvx2Kernels()
{
    static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    static const LlamaKernels kernels{"avx2+fma", &gemm, &attention, &swiglu, &nll};
    return supported ? &kernels : nullptr;
}

#else

const LlamaKernels* llamaAvx2Kernels() { return nullptr; }

#endif

}  // namespace qs
