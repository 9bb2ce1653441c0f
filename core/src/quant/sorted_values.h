#pragma once
// A unit's values sorted once, with prefix sums of x and x² in double: the quantization loss
// for any step Δ then costs O(levels · log n) instead of O(n) (METHODS.md §3, "exact range
// search"). Used by rtn-mse, the EasyQuant search solver and the ThresholdExplorer.

#include <cstdint>
#include <span>
#include <vector>

namespace qs::quant {

struct RangeSums {
    double count = 0;
    double sx = 0;   ///< Σ x
    double sxx = 0;  ///< Σ x²
    /// Σ (x - c)² over the range.
    double squaredDistanceTo(double c) const noexcept { return sxx - 2.0 * c * sx + count * c * c; }
};

class SortedValues {
public:
    SortedValues() = default;
    explicit SortedValues(std::span<const float> values) { assign(values); }
    /// Sorts a copy of `values` and builds the prefix sums (reuses this object's buffers).
    void assign(std::span<const float> values);

    std::size_t size() const noexcept { return m_v.size(); }
    const std::vector<float>& values() const noexcept { return m_v; }
    /// First index in [first, last) whose value is >= x.
    std::size_t lowerBound(double x, std::size_t first, std::size_t last) const noexcept;
    std::size_t lowerBound(double x) const noexcept { return lowerBound(x, 0, m_v.size()); }
    RangeSums sums(std::size_t first, std::size_t last) const noexcept;

    /// Σ (Q(x) - x)² over values [first, last) for the quantizer with step delta and integer
    /// grid [qlo, qhi] (values below/above the grid clip to its ends). delta <= 0 quantizes
    /// everything to 0. Level q collects x in [(q-½)Δ, (q+½)Δ).
    double loss(double delta, int qlo, int qhi, std::size_t first, std::size_t last) const noexcept;
    double loss(double delta, int qlo, int qhi) const noexcept { return loss(delta, qlo, qhi, 0, m_v.size()); }

private:
    std::vector<float> m_v;
    std::vector<double> m_sx;   // size n+1
    std::vector<double> m_sxx;  // size n+1
    std::vector<std::uint32_t> m_keys, m_tmp;  // radix sort buffers, reused
};

}  // namespace qs::quant
