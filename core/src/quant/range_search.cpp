#include "quant/range_search.h"

#include "quant/branch_and_bound.h"
#include "quant/half_codes.h"
#include "quant/scalar_quant.h"
#include "quantscope/tensor/dtype.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <tuple>
#include <cstdint>
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
/// F_q (level q for every Δ in the cell): together one quadratic in Δ, minimized over the cell
/// (jointly: one Δ for all levels, which is what L has — minimizing each level on its own gave
/// a looser bound and ~15 % more cells to sweep);
/// G_q (level q or q+1 only): each contributes at least its squared distance to the nearer of
/// the two lines q·Δ, (q+1)·Δ over the cell; anything else contributes >= 0.
/// min of a sum >= sum of mins, so this never exceeds the true minimum.
double cellLowerBound(const ValueIndex& v, IntBounds bd, Cell c)
{
    double lb = 0;
    double fxx = 0, fqx = 0, fqq = 0;  // F's quadratic: Σx² - 2Δ·Σq·x + Δ²·Σq²
    for (int q = bd.qmin; q <= bd.qmax; ++q) {
        const double lo = q == bd.qmin ? -kInf : c.maxEnd(q - 0.5);
        const double hi = q == bd.qmax ? kInf : c.minEnd(q + 0.5);
        if (const RangeSums s = v.within(lo, hi); s.count > 0) {
            fxx += s.sxx;
            fqx += q * s.sx;
            fqq += double(q) * q * s.count;
        }
        if (q == bd.qmax) break;
        const double glo = std::max(c.minEnd(q + 0.5), q == bd.qmin ? -kInf : c.maxEnd(q - 0.5));
        const double ghi = std::min(c.maxEnd(q + 0.5), q + 1 == bd.qmax ? kInf : c.minEnd(q + 1.5));
        if (!(glo < ghi)) continue;
        const double lineLowTop = c.maxEnd(q);          // top of the q·Δ segment
        const double lineHighBottom = c.minEnd(q + 1);  // bottom of the (q+1)·Δ segment
        const double mid = 0.5 * (lineLowTop + lineHighBottom);
        if (const RangeSums a = v.within(std::max(glo, lineLowTop), std::min(ghi, mid)); a.count > 0)
            lb += std::max(0.0, a.squaredDistanceTo(lineLowTop));
        if (const RangeSums b = v.within(std::max(glo, mid), std::min(ghi, lineHighBottom)); b.count > 0)
            lb += std::max(0.0, b.squaredDistanceTo(lineHighBottom));
    }
    const double d = fqq > 0 ? std::clamp(fqx / fqq, c.a, c.b) : c.a;
    return lb + std::max(0.0, fxx - 2.0 * fqx * d + fqq * d * d);
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
StepChoice sweepCell(const ValueIndex& v, IntBounds bd, Cell c, std::vector<Event>& events)
{
    const double total = v.total().sxx;
    double s2 = 0;
    double s1 = 0;
    RangeSums prev{};
    for (int q = bd.qmin; q <= bd.qmax; ++q) {
        const RangeSums cur = q == bd.qmax ? v.total() : v.below((q + 0.5) * c.a);
        const RangeSums s = cur - prev;
        s2 += double(q) * q * s.count;
        s1 += q * s.sx;
        prev = cur;
    }
    events.clear();
    for (int q = bd.qmin; q < bd.qmax; ++q) {
        const double bnd = q + 0.5;
        if (bnd > 0)  // level q+1 at Δ=a, level q at Δ=b
            v.forEachWithin(bnd * c.a, bnd * c.b, [&](float x) {
                events.push_back({std::clamp(x / bnd, c.a, c.b), -(2.0 * q + 1.0), -double(x)});
            });
        else  // level q at Δ=a, level q+1 at Δ=b
            v.forEachWithin(bnd * c.b, bnd * c.a, [&](float x) {
                events.push_back({std::clamp(x / bnd, c.a, c.b), 2.0 * q + 1.0, double(x)});
            });
    }
    std::sort(events.begin(), events.end(), [](const Event& l, const Event& r) { return l.delta < r.delta; });
    StepChoice best{c.a, kInf};
    auto piece = [&](double lo, double hi) {
        const double d = std::clamp(s2 > 0 ? s1 / s2 : lo, lo, hi);
        const double val = s2 * d * d - 2.0 * s1 * d + total;
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

StepChoice exactRangeSearch(const ValueIndex& v, IntBounds bd)
{
    const double m = v.maxAbs();
    if (v.size() == 0 || !(m > 0)) return {0, 0};
    const double base = m / bd.qmax;
    StepChoice best{base, v.loss(base, bd.qmin, bd.qmax)};
    auto score = [&](double d) {
        if (const double l = v.loss(d, bd.qmin, bd.qmax); l < best.loss) best = {d, l};
    };
    const double lo = base * kWindowLow;
    const double coarse = std::pow(kWindowHigh / kWindowLow, 1.0 / kCoarseCells);
    std::vector<Cell> roots;
    double prev = lo;
    score(lo);
    for (int i = 1; i <= kCoarseCells; ++i) {
        const double e = i == kCoarseCells ? base * kWindowHigh : lo * std::pow(coarse, i);
        score(e);
        roots.push_back({prev, e});
        prev = e;
    }
    std::vector<Event> events;
    branchAndBound(
        roots, best, [&](const Cell& c) { return cellLowerBound(v, bd, c); },
        [](const Cell& c) { return c.b / c.a <= kFineCellRatio; },
        [&](const Cell& c) {
            const StepChoice sc = sweepCell(v, bd, c, events);
            score(sc.delta);  // the exact loss there, not the swept quadratic
        },
        [&](const Cell& c, auto&& push) {
            const double r = std::pow(c.b / c.a, 1.0 / kSplit);
            double from = c.a;
            for (int k = 1; k <= kSplit; ++k) {
                const double to = k == kSplit ? c.b : c.a * std::pow(r, k);
                if (k < kSplit) score(to);
                push(Cell{from, to});
                from = to;
            }
        });
    return best;
}

namespace {

/// A cell of consecutive fp16 codes [lo, hi], with its value range [a, b] for the bound.
struct CodeCell {
    std::uint16_t lo;
    std::uint16_t hi;
    double a;
    double b;
};

CodeCell codeCell(int lo, int hi)
{
    const auto l = static_cast<std::uint16_t>(lo), h = static_cast<std::uint16_t>(hi);
    return {l, h, halfValue(l), halfValue(h)};
}

/// The change of S2 = Σq² and S1 = Σq·x when the step passes some values' breakpoints.
struct Move {
    double dS2 = 0;
    double dS1 = 0;
};

/// The fp16 code of the cell with the least loss, by one sweep: L(Δ) = S2·Δ² - 2·S1·Δ + Σx²
/// where S2 and S1 change only at breakpoints Δ = x/(q+½), each moving one value one level.
/// Every breakpoint of the cell is binned to the first code it affects, so the state at each
/// code is a running sum — no sort. (The caller re-scores the winner with the exact loss.)
int sweepCodes(const ValueIndex& v, IntBounds bd, const CodeCell& c, std::vector<Move>& bins)
{
    const int k = c.hi - c.lo + 1;
    bins.assign(static_cast<std::size_t>(k) + 1, Move{});
    double s2 = 0;
    double s1 = 0;
    RangeSums prev{};
    for (int q = bd.qmin; q <= bd.qmax; ++q) {  // the levels at Δ = a
        const RangeSums cur = q == bd.qmax ? v.total() : v.below((q + 0.5) * c.a);
        const RangeSums s = cur - prev;
        s2 += double(q) * q * s.count;
        s1 += q * s.sx;
        prev = cur;
    }
    auto bin = [&](int code) -> Move& { return bins[static_cast<std::size_t>(std::clamp(code - int(c.lo), 0, k))]; };
    for (int q = bd.qmin; q < bd.qmax; ++q) {
        const double bnd = q + 0.5;
        if (bnd > 0) {  // x >= bnd·a sits on level q+1 at a and drops to q once Δ > x/bnd
            v.forEachWithin(bnd * c.a, bnd * c.b, [&](float x) {
                Move& m = bin(halfCodeAtMost(x / bnd) + 1);
                m.dS2 -= 2.0 * q + 1.0;
                m.dS1 -= x;
            });
        } else {  // x < bnd·a sits on level q at a and rises to q+1 once Δ >= x/bnd
            v.forEachWithin(bnd * c.b, bnd * c.a, [&](float x) {
                Move& m = bin(halfCodeAtLeast(x / bnd));
                m.dS2 += 2.0 * q + 1.0;
                m.dS1 += x;
            });
        }
    }
    const double total = v.total().sxx;
    int best = c.lo;
    double bestLoss = kInf;
    for (int j = 0; j < k; ++j) {
        s2 += bins[static_cast<std::size_t>(j)].dS2;
        s1 += bins[static_cast<std::size_t>(j)].dS1;
        const double d = halfValue(c.lo + j);
        if (const double l = s2 * d * d - 2.0 * s1 * d + total; l < bestLoss) {
            bestLoss = l;
            best = c.lo + j;
        }
    }
    return best;
}

}  // namespace

StepChoice fp16RangeSearch(const ValueIndex& v, IntBounds bd)
{
    const double m = v.maxAbs();
    if (v.size() == 0 || !(m > 0)) return {0, 0};
    const double base = m / bd.qmax;
    const float rtn = storedScale(base, true);  // throws on fp16 overflow, like rtn
    StepChoice best{rtn, v.loss(rtn, bd.qmin, bd.qmax)};
    auto score = [&](int code) {
        const double d = halfValue(code);
        if (const double l = v.loss(d, bd.qmin, bd.qmax); l < best.loss) best = {d, l};
    };
    const int first = halfCodeAtLeast(base * kWindowLow), last = halfCodeAtMost(base * kWindowHigh);
    if (first > last) return best;
    std::vector<CodeCell> roots;
    std::vector<Move> bins;
    auto splitInto = [&](int lo, int hi, int parts, auto&& emit) {
        int from = lo;  // the caller has scored lo and hi
        for (int k = 1; k <= parts; ++k) {
            const int to = k == parts ? hi : lo + (hi - lo) * k / parts;
            if (to <= from) continue;
            if (k < parts) score(to);
            emit(codeCell(from, to));
            from = to;
        }
    };
    if (last - first + 1 <= kLeafCodes) {
        for (int c = first; c <= last; ++c) score(c);
        return best;
    }
    score(first);
    score(last);
    splitInto(first, last, kCoarseCells, [&](const CodeCell& c) { roots.push_back(c); });
    branchAndBound(
        roots, best, [&](const CodeCell& c) { return cellLowerBound(v, bd, {c.a, c.b}); },
        [](const CodeCell& c) { return c.hi - c.lo + 1 <= kLeafCodes; },
        [&](const CodeCell& c) { score(sweepCodes(v, bd, c, bins)); },
        [&](const CodeCell& c, auto&& push) { splitInto(c.lo, c.hi, kSplit, push); });
    return best;
}

StepChoice fp16RangeSearchSmall(std::span<const float> x, IntBounds bd)
{
    std::vector<Breakpoint> breaks;
    return fp16RangeSearchSmall(x, bd, breaks);
}

StepChoice fp16RangeSearchSmall(std::span<const float> x, IntBounds bd, std::vector<Breakpoint>& breaks)
{
    const double m = maxAbs(x);
    if (x.empty() || !(m > 0)) return {0, 0};
    const double base = m / bd.qmax;
    const float rtn = storedScale(base, true);  // throws on fp16 overflow, like rtn
    StepChoice best{rtn, naiveLoss(x, rtn, bd.qmin, bd.qmax)};
    // Trim the window with two monotone lower bounds of L: the clipping error of the values
    // beyond the grid's ends (falls as Δ grows) and the error of the values rounded to zero
    // (grows with Δ). Where one exceeds RTN's loss no step can win, so the sweep below only
    // sees the breakpoints of the useful middle (most of a heavy-tailed group's window).
    auto clipError = [&](double d) {
        const double hi = bd.qmax * d, lo = bd.qmin * d;
        double e = 0;
        for (const float v : x) {  // branch-free: hi >= 0 >= lo, so at most one term is nonzero
            const double over = std::max(v - hi, 0.0) + std::min(v - lo, 0.0);
            e += over * over;
        }
        return e;
    };
    auto zeroError = [&](double d) {
        double e = 0;
        for (const float v : x) e += std::abs(double(v)) < 0.5 * d ? double(v) * v : 0.0;
        return e;
    };
    double wLo = base * kWindowLow, wHi = base * kWindowHigh;
    for (auto [from, to, decreasing] : {std::tuple{&wLo, base, true}, std::tuple{&wHi, base, false}}) {
        const auto bound = [&](double d) { return decreasing ? clipError(d) : zeroError(d); };
        if (!(bound(*from) > best.loss)) continue;
        double out = *from, in = to;  // bound(out) > best.loss >= bound(in)
        for (int i = 0; i < 16; ++i) {
            const double mid = 0.5 * (out + in);
            (bound(mid) > best.loss ? out : in) = mid;
        }
        *from = out;  // every step beyond `out` has L > RTN's loss
    }
    const int first = halfCodeAtLeast(wLo), last = halfCodeAtMost(wHi);
    if (first > last) return best;
    const double d0 = halfValue(first);
    const double d1 = halfValue(last);
    // State at d0 and every breakpoint in (d0, d1]: a value of magnitude a on level ±j drops to
    // ±(j-1) when Δ passes a/(j-½); S2 falls by 2j-1 and S1 by a. L is continuous (at a
    // breakpoint the value is equidistant from both levels), so each piece is a closed interval.
    double s2 = 0, s1 = 0, total = 0;
    breaks.clear();
    for (const float v : x) {
        const double a = std::abs(double(v));
        total += a * a;
        if (a == 0) continue;
        const int top = v > 0 ? bd.qmax : -bd.qmin;
        // Start one level high at most and apply breakpoints at or below d0 at once, so the
        // state at d0 never depends on how a/d0 rounds near a tie.
        const int j0 = static_cast<int>(std::min<double>(top, std::floor(a / d0 + 0.5) + 1));
        s2 += double(j0) * j0;
        s1 += j0 * a;
        for (int j = j0; j >= 1; --j) {
            const double e = a / (j - 0.5);
            if (e > d1) break;
            if (e > d0) {
                breaks.push_back({e, -(2.0 * j - 1.0), -a});
            } else {
                s2 -= 2.0 * j - 1.0;
                s1 -= a;
            }
        }
    }
    std::sort(breaks.begin(), breaks.end(), [](const Breakpoint& l, const Breakpoint& r) { return l.delta < r.delta; });
    int bestCode = -1;
    double bestLoss = kInf;
    int next = first;  // the first code not yet inside a piece; pieces only move up
    double nextValue = halfValue(next);
    auto piece = [&](double hi) {  // the best fp16 code in [previous end, hi] under (s2, s1)
        if (next > last || nextValue > hi) return;  // most pieces hold no fp16 code
        const int top = std::min(halfCodeAtMost(hi), last);
        const double free = s2 > 0 ? s1 / s2 : nextValue;
        const int c = std::clamp(halfCodeAtMost(std::max(free, 0.0)), next, top);
        for (const int code : {c, std::min(c + 1, top)}) {
            const double d = halfValue(code);
            if (const double l = s2 * d * d - 2.0 * s1 * d + total; l < bestLoss) {
                bestLoss = l;
                bestCode = code;
            }
        }
        next = top + 1;
        nextValue = next <= last ? halfValue(next) : kInf;
    };
    for (const Breakpoint& b : breaks) {
        piece(b.delta);
        s2 += b.dS2;
        s1 += b.dS1;
    }
    piece(d1);
    if (bestCode >= 0) {  // re-score the winner with the exact loss
        const double d = halfValue(bestCode);
        if (const double l = naiveLoss(x, d, bd.qmin, bd.qmax); l < best.loss) best = {d, l};
    }
    return best;
}

StepChoice fp16RangeSearchRef(std::span<const float> x, IntBounds bd)
{
    const double m = maxAbs(x);
    if (x.empty() || !(m > 0)) return {0, 0};
    const double base = m / bd.qmax;
    const float rtn = storedScale(base, true);
    StepChoice best{rtn, naiveLoss(x, rtn, bd.qmin, bd.qmax)};
    for (int c = halfCodeAtLeast(base * kWindowLow); c <= halfCodeAtMost(base * kWindowHigh); ++c) {
        const double d = halfValue(c);
        if (const double l = naiveLoss(x, d, bd.qmin, bd.qmax); l < best.loss) best = {d, l};
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

namespace {
/// The paper's Adam on r, calling observe(r) at r0 and after every step; returns the last r
/// (0 when max|x| = 0). One loop for the solver and for the teaching view's path.
template <typename Observe>
double adamIterate(std::span<const float> x, IntBounds bd, double lr, int steps, Observe&& observe)
{
    double r = maxAbs(x);
    if (!(r > 0)) return 0;
    observe(r);
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
        observe(r);
    }
    return r;
}
}  // namespace

StepChoice adamRange(std::span<const float> x, IntBounds bd, double lr, int steps)
{
    const double r = adamIterate(x, bd, lr, steps, [](double) {});
    if (!(r > 0)) return {0, 0};
    const double delta = r / bd.qmax;
    return {delta, naiveLoss(x, delta, bd.qmin, bd.qmax)};
}

std::vector<double> adamRangePath(std::span<const float> x, IntBounds bd, double lr, int steps)
{
    std::vector<double> path;
    adamIterate(x, bd, lr, steps, [&](double r) { path.push_back(r); });
    return path;
}

namespace {
double clipAlpha(const QuantSettings& s, int i)
{
    if (s.clipGridPoints <= 1) return 1.0;
    return 1.0 - (1.0 - s.clipMin) * i / (s.clipGridPoints - 1);
}
}  // namespace

StepChoice clipGridSearch(const ValueIndex& v, IntBounds bd, const QuantSettings& s)
{
    if (v.size() == 0) return {0, 0};
    const double m = v.maxAbs();
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

StepChoice searchStoredScale(const ValueIndex& v, IntBounds bd, bool fp16Scales)
{
    if (fp16Scales) return fp16RangeSearch(v, bd);
    const float d = storedScale(exactRangeSearch(v, bd).delta, false);
    return {d, v.loss(d, bd.qmin, bd.qmax)};
}

}  // namespace qs::quant
