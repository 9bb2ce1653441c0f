// Losses (scalar outputs) and the Adam optimizer.
#include "autodiff/ops_internal.h"

#include <cmath>

namespace qs::ad {

using detail::gradOf;
using detail::makeResult;
using detail::shapeError;
using detail::shapeString;

namespace {
/// log(1 + exp(v)) without overflow.
double softplus(double v) { return v > 0 ? v + std::log1p(std::exp(-v)) : std::log1p(std::exp(v)); }
}  // namespace

Var mseLoss(const Var& pred, const Var& target)
{
    if (pred.shape() != target.shape()) shapeError("mseLoss", shapeString(pred.shape()) + " vs " + shapeString(target.shape()));
    const auto n = pred.numel();
    double s = 0.0;
    for (std::int64_t i = 0; i < n; ++i) {
        const double d = static_cast<double>(pred.value()[static_cast<std::size_t>(i)]) - target.value()[static_cast<std::size_t>(i)];
        s += d * d;
    }
    const double inv = n > 0 ? 1.0 / static_cast<double>(n) : 0.0;
    return makeResult({}, {static_cast<float>(s * inv)}, {pred, target}, [inv](Node& self) {
        const float* p = self.inputs[0]->value.data();
        const float* t = self.inputs[1]->value.data();
        const double k = 2.0 * inv * self.grad[0];
        float* gp = gradOf(self, 0);
        float* gt = gradOf(self, 1);
        for (std::size_t i = 0; i < self.inputs[0]->value.size(); ++i) {
            const float d = static_cast<float>(k * (static_cast<double>(p[i]) - t[i]));
            if (gp) gp[i] += d;
            if (gt) gt[i] -= d;
        }
    });
}

Var smoothL1Loss(const Var& pred, std::span<const float> target, std::span<const float> weight, float beta,
                 float normalizer)
{
    const auto n = static_cast<std::size_t>(pred.numel());
    if (target.size() != n || weight.size() != n || !(normalizer > 0.0f) || beta < 0.0f)
        shapeError("smoothL1Loss", shapeString(pred.shape()) + " with " + std::to_string(target.size()) + " targets");
    std::vector<float> t(target.begin(), target.end()), w(weight.begin(), weight.end());
    double s = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double d = std::abs(static_cast<double>(pred.value()[i]) - t[i]);
        s += w[i] * (d < beta ? 0.5 * d * d / beta : d - 0.5 * beta);
    }
    return makeResult({}, {static_cast<float>(s / normalizer)}, {pred},
                      [t = std::move(t), w = std::move(w), beta, normalizer](Node& self) {
        float* gp = gradOf(self, 0);
        if (!gp) return;
        const float* p = self.inputs[0]->value.data();
        const float k = self.grad[0] / normalizer;
        for (std::size_t i = 0; i < t.size(); ++i) {
            const float d = p[i] - t[i];
            const float g = std::abs(d) < beta ? d / beta : (d > 0.0f ? 1.0f : (d < 0.0f ? -1.0f : 0.0f));
            gp[i] += k * w[i] * g;
        }
    });
}

Var focalLoss(const Var& logits, std::span<const float> target, float alpha, float beta)
{
    const auto n = static_cast<std::size_t>(logits.numel());
    if (target.size() != n) shapeError("focalLoss", shapeString(logits.shape()) + " with " + std::to_string(target.size()) + " targets");
    std::vector<float> t(target.begin(), target.end());
    double s = 0.0;
    std::int64_t positives = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double l = logits.value()[i];
        const double p = 1.0 / (1.0 + std::exp(-l));
        const double logP = -softplus(-l), log1mP = -softplus(l);
        if (t[i] == 1.0f) {
            s -= std::pow(1.0 - p, alpha) * logP;
            ++positives;
        } else {
            s -= std::pow(1.0 - t[i], beta) * std::pow(p, alpha) * log1mP;
        }
    }
    const double norm = static_cast<double>(std::max<std::int64_t>(1, positives));
    return makeResult({}, {static_cast<float>(s / norm)}, {logits}, [t = std::move(t), alpha, beta, norm](Node& self) {
        float* gl = gradOf(self, 0);
        if (!gl) return;
        const float* lv = self.inputs[0]->value.data();
        const double k = self.grad[0] / norm;
        for (std::size_t i = 0; i < t.size(); ++i) {
            const double l = lv[i];
            const double p = 1.0 / (1.0 + std::exp(-l));
            double d;
            if (t[i] == 1.0f) d = std::pow(1.0 - p, alpha) * (alpha * p * -softplus(-l) - (1.0 - p));
            else d = -std::pow(1.0 - t[i], beta) * std::pow(p, alpha) * (alpha * (1.0 - p) * -softplus(l) - p);
            gl[i] += static_cast<float>(k * d);
        }
    });
}

Adam::Adam(std::vector<Var> params, AdamOptions opt) : m_params(std::move(params)), m_opt(opt)
{
    for (const auto& p : m_params) {
        m_m.emplace_back(static_cast<std::size_t>(p.numel()), 0.0f);
        m_v.emplace_back(static_cast<std::size_t>(p.numel()), 0.0f);
    }
}

void Adam::step()
{
    ++m_t;
    const double bc1 = 1.0 - std::pow(static_cast<double>(m_opt.beta1), static_cast<double>(m_t));
    const double bc2 = 1.0 - std::pow(static_cast<double>(m_opt.beta2), static_cast<double>(m_t));
    for (std::size_t k = 0; k < m_params.size(); ++k) {
        auto& p = m_params[k];
        auto value = p.mutableValue();
        const auto grad = p.grad();
        auto& m = m_m[k];
        auto& v = m_v[k];
        for (std::size_t i = 0; i < value.size(); ++i) {
            const float g = grad.empty() ? 0.0f : grad[i];
            m[i] = m_opt.beta1 * m[i] + (1.0f - m_opt.beta1) * g;
            v[i] = m_opt.beta2 * v[i] + (1.0f - m_opt.beta2) * g * g;
            const double mh = m[i] / bc1, vh = v[i] / bc2;
            value[i] -= static_cast<float>(m_opt.lr * (mh / (std::sqrt(vh) + m_opt.eps) + m_opt.weightDecay * value[i]));
        }
        p.clearGrad();
    }
}

}  // namespace qs::ad
