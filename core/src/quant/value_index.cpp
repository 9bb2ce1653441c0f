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
    m_min = m_max = 0;
    if (n == 0) {
        m_invWidth = m_lastBucket = 0;
        m_start.assign(2, 0);
        m_prefix.assign(2, RangeSums{});
        return;
    }
    float lo = values[0];
    float hi = values[0];
    for (const float x : values) {  // a plain loop vectorizes; minmax_element does not
        lo = std::min(lo, x);
        hi = std::max(hi, x);
    }
    m_min = lo;
    m_max = hi;
    const std::size_t buckets = std::min(n, kMaxBuckets);
    m_invWidth = hi > lo ? static_cast<float>(double(buckets) / (double(hi) - double(lo))) : 0.0f;
    if (!std::isfinite(m_invWidth)) m_invWidth = 0.0f;  // a range too narrow for float: one bucket
    m_lastBucket = m_invWidth > 0 ? static_cast<float>(buckets - 1) : 0.0f;
    const std::size_t used = static_cast<std::size_t>(m_lastBucket) + 1;

    // One counting pass (count and sums per bucket), prefix over buckets, one scatter.
    m_bucket.resize(n);
    m_start.assign(used + 1, 0);
    m_prefix.assign(used + 1, RangeSums{});
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t b = bucketOf(values[i]);
        m_bucket[i] = b;
        ++m_start[b + 1];
        m_prefix[b + 1].add(values[i]);
    }
    for (std::size_t b = 1; b <= used; ++b) {
        m_start[b] += m_start[b - 1];
        m_prefix[b].count += m_prefix[b - 1].count;
        m_prefix[b].sx += m_prefix[b - 1].sx;
        m_prefix[b].sxx += m_prefix[b - 1].sxx;
    }
    m_cursor.assign(m_start.begin(), m_start.end() - 1);
    for (std::size_t i = 0; i < n; ++i) m_v[m_cursor[m_bucket[i]]++] = values[i];
}

float ValueIndex::maxAbs() const noexcept { return std::max(std::abs(m_min), std::abs(m_max)); }

RangeSums ValueIndex::below(double t) const noexcept
{
    if (m_v.empty() || !(t > m_min)) return {};  // every value is >= min >= t
    if (t > m_max) return total();
    const std::uint32_t b = bucketOf(static_cast<float>(t));
    RangeSums s = m_prefix[b];
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
