#include "quant/nl4_codec.h"

#include "quant/scalar_quant.h"
#include "quantscope/error.h"
#include "quantscope/tensor/dtype.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace qs::quant::nl4 {

namespace {

constexpr float kYMin = -128.0f;
constexpr float kYMax = 127.5f;
constexpr int kCells = 512;  // trunc(2y) + 256 for y in [-128, 127.5]

constexpr double absOf(double v)
{
    return v < 0 ? -v : v;
}

/// The nearest level of y by scanning (ties to the larger |K|), usable at compile time.
constexpr int scanNearest(double y)
{
    int best = 0;
    for (int i = 1; i < 16; ++i) {
        const double k = kCodebook[static_cast<std::size_t>(i)],
                     b = kCodebook[static_cast<std::size_t>(best)];
        if (absOf(y - k) < absOf(y - b) || (absOf(y - k) == absOf(y - b) && absOf(k) > absOf(b))) best = i;
    }
    return best;
}

/// kCellLevel[c + 256] = the nearest level of every y with trunc(2y) = c. Every midpoint is a
/// multiple of 0.5, so no cell straddles one: for c >= 1 the cell is [c/2, c/2 + 0.5) and a
/// midpoint on its left end ties away from zero, i.e. upwards, like the rest of the cell; for
/// c <= -1 it is (c/2 - 0.5, c/2], a midpoint on its right end ties downwards, again like the
/// rest; c = 0 is (-0.5, 0.5), which holds no midpoint.
constexpr std::array<std::uint8_t, kCells> kCellLevel = [] {
    std::array<std::uint8_t, kCells> t{};
    for (int i = 0; i < kCells; ++i) {
        const int c = i - 256;
        const double inside = c > 0 ? (c + 0.5) / 2 : (c < 0 ? (c - 0.5) / 2 : 0.0);
        t[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(scanNearest(inside));
    }
    return t;
}();

/// Cell of y: the clamp keeps trunc(2y) in [-256, 255]; 2y is exact and truncation needs no
/// rounding, so the cell is exact for every float (cellsOf does the same with SSE2).
inline int cellOf(float y) noexcept
{
    y = std::min(std::max(y, kYMin), kYMax);
    return static_cast<int>(2.0f * y) + 256;
}

inline int nearestFast(float y) noexcept
{
    return kCellLevel[static_cast<std::size_t>(cellOf(y))];
}

/// Four float partial sums: element i goes to lane i mod 4 in index order; the total is
/// (l0 + l1) + (l2 + l3). The fast (SSE2) passes and the references sum in exactly this order,
/// so they agree bit for bit.
struct Lanes {
    float v[4] = {0, 0, 0, 0};
    void add(std::size_t i, float value) noexcept { v[i % 4] += value; }
    double total() const noexcept { return double((v[0] + v[1]) + (v[2] + v[3])); }
};

/// The least-squares sums of one assignment: its best step is xk/kk and its error
/// Σx² - xk²/kk. The default (0, 1) stands for step 0, error Σx².
struct Sums {
    double xk = 0;  ///< Σ x·K[u]
    double kk = 1;  ///< Σ K[u]²
    float step() const noexcept { return static_cast<float>(xk / kk); }
};

/// a's error below b's, compared without division (xk_a²/kk_a > xk_b²/kk_b; kk > 0).
inline bool betterFit(const Sums& a, const Sums& b) noexcept
{
    return a.xk * a.xk * b.kk > b.xk * b.xk * a.kk;
}

/// The cells' level values as float (the fast passes multiply them in float lanes).
constexpr std::array<float, kCells> kCellValue = [] {
    std::array<float, kCells> t{};
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = kCodebook[kCellLevel[i]];
    return t;
}();

/// The level value of -y for every y in cell i: trunc(2·(-y)) = -trunc(2y), so -y lies in cell
/// 512 - i, except at the clamp (i = 0, y = -128), where -y clamps into cell 511 (cells 0 and 1
/// hold the same level). Lets the step pair ±s share one cell computation.
constexpr std::array<float, kCells> kMirrorValue = [] {
    std::array<float, kCells> t{};
    for (std::size_t i = 0; i < t.size(); ++i)
        t[i] = kCellValue[std::min<std::size_t>(kCells - i, kCells - 1)];
    return t;
}();

/// Cells of x * inv for every element (SSE2 four at a time where available: mulps, maxps,
/// minps and cvttps2dq give exactly cellOf's result).
inline void cellsOf(std::span<const float> x, float inv, int* cell) noexcept
{
    std::size_t i = 0;
#if defined(__SSE2__)
    const __m128 vinv = _mm_set1_ps(inv), lo = _mm_set1_ps(kYMin), hi = _mm_set1_ps(kYMax),
                 two = _mm_set1_ps(2.0f);
    const __m128i off = _mm_set1_epi32(256);
    for (; i + 4 <= x.size(); i += 4) {
        const __m128 y = _mm_min_ps(_mm_max_ps(_mm_mul_ps(_mm_loadu_ps(x.data() + i), vinv), lo), hi);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(cell + i),
                         _mm_add_epi32(_mm_cvttps_epi32(_mm_mul_ps(y, two)), off));
    }
#endif
    for (; i < x.size(); ++i) cell[i] = cellOf(x[i] * inv);
}

/// Σ x·K and Σ K² of one assignment, in float lanes (Lanes' order).
inline void fitSums(std::span<const float> x, const int* cell, Lanes& xk, Lanes& kk) noexcept
{
    std::size_t i = 0;
#if defined(__SSE2__)
    __m128 axk = _mm_setzero_ps(), akk = _mm_setzero_ps();
    for (; i + 4 <= x.size(); i += 4) {
        const __m128 k = _mm_setr_ps(kCellValue[static_cast<std::size_t>(cell[i])],
                                     kCellValue[static_cast<std::size_t>(cell[i + 1])],
                                     kCellValue[static_cast<std::size_t>(cell[i + 2])],
                                     kCellValue[static_cast<std::size_t>(cell[i + 3])]);
        axk = _mm_add_ps(axk, _mm_mul_ps(_mm_loadu_ps(x.data() + i), k));
        akk = _mm_add_ps(akk, _mm_mul_ps(k, k));
    }
    _mm_storeu_ps(xk.v, axk);
    _mm_storeu_ps(kk.v, akk);
#endif
    for (; i < x.size(); ++i) {
        const float k = kCellValue[static_cast<std::size_t>(cell[i])];
        xk.add(i, x[i] * k);
        kk.add(i, k * k);
    }
}

/// fitSums for the assignments at x·inv and x·(-inv) at once (kCellValue and kMirrorValue of
/// the same cells): the same sums, in the same order, as two separate passes.
inline void fitSumsPair(std::span<const float> x, const int* cell, Lanes* xk, Lanes* kk) noexcept
{
    std::size_t i = 0;
#if defined(__SSE2__)
    __m128 axk0 = _mm_setzero_ps(), akk0 = _mm_setzero_ps(), axk1 = _mm_setzero_ps(), akk1 = _mm_setzero_ps();
    for (; i + 4 <= x.size(); i += 4) {
        const auto c0 = static_cast<std::size_t>(cell[i]), c1 = static_cast<std::size_t>(cell[i + 1]),
                   c2 = static_cast<std::size_t>(cell[i + 2]), c3 = static_cast<std::size_t>(cell[i + 3]);
        const __m128 v = _mm_loadu_ps(x.data() + i);
        const __m128 k = _mm_setr_ps(kCellValue[c0], kCellValue[c1], kCellValue[c2], kCellValue[c3]);
        const __m128 m = _mm_setr_ps(kMirrorValue[c0], kMirrorValue[c1], kMirrorValue[c2], kMirrorValue[c3]);
        axk0 = _mm_add_ps(axk0, _mm_mul_ps(v, k));
        akk0 = _mm_add_ps(akk0, _mm_mul_ps(k, k));
        axk1 = _mm_add_ps(axk1, _mm_mul_ps(v, m));
        akk1 = _mm_add_ps(akk1, _mm_mul_ps(m, m));
    }
    _mm_storeu_ps(xk[0].v, axk0);
    _mm_storeu_ps(kk[0].v, akk0);
    _mm_storeu_ps(xk[1].v, axk1);
    _mm_storeu_ps(kk[1].v, akk1);
#endif
    for (; i < x.size(); ++i) {
        const auto c = static_cast<std::size_t>(cell[i]);
        xk[0].add(i, x[i] * kCellValue[c]);
        kk[0].add(i, kCellValue[c] * kCellValue[c]);
        xk[1].add(i, x[i] * kMirrorValue[c]);
        kk[1].add(i, kMirrorValue[c] * kMirrorValue[c]);
    }
}

/// Levels of x * inv (inv finite) and the least-squares sums of that assignment.
[[gnu::always_inline]] inline Sums assign(std::span<const float> x, float inv, int* cell) noexcept
{
    cellsOf(x, inv, cell);
    Lanes xk, kk;
    fitSums(x, cell, xk, kk);
    return {xk.total(), kk.total()};
}

/// The first value of largest |x| (0 when all are 0).
inline float largestMagnitude(std::span<const float> x) noexcept
{
    std::size_t i = 0;
    float amax = 0;
#if defined(__SSE2__)
    const __m128 absMask = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
    __m128 vmax = _mm_setzero_ps();
    for (; i + 4 <= x.size(); i += 4)
        vmax = _mm_max_ps(vmax, _mm_and_ps(_mm_loadu_ps(x.data() + i), absMask));
    float m[4];
    _mm_storeu_ps(m, vmax);
    amax = std::max(std::max(m[0], m[1]), std::max(m[2], m[3]));
#endif
    for (; i < x.size(); ++i) amax = std::max(amax, std::abs(x[i]));
    for (const float v : x)
        if (std::abs(v) == amax) return v;
    return 0;
}

/// Σ (x - t·K[u])² (Lanes' order) with u the nearest levels of x * (1/t); t = 0 gives Σ x².
inline double stepError(std::span<const float> x, float t) noexcept
{
    Lanes e;
    if (t == 0) {
        for (std::size_t i = 0; i < x.size(); ++i) e.add(i, x[i] * x[i]);
        return e.total();
    }
    int cell[kSuperBlock];
    cellsOf(x, 1.0f / t, cell);
    std::size_t i = 0;
#if defined(__SSE2__)
    const __m128 vt = _mm_set1_ps(t);
    __m128 acc = _mm_setzero_ps();
    for (; i + 4 <= x.size(); i += 4) {
        const __m128 k = _mm_setr_ps(kCellValue[static_cast<std::size_t>(cell[i])],
                                     kCellValue[static_cast<std::size_t>(cell[i + 1])],
                                     kCellValue[static_cast<std::size_t>(cell[i + 2])],
                                     kCellValue[static_cast<std::size_t>(cell[i + 3])]);
        const __m128 diff = _mm_sub_ps(_mm_loadu_ps(x.data() + i), _mm_mul_ps(vt, k));
        acc = _mm_add_ps(acc, _mm_mul_ps(diff, diff));
    }
    _mm_storeu_ps(e.v, acc);
#endif
    for (; i < x.size(); ++i) {
        const float diff = x[i] - t * kCellValue[static_cast<std::size_t>(cell[i])];
        e.add(i, diff * diff);
    }
    return e.total();
}

/// The level indices of x at step t (kZeroCode everywhere for t = 0).
inline void writeCodes(std::span<const float> x, float t, std::uint8_t* u) noexcept
{
    if (t == 0) {
        std::fill_n(u, x.size(), kZeroCode);
        return;
    }
    int cell[kSuperBlock];
    cellsOf(x, 1.0f / t, cell);
    for (std::size_t i = 0; i < x.size(); ++i) u[i] = kCellLevel[static_cast<std::size_t>(cell[i])];
}

/// The scale need of a step: d must satisfy -32 d <= s <= 31 d.
float scaleNeed(float s) noexcept
{
    return s > 0 ? s / float(kSubScaleMax) : s / float(kSubScaleMin);
}

/// Nearest sub-scale code of the ratio s/d, clamped to [-32, 31] (0 when d = 0 made it 0).
int nearestSubScale(float ratio) noexcept
{
    const float r = roundHalfEven(std::clamp(ratio, 2.0f * kSubScaleMin, 2.0f * kSubScaleMax));
    return std::clamp(static_cast<int>(r), kSubScaleMin, kSubScaleMax);
}

float checkedSuperScale(float need, std::uint16_t& half)
{
    half = floatToHalf(need);
    const float d = halfToFloat(half);
    if (!std::isfinite(d))
        throw InvalidArgument("nl4: super-block scale " + std::to_string(need) +
                              " exceeds the fp16 range (values too large for nl4)");
    return d;
}

}  // namespace

int nearestLevel(float y) noexcept
{
    return nearestFast(y);
}

int nearestLevelRef(float y) noexcept
{
    // Beyond the outer levels nothing changes; the clamp keeps the double differences exact.
    y = std::clamp(y, -1024.0f, 1024.0f);
    int best = 0;
    for (int i = 1; i < 16; ++i) {
        const double k = kCodebook[static_cast<std::size_t>(i)],
                     b = kCodebook[static_cast<std::size_t>(best)];
        const double dist = std::abs(double(y) - k), bestDist = std::abs(double(y) - b);  // exact in double
        if (dist < bestDist || (dist == bestDist && std::abs(k) > std::abs(b))) best = i;
    }
    return best;
}

float subBlockStep(std::span<const float> x, const Search& search) noexcept
{
    const float xm = largestMagnitude(x);
    int cell[kSuperBlock];
    Sums best;  // step 0 until a fit beats it
    const auto& targets = search.targets;
    for (std::size_t t = 0; t < targets.size(); ++t) {
        const float inv0 = targets[t] / xm;  // maps xm onto the target level
        if (!std::isfinite(inv0)) continue;
        if (!search.rescore && t + 1 < targets.size() && targets[t + 1] == -targets[t]) {
            // A pair ±target: (-t)/xm = -(t/xm) and x·(-inv) = -(x·inv) exactly, so one cell
            // computation serves both; judged in order, as two passes would be.
            cellsOf(x, inv0, cell);
            Lanes xk[2], kk[2];
            fitSumsPair(x, cell, xk, kk);
            for (int j = 0; j < 2; ++j) {
                const Sums b{xk[j].total(), kk[j].total()};
                best = betterFit(b, best) ? b : best;
            }
            ++t;
            continue;
        }
        Sums b = assign(x, inv0, cell);  // refit; with rescore re-assign and refit again
        if (search.rescore) {
            const float inv1 = static_cast<float>(b.kk / b.xk);
            if (!std::isfinite(inv1) || inv1 == 0) continue;
            b = assign(x, inv1, cell);
        }
        best = betterFit(b, best) ? b : best;
    }
    return best.step();
}

float subBlockStepRef(std::span<const float> x, const Search& search) noexcept
{
    float xm = 0;
    for (const float v : x)
        if (std::abs(v) > std::abs(xm)) xm = v;
    // For one inverse step: the least-squares sums of the nearest-level assignment.
    auto fit = [&](float inv, double& xk, double& kk) {
        Lanes a, b;
        for (std::size_t i = 0; i < x.size(); ++i) {
            const float k = kCodebook[static_cast<std::size_t>(nearestLevelRef(x[i] * inv))];
            a.add(i, x[i] * k);
            b.add(i, k * k);
        }
        xk = a.total();
        kk = b.total();
    };
    Sums best;
    for (const float target : search.targets) {
        const float inv0 = target / xm;
        if (!std::isfinite(inv0)) continue;
        double xk = 0, kk = 0;
        fit(inv0, xk, kk);
        if (search.rescore) {
            const float inv1 = static_cast<float>(kk / xk);
            if (!std::isfinite(inv1) || inv1 == 0) continue;
            fit(inv1, xk, kk);
        }
        if (betterFit({xk, kk}, best)) best = {xk, kk};
    }
    return best.step();
}

std::uint16_t encodeSuperBlock(std::span<const float> x, int g, const Search& search, std::int8_t* subScales,
                               std::uint8_t* codes)
{
    const std::size_t n = x.size(), gs = static_cast<std::size_t>(g);
    const std::size_t subs = (n + gs - 1) / gs;
    float steps[kSuperBlock];
    float need = 0;
    for (std::size_t j = 0; j < subs; ++j) {
        steps[j] = subBlockStep(x.subspan(j * gs, std::min(gs, n - j * gs)), search);
        need = std::max(need, scaleNeed(steps[j]));
    }
    std::uint16_t half = 0;
    const float d = checkedSuperScale(need, half);
    const float invD = d > 0 ? 1.0f / d : 0.0f;
    for (std::size_t j = 0; j < subs; ++j) {
        const auto chunk = x.subspan(j * gs, std::min(gs, n - j * gs));
        const float ratio = steps[j] * invD;  // the real-valued sub-scale code
        const int l0 = nearestSubScale(ratio);
        int bestL = l0;
        if (search.neighbours > 0 && d > 0) {
            double bestErr = stepError(chunk, d * float(l0));
            for (const int l : {l0 - 1, l0 + 1}) {
                if (search.neighbours == 1 && (l > l0) != (ratio > float(l0))) continue;
                if (l < kSubScaleMin || l > kSubScaleMax) continue;
                const double err = stepError(chunk, d * float(l));
                if (err < bestErr) {
                    bestErr = err;
                    bestL = l;
                }
            }
        }
        subScales[j] = static_cast<std::int8_t>(bestL);
        writeCodes(chunk, d * float(bestL), codes + j * gs);
    }
    return half;
}

std::uint16_t encodeSuperBlockRef(std::span<const float> x, int g, const Search& search,
                                  std::int8_t* subScales, std::uint8_t* codes)
{
    const std::size_t n = x.size(), gs = static_cast<std::size_t>(g);
    const std::size_t subs = (n + gs - 1) / gs;
    std::vector<float> steps(subs);
    float need = 0;
    for (std::size_t j = 0; j < subs; ++j) {
        steps[j] = subBlockStepRef(x.subspan(j * gs, std::min(gs, n - j * gs)), search);
        need = std::max(need, steps[j] > 0 ? steps[j] / 31.0f : steps[j] / -32.0f);
    }
    std::uint16_t half = 0;
    const float d = checkedSuperScale(need, half);
    const float invD = d > 0 ? 1.0f / d : 0.0f;
    for (std::size_t j = 0; j < subs; ++j) {
        const std::size_t begin = j * gs, len = std::min(gs, n - begin);
        const float ratio = steps[j] * invD;
        const int l0 =
            std::clamp(static_cast<int>(std::nearbyint(std::clamp(ratio, -64.0f, 62.0f))), -32, 31);
        std::vector<int> tries{l0};
        if (search.neighbours == 2) tries = {l0, l0 - 1, l0 + 1};
        if (search.neighbours == 1) tries = {l0, ratio > float(l0) ? l0 + 1 : l0 - 1};
        if (!(d > 0)) tries = {l0};
        double bestErr = std::numeric_limits<double>::infinity();
        int bestL = l0;
        for (const int l : tries) {
            if (l < -32 || l > 31) continue;
            const float t = d * float(l);
            Lanes e;
            for (std::size_t i = 0; i < len; ++i) {
                const float v = x[begin + i];
                const float diff =
                    t == 0 ? v : v - t * kCodebook[static_cast<std::size_t>(nearestLevelRef(v * (1.0f / t)))];
                e.add(i, diff * diff);
            }
            if (e.total() < bestErr) {
                bestErr = e.total();
                bestL = l;
            }
        }
        subScales[j] = static_cast<std::int8_t>(bestL);
        const float t = d * float(bestL);
        for (std::size_t i = 0; i < len; ++i)
            codes[begin + i] =
                t == 0 ? kZeroCode : static_cast<std::uint8_t>(nearestLevelRef(x[begin + i] * (1.0f / t)));
    }
    return half;
}

}  // namespace qs::quant::nl4
