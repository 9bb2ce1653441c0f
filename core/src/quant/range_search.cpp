#include "quant/range_search.h"

#include "quant/scalar_quant.h"
#include "quantscope/tensor/dtype.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace qs::quant {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// Extremes of the line k·Δ over the cell [a, b] (k may be negative).
struct Cell {
    double a;
    double b;
    double maxEnd(double k) const noexcept { return std::max(k * a, k * b); }
    double minEnd(double k) const noexcept { return std::min(k * a, k * b); }
};

/// A lower bound of min_{Δ in cell} L(Δ). Elements are split into disjoint sets:
/// F_q (level q for every Δ in the cell): their summed quadratic minimized over the cell;
/// G_q (level q or q+1 only): each contributes at least its squared distance to the nearer of
/// the two lines q·Δ, (q+1)·Δ over the cell; anything else contributes >= 0.
/// min of a sum >= sum of the mins, so this never exceeds the true minimum.
double cellLowerBound(const SortedValues& v, IntBounds bd, Cell c)
{
    const std::size_t n = v.size();
    auto index = [&](double x) {
        if (x == -kInf) return std::size_t{0};
        if (x == kInf) return n;
        return v.lowerBound(x);
    };
    double lb = 0;
    for (int q = bd.qmin; q <= bd.qmax; ++q) {
        const double lo = q == bd.qmin ? -kInf : c.maxEnd(q - 0.5);
        const double hi = q == bd.qmax ? kInf : c.minEnd(q + 0.5);
        if (lo < hi) {
            const RangeSums s = v.sums(index(lo), index(hi));
            if (s.count > 0) {
                if (q == 0) {
                    lb += s.sxx;
                } else {
                    const double d = std::clamp(s.sx / (q * s.count), c.a, c.b);
                    lb += std::max(0.0, s.squaredDistanceTo(q * d));
                }
            }
        }
        if (q == bd.qmax) break;
        const double glo = std::max(c.minEnd(q + 0.5), q == bd.qmin ? -kInf : c.maxEnd(q - 0.5));
        const double ghi = std::min(c.maxEnd(q + 0.5), q + 1 == bd.qmax ? kInf : c.minEnd(q + 1.5));
        if (!(glo < ghi)) continue;
        const double lineLowTop = c.maxEnd(q);          // top of the q·Δ segment
        const double lineHighBottom = c.minEnd(q + 1);  // bottom of the (q+1)·Δ segment
        const double mid = 0.5 * (lineLowTop + lineHighBottom);
        const RangeSums a = v.sums(index(std::max(glo, lineLowTop)), index(std::min(ghi, mid)));
        if (a.count > 0) lb += std::max(0.0, a.squaredDistanceTo(lineLowTop));
        const RangeSums b = v.sums(index(std::max(glo, mid)), index(std::min(ghi, lineHighBottom)));
        if (b.count > 0) lb += std::max(0.0, b.squaredDistanceTo(lineHighBottom));
    }
    return lb;
}

struct Event {
    double delta;
    double dS2;
    double dS1;
};

/// Exact minimum of L over the cell: L(Δ) = S2·Δ² - 2·S1·Δ + Σx² with S2 = Σq², S1 = Σq·x
/// constant between breakpoints; each breakpoint moves one element one level toward zero.
/// The event sets use the same boundary values as the initial assignment, so the state at
/// the end of the cell equals a fresh assignment there.
StepChoice sweepCell(const SortedValues& v, IntBounds bd, Cell c, std::vector<Event>& events,
                     std::vector<StepChoice>* pieces)
{
    const std::size_t n = v.size();
    const double total = v.sums(0, n).sxx;
    double s2 = 0;
    double s1 = 0;
    std::size_t begin = 0;
    for (int q = bd.qmin; q <= bd.qmax; ++q) {
        const std::size_t end = q == bd.qmax ? n : v.lowerBound((q + 0.5) * c.a, begin, n);
        const RangeSums s = v.sums(begin, end);
        s2 += double(q) * q * s.count;
        s1 += q * s.sx;
        begin = end;
    }
    events.clear();
    const auto& x = v.values();
    for (int q = bd.qmin; q < bd.qmax; ++q) {
        const double bnd = q + 0.5;
        if (bnd > 0) {  // level q+1 at Δ=a, level q at Δ=b
            const std::size_t i0 = v.lowerBound(bnd * c.a), i1 = v.lowerBound(bnd * c.b);
            for (std::size_t i = i0; i < i1; ++i)
                events.push_back({std::clamp(x[i] / bnd, c.a, c.b), -(2.0 * q + 1.0), -double(x[i])});
        } else {  // level q at Δ=a, level q+1 at Δ=b
            const std::size_t i0 = v.lowerBound(bnd * c.b), i1 = v.lowerBound(bnd * c.a);
            for (std::size_t i = i0; i < i1; ++i)
                events.push_back({std::clamp(x[i] / bnd, c.a, c.b), 2.0 * q + 1.0, double(x[i])});
        }
    }
    std::sort(events.begin(), events.end(), [](const Event& l, const Event& r) { return l.delta < r.delta; });
    StepChoice best{c.a, kInf};
    auto piece = [&](double lo, double hi) {
        const double free = s2 > 0 ? s1 / s2 : lo;
        const double d = std::clamp(free, lo, hi);
        const double val = s2 * d * d - 2.0 * s1 * d + total;
        if (pieces && free > lo && free < hi) pieces->push_back({d, val});  // a well: interior minimum
        if (val < best.loss) best = {d, val};
    };
    double lo = c.a;
    for (const Event& e : events) {
        if (e.delta > lo) piece(lo, e.delta);
        s2 += e.dS2;
        s1 += e.dS1;
        lo = std::max(lo, e.delta);
    }
    piece(lo, c.b);
    return best;
}

/// The closed-form minimizer of L on [lo, hi] given the levels at mid, with the O(n) loss.
StepChoice pieceMinimumRef(std::span<const float> x, IntBounds bd, double lo, double hi)
{
    const double mid = 0.5 * (lo + hi);
    double s2 = 0;
    double s1 = 0;
    for (const float v : x) {
        const double q = std::clamp(std::nearbyint(v / mid), double(bd.qmin), double(bd.qmax));
        s2 += q * q;
        s1 += q * v;
    }
    const double d = s2 > 0 ? std::clamp(s1 / s2, lo, hi) : lo;
    return {d, naiveLoss(x, d, bd.qmin, bd.qmax)};
}

}  // namespace

StepChoice exactRangeSearch(const SortedValues& v, IntBounds bd, std::vector<double>* nearBest)
{
    const std::size_t n = v.size();
    if (n == 0) return {0, 0};
    const double m = std::max(std::abs(double(v.values().front())), std::abs(double(v.values().back())));
    if (!(m > 0)) return {0, 0};
    const double base = m / bd.qmax;

    // Branch and bound over cells of the window: a cell whose lower bound cannot beat the best
    // known loss is dropped; a wide cell is split (its new edges are scored, which tightens the
    // best); a narrow cell is swept exactly. Cells are taken in order of their bound.
    std::vector<StepChoice> candidates;  // every local winner, for nearBest
    StepChoice best{base, v.loss(base, bd.qmin, bd.qmax)};
    candidates.push_back(best);
    auto score = [&](double d) {
        const double l = v.loss(d, bd.qmin, bd.qmax);
        candidates.push_back({d, l});
        if (l < best.loss) best = {d, l};
    };
    struct Pending {
        double a, b, lb;
    };
    auto later = [](const Pending& x, const Pending& y) { return x.lb > y.lb || (x.lb == y.lb && x.a > y.a); };
    std::vector<Pending> heap;
    auto push = [&](double a, double b) {
        heap.push_back({a, b, cellLowerBound(v, bd, {a, b})});
        std::push_heap(heap.begin(), heap.end(), later);
    };
    const double lo = base * kWindowLow;
    const double coarse = std::pow(kWindowHigh / kWindowLow, 1.0 / kCoarseCells);
    std::vector<double> edges(kCoarseCells + 1);
    for (int i = 0; i <= kCoarseCells; ++i) edges[i] = i == kCoarseCells ? base * kWindowHigh : lo * std::pow(coarse, i);
    for (const double e : edges) score(e);
    for (int i = 0; i < kCoarseCells; ++i) push(edges[i], edges[i + 1]);

    // With nearBest, cells that may hold a well within kNearBestRel of the best are kept too
    // (margin for rounding otherwise).
    const double slack = nearBest ? 1.0 + kNearBestRel : 1.0 - 1e-12;
    std::vector<Event> events;
    std::vector<StepChoice> pieces;
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), later);
        const Pending c = heap.back();
        heap.pop_back();
        if (c.lb >= best.loss * slack) break;  // every other cell's bound is at least as large
        if (c.b / c.a > kFineCellRatio) {
            const double r = std::pow(c.b / c.a, 1.0 / kSplit);
            double prev = c.a;
            for (int k = 1; k <= kSplit; ++k) {
                const double next = k == kSplit ? c.b : c.a * std::pow(r, k);
                if (k < kSplit) score(next);
                push(prev, next);
                prev = next;
            }
            continue;
        }
        pieces.clear();
        const StepChoice sc = sweepCell(v, bd, {c.a, c.b}, events, nearBest ? &pieces : nullptr);
        const double exact = v.loss(sc.delta, bd.qmin, bd.qmax);
        candidates.push_back({sc.delta, exact});
        if (exact < best.loss) best = {sc.delta, exact};
        // Other wells of this cell that come close: the few deepest interior minima.
        const auto keep = std::min<std::size_t>(pieces.size(), kWellsPerCell);
        std::partial_sort(pieces.begin(), pieces.begin() + static_cast<std::ptrdiff_t>(keep), pieces.end(),
                          [](const StepChoice& x, const StepChoice& y) { return x.loss < y.loss || (x.loss == y.loss && x.delta < y.delta); });
        for (std::size_t k = 0; k < keep; ++k)
            if (pieces[k].delta != sc.delta && pieces[k].loss <= sc.loss * (1 + kNearBestRel))
                candidates.push_back({pieces[k].delta, v.loss(pieces[k].delta, bd.qmin, bd.qmax)});
    }
    if (nearBest) {
        nearBest->clear();
        for (const auto& c : candidates)
            if (c.delta != best.delta && c.loss <= best.loss * (1 + kNearBestRel)) nearBest->push_back(c.delta);
    }
    return best;
}

StepChoice exactRangeSearchRef(std::span<const float> x, IntBounds bd)
{
    const double m = maxAbs(x);
    if (x.empty() || !(m > 0)) return {0, 0};
    const double lo = m / bd.qmax * kWindowLow;
    const double hi = m / bd.qmax * kWindowHigh;
    std::vector<double> points{lo, hi};
    for (const float v : x)
        for (int q = bd.qmin; q < bd.qmax; ++q) {
            const double d = v / (q + 0.5);
            if (d > lo && d < hi) points.push_back(d);
        }
    std::sort(points.begin(), points.end());
    StepChoice best{lo, kInf};
    for (std::size_t i = 0; i + 1 < points.size(); ++i) {
        if (!(points[i + 1] > points[i])) continue;
        const StepChoice c = pieceMinimumRef(x, bd, points[i], points[i + 1]);
        if (c.loss < best.loss) best = c;
    }
    return best;
}

double rangeGradient(std::span<const float> x, double r, IntBounds bd) noexcept
{
    const double delta = r / bd.qmax;
    const float fd = static_cast<float>(delta);
    const float lo = float(bd.qmin), hi = float(bd.qmax);
    double sum = 0;
    for (const float v : x) {
        const float q = roundHalfEven(std::clamp(v / fd, lo, hi));
        sum += (q * delta - v) * q;
    }
    return 2.0 * sum / bd.qmax;
}

StepChoice adamRange(std::span<const float> x, IntBounds bd, double lr, int steps)
{
    double r = maxAbs(x);
    if (!(r > 0)) return {0, 0};
    constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8;
    double m1 = 0, m2 = 0, b1t = 1, b2t = 1;
    for (int t = 1; t <= steps; ++t) {
        const double g = rangeGradient(x, r, bd);
        m1 = kBeta1 * m1 + (1 - kBeta1) * g;
        m2 = kBeta2 * m2 + (1 - kBeta2) * g * g;
        b1t *= kBeta1;
        b2t *= kBeta2;
        const double mhat = m1 / (1 - b1t);
        const double vhat = m2 / (1 - b2t);
        r = std::max(r - lr * mhat / (std::sqrt(vhat) + kEps), kEps);
    }
    const double delta = r / bd.qmax;
    return {delta, naiveLoss(x, delta, bd.qmin, bd.qmax)};
}

namespace {
double clipAlpha(const QuantSettings& s, int i)
{
    if (s.clipGridPoints <= 1) return 1.0;
    return 1.0 - (1.0 - s.clipMin) * i / (s.clipGridPoints - 1);
}
}  // namespace

StepChoice clipGridSearch(const SortedValues& v, IntBounds bd, const QuantSettings& s)
{
    if (v.size() == 0) return {0, 0};
    const double m = std::max(std::abs(double(v.values().front())), std::abs(double(v.values().back())));
    StepChoice best{0, kInf};
    for (int i = 0; i < s.clipGridPoints; ++i) {
        const double d = storedScale(clipAlpha(s, i) * m / bd.qmax, s.fp16Scales);
        const double l = v.loss(d, bd.qmin, bd.qmax);
        if (l < best.loss) best = {d, l};
    }
    return best;
}

StepChoice clipGridSearchRef(std::span<const float> x, IntBounds bd, const QuantSettings& s)
{
    if (x.empty()) return {0, 0};
    const double m = maxAbs(x);
    StepChoice best{0, kInf};
    for (int i = 0; i < s.clipGridPoints; ++i) {
        const double d = storedScale(clipAlpha(s, i) * m / bd.qmax, s.fp16Scales);
        const double l = naiveLoss(x, d, bd.qmin, bd.qmax);
        if (l < best.loss) best = {d, l};
    }
    return best;
}

StepChoice bestStoredScale(const SortedValues& v, IntBounds bd, double delta, bool fp16Scales)
{
    if (!fp16Scales) {
        const float f = storedScale(delta, false);
        return {f, v.loss(f, bd.qmin, bd.qmax)};
    }
    const float center = storedScale(delta, true);  // throws on fp16 overflow
    const std::uint16_t h = floatToHalf(center);
    StepChoice best{center, v.loss(center, bd.qmin, bd.qmax)};
    for (const int step : {-1, 1}) {
        const int nh = int(h) + step;
        if (nh < 0 || nh >= 0x7C00) continue;
        const float cand = halfToFloat(static_cast<std::uint16_t>(nh));
        const double l = v.loss(cand, bd.qmin, bd.qmax);
        if (l < best.loss) best = {cand, l};
    }
    return best;
}

StepChoice searchStoredScale(const SortedValues& v, IntBounds bd, bool fp16Scales)
{
    std::vector<double> near;
    const StepChoice opt = exactRangeSearch(v, bd, &near);
    StepChoice best = bestStoredScale(v, bd, opt.delta, fp16Scales);
    for (const double d : near) {
        const StepChoice c = bestStoredScale(v, bd, d, fp16Scales);
        if (c.loss < best.loss) best = c;
    }
    return best;
}

}  // namespace qs::quant
