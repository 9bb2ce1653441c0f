#pragma once
// A small reverse-mode automatic differentiation over float tensors, for training the LiDAR
// detector in C++ and, later, for the reconstruction methods (FlexRound, CBQ, APHQ-ViT,
// LiDAR-PTQ) that need gradients through one layer or one block (shared/METHODS.md §5).
//
// Model: every operation returns a Var (a shared node holding the value); when an input
// requires a gradient and grad mode is on, the node also records its inputs and a closure that
// turns the output gradient into input gradients. backward(loss) walks the graph in reverse
// topological order. The graph lives as long as the Vars that reference it, so a training
// step's graph is freed when its loss goes out of scope.
//
// Layout: images are NCHW, row-major; linear weights are [out, in] (rows = output channels,
// as qs::Matrix). Determinism: every kernel splits work into fixed chunks that do not depend
// on the thread count and reduces partial sums in chunk order, so values and gradients are
// bit-identical at any TBB concurrency.
//
// Errors: operations throw qs::InvalidArgument on shape mismatches.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace qs::ad {

using Shape = std::vector<std::int64_t>;

/// Number of elements of a shape (1 for a scalar, i.e. an empty shape).
std::int64_t numelOf(const Shape& s);

struct Node {
    Shape shape;
    std::vector<float> value;
    std::vector<float> grad;  ///< empty until backward reaches the node
    bool requiresGrad = false;
    std::vector<std::shared_ptr<Node>> inputs;
    /// Reads this node's grad and accumulates into inputs' grads (ensureGrad() first).
    std::function<void(Node&)> backward;

    std::int64_t numel() const { return static_cast<std::int64_t>(value.size()); }
    /// Allocates grad (zeros) when empty; returns it.
    std::vector<float>& ensureGrad();
};

class Var {
public:
    Var() = default;
    explicit Var(std::shared_ptr<Node> n) : m_node(std::move(n)) {}

    /// A leaf that takes no gradient (inputs, targets, frozen weights).
    static Var constant(Shape shape, std::vector<float> values);
    /// A leaf that collects a gradient (trainable weights).
    static Var parameter(Shape shape, std::vector<float> values);
    static Var zeros(Shape shape, bool requiresGrad = false);

    bool valid() const noexcept { return m_node != nullptr; }
    const Shape& shape() const { return m_node->shape; }
    std::int64_t dim(std::size_t i) const { return m_node->shape.at(i); }
    std::int64_t numel() const { return m_node->numel(); }
    std::span<const float> value() const { return m_node->value; }
    /// Writable value (an optimizer updating a parameter, a test perturbing an input).
    std::span<float> mutableValue() { return m_node->value; }
    /// The gradient after backward(); empty when none reached this Var.
    std::span<const float> grad() const { return m_node->grad; }
    bool requiresGrad() const noexcept { return m_node && m_node->requiresGrad; }
    float item() const { return m_node->value.at(0); }
    /// Drops the gradient (zero_grad).
    void clearGrad() { m_node->grad.clear(); }
    Node& node() const { return *m_node; }
    const std::shared_ptr<Node>& ptr() const { return m_node; }

private:
    std::shared_ptr<Node> m_node;
};

/// Seeds d(loss)/d(loss) = 1 (loss must have one element) and accumulates gradients into every
/// Var that requires one. Gradients accumulate across calls until clearGrad().
void backward(const Var& loss);

/// While alive, operations record no graph (inference). Nestable; per thread.
class NoGradGuard {
public:
    NoGradGuard();
    ~NoGradGuard();
    NoGradGuard(const NoGradGuard&) = delete;
    NoGradGuard& operator=(const NoGradGuard&) = delete;

private:
    bool m_previous;
};
bool gradEnabled() noexcept;

// ---- element-wise ---------------------------------------------------------------------------
Var add(const Var& a, const Var& b);  ///< same shapes
Var sub(const Var& a, const Var& b);
Var mul(const Var& a, const Var& b);
Var scale(const Var& a, float s);
Var addScalar(const Var& a, float s);
Var relu(const Var& x);
Var leakyRelu(const Var& x, float slope);
Var sigmoid(const Var& x);
/// Reshape (same number of elements; no copy of semantics, values copied).
Var reshape(const Var& x, Shape shape);
/// Concatenates [N, Ci, ...] tensors along axis 1.
Var concatChannels(const std::vector<Var>& xs);

// ---- reductions -----------------------------------------------------------------------------
Var sum(const Var& x);   ///< scalar
Var mean(const Var& x);  ///< scalar

// ---- dense layers ---------------------------------------------------------------------------
/// [m, k] x [k, n] -> [m, n]
Var matmul(const Var& a, const Var& b);
/// x [N, in], w [out, in], b [out] or invalid -> [N, out]
Var linear(const Var& x, const Var& w, const Var& b = {});

struct Conv2dOptions {
    int stride = 1;
    int padding = 0;
};
/// x [N, C, H, W], w [O, C, k, k], b [O] or invalid -> [N, O, Ho, Wo], zero padding.
Var conv2d(const Var& x, const Var& w, const Var& b = {}, Conv2dOptions opt = {});

/// Running statistics of a batch-norm layer (updated in training mode).
struct BatchNormState {
    std::vector<float> runningMean;
    std::vector<float> runningVar;
    float momentum = 0.1f;  ///< running = (1 - momentum) * running + momentum * batch
    float eps = 1e-3f;
    explicit BatchNormState(std::int64_t channels = 0)
        : runningMean(static_cast<std::size_t>(channels), 0.0f), runningVar(static_cast<std::size_t>(channels), 1.0f)
    {
    }
};
/// Normalizes axis 1 of x [N, C] or [N, C, H, W]. train: batch statistics (biased variance for
/// the normalization, unbiased for the running update); eval: running statistics.
Var batchNorm(const Var& x, const Var& gamma, const Var& beta, BatchNormState& state, bool train);
/// Normalizes the last axis; gamma, beta [D].
Var layerNorm(const Var& x, const Var& gamma, const Var& beta, float eps = 1e-5f);

/// Max pooling over k x k windows of x [N, C, H, W]; padding counts as -inf.
Var maxPool2d(const Var& x, int kernel, int stride, int padding = 0);

// ---- scatter / gather (sparse inputs such as pillars) --------------------------------------
/// out[p, c] = max over rows i with index[i] == p of x[i, c]; 0 for p without rows.
/// x [M, C], index values in [0, segments).
Var scatterMax(const Var& x, std::span<const std::int32_t> index, std::int64_t segments);
/// Places row p of x [P, C] at pixel target[p] (flat n*H*W + y*W + x) of a zero [N, C, H, W]
/// grid. Targets must be distinct.
Var scatterToGrid(const Var& x, std::span<const std::int32_t> target, std::int64_t n, std::int64_t h, std::int64_t w);
/// Rows of x [N, C, H, W] at flat pixels (n*H*W + y*W + x) -> [K, C].
Var gatherPixels(const Var& x, std::span<const std::int32_t> pixels);

// ---- quantization ---------------------------------------------------------------------------
/// Uniform asymmetric fake quantization to `bits` over [lo, hi] (per tensor). Backward: the
/// straight-through estimator, gradient passed where lo <= x <= hi, zero where clipped.
Var fakeQuant(const Var& x, float lo, float hi, int bits);

// ---- losses (scalars) -----------------------------------------------------------------------
/// Mean squared error over all elements.
Var mseLoss(const Var& pred, const Var& target);
/// sum_i w_i * smoothL1(pred_i - target_i) / normalizer; beta = 0 gives L1.
Var smoothL1Loss(const Var& pred, std::span<const float> target, std::span<const float> weight, float beta,
                 float normalizer);
/// CenterNet's penalty-reduced focal loss on heatmap logits: target 1 at centres, a Gaussian
/// bump around them; alpha = 2, beta = 4; divided by max(1, number of centres).
Var focalLoss(const Var& logits, std::span<const float> target, float alpha = 2.0f, float beta = 4.0f);

// ---- optimizer ------------------------------------------------------------------------------
struct AdamOptions {
    float lr = 1e-3f;
    float beta1 = 0.9f;
    float beta2 = 0.999f;
    float eps = 1e-8f;
    float weightDecay = 0.0f;  ///< decoupled (AdamW)
};

class Adam {
public:
    Adam(std::vector<Var> params, AdamOptions opt = {});
    /// One update from the parameters' gradients (missing gradients count as zero), then
    /// clears them.
    void step();
    void setLearningRate(float lr) noexcept { m_opt.lr = lr; }
    float learningRate() const noexcept { return m_opt.lr; }
    std::int64_t steps() const noexcept { return m_t; }

private:
    std::vector<Var> m_params;
    std::vector<std::vector<float>> m_m, m_v;
    AdamOptions m_opt;
    std::int64_t m_t = 0;
};

}  // namespace qs::ad
