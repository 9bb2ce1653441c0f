#pragma once
// Central finite-difference gradient checks for the autodiff (float values, so the step and
// the tolerances are chosen for float: eps 1e-2 on inputs of order 1).

#include "quantscope/autodiff/autodiff.h"

#include <QTest>

#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <string>

namespace qs::test {

/// Reproducible values in [lo, hi) (our own mapping; std distributions differ across libraries).
inline std::vector<float> randomValues(std::int64_t n, std::uint64_t seed, float lo = -1.0f, float hi = 1.0f)
{
    std::mt19937_64 rng(seed);
    std::vector<float> v(static_cast<std::size_t>(n));
    for (auto& x : v) x = lo + (hi - lo) * static_cast<float>(static_cast<double>(rng() >> 11) * 0x1.0p-53);
    return v;
}

/// Values far from each other (distinct by >= step/2 after a shuffle) so max ops have no ties
/// and ReLU inputs stay away from 0 within the finite-difference step.
inline std::vector<float> spreadValues(std::int64_t n, std::uint64_t seed, float step = 0.1f)
{
    std::vector<float> v(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = (static_cast<float>(i) - static_cast<float>(n) / 2.0f + 0.5f) * step;
    std::mt19937_64 rng(seed);
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[static_cast<std::size_t>(rng() % i)]);
    return v;
}

/// Checks d(sum(f(inputs) * R))/d(input) against central differences for every element of every
/// input that requires a gradient. R is a fixed random weighting so that every output element
/// matters with a different weight.
inline void checkGradients(const std::string& name, std::vector<ad::Var> inputs,
                           const std::function<ad::Var(const std::vector<ad::Var>&)>& f, float eps = 1e-2f,
                           double absTol = 2e-3, double relTol = 2e-2)
{
    const ad::Var probe = f(inputs);
    const auto weights = randomValues(probe.numel(), 99, 0.5f, 1.5f);
    const ad::Var r = ad::Var::constant(probe.shape(), weights);
    auto loss = [&]() -> double {
        ad::NoGradGuard noGrad;
        const ad::Var out = f(inputs);
        double s = 0.0;
        for (std::size_t i = 0; i < weights.size(); ++i) s += static_cast<double>(out.value()[i]) * weights[i];
        return s;
    };
    for (auto& in : inputs) in.clearGrad();
    ad::backward(ad::sum(ad::mul(f(inputs), r)));
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        auto& in = inputs[k];
        if (!in.requiresGrad()) continue;
        const std::vector<float> analytic(in.grad().begin(), in.grad().end());
        QVERIFY2(analytic.size() == static_cast<std::size_t>(in.numel()), (name + ": no gradient for input " + std::to_string(k)).c_str());
        for (std::int64_t i = 0; i < in.numel(); ++i) {
            float& x = in.mutableValue()[static_cast<std::size_t>(i)];
            const float saved = x;
            x = saved + eps;
            const double up = loss();
            x = saved - eps;
            const double down = loss();
            x = saved;
            const double numeric = (up - down) / (2.0 * static_cast<double>(eps));
            const double a = analytic[static_cast<std::size_t>(i)];
            if (std::abs(a - numeric) > absTol + relTol * std::abs(numeric))
                QFAIL((name + ": input " + std::to_string(k) + " element " + std::to_string(i) + ": analytic " +
                       std::to_string(a) + " vs numeric " + std::to_string(numeric))
                          .c_str());
        }
    }
}

}  // namespace qs::test
