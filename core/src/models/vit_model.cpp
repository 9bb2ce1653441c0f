// The ViT runtime: builds the model from a checkpoint and an ARCH.json description, and runs
// the forward pass of one image with Eigen. The only translation unit of the ViT that uses Eigen.

#include "quantscope/models/vit_model.h"

#include "quantscope/error.h"
#include "quantscope/io/checkpoint.h"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>

namespace qs {

namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMap = Eigen::Map<const RowMat>;

struct Norm {
    std::vector<float> gamma;
    std::vector<float> beta;  ///< empty: no bias
    bool present() const noexcept { return !gamma.empty(); }
};

struct Block {
    Norm norm1, norm2;
    int preQ = -1, preK = -1, preV = -1;  ///< weight slots; -1 when absent
    int qkv = -1, q = -1, k = -1, v = -1;
    int attnOut = -1, fc1 = -1, fc2 = -1;
    std::vector<float> ls1, ls2;  ///< layer scales; empty when absent
};

std::string expand(const std::string& pattern, int layer)
{
    std::string s = pattern;
    if (layer < 0) return s;
    for (std::size_t at; (at = s.find("{i}")) != std::string::npos;) s.replace(at, 3, std::to_string(layer));
    return s;
}

}  // namespace

struct VitModel::Impl {
    VitArch arch;
    ImagePreprocess prep;
    int dim = 0, mlp = 0, classes = 0, channels = 0, patch = 0, gridH = 0, gridW = 0, tokens = 0;
    bool hasCls = false;
    std::vector<WeightSlot> slots;
    std::vector<Matrix> weights;
    std::vector<std::vector<float>> biases;  ///< per slot; empty: no bias
    std::vector<float> cls, pos;
    std::vector<Block> blocks;
    Norm finalNorm, poolNorm;
    int patchSlot = -1, headSlot = -1;

    // ---- building -------------------------------------------------------------------------
    const Checkpoint* ckpt = nullptr;  ///< only while building

    bool mapped(const std::string& role) const { return arch.tensors.count(role) > 0; }

    /// Index of the tensor for `role` in block `layer`; throws naming the pattern when absent.
    std::size_t locate(const std::string& role, int layer) const
    {
        const auto& pattern = arch.tensors.at(role);
        const auto name = expand(pattern, layer);
        const auto idx = ckpt->find(name);
        if (!idx)
            throw InvalidArgument("ARCH role \"" + role + "\" (pattern \"" + pattern + "\"): tensor \"" +
                                  name + "\" is not in " + ckpt->path().string());
        return *idx;
    }

    [[noreturn]] void badShape(const std::string& role, int layer, const std::string& want) const
    {
        throw InvalidArgument("ARCH role \"" + role + "\": tensor \"" + expand(arch.tensors.at(role), layer) +
                              "\" has shape " + shapeText(ckpt->tensors()[locate(role, layer)].shape) +
                              ", expected " + want);
    }

    static std::string shapeText(const std::vector<std::int64_t>& s)
    {
        std::string t = "[";
        for (std::size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
        return t + "]";
    }

    std::vector<float> readVector(const std::string& role, int layer, std::int64_t n) const
    {
        if (!mapped(role)) return {};
        const auto idx = locate(role, layer);
        if (ckpt->tensors()[idx].numel() != n) badShape(role, layer, std::to_string(n) + " values");
        return std::move(ckpt->readMatrix(idx).values);
    }

    Norm readNorm(const std::string& prefix, int layer) const
    {
        Norm n;
        if (!mapped(prefix + ".weight")) return n;
        n.gamma = readVector(prefix + ".weight", layer, dim);
        n.beta = readVector(prefix + ".bias", layer, dim);
        return n;
    }

    /// Adds a weight slot for `role` ([rows, cols] expected; rows 0 = any); -1 when unmapped.
    int addLinear(const std::string& role, int layer, std::int64_t rows, std::int64_t cols)
    {
        if (!mapped(role + ".weight")) return -1;
        const auto idx = locate(role + ".weight", layer);
        const auto& info = ckpt->tensors()[idx];
        if (info.shape.size() < 2 || (rows > 0 && info.rows() != rows) || info.cols() != cols)
            badShape(role + ".weight", layer,
                     "[" + (rows > 0 ? std::to_string(rows) : std::string("any")) + ", " +
                         std::to_string(cols) + "]");
        Matrix w = ckpt->readMatrix(idx);
        biases.push_back(readVector(role + ".bias", layer, w.rows));
        weights.push_back(std::move(w));
        slots.push_back({info.name, role, layer});
        return static_cast<int>(slots.size() - 1);
    }

    void buildEmbedding()
    {
        const auto idx = locate("patch_embed.weight", -1);
        const auto& info = ckpt->tensors()[idx];
        const auto& s = info.shape;
        if (s.size() != 4 || s[2] != arch.patchSize || s[3] != arch.patchSize)
            badShape("patch_embed.weight", -1,
                     "[D, C, " + std::to_string(arch.patchSize) + ", " + std::to_string(arch.patchSize) +
                         "] (patch_size)");
        dim = static_cast<int>(s[0]);
        channels = static_cast<int>(s[1]);
        patch = arch.patchSize;
        if (channels != 1 && channels != 3) badShape("patch_embed.weight", -1, "1 or 3 input channels");
        if (arch.input.channels != 0 && arch.input.channels != channels)
            throw InvalidArgument("ARCH image.channels is " + std::to_string(arch.input.channels) +
                                  " but the patch kernel takes " + std::to_string(channels));
        if (dim % arch.heads != 0)
            throw InvalidArgument("ARCH heads = " + std::to_string(arch.heads) +
                                  " does not divide the width " + std::to_string(dim));
        patchSlot = addLinear("patch_embed", -1, dim, std::int64_t(channels) * patch * patch);
        gridH = arch.input.height / patch;
        gridW = arch.input.width / patch;
        if (gridH == 0 || gridW == 0) throw InvalidArgument("ARCH image.size is smaller than patch_size");
        hasCls = mapped("cls_token");
        cls = readVector("cls_token", -1, dim);
        tokens = gridH * gridW + (hasCls ? 1 : 0);
        const auto posIdx = locate("pos_embed", -1);
        if (ckpt->tensors()[posIdx].numel() != std::int64_t(tokens) * dim)
            badShape("pos_embed", -1,
                     "[1, " + std::to_string(tokens) + ", " + std::to_string(dim) + "] (" +
                         std::to_string(gridH) + "x" + std::to_string(gridW) + " patches" +
                         (hasCls ? " + class token)" : ")"));
        pos = std::move(ckpt->readMatrix(posIdx).values);
    }

    void buildBlock(int layer)
    {
        Block b;
        b.norm1 = readNorm("norm1", layer);
        b.norm2 = readNorm("norm2", layer);
        b.preQ = addLinear("pre_q", layer, dim, dim);
        b.preK = addLinear("pre_k", layer, dim, dim);
        b.preV = addLinear("pre_v", layer, dim, dim);
        b.qkv = addLinear("qkv", layer, 3 * std::int64_t(dim), dim);
        b.q = addLinear("q", layer, dim, dim);
        b.k = addLinear("k", layer, dim, dim);
        b.v = addLinear("v", layer, dim, dim);
        b.attnOut = addLinear("attn_out", layer, dim, dim);
        b.ls1 = readVector("ls1", layer, dim);
        b.fc1 = addLinear("fc1", layer, 0, dim);
        const auto hidden = weights[std::size_t(b.fc1)].rows;
        if (layer == 0) mlp = static_cast<int>(hidden);
        b.fc2 = addLinear("fc2", layer, dim, hidden);
        b.ls2 = readVector("ls2", layer, dim);
        blocks.push_back(std::move(b));
    }

    int countLayers() const
    {
        if (arch.layers > 0) return arch.layers;
        const auto& pattern = arch.tensors.at("norm1.weight");
        int n = 0;
        while (n < 100000 && ckpt->find(expand(pattern, n))) ++n;
        if (n == 0) locate("norm1.weight", 0);  // throws, naming the pattern
        return n;
    }

    void build(const Checkpoint& c)
    {
        ckpt = &c;
        buildEmbedding();
        const int layers = countLayers();
        for (int i = 0; i < layers; ++i) buildBlock(i);
        finalNorm = readNorm("final_norm", -1);
        poolNorm = readNorm("pool_norm", -1);
        headSlot = addLinear("head", -1, 0, dim);
        classes = static_cast<int>(weights[std::size_t(headSlot)].rows);
        prep = arch.input;
        prep.channels = channels;
        ckpt = nullptr;
    }

    // ---- forward --------------------------------------------------------------------------
    struct Run {
        const ActivationQuant* quant;
        std::vector<ActivationRange>* observe;
    };

    /// Records the range of a slot's input and fake-quantizes it (asymmetric, per tensor).
    void touchInput(const Run& run, int slot, RowMat& x) const
    {
        if (run.observe) {
            auto& r = (*run.observe)[std::size_t(slot)];
            r.lo = std::min(r.lo, x.minCoeff());
            r.hi = std::max(r.hi, x.maxCoeff());
        }
        if (!run.quant) return;
        const auto& r = run.quant->ranges[std::size_t(slot)];
        const float levels = float((1 << run.quant->bits) - 1);
        // The range always contains 0 so that zero stays exact (padding-free here, but the
        // usual convention of integer kernels).
        const float lo = std::min(r.lo, 0.0f), hi = std::max(r.hi, 0.0f);
        if (!(hi > lo)) return;
        const float scale = (hi - lo) / levels;
        const float zero = std::nearbyint(-lo / scale);
        x = x.unaryExpr([=](float v) {
            const float q = std::clamp(std::nearbyint(v / scale) + zero, 0.0f, levels);
            return (q - zero) * scale;
        });
    }

    /// Y = X · W[rowBegin : rowBegin+rowCount]ᵀ + b[...], with X already prepared.
    RowMat linearRows(int slot, const RowMat& x, Eigen::Index rowBegin, Eigen::Index rowCount) const
    {
        const auto& w = weights[std::size_t(slot)];
        ConstMap wm(w.values.data(), w.rows, w.cols);
        RowMat y = x * wm.middleRows(rowBegin, rowCount).transpose();
        const auto& b = biases[std::size_t(slot)];
        if (!b.empty()) y.rowwise() += Eigen::Map<const Eigen::RowVectorXf>(b.data() + rowBegin, rowCount);
        return y;
    }

    RowMat linear(const Run& run, int slot, RowMat x) const
    {
        touchInput(run, slot, x);
        return linearRows(slot, x, 0, weights[std::size_t(slot)].rows);
    }

    void layerNorm(const Norm& n, RowMat& x) const
    {
        for (Eigen::Index r = 0; r < x.rows(); ++r) {
            double mean = 0, var = 0;
            for (Eigen::Index c = 0; c < x.cols(); ++c) mean += x(r, c);
            mean /= double(x.cols());
            for (Eigen::Index c = 0; c < x.cols(); ++c) var += (x(r, c) - mean) * (x(r, c) - mean);
            var /= double(x.cols());
            const double inv = 1.0 / std::sqrt(var + arch.layerNormEps);
            for (Eigen::Index c = 0; c < x.cols(); ++c) {
                const auto i = static_cast<std::size_t>(c);
                x(r, c) = float((x(r, c) - mean) * inv) * n.gamma[i] + (n.beta.empty() ? 0.0f : n.beta[i]);
            }
        }
    }

    void activate(RowMat& x) const
    {
        switch (arch.activation) {
            case VitActivation::Gelu:
                x = x.unaryExpr([](float v) { return 0.5f * v * (1.0f + std::erf(v * float(M_SQRT1_2))); });
                break;
            case VitActivation::GeluTanh:
                x = x.unaryExpr([](float v) {
                    const float k = std::sqrt(2.0f / float(M_PI));
                    return 0.5f * v * (1.0f + std::tanh(k * (v + 0.044715f * v * v * v)));
                });
                break;
            case VitActivation::Relu:
                x = x.cwiseMax(0.0f);
                break;
        }
    }

    /// q, k or v: the optional extra projection, then its part of the fused weight or its own.
    RowMat projection(const Run& run, const Block& b, const RowMat& h, int pre, int own, int part) const
    {
        RowMat in = pre >= 0 ? linear(run, pre, h) : h;
        if (own >= 0) return linear(run, own, std::move(in));
        touchInput(run, b.qkv, in);
        return linearRows(b.qkv, in, Eigen::Index(part) * dim, dim);
    }

    RowMat attention(const Run& run, const Block& b, const RowMat& h) const
    {
        RowMat q, k, v;
        if (b.qkv >= 0 && b.preQ < 0) {
            // One input for all three: quantize it once and multiply by the fused weight once.
            const RowMat qkv = linear(run, b.qkv, h);
            q = qkv.leftCols(dim);
            k = qkv.middleCols(dim, dim);
            v = qkv.rightCols(dim);
        } else {
            q = projection(run, b, h, b.preQ, b.q, 0);
            k = projection(run, b, h, b.preK, b.k, 1);
            v = projection(run, b, h, b.preV, b.v, 2);
        }
        const int hd = dim / arch.heads;
        const float scale = 1.0f / std::sqrt(float(hd));
        RowMat out(h.rows(), dim);
        for (int head = 0; head < arch.heads; ++head) {
            RowMat s = (q.middleCols(head * hd, hd) * k.middleCols(head * hd, hd).transpose()) * scale;
            for (Eigen::Index r = 0; r < s.rows(); ++r) {
                const float m = s.row(r).maxCoeff();
                s.row(r) = (s.row(r).array() - m).exp();
                s.row(r) /= s.row(r).sum();
            }
            out.middleCols(head * hd, hd) = s * v.middleCols(head * hd, hd);
        }
        return linear(run, b.attnOut, std::move(out));
    }

    RowMat mlpBranch(const Run& run, const Block& b, const RowMat& h) const
    {
        RowMat x = linear(run, b.fc1, h);
        activate(x);
        return linear(run, b.fc2, std::move(x));
    }

    static void addScaled(RowMat& x, const RowMat& branch, const std::vector<float>& ls)
    {
        if (ls.empty()) {
            x += branch;
        } else {
            x += (branch.array().rowwise() *
                  Eigen::Map<const Eigen::RowVectorXf>(ls.data(), Eigen::Index(ls.size())).array())
                     .matrix();
        }
    }

    void block(const Run& run, const Block& b, RowMat& x) const
    {
        if (arch.norm == NormPlacement::Pre) {
            RowMat h = x;
            layerNorm(b.norm1, h);
            addScaled(x, attention(run, b, h), b.ls1);
            h = x;
            layerNorm(b.norm2, h);
            addScaled(x, mlpBranch(run, b, h), b.ls2);
        } else {
            addScaled(x, attention(run, b, x), b.ls1);
            layerNorm(b.norm1, x);
            addScaled(x, mlpBranch(run, b, x), b.ls2);
            layerNorm(b.norm2, x);
        }
    }

    /// Patches as rows [gridH·gridW, C·P·P] in the kernel's (c, ky, kx) order, row-major grid.
    RowMat patches(std::span<const float> image) const
    {
        const int w = prep.width, h = prep.height;
        RowMat p(gridH * gridW, channels * patch * patch);
        for (int gy = 0; gy < gridH; ++gy)
            for (int gx = 0; gx < gridW; ++gx)
                for (int c = 0; c < channels; ++c)
                    for (int ky = 0; ky < patch; ++ky)
                        for (int kx = 0; kx < patch; ++kx)
                            p(gy * gridW + gx, (c * patch + ky) * patch + kx) =
                                image[(std::size_t(c) * std::size_t(h) + std::size_t(gy * patch + ky)) *
                                          std::size_t(w) +
                                      std::size_t(gx * patch + kx)];
        return p;
    }

    std::vector<float> forward(std::span<const float> image, const Run& run) const
    {
        const std::size_t want = std::size_t(channels) * std::size_t(prep.height) * std::size_t(prep.width);
        if (image.size() != want)
            throw InvalidArgument("ViT input has " + std::to_string(image.size()) + " values, expected " +
                                  std::to_string(want));
        const RowMat emb = linear(run, patchSlot, patches(image));
        RowMat x(tokens, dim);
        const int first = hasCls ? 1 : 0;
        if (hasCls) x.row(0) = Eigen::Map<const Eigen::RowVectorXf>(cls.data(), dim);
        x.bottomRows(emb.rows()) = emb;
        x += ConstMap(pos.data(), tokens, dim);
        for (const auto& b : blocks) block(run, b, x);
        if (finalNorm.present()) layerNorm(finalNorm, x);
        RowMat pooled = arch.pooling == VitPooling::Cls
                            ? RowMat(x.row(0))
                            : RowMat(x.bottomRows(tokens - first).colwise().mean());
        if (poolNorm.present()) layerNorm(poolNorm, pooled);
        const RowMat logits = linear(run, headSlot, std::move(pooled));
        return {logits.data(), logits.data() + logits.size()};
    }
};

VitModel::VitModel(const Checkpoint& checkpoint, const VitArch& arch) : m_impl(std::make_unique<Impl>())
{
    m_impl->arch = arch;
    if (arch.heads <= 0) throw InvalidArgument("ARCH heads must be positive");
    m_impl->build(checkpoint);
}

VitModel::VitModel(const VitModel& other) : m_impl(std::make_unique<Impl>(*other.m_impl))
{
}
VitModel& VitModel::operator=(const VitModel& other)
{
    if (this != &other) m_impl = std::make_unique<Impl>(*other.m_impl);
    return *this;
}
VitModel::VitModel(VitModel&&) noexcept = default;
VitModel& VitModel::operator=(VitModel&&) noexcept = default;
VitModel::~VitModel() = default;

const VitArch& VitModel::arch() const noexcept
{
    return m_impl->arch;
}
int VitModel::embedDim() const noexcept
{
    return m_impl->dim;
}
int VitModel::mlpDim() const noexcept
{
    return m_impl->mlp;
}
int VitModel::layers() const noexcept
{
    return static_cast<int>(m_impl->blocks.size());
}
int VitModel::numClasses() const noexcept
{
    return m_impl->classes;
}
int VitModel::tokens() const noexcept
{
    return m_impl->tokens;
}
const ImagePreprocess& VitModel::preprocess() const noexcept
{
    return m_impl->prep;
}
const std::vector<VitModel::WeightSlot>& VitModel::weightSlots() const noexcept
{
    return m_impl->slots;
}

const Matrix& VitModel::weight(std::size_t slot) const
{
    if (slot >= m_impl->weights.size()) throw InvalidArgument("ViT weight slot out of range");
    return m_impl->weights[slot];
}

void VitModel::setWeight(std::size_t slot, Matrix w)
{
    if (slot >= m_impl->weights.size()) throw InvalidArgument("ViT weight slot out of range");
    auto& cur = m_impl->weights[slot];
    if (w.rows != cur.rows || w.cols != cur.cols || w.values.size() != cur.values.size())
        throw InvalidArgument("replacement for " + m_impl->slots[slot].tensorName + " has the wrong shape");
    cur = std::move(w);
}

std::vector<float> VitModel::forward(std::span<const float> image, const ActivationQuant* actQuant,
                                     std::vector<ActivationRange>* observe) const
{
    const auto n = m_impl->slots.size();
    if (actQuant && (actQuant->ranges.size() != n || actQuant->bits < 2 || actQuant->bits > 16))
        throw InvalidArgument("activation quantization needs one range per weight slot and 2..16 bits");
    if (observe && observe->size() != n) throw InvalidArgument("observe needs one range per weight slot");
    return m_impl->forward(image, Impl::Run{actQuant, observe});
}

int argmax(std::span<const float> logits) noexcept
{
    if (logits.empty()) return -1;
    return static_cast<int>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

}  // namespace qs
