#include "quant/fp16_step_sweep.h"

#include "quant/branch_and_bound.h"
#include "quant/half_codes.h"
#include "quant/scalar_quant.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <utility>

namespace qs::quant {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// One code's bin: (ΔS2, ΔS1), added as one 16-byte vector.
using V2 = double __attribute__((vector_size(16)));

/// |x| buckets: fine enough that a level boundary's own bucket holds a handful of values (the
/// state at a step scans it), coarse enough that grouping and the per-bucket sums stay cheap.
constexpr int kBuckets = 512;
/// Relative margin around a threshold's bucket: bucket indices come from float arithmetic.
constexpr double kEdge = 1e-6;
/// Spare bins after the codes: a breakpoint outside the leaf writes to spare (i & 7) instead
/// of branching, and eight of them keep those writes from queuing on one address.
constexpr int kSpareBins = 8;
/// A cell of at most this many codes is solved by one sweep (its breakpoints cost less than
/// splitting further once the bound cannot rule it out).
constexpr int kSweepCodes = 256;

/// The unit's |x| grouped into kBuckets equal-width buckets over [0, max|x|] (a counting
/// sort, unordered inside a bucket), with prefix sums of count, |x| and x² over the buckets.
class Magnitudes {
public:
    Magnitudes(std::span<const float> x, float m, StepSweepScratch& s) : m_s(s), m_scale(float(kBuckets) / m)
    {
        group(x);
        s.prefix.resize(kBuckets + 1);
        s.prefix[0] = {};
        for (std::size_t b = 0; b < kBuckets; ++b) {
            // Four independent lanes: a bucket's sums are short chains of dependent adds.
            V2 lane[2][2] = {};  // [i & 1]: (Σ|x|, Σx²) of values i, i+2, ... (two per V2)
            const float* v = s.grouped.data() + s.start[b];
            const std::uint32_t count = s.start[b + 1] - s.start[b];
            std::uint32_t i = 0;
            for (; i + 4 <= count; i += 4) {
                const V2 a{std::abs(double(v[i])), std::abs(double(v[i + 1]))};
                const V2 c{std::abs(double(v[i + 2])), std::abs(double(v[i + 3]))};
                lane[0][0] += a;
                lane[0][1] += a * a;
                lane[1][0] += c;
                lane[1][1] += c * c;
            }
            for (; i < count; ++i) {
                const V2 a{std::abs(double(v[i])), 0.0};
                lane[0][0] += a;
                lane[0][1] += a * a;
            }
            const V2 sx = lane[0][0] + lane[1][0], sxx = lane[0][1] + lane[1][1];
            const RangeSums& below = s.prefix[b];
            s.prefix[b + 1] = {below.count + count, below.sx + (sx[0] + sx[1]), below.sxx + (sxx[0] + sxx[1])};
        }
    }

    double total() const noexcept { return m_s.prefix[kBuckets].sxx; }

    /// The bucket of magnitude a; monotone non-decreasing in a (the grouping's formula).
    int bucketOf(double a) const noexcept
    {
        return static_cast<int>(std::min(std::max(static_cast<float>(a), 0.0f) * m_scale, float(kBuckets - 1)));
    }

    /// Sums over the buckets lying entirely inside [lo, hi): a subset of the values there,
    /// which is all a lower bound needs.
    RangeSums inner(double lo, double hi) const noexcept
    {
        if (!(hi > lo)) return {};
        const int first = lo <= 0 ? 0 : bucketOf(lo * (1 + kEdge)) + 1;
        const int last = hi == kInf ? kBuckets - 1 : bucketOf(hi * (1 - kEdge)) - 1;
        if (last < first) return {};
        return m_s.prefix[static_cast<std::size_t>(last) + 1] - m_s.prefix[static_cast<std::size_t>(first)];
    }

    /// The grouped values of the buckets that can hold magnitudes in [lo, hi].
    std::span<const float> around(double lo, double hi) const noexcept
    {
        const auto b0 = static_cast<std::size_t>(bucketOf(lo * (1 - kEdge)));
        const auto b1 = static_cast<std::size_t>(bucketOf(hi * (1 + kEdge)));
        return std::span<const float>(m_s.grouped).subspan(m_s.start[b0], m_s.start[b1 + 1] - m_s.start[b0]);
    }

    /// Sums of the buckets above the one holding t·(1+kEdge) (all their values are > t);
    /// around(t, t) holds the rest of the values that can be > t.
    RangeSums above(double t) const noexcept
    {
        return m_s.prefix[kBuckets] - m_s.prefix[static_cast<std::size_t>(bucketOf(t * (1 + kEdge))) + 1];
    }

private:
    void group(std::span<const float> x)
    {
        const std::size_t n = x.size();
        m_s.bucket.resize(n);
        // Four interleaved count tables: consecutive values in one bucket would otherwise
        // wait on each other's increments.
        std::array<std::array<std::uint32_t, kBuckets>, 4> count{};
        const float top = float(kBuckets - 1);
        for (std::size_t i = 0; i < n; ++i)  // vectorizes: bucketOf's formula for |x| >= 0
            m_s.bucket[i] = static_cast<std::uint16_t>(static_cast<int>(std::min(std::abs(x[i]) * m_scale, top)));
        std::size_t i = 0;
        for (; i + 4 <= n; i += 4)
            for (std::size_t lane = 0; lane < 4; ++lane) ++count[lane][m_s.bucket[i + lane]];
        for (; i < n; ++i) ++count[i & 3][m_s.bucket[i]];
        m_s.start.resize(kBuckets + 1);
        std::array<std::array<std::uint32_t, kBuckets>, 4>& cursor = count;  // counts become cursors
        std::uint32_t at = 0;
        for (std::size_t b = 0; b < kBuckets; ++b) {
            m_s.start[b] = at;
            for (auto& lane : cursor) at += std::exchange(lane[b], at);
        }
        m_s.start[kBuckets] = at;
        m_s.grouped.resize(n);
        for (std::size_t i = 0; i < n; ++i) m_s.grouped[cursor[i & 3][m_s.bucket[i]]++] = x[i];
    }

    StepSweepScratch& m_s;
    float m_scale;
};

/// The quadratic's coefficients at one step: S2 = Σq², S1 = Σq·|x|.
struct State {
    double s2 = 0;
    double s1 = 0;
};

/// The state at step d for levels 0..t: a value is on level >= j when its breakpoint a/(j-½),
/// computed as a·rj exactly like the sweep's binning, is >= d. Since level² = Σ_{j<=level}
/// (2j-1), S2 and S1 are sums over j of counts and sums of |x| above each threshold.
State stateAt(const Magnitudes& mag, double d, int t)
{
    State st;
    for (int j = 1; j <= t; ++j) {
        const double rj = 1.0 / (j - 0.5), wj = 2.0 * j - 1.0, th = d * (j - 0.5);
        const RangeSums hi = mag.above(th);
        st.s2 += wj * hi.count;
        st.s1 += hi.sx;
        for (const float v : mag.around(th, th)) {
            const double a = std::abs(double(v));
            if (a * rj >= d) {
                st.s2 += wj;
                st.s1 += a;
            }
        }
    }
    return st;
}

double lossAt(const Magnitudes& mag, double d, int t)
{
    const State st = stateAt(mag, d, t);
    return std::max(0.0, mag.total() + (st.s2 * d - 2.0 * st.s1) * d);
}

/// A lower bound of L over steps in [a, b] on magnitudes with levels 0..t: range_search's cell
/// bound (a joint quadratic over the values whose level is fixed in the cell, plus each
/// two-level value's distance to the nearer level line) on bucket-inner subsets.
double cellBound(const Magnitudes& mag, int t, double a, double b)
{
    double lb = 0, fxx = 0, fqx = 0, fqq = 0;
    for (int q = 0; q <= t; ++q) {
        const RangeSums f = mag.inner(q == 0 ? -kInf : (q - 0.5) * b, q == t ? kInf : (q + 0.5) * a);
        fxx += f.sxx;
        fqx += q * f.sx;
        fqq += double(q) * q * f.count;
        if (q == t) break;
        const double glo = std::max((q + 0.5) * a, q == 0 ? -kInf : (q - 0.5) * b);
        const double ghi = std::min((q + 0.5) * b, q + 1 == t ? kInf : (q + 1.5) * a);
        if (!(glo < ghi)) continue;
        const double lowTop = q * b, highBottom = (q + 1) * a, mid = 0.5 * (lowTop + highBottom);
        lb += std::max(0.0, mag.inner(std::max(glo, lowTop), std::min(ghi, mid)).squaredDistanceTo(lowTop));
        lb += std::max(0.0, mag.inner(std::max(glo, mid), std::min(ghi, highBottom)).squaredDistanceTo(highBottom));
    }
    const double d = fqq > 0 ? std::clamp(fqx / fqq, a, b) : a;
    return lb + std::max(0.0, fxx - 2.0 * fqx * d + fqq * d * d);
}

/// The code of least loss in [c0, c1] and that loss, by one sweep over its breakpoints.
StepChoice sweep(const Magnitudes& mag, int t, int c0, int c1, std::vector<V2>& binStore)
{
    const double d0 = halfValue(c0), d1 = halfValue(c1);
    const int k = c1 - c0 + 1;
    State st = stateAt(mag, d0, t);
    binStore.assign(static_cast<std::size_t>(k + kSpareBins), V2{});
    V2* bins = binStore.data();
    for (int j = 1; j <= t; ++j) {
        // a·rj in [d0, d1) drops the value from level j to j-1 from the first code above
        // a·rj on; values of the scanned buckets outside that range write to a spare bin.
        const double rj = 1.0 / (j - 0.5);
        const V2 move{-(2.0 * j - 1.0), 0.0};
        const std::span<const float> run = mag.around(d0 * (j - 0.5), d1 * (j - 0.5));
        for (std::size_t i = 0; i < run.size(); ++i) {
            const double a = std::abs(double(run[i]));
            const double e = a * rj;
            // Bitwise, not &&: the tests must not become branches (they mispredict at every
            // edge of the range).
            const int in = int(e >= d0) & int(e < d1);
            const int spare = k + int(i & 7);
            const int idx = spare + ((halfCodeAtMost(e) + 1 - c0 - spare) & -in);
            bins[idx] += move - V2{0.0, a};
        }
    }
    int bestK = 0;
    double bestF = kInf;
    for (int i = 0; i < k; ++i) {
        st.s2 += bins[i][0];
        st.s1 += bins[i][1];
        const double d = halfValue(c0 + i);
        if (const double f = (st.s2 * d - 2.0 * st.s1) * d; f < bestF) {
            bestF = f;
            bestK = i;
        }
    }
    return {halfValue(c0 + bestK), std::max(0.0, mag.total() + bestF)};
}

struct Cell {
    int lo;  ///< first code
    int hi;  ///< last code
    double a;
    double b;
};

Cell cellOf(int lo, int hi) { return {lo, hi, halfValue(lo), halfValue(hi)}; }

}  // namespace

std::optional<StepChoice> fp16StepSweep(std::span<const float> x, IntBounds bd, StepSweepScratch& s)
{
    if (bd.qmax != -bd.qmin) return std::nullopt;  // one top level for both signs only
    const float m = maxAbs(x);
    if (x.empty() || !(m > 0)) return StepChoice{0, 0};
    const int t = bd.qmax;
    const double base = double(m) / t;
    const float rtn = storedScale(base, true);  // throws on fp16 overflow, like rtn
    const double lo = base * kWindowLow, hi = std::min(base * kWindowHigh, 65504.0);
    if (!(lo >= 0x1p-24)) return std::nullopt;  // below the smallest fp16 step: the general path
    int first = halfCodeAtMost(lo);
    if (halfValue(first) < lo) ++first;
    const int last = halfCodeAtMost(hi);

    const Magnitudes mag(x, m, s);
    StepChoice best{rtn, lossAt(mag, rtn, t)};
    auto solve = [&](const Cell& c) {
        if (const StepChoice r = sweep(mag, t, c.lo, c.hi, s.bins); r.loss < best.loss) best = r;
    };
    if (last - first + 1 <= kSweepCodes) {
        solve(cellOf(first, last));
        return best;
    }
    auto splitInto = [&](int from, int to, int parts, auto&& emit) {
        int at = from;
        for (int p = 1; p <= parts; ++p) {
            const int next = p == parts ? to : from + (to - from) * p / parts;
            if (next <= at) continue;
            emit(cellOf(at, next));
            at = next;
        }
    };
    std::vector<Cell> roots;
    splitInto(first, last, kCoarseCells, [&](const Cell& c) { roots.push_back(c); });
    branchAndBound(
        roots, best, [&](const Cell& c) { return cellBound(mag, t, c.a, c.b); },
        [](const Cell& c) { return c.hi - c.lo + 1 <= kSweepCodes; }, solve,
        [&](const Cell& c, auto&& push) { splitInto(c.lo, c.hi, kSplit, push); });
    return best;
}

}  // namespace qs::quant
