#pragma once
// A small portable PRNG for the simulator and the trainer: SplitMix64 with our own uniform
// and normal mappings, so a seed gives the same numbers with any standard library.

#include <cmath>
#include <cstdint>

namespace qs::sim {

constexpr std::uint64_t splitmix(std::uint64_t x) noexcept
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

class Rng {
public:
    explicit Rng(std::uint64_t seed) noexcept : m_state(splitmix(seed ^ 0x5DEECE66Dull)) {}
    std::uint64_t next() noexcept
    {
        m_state += 0x9E3779B97F4A7C15ull;
        std::uint64_t z = m_state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    /// [0, 1) with 53 random bits.
    double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    float uniform(float lo, float hi) noexcept { return lo + (hi - lo) * static_cast<float>(uniform()); }
    /// Integer in [lo, hi].
    int integer(int lo, int hi) noexcept
    {
        return lo + static_cast<int>(next() % static_cast<std::uint64_t>(hi - lo + 1));
    }
    bool chance(double p) noexcept { return uniform() < p; }
    /// Standard normal (Box-Muller, one value per call).
    double normal() noexcept
    {
        const double u1 = 1.0 - uniform(), u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }

private:
    std::uint64_t m_state;
};

}  // namespace qs::sim
