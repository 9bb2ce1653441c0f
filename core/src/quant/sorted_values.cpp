#include "quant/sorted_values.h"

#include <algorithm>

namespace qs::quant {

void SortedValues::assign(std::span<const float> values)
{
    m_v.assign(values.begin(), values.end());
    std::sort(m_v.begin(), m_v.end());
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
