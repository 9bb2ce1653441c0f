#include "quant/unit_quantizer.h"

#include "quant/range_search.h"
#include "quant/scalar_quant.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace qs::quant {

namespace {

double asymLoss(const ValueIndex& v, const AsymParams& p, int bits)
{
    return v.loss(p.scale, -p.zero, (1 << bits) - 1 - p.zero);
}

double alphaAt(const QuantSettings& s, int i)
{
    return s.clipGridPoints <= 1 ? 1.0 : 1.0 - (1.0 - s.clipMin) * i / (s.clipGridPoints - 1);
}

/// The methods that take a unit's range as it is (no search).
bool usesMinMax(const QuantSettings& s)
{
    return s.method == QuantMethod::Rtn || (s.method == QuantMethod::EasyQuant && s.solver == RangeSolver::MinMax);
}

/// [min, max] of the values; [0, 0] when there are none.
std::pair<float, float> valueRange(std::span<const float> x)
{
    if (x.empty()) return {0.0f, 0.0f};
    const auto [mn, mx] = std::minmax_element(x.begin(), x.end());
    return {*mn, *mx};
}

UnitParams symmetricParams(std::span<const float> x, const QuantSettings& s, UnitScratch& scratch)
{
    const IntBounds b = symmetricBounds(s.bits, s.intRange);
    const bool needIndex = s.method == QuantMethod::RtnMse ||
                            (s.method == QuantMethod::EasyQuant && s.solver == RangeSolver::Search);
    double delta = 0;
    if (!needIndex) {
        if (s.method == QuantMethod::EasyQuant && s.solver == RangeSolver::Adam)
            delta = adamRange(x, b, s.adamLr, s.adamSteps).delta;
        else
            delta = double(maxAbs(x)) / b.qmax;
        return {storedScale(delta, s.fp16Scales), -b.qmin};
    }
    if (s.method == QuantMethod::EasyQuant && s.fp16Scales) {
        if (x.size() <= kSmallUnit) return {float(fp16RangeSearchSmall(x, b, scratch.breaks).delta), -b.qmin};
        if (const auto r = fp16StepSweep(x, b, scratch.sweep)) return {float(r->delta), -b.qmin};
    }
    scratch.index.assign(x);
    if (s.method == QuantMethod::RtnMse) return {float(clipGridSearch(scratch.index, b, s).delta), -b.qmin};
    return {float(searchStoredScale(scratch.index, b, s.fp16Scales).delta), -b.qmin};
}

/// IntRange::Either: rtn (and minmax) puts the largest magnitude on the long side; the range
/// searches solve Full's grid for x and for -x (Full on -x is the mirrored grid on x) and keep
/// the lower loss, the direct grid on ties.
UnitParams eitherParams(std::span<const float> x, const QuantSettings& s, UnitScratch& scratch)
{
    const IntBounds b = symmetricBounds(s.bits, IntRange::Full);
    if (usesMinMax(s) || x.empty()) {
        const auto [lo, hi] = valueRange(x);
        return {eitherMinMaxScale(lo, hi, b, s.fp16Scales), -b.qmin};
    }
    QuantSettings full = s;
    full.intRange = IntRange::Full;
    const UnitParams direct = symmetricParams(x, full, scratch);
    scratch.mirrored.resize(x.size());
    std::transform(x.begin(), x.end(), scratch.mirrored.begin(), [](float v) { return -v; });
    const UnitParams mirror = symmetricParams(scratch.mirrored, full, scratch);
    const double directLoss = naiveLoss(x, direct.scale, b.qmin, b.qmax);
    const double mirrorLoss = naiveLoss(scratch.mirrored, mirror.scale, b.qmin, b.qmax);
    return mirrorLoss < directLoss ? UnitParams{-mirror.scale, -b.qmin} : direct;
}

}  // namespace

UnitParams asymmetricClipSearch(const ValueIndex& v, const QuantSettings& s)
{
    if (v.size() == 0) return {0, 0};
    const float lo = v.min(), hi = v.max();
    UnitParams best;
    double bestLoss = std::numeric_limits<double>::infinity();
    for (int i = 0; i < s.clipGridPoints; ++i) {
        const float a = static_cast<float>(alphaAt(s, i));
        const AsymParams p = asymmetricParams(a * lo, a * hi, s.bits, s.fp16Scales);
        const double l = asymLoss(v, p, s.bits);
        if (l < bestLoss) {
            bestLoss = l;
            best = {p.scale, p.zero};
        }
    }
    return best;
}

UnitParams asymmetricClipSearchRef(std::span<const float> x, const QuantSettings& s)
{
    if (x.empty()) return {0, 0};
    const auto [mn, mx] = std::minmax_element(x.begin(), x.end());
    UnitParams best;
    double bestLoss = std::numeric_limits<double>::infinity();
    for (int i = 0; i < s.clipGridPoints; ++i) {
        const float a = static_cast<float>(alphaAt(s, i));
        const AsymParams p = asymmetricParams(a * *mn, a * *mx, s.bits, s.fp16Scales);
        const double l = naiveLoss(x, p.scale, -p.zero, (1 << s.bits) - 1 - p.zero);
        if (l < bestLoss) {
            bestLoss = l;
            best = {p.scale, p.zero};
        }
    }
    return best;
}

UnitParams chooseUnitParams(std::span<const float> normals, const QuantSettings& s, UnitScratch& scratch)
{
    if (s.scheme == Scheme::Symmetric)
        return s.intRange == IntRange::Either ? eitherParams(normals, s, scratch) : symmetricParams(normals, s, scratch);
    if (usesMinMax(s) || normals.empty()) {
        const auto [lo, hi] = valueRange(normals);
        const AsymParams p = asymmetricParams(lo, hi, s.bits, s.fp16Scales);
        return {p.scale, p.zero};
    }
    scratch.index.assign(normals);
    return asymmetricClipSearch(scratch.index, s);
}

void encodeUnit(std::span<const float> values, const UnitParams& p, const QuantSettings& s, std::uint8_t* codes) noexcept
{
    if (s.scheme == Scheme::Symmetric)
        encodeSymmetric(values, p.scale, symmetricBounds(s.bits, s.intRange), codes);
    else
        encodeAsymmetric(values, p.scale, p.offset, s.bits, codes);
}

}  // namespace qs::quant
