// nl4 on a whole matrix: super-blocks of each row encoded in parallel over rows (each task
// writes only its rows' codes and scales, so the bytes do not depend on the thread count).

#include "quant/nl4_codec.h"
#include "quant/progress_tracker.h"
#include "quantscope/error.h"
#include "quantscope/tensor/dtype.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <optional>

namespace qs::quant::nl4 {

QuantizedTensor quantizeMatrix(const Matrix& w, std::int64_t groupSize, const Search& search,
                               const ProgressFn& progress)
{
    QuantizedTensor q;
    q.rows = w.rows;
    q.cols = w.cols;
    q.bits = 4;
    q.scheme = Scheme::Symmetric;
    q.granularity = Granularity::PerGroup;
    q.groupSize = groupSize;
    q.superBlock = kSuperBlock;
    q.levels.assign(kCodebook.begin(), kCodebook.end());
    q.codes.resize(static_cast<std::size_t>(w.size()));
    const std::int64_t gpr = q.groupsPerRow(), spr = q.superBlocksPerRow();
    q.scales.resize(static_cast<std::size_t>(w.rows * gpr));
    q.offsets.assign(q.scales.size(), 0);
    q.superScales.resize(static_cast<std::size_t>(w.rows * spr));

    ProgressTracker tracker(progress, w.rows, "quantizing");
    using RowRange = tbb::blocked_range<std::int64_t>;
    tbb::parallel_for(RowRange(0, w.rows), [&](const RowRange& br) {
        std::int8_t sub[kSuperBlock];
        for (auto r = br.begin(); r != br.end(); ++r) {
            if (tracker.cancelled()) return;
            const auto row = w.row(r);
            for (std::int64_t b = 0; b < spr; ++b) {
                const std::int64_t begin = b * kSuperBlock;
                const std::int64_t len = std::min<std::int64_t>(kSuperBlock, w.cols - begin);
                const std::uint16_t half = encodeSuperBlock(
                    row.subspan(static_cast<std::size_t>(begin), static_cast<std::size_t>(len)),
                    static_cast<int>(groupSize), search, sub, q.codes.data() + r * w.cols + begin);
                q.superScales[static_cast<std::size_t>(r * spr + b)] = half;
                const float d = halfToFloat(half);
                float* scales = q.scales.data() + r * gpr + begin / groupSize;
                for (std::int64_t j = 0; j < (len + groupSize - 1) / groupSize; ++j)
                    scales[j] = d * static_cast<float>(sub[j]);  // exact: 11 x 6 significant bits
            }
            tracker.advance(1);
        }
    });
    if (tracker.cancelled()) throw Cancelled();
    return q;
}

namespace {

/// The code l in [-32, 31] with d * l == scale bit for bit, or nullopt. When d is a zero every
/// product is a zero, and only its sign tells the codes apart: -1 flips the sign, 0 keeps it.
std::optional<int> subScaleCode(float scale, float d) noexcept
{
    int l = 0;
    if (d != 0) {
        const float ratio = scale / d;
        if (!(ratio >= kSubScaleMin && ratio <= kSubScaleMax) || ratio != std::nearbyint(ratio)) return std::nullopt;
        l = static_cast<int>(ratio);
    } else if (std::signbit(scale) != std::signbit(d)) {
        l = -1;
    }
    if (std::bit_cast<std::uint32_t>(d * static_cast<float>(l)) != std::bit_cast<std::uint32_t>(scale))
        return std::nullopt;
    return l;
}

}  // namespace

std::vector<std::uint8_t> biasedSubScaleCodes(const QuantizedTensor& q, const std::string& name)
{
    const std::int64_t gpr = q.groupsPerRow(), spr = q.superBlocksPerRow();
    if (q.granularity != Granularity::PerGroup || q.groupSize <= 0 || q.superBlock <= 0 ||
        q.superBlock % q.groupSize != 0 || q.superScales.size() != static_cast<std::size_t>(q.rows * spr) ||
        q.scales.size() != static_cast<std::size_t>(q.rows * gpr) || q.levels.size() != (std::size_t(1) << q.bits))
        throw InvalidArgument("inconsistent nl4 tensor " + name);
    std::vector<std::uint8_t> codes(q.scales.size());
    for (std::size_t u = 0; u < q.scales.size(); ++u) {
        const auto r = static_cast<std::int64_t>(u) / gpr, k = static_cast<std::int64_t>(u) % gpr;
        const float d = halfToFloat(q.superScales[static_cast<std::size_t>(r * spr + k * q.groupSize / q.superBlock)]);
        const auto l = subScaleCode(q.scales[u], d);
        if (!l)
            throw InvalidArgument("nl4 tensor " + name + ": scale " + std::to_string(q.scales[u]) + " of group " +
                                  std::to_string(u) + " is not its super-scale times a 6-bit code");
        codes[u] = static_cast<std::uint8_t>(*l - kSubScaleMin);
    }
    return codes;
}

}  // namespace qs::quant::nl4
