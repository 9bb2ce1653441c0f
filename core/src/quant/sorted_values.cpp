#include "quant/sorted_values.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

namespace qs::quant {

namespace {

/// Order-preserving map of a (finite) float to an unsigned key.
inline std::uint32_t sortKey(float f) noexcept
{
    const std::uint32_t b = std::bit_cast<std::uint32_t>(f);
    return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}

/// LSD radix sort, 3 passes of 11/11/10 bits: O(n) and ~3x faster than std::sort for the
/// 64..16k values of a channel. Small inputs use std::sort.
void radixSort(std::vector<float>& v, std::vector<std::uint32_t>& a, std::vector<std::uint32_t>& b)
{
    const std::size_t n = v.size();
    if (n < 256) {
        std::sort(v.begin(), v.end());
        return;
    }
    a.resize(n);
    b.resize(n);
    for (std::size_t i = 0; i < n; ++i) a[i] = sortKey(v[i]);
    for (const int shift : {0, 11, 22}) {
        std::array<std::uint32_t, 2048> count{};
        for (std::size_t i = 0; i < n; ++i) ++count[(a[i] >> shift) & 0x7FFu];
        std::uint32_t sum = 0;
        for (auto& c : count) {
            const std::uint32_t t = c;
            c = sum;
            sum += t;
        }
        for (std::size_t i = 0; i < n; ++i) b[count[(a[i] >> shift) & 0x7FFu]++] = a[i];
        a.swap(b);
    }
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t k = a[i];
        v[i] = std::bit_cast<float>((k & 0x80000000u) ? (k & 0x7FFFFFFFu) : ~k);
    }
}

}  // namespace

void SortedValues::assign(std::span<const float> values)
{
    m_v.assign(values.begin(), values.end());
    radixSort(m_v, m_keys, m_tmp);
    const auto n = m_v.size();
    m_sx.resize(n + 1);
    m_sxx.resize(n + 1);
    double a = 0;
    double b = 0;
    m_sx[0] = 0;
    m_sxx[0] = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double x = m_v[i];
        a += x;
        b += x * x;
        m_sx[i + 1] = a;
        m_sxx[i + 1] = b;
    }
}

std::size_t SortedValues::lowerBound(double x, std::size_t first, std::size_t last) const noexcept
{
    const auto it = std::lower_bound(m_v.begin() + static_cast<std::ptrdiff_t>(first),
                                     m_v.begin() + static_cast<std::ptrdiff_t>(last), x,
                                     [](float v, double t) { return static_cast<double>(v) < t; });
    return static_cast<std::size_t>(it - m_v.begin());
}

RangeSums SortedValues::sums(std::size_t first, std::size_t last) const noexcept
{
    if (last <= first) return {};
    return {static_cast<double>(last - first), m_sx[last] - m_sx[first], m_sxx[last] - m_sxx[first]};
}

double SortedValues::loss(double delta, int qlo, int qhi, std::size_t first, std::size_t last) const noexcept
{
    if (last <= first) return 0;
    if (!(delta > 0)) return sums(first, last).sxx;
    double total = 0;
    std::size_t begin = first;
    for (int q = qlo; q <= qhi && begin < last; ++q) {
        const std::size_t end = q == qhi ? last : lowerBound((q + 0.5) * delta, begin, last);
        if (end > begin) total += std::max(0.0, sums(begin, end).squaredDistanceTo(q * delta));
        begin = end;
    }
    return total;
}

}  // namespace qs::quant
