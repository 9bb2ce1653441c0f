#include "quantscope/tensor/tensor_stats.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace qs {

namespace {

// Fixed chunk size: the split, and so the summation order, never depends on the thread count.
constexpr std::size_t kChunk = 1 << 16;

struct FirstPass {
    std::uint64_t count = 0, nonFinite = 0;
    double sum = 0;
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();
};

struct SecondPass {
    double m2 = 0, m4 = 0;
    std::uint64_t beyond = 0;
};

template <typename Part, typename Fn>
std::vector<Part> perChunk(std::size_t n, Fn fn)
{
    const std::size_t chunks = (n + kChunk - 1) / kChunk;
    std::vector<Part> parts(chunks);
    tbb::parallel_for(std::size_t{0}, chunks, [&](std::size_t c) {
        parts[c] = fn(c * kChunk, std::min(n, (c + 1) * kChunk));
    });
    return parts;
}

}  // namespace

TensorStats computeTensorStats(std::span<const float> values)
{
    TensorStats s;
    const std::size_t n = values.size();
    const auto first = perChunk<FirstPass>(n, [&](std::size_t b, std::size_t e) {
        FirstPass p;
        for (std::size_t i = b; i < e; ++i) {
            const double v = values[i];
            if (!std::isfinite(v)) {
                ++p.nonFinite;
                continue;
            }
            ++p.count;
            p.sum += v;
            p.min = std::min(p.min, v);
            p.max = std::max(p.max, v);
        }
        return p;
    });
    FirstPass total;
    for (const auto& p : first) {  // fixed order
        total.count += p.count;
        total.nonFinite += p.nonFinite;
        total.sum += p.sum;
        total.min = std::min(total.min, p.min);
        total.max = std::max(total.max, p.max);
    }
    s.count = total.count;
    s.nonFinite = total.nonFinite;
    if (s.count == 0) return s;
    s.mean = total.sum / static_cast<double>(s.count);
    s.min = total.min;
    s.max = total.max;
    s.absmax = std::max(std::fabs(s.min), std::fabs(s.max));

    const double mean = s.mean;
    const auto second = perChunk<SecondPass>(n, [&](std::size_t b, std::size_t e) {
        SecondPass p;
        for (std::size_t i = b; i < e; ++i) {
            const double v = values[i];
            if (!std::isfinite(v)) continue;
            const double d = v - mean;
            const double d2 = d * d;
            p.m2 += d2;
            p.m4 += d2 * d2;
        }
        return p;
    });
    double m2 = 0, m4 = 0;
    for (const auto& p : second) {
        m2 += p.m2;
        m4 += p.m4;
    }
    m2 /= static_cast<double>(s.count);
    m4 /= static_cast<double>(s.count);
    s.std = std::sqrt(m2);
    if (s.std > 0) {
        s.absmaxOverStd = s.absmax / s.std;
        s.kurtosis = m4 / (m2 * m2) - 3.0;
        const double limit = 3.0 * s.std;
        const auto third = perChunk<SecondPass>(n, [&](std::size_t b, std::size_t e) {
            SecondPass p;
            for (std::size_t i = b; i < e; ++i) {
                const double v = values[i];
                if (std::isfinite(v) && std::fabs(v - mean) > limit) ++p.beyond;
            }
            return p;
        });
        std::uint64_t beyond = 0;
        for (const auto& p : third) beyond += p.beyond;
        s.fractionBeyond3Sigma = static_cast<double>(beyond) / static_cast<double>(s.count);
    }
    return s;
}

}  // namespace qs
