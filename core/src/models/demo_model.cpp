#include "quantscope/models/demo_model.h"

#include "quantscope/error.h"
#include "quantscope/io/safetensors_writer.h"
#include "quantscope/tensor/dtype.h"

#include <tbb/parallel_for.h>

#include <cmath>
#include <cstring>
#include <string>

namespace qs {

namespace {

// --- A small, portable random source (std distributions differ between standard libraries).

std::uint64_t mix64(std::uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

class Rng {
public:
    /// One independent stream per (seed, tensor, row): rows can be generated in any order.
    Rng(std::uint64_t seed, std::uint64_t tensor, std::uint64_t row)
        : m_state(mix64(seed ^ mix64((tensor + 1) * 0x9e3779b97f4a7c15ULL) ^
                        mix64((row + 1) * 0xc2b2ae3d27d4eb4fULL)))
    {
    }
    std::uint64_t next()
    {
        m_state += 0x9e3779b97f4a7c15ULL;  // splitmix64
        return mix64(m_state);
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  ///< [0, 1)
    double symmetric() { return 2.0 * uniform() - 1.0; }                        ///< [-1, 1)
    double normal()
    {
        for (;;) {  // Marsaglia's polar method
            const double u = symmetric(), v = symmetric(), s = u * u + v * v;
            if (s > 0 && s < 1) return u * std::sqrt(-2.0 * std::log(s) / s);
        }
    }
    /// Student-t with `nu` degrees of freedom (Bailey's polar method).
    double studentT(double nu)
    {
        for (;;) {
            const double u = symmetric(), v = symmetric(), w = u * u + v * v;
            if (w > 0 && w < 1) return u * std::sqrt(nu * (std::pow(w, -2.0 / nu) - 1.0) / w);
        }
    }

private:
    std::uint64_t m_state;
};

constexpr double kNu = 20;                         // tails heavier than Gaussian, lighter than Laplace
constexpr double kTUnit = 0.9486832980505138;      // sqrt((nu-2)/nu): Student-t(20) scaled to unit variance
constexpr double kOutlierRate = 0.0004;            // planted outliers per element
constexpr double kFeatureColumnShare = 1.0 / 256;  // input columns with 3x weights
constexpr double kWideRowShare = 1.0 / 128;        // output channels with a 2x range

enum class Kind : std::uint8_t { Embedding, Linear, Norm };

struct Spec {
    Kind kind = Kind::Linear;
    double gain = 1;  ///< std = gain / sqrt(fan_in) for Linear, gain for Embedding
};

float toHalfPrecision(double v)
{
    return halfToFloat(floatToHalf(static_cast<float>(v)));  // stored as F16, like a real checkpoint
}

class DemoCheckpoint final : public Checkpoint {
public:
    explicit DemoCheckpoint(const DemoModelConfig& c)
        : Checkpoint("demo:seed=" + std::to_string(c.seed)), m_config(c)
    {
        buildCatalog();
    }

    std::string_view format() const noexcept override { return "demo"; }

    Matrix readMatrix(std::size_t index) const override
    {
        if (index >= m_tensors.size())
            throw InvalidArgument("demo checkpoint: no tensor #" + std::to_string(index));
        const auto& info = m_tensors[index];
        Matrix m(info.rows(), info.cols());
        if (m_specs[index].kind == Kind::Norm)
            fillNorm(index, m);
        else
            fillWeights(index, m);
        return m;
    }

    std::vector<std::byte> readRaw(std::size_t index) const override
    {
        const Matrix m = readMatrix(index);
        std::vector<std::byte> raw(m.values.size() * 2);
        for (std::size_t i = 0; i < m.values.size(); ++i) {
            const std::uint16_t h = floatToHalf(m.values[i]);  // exact: values are already F16
            std::memcpy(raw.data() + 2 * i, &h, 2);            // little-endian hosts only, like the readers
        }
        return raw;
    }

private:
    void add(std::string name, std::vector<std::int64_t> shape, TensorRole role, Spec spec)
    {
        TensorInfo t;
        t.name = std::move(name);
        t.shape = std::move(shape);
        t.dtype = DType::F16;
        t.role = role;
        t.byteSize = static_cast<std::uint64_t>(t.numel()) * 2;
        m_tensors.push_back(std::move(t));
        m_specs.push_back(spec);
    }

    void buildCatalog()
    {
        const auto& c = m_config;
        const std::int64_t dim = c.dim, hidden = c.hiddenDim, vocab = c.vocabSize;
        const std::int64_t kvDim = dim / c.heads * c.kvHeads;
        add("model.embed_tokens.weight", {vocab, dim}, TensorRole::Embedding, {Kind::Embedding, 1.0});
        for (int l = 0; l < c.layers; ++l) {
            const std::string p = "model.layers." + std::to_string(l) + ".";
            const double depth = 1.0 + 0.05 * l;  // later layers slightly wider, as in trained models
            add(p + "input_layernorm.weight", {dim}, TensorRole::Norm, {Kind::Norm, 1.0});
            add(p + "self_attn.q_proj.weight", {dim, dim}, TensorRole::Linear, {Kind::Linear, 1.0 * depth});
            add(p + "self_attn.k_proj.weight", {kvDim, dim}, TensorRole::Linear, {Kind::Linear, 1.0 * depth});
            add(p + "self_attn.v_proj.weight", {kvDim, dim}, TensorRole::Linear, {Kind::Linear, 0.8 * depth});
            add(p + "self_attn.o_proj.weight", {dim, dim}, TensorRole::Linear, {Kind::Linear, 0.6 * depth});
            add(p + "post_attention_layernorm.weight", {dim}, TensorRole::Norm, {Kind::Norm, 1.0});
            add(p + "mlp.gate_proj.weight", {hidden, dim}, TensorRole::Linear, {Kind::Linear, 1.0 * depth});
            add(p + "mlp.up_proj.weight", {hidden, dim}, TensorRole::Linear, {Kind::Linear, 1.0 * depth});
            add(p + "mlp.down_proj.weight", {dim, hidden}, TensorRole::Linear, {Kind::Linear, 0.7 * depth});
        }
        add("model.norm.weight", {dim}, TensorRole::Norm, {Kind::Norm, 1.0});
        add("lm_head.weight", {vocab, dim}, TensorRole::Linear, {Kind::Linear, 1.0});

        m_metadata = {{"architecture", "llama"},
                      {"generator", "QuantScope demo model"},
                      {"seed", std::to_string(c.seed)},
                      {"dim", std::to_string(c.dim)},
                      {"hidden_dim", std::to_string(c.hiddenDim)},
                      {"n_layers", std::to_string(c.layers)},
                      {"n_heads", std::to_string(c.heads)},
                      {"n_kv_heads", std::to_string(c.kvHeads)},
                      {"vocab_size", std::to_string(c.vocabSize)}};
    }

    void fillNorm(std::size_t index, Matrix& m) const
    {
        Rng rng(m_config.seed, index, 0);
        for (auto& v : m.values) v = toHalfPrecision(1.0 + 0.1 * rng.normal());
    }

    void fillWeights(std::size_t index, Matrix& m) const
    {
        const auto& spec = m_specs[index];
        const double sigma =
            spec.kind == Kind::Linear ? spec.gain / std::sqrt(static_cast<double>(m.cols)) : spec.gain;
        // Tensor-wide structure from its own stream (row index = max): which columns carry
        // outlier features and which output channels are wide.
        Rng structure(m_config.seed, index, ~std::uint64_t{0});
        std::vector<float> columnScale(static_cast<std::size_t>(m.cols), 1.0f);
        const auto features =
            std::max<std::int64_t>(1, static_cast<std::int64_t>(m.cols * kFeatureColumnShare));
        for (std::int64_t i = 0; i < features; ++i)
            columnScale[structure.next() % static_cast<std::uint64_t>(m.cols)] = 3.0f;
        std::vector<float> rowScale(static_cast<std::size_t>(m.rows), 1.0f);
        const auto wide = std::max<std::int64_t>(1, static_cast<std::int64_t>(m.rows * kWideRowShare));
        for (std::int64_t i = 0; i < wide; ++i)
            rowScale[structure.next() % static_cast<std::uint64_t>(m.rows)] = 2.0f;

        tbb::parallel_for(std::int64_t{0}, m.rows, [&](std::int64_t r) {
            Rng rng(m_config.seed, index, static_cast<std::uint64_t>(r));
            const double rowStd =
                sigma * rowScale[static_cast<std::size_t>(r)] * std::exp(0.15 * rng.normal());
            auto row = m.row(r);
            for (std::int64_t c = 0; c < m.cols; ++c) {
                double v = rng.studentT(kNu) * kTUnit * rowStd * columnScale[static_cast<std::size_t>(c)];
                if (rng.uniform() < kOutlierRate) {
                    const double magnitude = 6.0 + 8.0 * rng.uniform();  // 6..14 σ of the matrix
                    v = (rng.uniform() < 0.5 ? -magnitude : magnitude) * sigma;
                }
                row[static_cast<std::size_t>(c)] = toHalfPrecision(v);
            }
        });
    }

    DemoModelConfig m_config;
    std::vector<Spec> m_specs;
};

void checkConfig(const DemoModelConfig& c)
{
    constexpr int kMax = 1 << 20;
    const auto check = [](int v, int hi, const char* name) {
        if (v <= 0 || v > hi)
            throw InvalidArgument(std::string("demo model: ") + name + " must be in 1.." +
                                  std::to_string(hi) + ", not " + std::to_string(v));
    };
    check(c.dim, kMax, "dim");
    check(c.hiddenDim, kMax, "hidden_dim");
    check(c.layers, 4096, "layers");
    check(c.heads, c.dim, "heads");
    check(c.kvHeads, c.heads, "kv_heads");
    check(c.vocabSize, kMax, "vocab_size");
    if (c.dim % c.heads != 0) throw InvalidArgument("demo model: dim must be a multiple of heads");
    if (c.heads % c.kvHeads != 0) throw InvalidArgument("demo model: heads must be a multiple of kv_heads");
    const auto largest = std::max<std::int64_t>(c.hiddenDim, c.vocabSize) * c.dim;
    if (largest > (std::int64_t{1} << 31))
        throw InvalidArgument("demo model: a tensor would exceed 2^31 elements");
}

}  // namespace

std::unique_ptr<Checkpoint> makeDemoCheckpoint(const DemoModelConfig& config)
{
    checkConfig(config);
    return std::make_unique<DemoCheckpoint>(config);
}

void writeDemoSafetensors(const std::filesystem::path& path, const DemoModelConfig& config,
                          const ProgressFn& progress)
{
    const auto ckpt = makeDemoCheckpoint(config);
    SafetensorsWriter writer(path);
    for (const auto& [key, value] : ckpt->metadata()) writer.setMetadata(key, value);
    std::int64_t total = 0, done = 0;
    for (const auto& t : ckpt->tensors()) total += t.numel();
    for (std::size_t i = 0; i < ckpt->tensors().size(); ++i) {
        const auto& t = ckpt->tensors()[i];
        if (progress && !progress(static_cast<double>(done) / static_cast<double>(total), t.name))
            throw Cancelled();
        writer.addTensor(t.name, DType::F16, t.shape, ckpt->readRaw(i));
        done += t.numel();
    }
    writer.commit();
}

}  // namespace qs
