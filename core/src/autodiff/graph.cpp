// The graph: nodes, backward traversal, grad mode, element-wise operations and reductions.
#include "autodiff/ops_internal.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <unordered_set>

namespace qs::ad {

namespace {
thread_local bool t_gradEnabled = true;
constexpr std::int64_t kElementGrain = 1 << 16;
}  // namespace

std::int64_t numelOf(const Shape& s)
{
    std::int64_t n = 1;
    for (auto d : s) {
        if (d < 0) throw InvalidArgument("autodiff: negative dimension in shape " + detail::shapeString(s));
        n *= d;
    }
    return n;
}

std::vector<float>& Node::ensureGrad()
{
    if (grad.size() != value.size()) grad.assign(value.size(), 0.0f);
    return grad;
}

Var Var::constant(Shape shape, std::vector<float> values)
{
    if (numelOf(shape) != static_cast<std::int64_t>(values.size()))
        detail::shapeError("constant", detail::shapeString(shape) + " vs " + std::to_string(values.size()) + " values");
    auto n = std::make_shared<Node>();
    n->shape = std::move(shape);
    n->value = std::move(values);
    return Var(std::move(n));
}

Var Var::parameter(Shape shape, std::vector<float> values)
{
    Var v = constant(std::move(shape), std::move(values));
    v.node().requiresGrad = true;
    return v;
}

Var Var::zeros(Shape shape, bool requiresGrad)
{
    const auto n = numelOf(shape);
    Var v = constant(std::move(shape), std::vector<float>(static_cast<std::size_t>(n), 0.0f));
    v.node().requiresGrad = requiresGrad;
    return v;
}

NoGradGuard::NoGradGuard() : m_previous(t_gradEnabled) { t_gradEnabled = false; }
NoGradGuard::~NoGradGuard() { t_gradEnabled = m_previous; }
bool gradEnabled() noexcept { return t_gradEnabled; }

namespace detail {

Var makeResult(Shape shape, std::vector<float> value, std::vector<Var> inputs, std::function<void(Node&)> backward)
{
    auto n = std::make_shared<Node>();
    n->shape = std::move(shape);
    n->value = std::move(value);
    const bool any = t_gradEnabled && std::any_of(inputs.begin(), inputs.end(), [](const Var& v) { return v.requiresGrad(); });
    if (any) {
        n->requiresGrad = true;
        n->inputs.reserve(inputs.size());
        for (auto& v : inputs) n->inputs.push_back(v.ptr());
        n->backward = std::move(backward);
    }
    return Var(std::move(n));
}

std::string shapeString(const Shape& s)
{
    std::ostringstream os;
    os << '[';
    for (std::size_t i = 0; i < s.size(); ++i) os << (i ? ", " : "") << s[i];
    os << ']';
    return os.str();
}

void shapeError(const char* op, const std::string& what)
{
    throw InvalidArgument(std::string("autodiff ") + op + ": shape mismatch: " + what);
}

}  // namespace detail

using detail::forChunks;
using detail::gradOf;
using detail::makeResult;

void backward(const Var& loss)
{
    if (!loss.valid() || loss.numel() != 1) throw InvalidArgument("autodiff backward: the loss must be a scalar");
    if (!loss.requiresGrad()) return;
    // Iterative post-order DFS: a node comes after all nodes it feeds into when reversed.
    std::vector<Node*> order;
    std::unordered_set<Node*> seen;
    std::vector<std::pair<Node*, std::size_t>> stack{{loss.ptr().get(), 0}};
    seen.insert(loss.ptr().get());
    while (!stack.empty()) {
        auto& [node, next] = stack.back();
        if (next < node->inputs.size()) {
            Node* in = node->inputs[next++].get();
            if (in && in->requiresGrad && seen.insert(in).second) stack.push_back({in, 0});
        } else {
            order.push_back(node);
            stack.pop_back();
        }
    }
    loss.node().ensureGrad()[0] += 1.0f;
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        Node* n = *it;
        if (n->backward && !n->grad.empty()) n->backward(*n);
    }
}

// ---- element-wise ---------------------------------------------------------------------------

namespace {

void requireSameShape(const char* op, const Var& a, const Var& b)
{
    if (a.shape() != b.shape())
        detail::shapeError(op, detail::shapeString(a.shape()) + " vs " + detail::shapeString(b.shape()));
}

/// out[i] = f(x[i]); backward: gx[i] += g[i] * df(x[i], out[i]).
template <class F, class DF>
Var unary(const Var& x, F f, DF df)
{
    const auto n = x.numel();
    std::vector<float> out(static_cast<std::size_t>(n));
    const float* xv = x.value().data();
    forChunks(n, kElementGrain, [&](std::int64_t, std::int64_t b, std::int64_t e) {
        for (auto i = b; i < e; ++i) out[static_cast<std::size_t>(i)] = f(xv[i]);
    });
    return makeResult(x.shape(), std::move(out), {x}, [df](Node& self) {
        float* gx = gradOf(self, 0);
        if (!gx) return;
        const float* xv = self.inputs[0]->value.data();
        const float* ov = self.value.data();
        const float* g = self.grad.data();
        forChunks(self.numel(), kElementGrain, [&](std::int64_t, std::int64_t b, std::int64_t e) {
            for (auto i = b; i < e; ++i) gx[i] += g[i] * df(xv[i], ov[i]);
        });
    });
}

}  // namespace

Var add(const Var& a, const Var& b)
{
    requireSameShape("add", a, b);
    std::vector<float> out(a.value().begin(), a.value().end());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] += b.value()[i];
    return makeResult(a.shape(), std::move(out), {a, b}, [](Node& self) {
        for (std::size_t k = 0; k < 2; ++k)
            if (float* g = gradOf(self, k))
                for (std::size_t i = 0; i < self.grad.size(); ++i) g[i] += self.grad[i];
    });
}

Var sub(const Var& a, const Var& b)
{
    requireSameShape("sub", a, b);
    std::vector<float> out(a.value().begin(), a.value().end());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] -= b.value()[i];
    return makeResult(a.shape(), std::move(out), {a, b}, [](Node& self) {
        if (float* g = gradOf(self, 0))
            for (std::size_t i = 0; i < self.grad.size(); ++i) g[i] += self.grad[i];
        if (float* g = gradOf(self, 1))
            for (std::size_t i = 0; i < self.grad.size(); ++i) g[i] -= self.grad[i];
    });
}

Var mul(const Var& a, const Var& b)
{
    requireSameShape("mul", a, b);
    std::vector<float> out(a.value().begin(), a.value().end());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] *= b.value()[i];
    return makeResult(a.shape(), std::move(out), {a, b}, [](Node& self) {
        const float* av = self.inputs[0]->value.data();
        const float* bv = self.inputs[1]->value.data();
        if (float* g = gradOf(self, 0))
            for (std::size_t i = 0; i < self.grad.size(); ++i) g[i] += self.grad[i] * bv[i];
        if (float* g = gradOf(self, 1))
            for (std::size_t i = 0; i < self.grad.size(); ++i) g[i] += self.grad[i] * av[i];
    });
}

Var scale(const Var& a, float s)
{
    return unary(a, [s](float x) { return x * s; }, [s](float, float) { return s; });
}

Var addScalar(const Var& a, float s)
{
    return unary(a, [s](float x) { return x + s; }, [](float, float) { return 1.0f; });
}

Var relu(const Var& x)
{
    return unary(x, [](float v) { return v > 0.0f ? v : 0.0f; }, [](float v, float) { return v > 0.0f ? 1.0f : 0.0f; });
}

Var leakyRelu(const Var& x, float slope)
{
    return unary(x, [slope](float v) { return v > 0.0f ? v : slope * v; },
                 [slope](float v, float) { return v > 0.0f ? 1.0f : slope; });
}

Var sigmoid(const Var& x)
{
    return unary(x, [](float v) { return 1.0f / (1.0f + std::exp(-v)); }, [](float, float o) { return o * (1.0f - o); });
}

Var reshape(const Var& x, Shape shape)
{
    if (numelOf(shape) != x.numel())
        detail::shapeError("reshape", detail::shapeString(x.shape()) + " -> " + detail::shapeString(shape));
    std::vector<float> out(x.value().begin(), x.value().end());
    return makeResult(std::move(shape), std::move(out), {x}, [](Node& self) {
        if (float* g = gradOf(self, 0))
            for (std::size_t i = 0; i < self.grad.size(); ++i) g[i] += self.grad[i];
    });
}

Var concatChannels(const std::vector<Var>& xs)
{
    if (xs.empty()) throw InvalidArgument("autodiff concatChannels: no inputs");
    Shape shape = xs[0].shape();
    if (shape.size() < 2) detail::shapeError("concatChannels", "needs [N, C, ...]");
    const std::int64_t n = shape[0];
    const std::int64_t inner = numelOf(shape) / (n * shape[1] == 0 ? 1 : n * shape[1]);
    std::int64_t channels = 0;
    for (const auto& x : xs) {
        Shape s = x.shape();
        if (s.size() != shape.size() || s[0] != n || numelOf(s) != n * s[1] * inner)
            detail::shapeError("concatChannels", detail::shapeString(shape) + " vs " + detail::shapeString(s));
        channels += s[1];
    }
    shape[1] = channels;
    std::vector<float> out(static_cast<std::size_t>(numelOf(shape)));
    std::vector<std::int64_t> offsets;
    std::int64_t c0 = 0;
    for (const auto& x : xs) {
        offsets.push_back(c0);
        const std::int64_t ci = x.dim(1);
        for (std::int64_t b = 0; b < n; ++b)
            std::copy_n(x.value().data() + b * ci * inner, ci * inner, out.data() + (b * channels + c0) * inner);
        c0 += ci;
    }
    return makeResult(shape, std::move(out), xs, [offsets, n, channels, inner](Node& self) {
        for (std::size_t k = 0; k < self.inputs.size(); ++k) {
            float* g = gradOf(self, k);
            if (!g) continue;
            const std::int64_t ci = self.inputs[k]->shape[1];
            for (std::int64_t b = 0; b < n; ++b) {
                const float* src = self.grad.data() + (b * channels + offsets[k]) * inner;
                float* dst = g + b * ci * inner;
                for (std::int64_t i = 0; i < ci * inner; ++i) dst[i] += src[i];
            }
        }
    });
}

// ---- reductions -----------------------------------------------------------------------------

namespace {
/// Sum in double over fixed chunks reduced in order (deterministic at any thread count).
double deterministicSum(std::span<const float> v)
{
    const auto n = static_cast<std::int64_t>(v.size());
    std::vector<double> partial(static_cast<std::size_t>(detail::chunkCount(n, kElementGrain)), 0.0);
    forChunks(n, kElementGrain, [&](std::int64_t c, std::int64_t b, std::int64_t e) {
        double s = 0.0;
        for (auto i = b; i < e; ++i) s += v[static_cast<std::size_t>(i)];
        partial[static_cast<std::size_t>(c)] = s;
    });
    double s = 0.0;
    for (double p : partial) s += p;
    return s;
}

Var scaledSum(const Var& x, double factor)
{
    const double s = deterministicSum(x.value()) * factor;
    return makeResult({}, {static_cast<float>(s)}, {x}, [factor](Node& self) {
        if (float* g = gradOf(self, 0)) {
            const float d = static_cast<float>(self.grad[0] * factor);
            const auto n = self.inputs[0]->numel();
            for (std::int64_t i = 0; i < n; ++i) g[i] += d;
        }
    });
}
}  // namespace

Var sum(const Var& x) { return scaledSum(x, 1.0); }

Var mean(const Var& x) { return scaledSum(x, x.numel() > 0 ? 1.0 / static_cast<double>(x.numel()) : 0.0); }

}  // namespace qs::ad
