// Dense layers: matmul, linear and conv2d (im2col + Eigen GEMM over fixed pixel chunks).
#include "autodiff/ops_internal.h"

#include <Eigen/Core>

#include <algorithm>

namespace qs::ad {

using detail::chunkCount;
using detail::forChunks;
using detail::gradOf;
using detail::makeResult;
using detail::shapeError;
using detail::shapeString;

namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Map = Eigen::Map<RowMat, 0, Eigen::OuterStride<>>;
using CMap = Eigen::Map<const RowMat, 0, Eigen::OuterStride<>>;

constexpr std::int64_t kRowGrain = 512;
constexpr std::int64_t kPixelGrain = 2048;

CMap cmap(const float* p, std::int64_t rows, std::int64_t cols, std::int64_t stride)
{
    return CMap(p, rows, cols, Eigen::OuterStride<>(stride));
}
Map wmap(float* p, std::int64_t rows, std::int64_t cols, std::int64_t stride)
{
    return Map(p, rows, cols, Eigen::OuterStride<>(stride));
}

/// Sums per-chunk partial buffers in chunk order into dst.
void reducePartials(const std::vector<std::vector<float>>& partials, float* dst)
{
    for (const auto& p : partials)
        for (std::size_t i = 0; i < p.size(); ++i) dst[i] += p[i];
}

}  // namespace

Var matmul(const Var& a, const Var& b)
{
    if (a.shape().size() != 2 || b.shape().size() != 2 || a.dim(1) != b.dim(0))
        shapeError("matmul", shapeString(a.shape()) + " x " + shapeString(b.shape()));
    const std::int64_t m = a.dim(0), k = a.dim(1), n = b.dim(1);
    std::vector<float> out(static_cast<std::size_t>(m * n));
    forChunks(m, kRowGrain, [&](std::int64_t, std::int64_t r0, std::int64_t r1) {
        wmap(out.data() + r0 * n, r1 - r0, n, n).noalias() =
            cmap(a.value().data() + r0 * k, r1 - r0, k, k) * cmap(b.value().data(), k, n, n);
    });
    return makeResult({m, n}, std::move(out), {a, b}, [m, k, n](Node& self) {
        const float* av = self.inputs[0]->value.data();
        const float* bv = self.inputs[1]->value.data();
        const float* g = self.grad.data();
        if (float* ga = gradOf(self, 0)) {
            forChunks(m, kRowGrain, [&](std::int64_t, std::int64_t r0, std::int64_t r1) {
                wmap(ga + r0 * k, r1 - r0, k, k).noalias() += cmap(g + r0 * n, r1 - r0, n, n) * cmap(bv, k, n, n).transpose();
            });
        }
        if (float* gb = gradOf(self, 1)) {
            std::vector<std::vector<float>> partials(static_cast<std::size_t>(chunkCount(m, kRowGrain)));
            forChunks(m, kRowGrain, [&](std::int64_t c, std::int64_t r0, std::int64_t r1) {
                auto& p = partials[static_cast<std::size_t>(c)];
                p.assign(static_cast<std::size_t>(k * n), 0.0f);
                wmap(p.data(), k, n, n).noalias() = cmap(av + r0 * k, r1 - r0, k, k).transpose() * cmap(g + r0 * n, r1 - r0, n, n);
            });
            reducePartials(partials, gb);
        }
    });
}

Var linear(const Var& x, const Var& w, const Var& b)
{
    if (x.shape().size() != 2 || w.shape().size() != 2 || x.dim(1) != w.dim(1) ||
        (b.valid() && (b.shape().size() != 1 || b.dim(0) != w.dim(0))))
        shapeError("linear", shapeString(x.shape()) + " with weight " + shapeString(w.shape()));
    const std::int64_t rows = x.dim(0), in = x.dim(1), outC = w.dim(0);
    std::vector<float> out(static_cast<std::size_t>(rows * outC));
    const float* bv = b.valid() ? b.value().data() : nullptr;
    forChunks(rows, kRowGrain, [&](std::int64_t, std::int64_t r0, std::int64_t r1) {
        auto y = wmap(out.data() + r0 * outC, r1 - r0, outC, outC);
        y.noalias() = cmap(x.value().data() + r0 * in, r1 - r0, in, in) * cmap(w.value().data(), outC, in, in).transpose();
        if (bv)
            for (std::int64_t r = 0; r < r1 - r0; ++r)
                for (std::int64_t o = 0; o < outC; ++o) y(r, o) += bv[o];
    });
    std::vector<Var> inputs{x, w};
    if (b.valid()) inputs.push_back(b);
    return makeResult({rows, outC}, std::move(out), inputs, [rows, in, outC](Node& self) {
        const float* xv = self.inputs[0]->value.data();
        const float* wv = self.inputs[1]->value.data();
        const float* g = self.grad.data();
        if (float* gx = gradOf(self, 0)) {
            forChunks(rows, kRowGrain, [&](std::int64_t, std::int64_t r0, std::int64_t r1) {
                wmap(gx + r0 * in, r1 - r0, in, in).noalias() += cmap(g + r0 * outC, r1 - r0, outC, outC) * cmap(wv, outC, in, in);
            });
        }
        float* gw = gradOf(self, 1);
        float* gb = self.inputs.size() > 2 ? gradOf(self, 2) : nullptr;
        if (!gw && !gb) return;
        const std::size_t chunks = static_cast<std::size_t>(chunkCount(rows, kRowGrain));
        std::vector<std::vector<float>> pw(chunks), pb(chunks);
        forChunks(rows, kRowGrain, [&](std::int64_t c, std::int64_t r0, std::int64_t r1) {
            const auto gy = cmap(g + r0 * outC, r1 - r0, outC, outC);
            if (gw) {
                auto& p = pw[static_cast<std::size_t>(c)];
                p.assign(static_cast<std::size_t>(outC * in), 0.0f);
                wmap(p.data(), outC, in, in).noalias() = gy.transpose() * cmap(xv + r0 * in, r1 - r0, in, in);
            }
            if (gb) {
                auto& p = pb[static_cast<std::size_t>(c)];
                p.assign(static_cast<std::size_t>(outC), 0.0f);
                for (std::int64_t r = 0; r < r1 - r0; ++r)
                    for (std::int64_t o = 0; o < outC; ++o) p[static_cast<std::size_t>(o)] += gy(r, o);
            }
        });
        if (gw) reducePartials(pw, gw);
        if (gb) reducePartials(pb, gb);
    });
}

namespace {

struct ConvGeom {
    std::int64_t n, c, h, w, o, k, ho, wo, stride, pad;
    std::int64_t ckk() const { return c * k * k; }
    std::int64_t pixels() const { return ho * wo; }
};

/// col[(c, ki, kj), j] = x[c, iy, ix] for output pixels p0 .. p0 + cols - 1 of one image.
/// Walks the chunk one output row at a time so the valid part of each segment is a plain
/// (strided) copy without per-element bounds checks.
void im2colChunk(const ConvGeom& g, const float* x, std::int64_t p0, std::int64_t cols, float* col)
{
    for (std::int64_t ch = 0; ch < g.c; ++ch) {
        const float* plane = x + ch * g.h * g.w;
        for (std::int64_t ki = 0; ki < g.k; ++ki)
            for (std::int64_t kj = 0; kj < g.k; ++kj) {
                float* row = col + ((ch * g.k + ki) * g.k + kj) * cols;
                for (std::int64_t j = 0; j < cols;) {
                    const std::int64_t p = p0 + j, oy = p / g.wo, ox0 = p % g.wo;
                    const std::int64_t len = std::min(g.wo - ox0, cols - j);
                    const std::int64_t iy = oy * g.stride - g.pad + ki;
                    float* dst = row + j;
                    j += len;
                    if (iy < 0 || iy >= g.h) {
                        std::fill(dst, dst + len, 0.0f);
                        continue;
                    }
                    // ix = (ox0 + t) * stride - pad + kj must lie in [0, w).
                    const std::int64_t base = ox0 * g.stride - g.pad + kj;
                    std::int64_t lo = base >= 0 ? 0 : (-base + g.stride - 1) / g.stride;
                    std::int64_t hi = base > g.w - 1 ? 0 : (g.w - 1 - base) / g.stride + 1;
                    lo = std::min(lo, len), hi = std::clamp(hi, lo, len);
                    std::fill(dst, dst + lo, 0.0f);
                    const float* src = plane + iy * g.w;
                    if (g.stride == 1) std::copy(src + base + lo, src + base + hi, dst + lo);
                    else
                        for (std::int64_t t = lo; t < hi; ++t) dst[t] = src[base + t * g.stride];
                    std::fill(dst + hi, dst + len, 0.0f);
                }
            }
    }
}

void convBackward(Node& self, const ConvGeom& g)
{
    const float* xv = self.inputs[0]->value.data();
    const float* wv = self.inputs[1]->value.data();
    const float* gy = self.grad.data();
    float* gx = gradOf(self, 0);
    float* gw = gradOf(self, 1);
    float* gb = self.inputs.size() > 2 ? gradOf(self, 2) : nullptr;
    const std::int64_t ckk = g.ckk(), pix = g.pixels();
    const std::int64_t perImage = chunkCount(pix, kPixelGrain);
    std::vector<std::vector<float>> pw(static_cast<std::size_t>(gw ? g.n * perImage : 0));
    std::vector<float> dcol(gx ? static_cast<std::size_t>(g.n * ckk * pix) : 0);
    forChunks(g.n * perImage, 1, [&](std::int64_t task, std::int64_t, std::int64_t) {
        const std::int64_t img = task / perImage, p0 = (task % perImage) * kPixelGrain;
        const std::int64_t cols = std::min(kPixelGrain, pix - p0);
        const auto dy = cmap(gy + img * g.o * pix + p0, g.o, cols, pix);
        if (gw) {
            std::vector<float> col(static_cast<std::size_t>(ckk * cols));
            im2colChunk(g, xv + img * g.c * g.h * g.w, p0, cols, col.data());
            auto& p = pw[static_cast<std::size_t>(task)];
            p.assign(static_cast<std::size_t>(g.o * ckk), 0.0f);
            wmap(p.data(), g.o, ckk, ckk).noalias() = dy * cmap(col.data(), ckk, cols, cols).transpose();
        }
        if (gx)
            wmap(dcol.data() + img * ckk * pix + p0, ckk, cols, pix).noalias() = cmap(wv, g.o, ckk, ckk).transpose() * dy;
    });
    if (gw) reducePartials(pw, gw);
    if (gb) {
        forChunks(g.o, 1, [&](std::int64_t o, std::int64_t, std::int64_t) {
            double s = 0.0;
            for (std::int64_t img = 0; img < g.n; ++img) {
                const float* row = gy + (img * g.o + o) * pix;
                for (std::int64_t p = 0; p < pix; ++p) s += row[p];
            }
            gb[o] += static_cast<float>(s);
        });
    }
    if (gx) {
        // col2im: each (image, channel) task owns its input plane, loops in a fixed order.
        forChunks(g.n * g.c, 1, [&](std::int64_t task, std::int64_t, std::int64_t) {
            const std::int64_t img = task / g.c, ch = task % g.c;
            float* plane = gx + (img * g.c + ch) * g.h * g.w;
            for (std::int64_t ki = 0; ki < g.k; ++ki)
                for (std::int64_t kj = 0; kj < g.k; ++kj) {
                    const float* row = dcol.data() + img * ckk * pix + ((ch * g.k + ki) * g.k + kj) * pix;
                    for (std::int64_t oy = 0; oy < g.ho; ++oy) {
                        const std::int64_t iy = oy * g.stride - g.pad + ki;
                        if (iy < 0 || iy >= g.h) continue;
                        for (std::int64_t ox = 0; ox < g.wo; ++ox) {
                            const std::int64_t ix = ox * g.stride - g.pad + kj;
                            if (ix >= 0 && ix < g.w) plane[iy * g.w + ix] += row[oy * g.wo + ox];
                        }
                    }
                }
        });
    }
}

}  // namespace

Var conv2d(const Var& x, const Var& w, const Var& b, Conv2dOptions opt)
{
    if (x.shape().size() != 4 || w.shape().size() != 4 || w.dim(1) != x.dim(1) || w.dim(2) != w.dim(3) ||
        (b.valid() && (b.shape().size() != 1 || b.dim(0) != w.dim(0))) || opt.stride < 1 || opt.padding < 0)
        shapeError("conv2d", shapeString(x.shape()) + " with weight " + shapeString(w.shape()));
    ConvGeom g{x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2), 0, 0, opt.stride, opt.padding};
    g.ho = (g.h + 2 * g.pad - g.k) / g.stride + 1;
    g.wo = (g.w + 2 * g.pad - g.k) / g.stride + 1;
    if (g.ho <= 0 || g.wo <= 0) shapeError("conv2d", "kernel larger than the padded input " + shapeString(x.shape()));
    const std::int64_t ckk = g.ckk(), pix = g.pixels();
    std::vector<float> out(static_cast<std::size_t>(g.n * g.o * pix));
    const std::int64_t perImage = chunkCount(pix, kPixelGrain);
    const float* bv = b.valid() ? b.value().data() : nullptr;
    forChunks(g.n * perImage, 1, [&](std::int64_t task, std::int64_t, std::int64_t) {
        const std::int64_t img = task / perImage, p0 = (task % perImage) * kPixelGrain;
        const std::int64_t cols = std::min(kPixelGrain, pix - p0);
        std::vector<float> col(static_cast<std::size_t>(ckk * cols));
        im2colChunk(g, x.value().data() + img * g.c * g.h * g.w, p0, cols, col.data());
        auto y = wmap(out.data() + img * g.o * pix + p0, g.o, cols, pix);
        y.noalias() = cmap(w.value().data(), g.o, ckk, ckk) * cmap(col.data(), ckk, cols, cols);
        if (bv)
            for (std::int64_t o = 0; o < g.o; ++o) y.row(o).array() += bv[o];
    });
    std::vector<Var> inputs{x, w};
    if (b.valid()) inputs.push_back(b);
    return makeResult({g.n, g.o, g.ho, g.wo}, std::move(out), inputs, [g](Node& self) { convBackward(self, g); });
}

}  // namespace qs::ad
