// Batch norm (train/eval) and layer norm.
#include "autodiff/ops_internal.h"

#include <cmath>

namespace qs::ad {

using detail::chunkCount;
using detail::forChunks;
using detail::gradOf;
using detail::makeResult;
using detail::shapeError;
using detail::shapeString;

Var batchNorm(const Var& x, const Var& gamma, const Var& beta, BatchNormState& state, bool train)
{
    if (x.shape().size() < 2) shapeError("batchNorm", "needs [N, C, ...], got " + shapeString(x.shape()));
    const std::int64_t n = x.dim(0), c = x.dim(1), s = c == 0 || n == 0 ? 0 : x.numel() / (n * c);
    if (gamma.numel() != c || beta.numel() != c || static_cast<std::int64_t>(state.runningMean.size()) != c ||
        static_cast<std::int64_t>(state.runningVar.size()) != c)
        shapeError("batchNorm", shapeString(x.shape()) + " with " + std::to_string(gamma.numel()) + " channels of gamma");
    const std::int64_t m = n * s;
    if (train && m < 2) shapeError("batchNorm", "training needs at least 2 values per channel");
    std::vector<float> out(static_cast<std::size_t>(x.numel()));
    std::vector<float> xhat(static_cast<std::size_t>(x.numel()));
    std::vector<float> invStd(static_cast<std::size_t>(c));
    const float* xv = x.value().data();
    forChunks(c, 1, [&](std::int64_t ch, std::int64_t, std::int64_t) {
        double mu, var;
        if (train) {
            double sum = 0.0, sq = 0.0;
            for (std::int64_t b = 0; b < n; ++b)
                for (std::int64_t i = 0; i < s; ++i) sum += xv[(b * c + ch) * s + i];
            mu = sum / static_cast<double>(m);
            for (std::int64_t b = 0; b < n; ++b)
                for (std::int64_t i = 0; i < s; ++i) {
                    const double d = xv[(b * c + ch) * s + i] - mu;
                    sq += d * d;
                }
            var = sq / static_cast<double>(m);
            const auto k = static_cast<std::size_t>(ch);
            state.runningMean[k] = static_cast<float>((1.0 - state.momentum) * state.runningMean[k] + state.momentum * mu);
            state.runningVar[k] = static_cast<float>((1.0 - state.momentum) * state.runningVar[k] +
                                                     state.momentum * var * static_cast<double>(m) / static_cast<double>(m - 1));
        } else {
            mu = state.runningMean[static_cast<std::size_t>(ch)];
            var = state.runningVar[static_cast<std::size_t>(ch)];
        }
        const double is = 1.0 / std::sqrt(var + state.eps);
        invStd[static_cast<std::size_t>(ch)] = static_cast<float>(is);
        const float gm = gamma.value()[static_cast<std::size_t>(ch)], bt = beta.value()[static_cast<std::size_t>(ch)];
        for (std::int64_t b = 0; b < n; ++b)
            for (std::int64_t i = 0; i < s; ++i) {
                const auto idx = static_cast<std::size_t>((b * c + ch) * s + i);
                xhat[idx] = static_cast<float>((xv[idx] - mu) * is);
                out[idx] = gm * xhat[idx] + bt;
            }
    });
    return makeResult(x.shape(), std::move(out), {x, gamma, beta},
                      [n, c, s, m, train, xhat = std::move(xhat), invStd = std::move(invStd)](Node& self) {
        float* gx = gradOf(self, 0);
        float* gg = gradOf(self, 1);
        float* gbeta = gradOf(self, 2);
        const float* gy = self.grad.data();
        const float* gm = self.inputs[1]->value.data();
        forChunks(c, 1, [&](std::int64_t ch, std::int64_t, std::int64_t) {
            double sg = 0.0, sgx = 0.0;
            for (std::int64_t b = 0; b < n; ++b)
                for (std::int64_t i = 0; i < s; ++i) {
                    const auto idx = static_cast<std::size_t>((b * c + ch) * s + i);
                    sg += gy[idx];
                    sgx += static_cast<double>(gy[idx]) * xhat[idx];
                }
            if (gg) gg[ch] += static_cast<float>(sgx);
            if (gbeta) gbeta[ch] += static_cast<float>(sg);
            if (!gx) return;
            const double k = static_cast<double>(gm[ch]) * invStd[static_cast<std::size_t>(ch)];
            const double md = static_cast<double>(m);
            for (std::int64_t b = 0; b < n; ++b)
                for (std::int64_t i = 0; i < s; ++i) {
                    const auto idx = static_cast<std::size_t>((b * c + ch) * s + i);
                    gx[idx] += train ? static_cast<float>(k / md * (md * gy[idx] - sg - xhat[idx] * sgx))
                                     : static_cast<float>(k * gy[idx]);
                }
        });
    });
}

Var layerNorm(const Var& x, const Var& gamma, const Var& beta, float eps)
{
    if (x.shape().empty()) shapeError("layerNorm", "needs at least one axis");
    const std::int64_t d = x.shape().back();
    if (gamma.numel() != d || beta.numel() != d || d == 0)
        shapeError("layerNorm", shapeString(x.shape()) + " with gamma of " + std::to_string(gamma.numel()));
    const std::int64_t rows = x.numel() / d;
    std::vector<float> out(static_cast<std::size_t>(x.numel())), xhat(out.size()), invStd(static_cast<std::size_t>(rows));
    const float* xv = x.value().data();
    const float* gmv = gamma.value().data();
    const float* btv = beta.value().data();
    forChunks(rows, 256, [&](std::int64_t, std::int64_t r0, std::int64_t r1) {
        for (std::int64_t r = r0; r < r1; ++r) {
            const float* row = xv + r * d;
            double mu = 0.0, sq = 0.0;
            for (std::int64_t i = 0; i < d; ++i) mu += row[i];
            mu /= static_cast<double>(d);
            for (std::int64_t i = 0; i < d; ++i) sq += (row[i] - mu) * (row[i] - mu);
            const double is = 1.0 / std::sqrt(sq / static_cast<double>(d) + eps);
            invStd[static_cast<std::size_t>(r)] = static_cast<float>(is);
            for (std::int64_t i = 0; i < d; ++i) {
                const auto idx = static_cast<std::size_t>(r * d + i);
                xhat[idx] = static_cast<float>((row[i] - mu) * is);
                out[idx] = gmv[i] * xhat[idx] + btv[i];
            }
        }
    });
    return makeResult(x.shape(), std::move(out), {x, gamma, beta},
                      [rows, d, xhat = std::move(xhat), invStd = std::move(invStd)](Node& self) {
        float* gx = gradOf(self, 0);
        float* gg = gradOf(self, 1);
        float* gb = gradOf(self, 2);
        const float* gy = self.grad.data();
        const float* gm = self.inputs[1]->value.data();
        constexpr std::int64_t kGrain = 256;
        const auto chunks = static_cast<std::size_t>(chunkCount(rows, kGrain));
        std::vector<std::vector<double>> pg(chunks), pb(chunks);
        forChunks(rows, kGrain, [&](std::int64_t c, std::int64_t r0, std::int64_t r1) {
            auto& pgc = pg[static_cast<std::size_t>(c)];
            auto& pbc = pb[static_cast<std::size_t>(c)];
            pgc.assign(static_cast<std::size_t>(d), 0.0);
            pbc.assign(static_cast<std::size_t>(d), 0.0);
            for (std::int64_t r = r0; r < r1; ++r) {
                double s1 = 0.0, s2 = 0.0;
                for (std::int64_t i = 0; i < d; ++i) {
                    const auto idx = static_cast<std::size_t>(r * d + i);
                    const double gh = static_cast<double>(gy[idx]) * gm[i];
                    s1 += gh;
                    s2 += gh * xhat[idx];
                    pgc[static_cast<std::size_t>(i)] += static_cast<double>(gy[idx]) * xhat[idx];
                    pbc[static_cast<std::size_t>(i)] += gy[idx];
                }
                if (!gx) continue;
                const double is = invStd[static_cast<std::size_t>(r)], dd = static_cast<double>(d);
                for (std::int64_t i = 0; i < d; ++i) {
                    const auto idx = static_cast<std::size_t>(r * d + i);
                    const double gh = static_cast<double>(gy[idx]) * gm[i];
                    gx[idx] += static_cast<float>(is / dd * (dd * gh - s1 - xhat[idx] * s2));
                }
            }
        });
        for (std::size_t c = 0; c < chunks; ++c)
            for (std::int64_t i = 0; i < d; ++i) {
                if (gg) gg[i] += static_cast<float>(pg[c][static_cast<std::size_t>(i)]);
                if (gb) gb[i] += static_cast<float>(pb[c][static_cast<std::size_t>(i)]);
            }
    });
}

}  // namespace qs::ad
