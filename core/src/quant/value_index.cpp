#include "quant/value_index.h"

#include <algorithm>
#include <cmath>

namespace qs::quant {

namespace {
/// One bucket per value: the bucket table is no larger than the values, and a lookup scans one
/// or two values on average (heavy-tailed units crowd a few more into the central buckets).
constexpr std::size_t kMaxBuckets = std::size_t{1} << 16;
}  // namespace

void ValueIndex::assign(std::span<const float> values)
{
    const std::size_t n = values.size();
    m_v.resize(n);
    m_sx.resize(n + 1);
    m_sxx.resize(n + 1);
    m_sx[0] = m_sxx[0] = 0;
    m_min = m_max = 0;
    if (n == 0) {
        m_invWidth = m_lastBucket = 0;
        m_start.assign(2, 0);
        return;
    }
    // Eight independent min/max lanes (a plain loop is one dependency chain per extreme).
    constexpr std::size_t kLanes = 8;
    float lo[kLanes], hi[kLanes];
    std::fill(lo, lo + kLanes, values[0]);
    std::fill(hi, hi + kLanes, values[0]);
    std::size_t i = 0;
    for (; i + kLanes <= n; i += kLanes)
        for (std::size_t j = 0; j < kLanes; ++j) {
            lo[j] = std::min(lo[j], values[i + j]);
            hi[j] = std::max(hi[j], values[i + j]);
        }
    for (; i < n; ++i) {
        lo[0] = std::min(lo[0], values[i]);
        hi[0] = std::max(hi[0], values[i]);
    }
    m_min = *std::min_element(lo, lo + kLanes);
    m_max = *std::max_element(hi, hi + kLanes);
    const std::size_t buckets = std::min(n, kMaxBuckets);
    m_invWidth = m_max > m_min ? static_cast<float>(double(buckets) / (double(m_max) - double(m_min))) : 0.0f;
    if (!std::isfinite(m_invWidth)) m_invWidth = 0.0f;  // a range too narrow for float: one bucket
    m_lastBucket = m_invWidth > 0 ? static_cast<float>(buckets - 1) : 0.0f;
    const std::size_t used = static_cast<std::size_t>(m_lastBucket) + 1;

    // Count per bucket, prefix over buckets, scatter; then running sums over the grouped values.
    m_bucket.resize(n);
    m_start.assign(used + 1, 0);
    for (std::size_t k = 0; k < n; ++k) {
        const std::uint32_t b = bucketOf(values[k]);
        m_bucket[k] = b;
        ++m_start[b + 1];
    }
    for (std::size_t b = 1; b <= used; ++b) m_start[b] += m_start[b - 1];
    m_cursor.assign(m_start.begin(), m_start.end() - 1);
    for (std::size_t k = 0; k < n; ++k) m_v[m_cursor[m_bucket[k]]++] = values[k];
    double sx = 0, sxx = 0;
    for (std::size_t k = 0; k < n; ++k) {
        const double x = m_v[k];
        sx += x;
        sxx += x * x;
        m_sx[k + 1] = sx;
        m_sxx[k + 1] = sxx;
    }
}

float ValueIndex::maxAbs() const noexcept { return std::max(std::abs(m_min), std::abs(m_max)); }

RangeSums ValueIndex::below(double t) const noexcept
{
    if (m_v.empty() || !(t > m_min)) return {};  // every value is >= min >= t
    if (t > m_max) return total();
    const std::uint32_t b = bucketOf(static_cast<float>(t));
    RangeSums s = prefixAt(m_start[b]);
    for (std::uint32_t i = m_start[b], end = m_start[b + 1]; i < end; ++i)
        if (const double x = m_v[i]; x < t) s.add(x);
    return s;
}

double ValueIndex::loss(double delta, int qlo, int qhi) const noexcept
{
    if (m_v.empty()) return 0;
    if (!(delta > 0)) return total().sxx;
    const double n = total().count;
    double sum = 0;
    RangeSums prev{};
    for (int q = qlo; q <= qhi; ++q) {
        const RangeSums cur = q == qhi ? total() : below((q + 0.5) * delta);
        if (cur.count > prev.count) sum += std::max(0.0, (cur - prev).squaredDistanceTo(q * delta));
        if (cur.count >= n) break;
        prev = cur;
    }
    return sum;
}

}  // namespace qs::quant
