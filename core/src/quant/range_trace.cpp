#include "quantscope/quant/range_trace.h"

#include "quant/outliers.h"
#include "quant/range_search.h"
#include "quant/scalar_quant.h"
#include "quant/unit_quantizer.h"

#include <algorithm>
#include <cmath>

namespace qs {

namespace {

/// The scale the quantizer chooses for these normal values with this solver (its own code).
float quantizerScale(std::span<const float> normals, QuantSettings s, RangeSolver solver)
{
    s.method = QuantMethod::EasyQuant;
    s.scheme = Scheme::Symmetric;
    s.solver = solver;
    quant::UnitScratch scratch;
    return quant::chooseUnitParams(normals, s, scratch).scale;
}

}  // namespace

RangeTrace traceChannelRange(std::span<const float> row, double mean, double stddev, const QuantSettings& s)
{
    RangeTrace t;
    std::vector<float> normal;
    const quant::OutlierRule rule = quant::makeRule({mean, stddev}, s.sigma);
    for (const float x : row)
        if (!rule.isOutlier(x)) normal.push_back(x);
    t.normals = int(normal.size());
    if (!(quant::maxAbs(normal) > 0)) return t;

    // Either is Full's grid on x or on −x (the mirrored grid); the quantizer's own choice, the
    // sign of its scale, says which one each solver took. Asking the quantizer (rather than
    // re-deciding here) costs Adam one more run on one channel, and keeps the trace from ever
    // disagreeing with what `quantize` picks.
    const bool either = s.intRange == IntRange::Either;
    const IntBounds b = symmetricBounds(s.bits, either ? IntRange::Full : s.intRange);
    std::vector<float> mirrored;
    if (either) {
        mirrored.resize(normal.size());
        std::transform(normal.begin(), normal.end(), mirrored.begin(), [](float v) { return -v; });
    }
    const float adamScale = either ? quantizerScale(normal, s, RangeSolver::Adam) : 1.0f;
    const float searchScale = quantizerScale(normal, s, RangeSolver::Search);
    t.mirrored = either && adamScale < 0;
    const std::span<const float> x = t.mirrored ? std::span<const float>(mirrored) : std::span<const float>(normal);

    auto lossAt = [&](std::span<const float> v, double r) { return quant::naiveLoss(v, r / b.qmax, b.qmin, b.qmax); };
    t.range = quant::adamRangePath(x, b, s.adamLr, s.adamSteps);
    for (const double r : t.range) t.loss.push_back(lossAt(x, r));

    const double absMax = quant::maxAbs(x);
    constexpr int kCurve = 400;
    for (int i = 0; i <= kCurve; ++i) {
        const double r = absMax * (0.3 + 1.2 * i / kCurve);
        t.curveRange.push_back(r);
        t.curveLoss.push_back(lossAt(x, r));
    }
    // The search's step on its own grid (negative: the mirrored one).
    const std::span<const float> searched = searchScale < 0 ? std::span<const float>(mirrored) : std::span<const float>(normal);
    t.searchRange = std::abs(double(searchScale)) * b.qmax;
    t.searchLoss = lossAt(searched, t.searchRange);
    return t;
}

}  // namespace qs
