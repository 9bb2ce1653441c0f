#include "quantscope/quant/metrics.h"

#include "quantscope/error.h"
#include "quantscope/quant/quantized_tensor.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace qs {

namespace {

struct RowSums {
    double ww = 0;   // Σ W²
    double hh = 0;   // Σ Ŵ²
    double wh = 0;   // Σ W·Ŵ
    double ee = 0;   // Σ (Ŵ-W)²
    double maxAbs = 0;
};

}  // namespace

TensorMetrics compareMatrices(const Matrix& original, const Matrix& dequantized)
{
    if (original.rows != dequantized.rows || original.cols != dequantized.cols ||
        original.values.size() != dequantized.values.size())
        throw InvalidArgument("compareMatrices: shapes differ");
    TensorMetrics m;
    m.elements = static_cast<std::int64_t>(original.values.size());
    if (m.elements == 0) return m;

    // Per-row partial sums in parallel, then a serial sum in row order: the result does not
    // depend on how TBB schedules the rows.
    const std::int64_t rows = std::max<std::int64_t>(original.rows, 1);
    const std::int64_t cols = m.elements / rows;
    std::vector<RowSums> partial(static_cast<std::size_t>(rows));
    tbb::parallel_for(tbb::blocked_range<std::int64_t>(0, rows), [&](const tbb::blocked_range<std::int64_t>& br) {
        for (std::int64_t r = br.begin(); r != br.end(); ++r) {
            RowSums s;
            const float* w = original.values.data() + r * cols;
            const float* h = dequantized.values.data() + r * cols;
            for (std::int64_t c = 0; c < cols; ++c) {
                const double a = w[c];
                const double b = h[c];
                s.ww += a * a;
                s.hh += b * b;
                s.wh += a * b;
                s.ee += (b - a) * (b - a);
                s.maxAbs = std::max(s.maxAbs, std::abs(b - a));
            }
            partial[static_cast<std::size_t>(r)] = s;
        }
    });
    RowSums t;
    for (const auto& s : partial) {
        t.ww += s.ww;
        t.hh += s.hh;
        t.wh += s.wh;
        t.ee += s.ee;
        t.maxAbs = std::max(t.maxAbs, s.maxAbs);
    }
    const double n = static_cast<double>(m.elements);
    m.mse = t.ee / n;
    m.relErr = t.ww > 0 ? std::sqrt(t.ee / t.ww) : (t.ee > 0 ? std::numeric_limits<double>::infinity() : 0.0);
    m.sqnrDb = t.ee > 0 ? 10.0 * std::log10(t.ww / t.ee) : std::numeric_limits<double>::infinity();
    m.maxAbsErr = t.maxAbs;
    m.cosine = (t.ww > 0 && t.hh > 0) ? t.wh / std::sqrt(t.ww * t.hh) : (t.ww == t.hh ? 1.0 : 0.0);
    return m;
}

TensorMetrics measure(const Matrix& original, const QuantizedTensor& q)
{
    TensorMetrics m = compareMatrices(original, q.dequantize());
    m.outliers = static_cast<std::int64_t>(q.outlierIndex.size());
    m.outlierFrac = m.elements > 0 ? static_cast<double>(m.outliers) / static_cast<double>(m.elements) : 0.0;
    m.bpw = q.bitsPerWeight();
    return m;
}

}  // namespace qs
