#pragma once
// Writes small llama2.c checkpoints for the export tests. stories260K (dim 64, hidden 172) has no
// matrix whose rows are whole 256-value super-blocks, so the tests that need one (IQ4_XS export)
// write a model of another shape whose weights are stories260K's own values, in file order and
// repeated as needed: real weight statistics in a shape the real file does not have.

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace qs::test {

struct Llama2cShape {
    std::int32_t dim = 256, hidden = 288, layers = 1, heads = 8, kvHeads = 4, vocab = 512, seqLen = 32;
};

/// The fp32 weights of a legacy llama2.c file (everything after its 7 x int32 header).
inline std::vector<float> llama2cWeights(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    in.seekg(0, std::ios::end);
    const auto bytes = static_cast<std::size_t>(in.tellg());
    if (!in || bytes < 28) throw std::runtime_error("not a llama2.c file: " + file.string());
    std::vector<float> w((bytes - 28) / 4);
    in.seekg(28);
    in.read(reinterpret_cast<char*>(w.data()), static_cast<std::streamsize>(w.size() * 4));
    return w;
}

/// Writes a legacy llama2.c checkpoint (header, then run.c's order: embedding, attention norms,
/// wq wk wv wo, ffn norms, w1 w2 w3, final norm, RoPE tables; shared classifier) of `shape`,
/// filled from `source` cyclically.
inline void writeLlama2cModel(const std::filesystem::path& out, const Llama2cShape& s, const std::vector<float>& source)
{
    const std::int64_t dim = s.dim, hidden = s.hidden, layers = s.layers, vocab = s.vocab;
    const std::int64_t kv = dim * s.kvHeads / s.heads, head = dim / s.heads;
    const std::int64_t count = vocab * dim + layers * (2 * dim + 2 * dim * dim + 2 * kv * dim + 3 * hidden * dim) +
                               dim + std::int64_t(s.seqLen) * head;
    std::vector<float> values(static_cast<std::size_t>(count));
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = source[i % source.size()];
    const std::int32_t header[7] = {s.dim, s.hidden, s.layers, s.heads, s.kvHeads, s.vocab, s.seqLen};
    std::ofstream f(out, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(header), sizeof header);
    f.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * 4));
    if (!f) throw std::runtime_error("cannot write " + out.string());
}

}  // namespace qs::test
