#include "models/llama_impl.h"

#include "quantscope/error.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>

namespace qs {

namespace {

constexpr int kMaxDim = 1 << 20;  // sanity bound on every size, far above real models

std::string layerName(int l, const char* suffix) { return "layers." + std::to_string(l) + "." + suffix; }

// Fetches `slot` through `fn` and checks its element count (norms may come as [n] or [1, n]).
std::vector<float> fetch(const LlamaWeightFn& fn, const LlamaWeightSlot& slot)
{
    Matrix m = fn(slot);
    const bool shapeOk = m.rows == slot.rows && m.cols == slot.cols;
    const bool normOk = slot.rows == 1 && m.size() == slot.cols;
    if (!(shapeOk || normOk) || m.values.size() != static_cast<std::size_t>(m.size()))
        throw InvalidArgument("weight " + slot.name + " is [" + std::to_string(m.rows) + ", " + std::to_string(m.cols) +
                              "] but the model config needs [" + std::to_string(slot.rows) + ", " +
                              std::to_string(slot.cols) + "]");
    return std::move(m.values);
}

// [rows, cols] row-major -> [cols, rows] row-major, written into columns [col0, col0 + rows) of
// `dst`, which has `dstCols` columns: stacks several weights side by side (q|k|v, w1|w3).
void transposeInto(const std::vector<float>& src, std::int64_t rows, std::int64_t cols, std::vector<float>& dst,
                   std::int64_t dstCols, std::int64_t col0)
{
    dst.resize(static_cast<std::size_t>(cols * dstCols));
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t c = 0; c < cols; ++c)
            dst[static_cast<std::size_t>(c * dstCols + col0 + r)] = src[static_cast<std::size_t>(r * cols + c)];
}

std::atomic<bool> g_forceReference{false};

void checkToken(const LlamaConfig& c, int token)
{
    if (token < 0 || token >= c.vocabSize)
        throw InvalidArgument("token " + std::to_string(token) + " is outside the vocabulary of " +
                              std::to_string(c.vocabSize));
}

void checkSequence(const LlamaConfig& c, std::span<const int> tokens)
{
    if (tokens.empty()) throw InvalidArgument("empty token sequence");
    if (tokens.size() > static_cast<std::size_t>(c.seqLen))
        throw InvalidArgument("sequence of " + std::to_string(tokens.size()) + " tokens is longer than the model's " +
                              std::to_string(c.seqLen));
    for (int t : tokens) checkToken(c, t);
}

}  // namespace

void validate(const LlamaConfig& c)
{
    const std::pair<const char*, int> sizes[] = {{"dim", c.dim},       {"hidden_dim", c.hiddenDim},
                                                 {"n_layers", c.layers}, {"n_heads", c.heads},
                                                 {"n_kv_heads", c.kvHeads}, {"vocab_size", c.vocabSize},
                                                 {"seq_len", c.seqLen}};
    for (const auto& [name, v] : sizes)
        if (v <= 0 || v > kMaxDim)
            throw InvalidArgument(std::string("llama config: ") + name + " = " + std::to_string(v) + " is out of range");
    if (c.dim % c.heads != 0) throw InvalidArgument("llama config: dim is not a multiple of n_heads");
    if (c.heads % c.kvHeads != 0) throw InvalidArgument("llama config: n_heads is not a multiple of n_kv_heads");
    if (c.headSize() % 2 != 0) throw InvalidArgument("llama config: head size must be even for rotary embeddings");
    if (!(c.normEps > 0) || !(c.ropeTheta > 0)) throw InvalidArgument("llama config: norm eps and rope theta must be > 0");
}

std::vector<LlamaWeightSlot> llamaWeightSlots(const LlamaConfig& c)
{
    const std::int64_t dim = c.dim, hid = c.hiddenDim, kv = c.kvDim(), vocab = c.vocabSize;
    std::vector<LlamaWeightSlot> s;
    s.push_back({"tok_embeddings.weight", vocab, dim, false, true, false});
    for (int l = 0; l < c.layers; ++l) {
        s.push_back({layerName(l, "attention_norm.weight"), 1, dim, false, false, false});
        s.push_back({layerName(l, "attention.wq.weight"), dim, dim, true, false, false});
        s.push_back({layerName(l, "attention.wk.weight"), kv, dim, true, false, false});
        s.push_back({layerName(l, "attention.wv.weight"), kv, dim, true, false, false});
        s.push_back({layerName(l, "attention.wo.weight"), dim, dim, true, false, false});
        s.push_back({layerName(l, "ffn_norm.weight"), 1, dim, false, false, false});
        s.push_back({layerName(l, "feed_forward.w1.weight"), hid, dim, true, false, false});
        s.push_back({layerName(l, "feed_forward.w2.weight"), dim, hid, true, false, false});
        s.push_back({layerName(l, "feed_forward.w3.weight"), hid, dim, true, false, false});
    }
    s.push_back({"norm.weight", 1, dim, false, false, false});
    if (!c.sharedClassifier) s.push_back({"output.weight", vocab, dim, false, false, true});
    return s;
}

void llamaForceReferenceKernels(bool force) { g_forceReference = force; }

LlamaKernels llamaSelectKernels(const LlamaConfig& c)
{
    const LlamaKernels* fast = g_forceReference ? nullptr : llamaAvx2Kernels();
    if (!fast) return llamaReferenceKernels();
    LlamaKernels k = *fast;
    if (c.headSize() % 8 != 0) k.attention = llamaReferenceKernels().attention;  // the AVX2 one works in 8-wide heads
    return k;
}

LlamaModel::LlamaModel(const LlamaConfig& config, const LlamaWeightFn& weights) : m_impl(std::make_unique<Impl>())
{
    validate(config);
    Impl& m = *m_impl;
    m.config = config;
    m.kernels = llamaSelectKernels(config);
    const auto slots = llamaWeightSlots(config);
    const std::int64_t dim = config.dim, hid = config.hiddenDim, kv = config.kvDim(), vocab = config.vocabSize;
    std::size_t i = 0;
    auto next = [&] { return fetch(weights, slots.at(i++)); };
    m.embedding = next();
    m.layers.resize(static_cast<std::size_t>(config.layers));
    for (auto& layer : m.layers) {
        layer.attnNorm = next();
        const std::int64_t qkvCols = dim + 2 * kv;
        transposeInto(next(), dim, dim, layer.wqkvT, qkvCols, 0);
        transposeInto(next(), kv, dim, layer.wqkvT, qkvCols, dim);
        transposeInto(next(), kv, dim, layer.wqkvT, qkvCols, dim + kv);
        transposeInto(next(), dim, dim, layer.woT, dim, 0);
        layer.ffnNorm = next();
        transposeInto(next(), hid, dim, layer.w13T, 2 * hid, 0);
        transposeInto(next(), dim, hid, layer.w2T, dim, 0);
        transposeInto(next(), hid, dim, layer.w13T, 2 * hid, hid);
    }
    m.finalNorm = next();
    transposeInto(config.sharedClassifier ? m.embedding : next(), vocab, dim, m.classifierT, vocab, 0);

    // RoPE tables as run.c computes them (float): angle = pos / theta^(2i / head_size).
    const int half = config.headSize() / 2;
    m.ropeCos.resize(static_cast<std::size_t>(config.seqLen) * half);
    m.ropeSin.resize(m.ropeCos.size());
    for (int pos = 0; pos < config.seqLen; ++pos)
        for (int j = 0; j < half; ++j) {
            const float freq = 1.0f / std::pow(config.ropeTheta, static_cast<float>(2 * j) / static_cast<float>(config.headSize()));
            const float angle = static_cast<float>(pos) * freq;
            m.ropeCos[static_cast<std::size_t>(pos) * half + j] = std::cos(angle);
            m.ropeSin[static_cast<std::size_t>(pos) * half + j] = std::sin(angle);
        }
}

LlamaModel::~LlamaModel() = default;
LlamaModel::LlamaModel(LlamaModel&&) noexcept = default;
LlamaModel& LlamaModel::operator=(LlamaModel&&) noexcept = default;

const LlamaConfig& LlamaModel::config() const noexcept { return m_impl->config; }

Matrix LlamaModel::forward(std::span<const int> tokens) const
{
    checkSequence(m_impl->config, tokens);
    const auto T = static_cast<int>(tokens.size());
    Matrix logits(T, m_impl->config.vocabSize);
    const std::size_t cache = m_impl->layers.size() * tokens.size() * static_cast<std::size_t>(m_impl->config.kvDim());
    std::vector<float> kc(cache), vc(cache);
    llamaForwardChunk(*m_impl, tokens, 0, kc.data(), vc.data(), T, T, logits.values.data(), nullptr);
    return logits;
}

double LlamaModel::sequenceNll(std::span<const int> tokens) const
{
    checkSequence(m_impl->config, tokens);
    return llamaSequenceNll(*m_impl, tokens);
}

double LlamaModel::sequenceNllIncremental(std::span<const int> tokens) const
{
    checkSequence(m_impl->config, tokens);
    Session session(*this);
    double nll = 0.0;
    for (std::size_t t = 0; t + 1 < tokens.size(); ++t) {
        const auto logits = session.step(tokens[t]);
        float mx = logits[0];
        for (float v : logits) mx = std::max(mx, v);
        double sum = 0.0;
        for (float v : logits) sum += std::exp(double(v - mx));
        nll += double(mx) + std::log(sum) - double(logits[static_cast<std::size_t>(tokens[t + 1])]);
    }
    return nll;
}

struct LlamaModel::Session::Impl {
    const LlamaModel::Impl* model = nullptr;
    int pos = 0;
    int capacity = 0;  ///< positions the cache holds per layer; grows by doubling up to seqLen
    std::vector<float> kCache, vCache, logits;

    // The cache is [layers][capacity][kvDim]: growing re-lays it out. Doubling keeps the copies
    // amortized O(1) per token and a short session of a long-context model small.
    void reserve(int positions)
    {
        if (positions <= capacity) return;
        const LlamaConfig& c = model->config;
        const int next = std::min(c.seqLen, std::max({positions, 64, capacity * 2}));
        const auto kv = static_cast<std::size_t>(c.kvDim());
        auto grow = [&](std::vector<float>& cache) {
            std::vector<float> bigger(static_cast<std::size_t>(c.layers) * static_cast<std::size_t>(next) * kv);
            for (std::size_t l = 0; l < static_cast<std::size_t>(c.layers); ++l)
                std::copy_n(cache.data() + l * static_cast<std::size_t>(capacity) * kv, static_cast<std::size_t>(pos) * kv,
                            bigger.data() + l * static_cast<std::size_t>(next) * kv);
            cache.swap(bigger);
        };
        grow(kCache);
        grow(vCache);
        capacity = next;
    }
};

LlamaModel::Session::Session(const LlamaModel& model) : m_impl(std::make_unique<Impl>())
{
    m_impl->model = model.m_impl.get();
    m_impl->logits.resize(static_cast<std::size_t>(model.config().vocabSize));
}

LlamaModel::Session::~Session() = default;
LlamaModel::Session::Session(Session&&) noexcept = default;
LlamaModel::Session& LlamaModel::Session::operator=(Session&&) noexcept = default;

std::span<const float> LlamaModel::Session::step(int token)
{
    const LlamaConfig& c = m_impl->model->config;
    checkToken(c, token);
    if (m_impl->pos >= c.seqLen)
        throw InvalidArgument("session is full: the model accepts " + std::to_string(c.seqLen) + " positions");
    m_impl->reserve(m_impl->pos + 1);
    const int one[] = {token};
    llamaForwardChunk(*m_impl->model, one, m_impl->pos, m_impl->kCache.data(), m_impl->vCache.data(), m_impl->capacity, 1,
                      m_impl->logits.data(), nullptr);
    ++m_impl->pos;
    return m_impl->logits;
}

int LlamaModel::Session::position() const noexcept { return m_impl->pos; }
void LlamaModel::Session::reset() noexcept { m_impl->pos = 0; }

}  // namespace qs
