#include "io/llama2c/llama2c_reader.h"

#include "quantscope/error.h"
#include "util/mapped_file.h"

#include <cstring>
#include <string>

namespace qs {

namespace {

constexpr std::uint32_t kMagicV1 = 0x616b3432;  // "ak42" read as a little-endian u32
constexpr std::uint64_t kHeaderV1 = 256;
constexpr std::uint64_t kHeaderLegacy = 7 * 4;
constexpr int kMaxDim = 1 << 16;  // sanity bounds against absurd headers, far above real models

std::int32_t readI32(std::span<const std::byte> b, std::size_t at)
{
    std::int32_t v;
    std::memcpy(&v, b.data() + at, 4);
    return v;
}

struct Layout {
    Llama2cConfig config;
    std::uint64_t dataOffset = 0;
};

Layout parseHeader(const MappedFile& f)
{
    const auto file = f.path().string();
    const auto head = f.slice(0, std::min<std::uint64_t>(f.size(), kHeaderV1), "header");
    if (head.size() < kHeaderLegacy) throw FormatError(file, "header", 0, "file is shorter than a llama2.c header");
    Layout l;
    std::size_t at = 0;
    std::uint32_t magic;
    std::memcpy(&magic, head.data(), 4);
    if (magic == kMagicV1) {
        if (head.size() < kHeaderV1) throw FormatError(file, "header", 0, "v1 header needs 256 bytes");
        const auto version = readI32(head, 4);
        if (version != 1)
            throw UnsupportedError(file + ": llama2.c version " + std::to_string(version) +
                                   " (only the legacy format and version 1 are supported)");
        l.config.version = 1;
        at = 8;
        l.dataOffset = kHeaderV1;
    } else {
        l.dataOffset = kHeaderLegacy;
    }
    auto& c = l.config;
    const char* names[] = {"dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len"};
    int* fields[] = {&c.dim, &c.hiddenDim, &c.layers, &c.heads, &c.kvHeads, &c.vocabSize, &c.seqLen};
    for (int i = 0; i < 7; ++i) *fields[i] = readI32(head, at + 4 * static_cast<std::size_t>(i));
    if (c.version == 1) {
        c.sharedClassifier = head[at + 28] != std::byte{0};
    } else {
        // Legacy: a negative vocab size means the classifier is stored separately.
        c.sharedClassifier = c.vocabSize > 0;
        if (c.vocabSize < 0) c.vocabSize = -c.vocabSize;
    }
    for (int i = 0; i < 7; ++i)
        if (*fields[i] <= 0 || *fields[i] > kMaxDim * (i == 5 ? 64 : 1))
            throw FormatError(file, names[i], at + 4 * static_cast<std::uint64_t>(i),
                              "value " + std::to_string(*fields[i]) + " is out of range");
    if (c.dim % c.heads != 0) throw FormatError(file, "n_heads", at + 12, "dim is not a multiple of n_heads");
    if (c.kvHeads > c.heads || c.heads % c.kvHeads != 0)
        throw FormatError(file, "n_kv_heads", at + 16, "n_heads is not a multiple of n_kv_heads");
    return l;
}

class Llama2cCheckpoint final : public Checkpoint {
public:
    explicit Llama2cCheckpoint(const std::filesystem::path& path) : Checkpoint(path), m_file(path)
    {
        const auto layout = parseHeader(m_file);
        m_config = layout.config;
        buildCatalog(layout.dataOffset);
    }

    std::string_view format() const noexcept override { return "llama2c"; }
    const Llama2cConfig& config() const noexcept { return m_config; }

    Matrix readMatrix(std::size_t index) const override
    {
        const auto& info = m_tensors.at(index);
        Matrix m(info.rows(), info.cols());
        const auto bytes = m_file.slice(m_offsets[index], info.byteSize, info.name);
        std::memcpy(m.values.data(), bytes.data(), bytes.size());
        return m;
    }

    std::vector<std::byte> readRaw(std::size_t index) const override
    {
        const auto& info = m_tensors.at(index);
        const auto bytes = m_file.slice(m_offsets[index], info.byteSize, info.name);
        return {bytes.begin(), bytes.end()};
    }

private:
    void add(std::string name, std::vector<std::int64_t> shape, TensorRole role, std::uint64_t& offset)
    {
        TensorInfo t;
        t.name = std::move(name);
        t.shape = std::move(shape);
        t.dtype = DType::F32;
        t.byteSize = static_cast<std::uint64_t>(t.numel()) * 4;
        t.role = role;
        m_offsets.push_back(offset);
        offset += t.byteSize;
        m_tensors.push_back(std::move(t));
    }

    // Appends one tensor per layer, e.g. layers.3.attention.wq.weight.
    void addPerLayer(const std::string& suffix, const std::vector<std::int64_t>& shape, TensorRole role,
                     std::uint64_t& offset)
    {
        for (int l = 0; l < m_config.layers; ++l) add("layers." + std::to_string(l) + "." + suffix, shape, role, offset);
    }

    void buildCatalog(std::uint64_t offset)
    {
        const auto& c = m_config;
        const std::int64_t dim = c.dim, hidden = c.hiddenDim, kv = c.kvDim(), vocab = c.vocabSize;
        auto attention = [&] {
            addPerLayer("attention.wq.weight", {dim, dim}, TensorRole::Linear, offset);
            addPerLayer("attention.wk.weight", {kv, dim}, TensorRole::Linear, offset);
            addPerLayer("attention.wv.weight", {kv, dim}, TensorRole::Linear, offset);
            addPerLayer("attention.wo.weight", {dim, dim}, TensorRole::Linear, offset);
        };
        auto ffn = [&] {
            addPerLayer("feed_forward.w1.weight", {hidden, dim}, TensorRole::Linear, offset);
            addPerLayer("feed_forward.w2.weight", {dim, hidden}, TensorRole::Linear, offset);
            addPerLayer("feed_forward.w3.weight", {hidden, dim}, TensorRole::Linear, offset);
        };
        if (c.version == 1) {
            // export.py version1_export order: norms, final norm, embedding, then the matrices.
            addPerLayer("attention_norm.weight", {dim}, TensorRole::Norm, offset);
            addPerLayer("ffn_norm.weight", {dim}, TensorRole::Norm, offset);
            add("norm.weight", {dim}, TensorRole::Norm, offset);
            add("tok_embeddings.weight", {vocab, dim}, TensorRole::Embedding, offset);
            attention();
            ffn();
        } else {
            // run.c order: embedding, attention norms, wq..wo, ffn norms, w1 w2 w3, final norm,
            // then the (unused) RoPE tables freq_cis_real/imag, then the classifier if unshared.
            add("tok_embeddings.weight", {vocab, dim}, TensorRole::Embedding, offset);
            addPerLayer("attention_norm.weight", {dim}, TensorRole::Norm, offset);
            attention();
            addPerLayer("ffn_norm.weight", {dim}, TensorRole::Norm, offset);
            ffn();
            add("norm.weight", {dim}, TensorRole::Norm, offset);
            offset += static_cast<std::uint64_t>(c.seqLen) * static_cast<std::uint64_t>(c.headSize()) * 4;  // freq_cis
        }
        if (!c.sharedClassifier) add("output.weight", {vocab, dim}, TensorRole::Linear, offset);
        if (offset > m_file.size())
            throw FormatError(m_path.string(), m_tensors.back().name, m_offsets.back(),
                              "the header's sizes need " + std::to_string(offset) + " bytes but the file has " +
                                  std::to_string(m_file.size()));
        if (offset < m_file.size() && c.version == 1)
            throw FormatError(m_path.string(), "file size", offset,
                              std::to_string(m_file.size() - offset) + " trailing bytes after the last tensor");
        m_metadata = {{"dim", std::to_string(c.dim)},           {"hidden_dim", std::to_string(c.hiddenDim)},
                      {"n_layers", std::to_string(c.layers)},   {"n_heads", std::to_string(c.heads)},
                      {"n_kv_heads", std::to_string(c.kvHeads)}, {"vocab_size", std::to_string(c.vocabSize)},
                      {"seq_len", std::to_string(c.seqLen)},
                      {"shared_classifier", c.sharedClassifier ? "true" : "false"},
                      {"llama2c_version", c.version == 1 ? "1" : "legacy"}};
    }

    MappedFile m_file;
    Llama2cConfig m_config;
    std::vector<std::uint64_t> m_offsets;
};

}  // namespace

Llama2cConfig readLlama2cConfig(const std::filesystem::path& path)
{
    const MappedFile f(path);
    return parseHeader(f).config;
}

namespace io {

bool sniffLlama2c(std::span<const std::byte> head)
{
    if (head.size() < 4) return false;
    std::uint32_t magic;
    std::memcpy(&magic, head.data(), 4);
    return magic == kMagicV1;  // the legacy format has no magic: chosen by extension (.bin)
}

std::unique_ptr<Checkpoint> openLlama2c(const std::filesystem::path& path)
{
    return std::make_unique<Llama2cCheckpoint>(path);
}

}  // namespace io
}  // namespace qs
