#include "quantscope/tensor/tensor_info.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace qs {

std::string_view roleName(TensorRole r) noexcept
{
    switch (r) {
    case TensorRole::Linear: return "linear";
    case TensorRole::Conv: return "conv";
    case TensorRole::Embedding: return "embedding";
    case TensorRole::Norm: return "norm";
    case TensorRole::Bias: return "bias";
    case TensorRole::Other: return "other";
    }
    return "other";
}

std::int64_t TensorInfo::numel() const noexcept
{
    std::int64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
}

std::int64_t TensorInfo::rows() const noexcept
{
    if (shape.empty()) return 1;
    return layout == AxisLayout::OutFirst ? shape.front() : shape.back();
}

std::int64_t TensorInfo::cols() const noexcept
{
    const auto r = rows();
    return r == 0 ? 0 : numel() / r;
}

namespace {

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool containsAny(const std::string& s, std::initializer_list<std::string_view> needles)
{
    return std::any_of(needles.begin(), needles.end(),
                       [&](std::string_view n) { return s.find(n) != std::string::npos; });
}

}  // namespace

TensorRole guessRole(std::string_view name, const std::vector<std::int64_t>& shape) noexcept
{
    const std::string n = lower(name);
    if (containsAny(n, {"norm", "ln_", ".ln", "layernorm", "rms_", "batchnorm", "bn.", "running_mean",
                        "running_var", "gamma", "beta"}))
        return TensorRole::Norm;
    if (n.ends_with("bias") || n.ends_with("bias:0") || n.ends_with(".b")) return TensorRole::Bias;
    if (containsAny(n, {"embed", "wte", "wpe", "tok_embeddings", "token_embd", "pos_emb", "position_emb",
                        "cls_token"}))
        return TensorRole::Embedding;
    if (shape.size() == 4 || shape.size() == 3) return TensorRole::Conv;
    if (shape.size() == 2) return TensorRole::Linear;
    return TensorRole::Other;
}

}  // namespace qs
