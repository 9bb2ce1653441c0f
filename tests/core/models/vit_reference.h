#pragma once
// A synthetic ViT for tests: random weights in an in-memory checkpoint, the ARCH.json that
// describes it, and a plain loop-by-loop forward pass in double precision to compare against.

#include "quantscope/io/checkpoint.h"

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace qs::test {

struct SynthVit {
    int dim = 12, heads = 3, layers = 2, mlp = 20, classes = 5;
    int channels = 1, height = 8, width = 8, patch = 4;
    bool cls = true;
    bool fused = true;     ///< qkv fused, else separate q/k/v
    bool preProj = false;  ///< extra q/k/v projections before the attention's own
    bool postNorm = false;
    bool sharedNorm = false;  ///< norm2 names the same tensor as norm1
    bool layerScale = false;
    bool finalNorm = false;
    bool poolNorm = false;
    bool meanPool = false;
    std::string activation = "gelu";  ///< gelu, gelu_tanh, relu
    double eps = 1e-5;
    float mean = 0.25f, std = 0.5f;
};

/// A checkpoint held in memory: name -> (shape, values).
class MemoryCheckpoint : public Checkpoint {
public:
    MemoryCheckpoint() : Checkpoint("memory.ckpt") {}
    void add(const std::string& name, std::vector<std::int64_t> shape, std::vector<float> values);
    const std::vector<float>& values(const std::string& name) const { return m_values.at(name); }
    bool has(const std::string& name) const { return m_values.count(name) > 0; }
    std::string_view format() const noexcept override { return "memory"; }
    Matrix readMatrix(std::size_t index) const override;
    std::vector<std::byte> readRaw(std::size_t index) const override;

private:
    std::map<std::string, std::vector<float>> m_values;
};

/// Random weights for `s` (names "b{i}.<role>", "embed.*", "head.*").
std::unique_ptr<MemoryCheckpoint> makeSynthCheckpoint(const SynthVit& s, std::uint32_t seed);
/// The ARCH.json describing it.
std::string synthArchJson(const SynthVit& s);
/// Logits by plain loops; `image` is [channels, height, width], already normalised.
std::vector<double> referenceForward(const SynthVit& s, const MemoryCheckpoint& c,
                                     const std::vector<float>& image);

}  // namespace qs::test
