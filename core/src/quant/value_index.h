#pragma once
// A unit's values grouped into n equal-width value buckets, with prefix sums of the count, x
// and x² over the buckets (in double). "The sums of the values below t" costs one bucket
// lookup by arithmetic plus a scan of the few values in t's own bucket, so the quantization
// loss for any step Δ costs O(levels) instead of O(n) (METHODS.md §3, "exact range search").
// Used by rtn-mse, the EasyQuant search solver and the asymmetric clip grid.
//
// Why buckets and not a sort: building is one counting scatter with no data-dependent
// branches, where a radix sort needs three passes and an insertion fix-up mispredicts once
// per bucket; and a threshold finds its place by arithmetic, not by a binary search — the two
// costs that dominated the search solver's profile. The sums are running sums over the
// grouped values (two independent chains, no branches), read at bucket starts; per-bucket
// sums accumulated during the count cost a dependent read-modify-write of 24 bytes per value. Exactness does not depend on the
// bucketing: the bucket index is a monotone function of the value (float arithmetic; a double
// threshold is first rounded to float, also monotone), so every value in a lower bucket is
// below the threshold and every value in a higher bucket is above it; only the threshold's
// own bucket is compared value by value.

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
    RangeSums operator-(const RangeSums& o) const noexcept { return {count - o.count, sx - o.sx, sxx - o.sxx}; }
    void add(double x) noexcept
    {
        count += 1;
        sx += x;
        sxx += x * x;
    }
};

class ValueIndex {
public:
    ValueIndex() = default;
    explicit ValueIndex(std::span<const float> values) { assign(values); }
    /// Indexes a copy of `values` (finite); reuses this object's buffers.
    void assign(std::span<const float> values);

    std::size_t size() const noexcept { return m_v.size(); }
    float min() const noexcept { return m_min; }
    float max() const noexcept { return m_max; }
    float maxAbs() const noexcept;
    RangeSums total() const noexcept { return prefixAt(static_cast<std::uint32_t>(m_v.size())); }

    /// Sums over the values strictly below t (t may be ±infinity).
    RangeSums below(double t) const noexcept;
    /// Sums over the values in [lo, hi) (empty when hi <= lo).
    RangeSums within(double lo, double hi) const noexcept { return hi > lo ? below(hi) - below(lo) : RangeSums{}; }

    /// Σ (Q(x) - x)² for the quantizer with step delta and integer grid [qlo, qhi] (values
    /// below/above the grid clip to its ends). delta <= 0 quantizes everything to 0. Level q
    /// collects x in [(q-½)Δ, (q+½)Δ).
    double loss(double delta, int qlo, int qhi) const noexcept;

    /// Calls f(x) for every value in [lo, hi), in bucket order (unordered inside a bucket).
    template <typename F>
    void forEachWithin(double lo, double hi, F&& f) const
    {
        if (!(hi > lo) || m_v.empty() || !(hi > m_min) || lo > m_max) return;
        const std::uint32_t first = m_start[bucketOf(static_cast<float>(lo))];
        const std::uint32_t last = m_start[bucketOf(static_cast<float>(hi)) + 1];
        for (std::uint32_t i = first; i < last; ++i)
            if (const double x = m_v[i]; x >= lo && x < hi) f(m_v[i]);
    }

private:
    /// The bucket of x, clamped to [0, buckets-1]; monotone non-decreasing in x.
    std::uint32_t bucketOf(float x) const noexcept
    {
        const float k = (x - m_min) * m_invWidth;
        if (!(k > 0.0f)) return 0;
        return k >= m_lastBucket ? static_cast<std::uint32_t>(m_lastBucket) : static_cast<std::uint32_t>(k);
    }

    /// Sums over m_v[0, i).
    RangeSums prefixAt(std::uint32_t i) const noexcept { return {double(i), m_sx[i], m_sxx[i]}; }

    std::vector<float> m_v;                    // grouped by bucket, buckets ascending
    std::vector<double> m_sx{0.0};             // running Σx over m_v; size + 1
    std::vector<double> m_sxx{0.0};            // running Σx² over m_v; size + 1
    std::vector<std::uint32_t> m_start{0, 0};  // first value of each bucket; buckets + 1
    std::vector<std::uint32_t> m_bucket;       // scratch: each input value's bucket
    std::vector<std::uint32_t> m_cursor;       // scratch: write position per bucket
    float m_min = 0;
    float m_max = 0;
    float m_invWidth = 0;
    float m_lastBucket = 0;
};

}  // namespace qs::quant
