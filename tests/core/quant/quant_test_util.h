#pragma once
// Deterministic test matrices for the quantization tests.

#include "quantscope/tensor/matrix.h"

#include <cmath>
#include <cstdint>
#include <random>

namespace qs::test {

/// Student-t(dof) values scaled by `scale`, from a fixed seed (heavy tails like LLM weights).
inline Matrix heavyTailed(std::int64_t rows, std::int64_t cols, std::uint32_t seed, double dof = 4.0,
                          double scale = 0.02)
{
    Matrix m(rows, cols);
    std::mt19937 rng(seed);
    std::student_t_distribution<float> dist(static_cast<float>(dof));
    for (auto& v : m.values) v = static_cast<float>(scale) * dist(rng);
    return m;
}

}  // namespace qs::test
