// Max pooling, scatter/gather for sparse inputs (pillars on a bird's-eye grid), fake quantization.
#include "autodiff/ops_internal.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qs::ad {

using detail::forChunks;
using detail::gradOf;
using detail::makeResult;
using detail::shapeError;
using detail::shapeString;

Var maxPool2d(const Var& x, int kernel, int stride, int padding)
{
    if (x.shape().size() != 4 || kernel < 1 || stride < 1 || padding < 0 || padding >= kernel)
        shapeError("maxPool2d", shapeString(x.shape()) + " kernel " + std::to_string(kernel));
    const std::int64_t n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
    const std::int64_t ho = (h + 2 * padding - kernel) / stride + 1, wo = (w + 2 * padding - kernel) / stride + 1;
    if (ho <= 0 || wo <= 0) shapeError("maxPool2d", "window larger than the input " + shapeString(x.shape()));
    std::vector<float> out(static_cast<std::size_t>(n * c * ho * wo));
    std::vector<std::int32_t> arg(out.size());
    const float* xv = x.value().data();
    forChunks(n * c, 1, [&](std::int64_t plane, std::int64_t, std::int64_t) {
        const float* in = xv + plane * h * w;
        for (std::int64_t oy = 0; oy < ho; ++oy)
            for (std::int64_t ox = 0; ox < wo; ++ox) {
                float best = -std::numeric_limits<float>::infinity();
                std::int64_t bi = -1;
                for (int ki = 0; ki < kernel; ++ki)
                    for (int kj = 0; kj < kernel; ++kj) {
                        const std::int64_t iy = oy * stride - padding + ki, ix = ox * stride - padding + kj;
                        if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                        if (bi < 0 || in[iy * w + ix] > best) best = in[iy * w + ix], bi = iy * w + ix;
                    }
                const auto o = static_cast<std::size_t>((plane * ho + oy) * wo + ox);
                out[o] = best;
                arg[o] = static_cast<std::int32_t>(bi);
            }
    });
    return makeResult({n, c, ho, wo}, std::move(out), {x}, [n, c, h, w, ho, wo, arg = std::move(arg)](Node& self) {
        float* gx = gradOf(self, 0);
        if (!gx) return;
        forChunks(n * c, 1, [&](std::int64_t plane, std::int64_t, std::int64_t) {
            for (std::int64_t i = 0; i < ho * wo; ++i) {
                const auto o = static_cast<std::size_t>(plane * ho * wo + i);
                gx[plane * h * w + arg[o]] += self.grad[o];
            }
        });
    });
}

Var scatterMax(const Var& x, std::span<const std::int32_t> index, std::int64_t segments)
{
    if (x.shape().size() != 2 || static_cast<std::int64_t>(index.size()) != x.dim(0) || segments < 0)
        shapeError("scatterMax", shapeString(x.shape()) + " with " + std::to_string(index.size()) + " indices");
    const std::int64_t m = x.dim(0), c = x.dim(1);
    for (auto i : index)
        if (i < 0 || i >= segments) throw InvalidArgument("autodiff scatterMax: index out of range");
    std::vector<float> out(static_cast<std::size_t>(segments * c), 0.0f);
    std::vector<std::int32_t> arg(out.size(), -1);
    const float* xv = x.value().data();
    forChunks(c, 1, [&](std::int64_t ch, std::int64_t, std::int64_t) {
        for (std::int64_t i = 0; i < m; ++i) {
            const auto o = static_cast<std::size_t>(index[static_cast<std::size_t>(i)] * c + ch);
            const float v = xv[i * c + ch];
            if (arg[o] < 0 || v > out[o]) out[o] = v, arg[o] = static_cast<std::int32_t>(i);
        }
    });
    return makeResult({segments, c}, std::move(out), {x}, [c, arg = std::move(arg)](Node& self) {
        float* gx = gradOf(self, 0);
        if (!gx) return;
        for (std::size_t o = 0; o < arg.size(); ++o)
            if (arg[o] >= 0) gx[static_cast<std::int64_t>(arg[o]) * c + static_cast<std::int64_t>(o) % c] += self.grad[o];
    });
}

Var scatterToGrid(const Var& x, std::span<const std::int32_t> target, std::int64_t n, std::int64_t h, std::int64_t w)
{
    if (x.shape().size() != 2 || static_cast<std::int64_t>(target.size()) != x.dim(0) || n < 1 || h < 1 || w < 1)
        shapeError("scatterToGrid", shapeString(x.shape()) + " with " + std::to_string(target.size()) + " targets");
    const std::int64_t p = x.dim(0), c = x.dim(1), hw = h * w;
    std::vector<float> out(static_cast<std::size_t>(n * c * hw), 0.0f);
    std::vector<std::int32_t> tgt(target.begin(), target.end());
    for (std::int64_t i = 0; i < p; ++i) {
        const std::int64_t t = tgt[static_cast<std::size_t>(i)];
        if (t < 0 || t >= n * hw) throw InvalidArgument("autodiff scatterToGrid: target out of range");
        const std::int64_t img = t / hw, pix = t % hw;
        for (std::int64_t ch = 0; ch < c; ++ch) out[static_cast<std::size_t>((img * c + ch) * hw + pix)] = x.value()[static_cast<std::size_t>(i * c + ch)];
    }
    return makeResult({n, c, h, w}, std::move(out), {x}, [p, c, hw, tgt = std::move(tgt)](Node& self) {
        float* gx = gradOf(self, 0);
        if (!gx) return;
        for (std::int64_t i = 0; i < p; ++i) {
            const std::int64_t t = tgt[static_cast<std::size_t>(i)], img = t / hw, pix = t % hw;
            for (std::int64_t ch = 0; ch < c; ++ch) gx[i * c + ch] += self.grad[static_cast<std::size_t>((img * c + ch) * hw + pix)];
        }
    });
}

Var gatherPixels(const Var& x, std::span<const std::int32_t> pixels)
{
    if (x.shape().size() != 4) shapeError("gatherPixels", "needs [N, C, H, W], got " + shapeString(x.shape()));
    const std::int64_t n = x.dim(0), c = x.dim(1), hw = x.dim(2) * x.dim(3), k = static_cast<std::int64_t>(pixels.size());
    std::vector<std::int32_t> px(pixels.begin(), pixels.end());
    std::vector<float> out(static_cast<std::size_t>(k * c));
    for (std::int64_t i = 0; i < k; ++i) {
        const std::int64_t t = px[static_cast<std::size_t>(i)];
        if (t < 0 || t >= n * hw) throw InvalidArgument("autodiff gatherPixels: pixel out of range");
        const std::int64_t img = t / hw, pix = t % hw;
        for (std::int64_t ch = 0; ch < c; ++ch) out[static_cast<std::size_t>(i * c + ch)] = x.value()[static_cast<std::size_t>((img * c + ch) * hw + pix)];
    }
    return makeResult({k, c}, std::move(out), {x}, [k, c, hw, px = std::move(px)](Node& self) {
        float* gx = gradOf(self, 0);
        if (!gx) return;
        for (std::int64_t i = 0; i < k; ++i) {
            const std::int64_t t = px[static_cast<std::size_t>(i)], img = t / hw, pix = t % hw;
            for (std::int64_t ch = 0; ch < c; ++ch) gx[(img * c + ch) * hw + pix] += self.grad[static_cast<std::size_t>(i * c + ch)];
        }
    });
}

Var fakeQuant(const Var& x, float lo, float hi, int bits)
{
    if (bits < 2 || bits > 16 || !(hi > lo)) throw InvalidArgument("autodiff fakeQuant: needs 2..16 bits and hi > lo");
    const float levels = static_cast<float>((1 << bits) - 1);
    const float step = (hi - lo) / levels;
    // The zero point is an integer so that 0 is represented exactly (zero padding, ReLU zeros).
    const float zero = std::round(-lo / step);
    std::vector<float> out(static_cast<std::size_t>(x.numel()));
    const float* xv = x.value().data();
    forChunks(x.numel(), 1 << 16, [&](std::int64_t, std::int64_t b, std::int64_t e) {
        for (auto i = b; i < e; ++i) {
            const float q = std::clamp(std::round(xv[i] / step) + zero, 0.0f, levels);
            out[static_cast<std::size_t>(i)] = (q - zero) * step;
        }
    });
    return makeResult(x.shape(), std::move(out), {x}, [lo, hi](Node& self) {
        float* gx = gradOf(self, 0);
        if (!gx) return;
        const float* xv = self.inputs[0]->value.data();
        for (std::size_t i = 0; i < self.grad.size(); ++i)
            if (xv[i] >= lo && xv[i] <= hi) gx[i] += self.grad[i];
    });
}

}  // namespace qs::ad
