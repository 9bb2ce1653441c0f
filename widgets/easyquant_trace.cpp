#include "easyquant_trace.h"

#include <algorithm>
#include <cmath>

namespace qs::gui {

namespace {
/// Δ = r / qmax with qmax of the restricted range (2^(k-1) − 1), as METHODS.md §1 defines it.
double stepOf(double range, int bits)
{
    return range / double((1 << (bits - 1)) - 1);
}
}  // namespace

double rangeLoss(std::span<const float> values, double range, const QuantSettings& s)
{
    const IntBounds b = symmetricBounds(s.bits, s.intRange);  // Either: Full's grid, unmirrored
    const double delta = stepOf(range, s.bits);
    if (!(delta > 0)) return INFINITY;
    double loss = 0;
    for (float x : values) {
        const double q = std::clamp(std::nearbyint(x / delta), double(b.qmin), double(b.qmax));
        const double e = q * delta - x;
        loss += e * e;
    }
    return loss;
}

RangeTrace traceChannel(std::span<const float> row, double mean, double stddev, const QuantSettings& s)
{
    RangeTrace t;
    std::vector<float> normal;
    const double threshold = s.sigma > 0 ? s.sigma * stddev : INFINITY;
    double absMax = 0;
    for (float x : row)
        if (std::abs(double(x) - mean) < threshold) {
            normal.push_back(x);
            absMax = std::max(absMax, double(std::abs(x)));
        }
    t.normals = int(normal.size());
    if (normal.empty() || absMax <= 0) return t;
    const IntBounds b = symmetricBounds(s.bits, s.intRange);  // Either: Full's grid, unmirrored
    const double qmaxStep = double((1 << (s.bits - 1)) - 1);

    // Adam (β1 0.9, β2 0.999, ε 1e-8) on r, exactly as METHODS.md §3 states the gradient.
    double r = absMax, m = 0, v = 0;
    t.range.push_back(r);
    t.loss.push_back(rangeLoss(normal, r, s));
    for (int step = 1; step <= s.adamSteps; ++step) {
        const double delta = r / qmaxStep;
        double grad = 0;
        for (float x : normal) {
            const double q = std::clamp(std::nearbyint(x / delta), double(b.qmin), double(b.qmax));
            grad += 2.0 * (q * delta - x) * q;
        }
        grad /= qmaxStep;
        m = 0.9 * m + 0.1 * grad;
        v = 0.999 * v + 0.001 * grad * grad;
        const double mHat = m / (1 - std::pow(0.9, step)), vHat = v / (1 - std::pow(0.999, step));
        r = std::max(1e-12, r - s.adamLr * mHat / (std::sqrt(vHat) + 1e-8));
        t.range.push_back(r);
        t.loss.push_back(rangeLoss(normal, r, s));
    }

    // The loss curve, and the exact optimum: L is quadratic in Δ between breakpoints
    // Δ = |x|/(k+½); inside a piece its minimiser is Σq·x/Σq², so evaluating every piece's
    // minimiser (and the breakpoints) finds the global minimum over the window.
    constexpr int kCurve = 400;
    for (int i = 0; i <= kCurve; ++i) {
        const double rr = absMax * (0.3 + 1.2 * i / kCurve);
        t.curveRange.push_back(rr);
        t.curveLoss.push_back(rangeLoss(normal, rr, s));
    }
    std::vector<double> candidates;
    for (float x : normal)
        for (int k = 0; k < b.qmax; ++k) {
            const double rr = std::abs(x) / (k + 0.5) * qmaxStep;
            if (rr >= 0.3 * absMax && rr <= 1.5 * absMax) candidates.push_back(rr);
        }
    candidates.push_back(absMax);
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    t.searchRange = absMax;
    t.searchLoss = rangeLoss(normal, absMax, s);
    auto consider = [&](double rr) {
        const double l = rangeLoss(normal, rr, s);
        if (l < t.searchLoss) {
            t.searchLoss = l;
            t.searchRange = rr;
        }
    };
    // Bounded work for the teaching view: at most ~4000 pieces examined.
    const std::size_t stride = std::max<std::size_t>(1, candidates.size() / 4000);
    for (std::size_t i = 0; i + stride < candidates.size(); i += stride) {
        const double mid = 0.5 * (candidates[i] + candidates[i + stride]);
        const double delta = mid / qmaxStep;
        double sqx = 0, sqq = 0;
        for (float x : normal) {
            const double q = std::clamp(std::nearbyint(x / delta), double(b.qmin), double(b.qmax));
            sqx += q * x;
            sqq += q * q;
        }
        if (sqq > 0) {
            const double best = sqx / sqq * qmaxStep;
            if (best >= candidates[i] && best <= candidates[i + stride]) consider(best);
        }
        consider(candidates[i]);
    }
    return t;
}

}  // namespace qs::gui
