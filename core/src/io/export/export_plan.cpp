#include "io/export/export_plan.h"

#include "quantscope/tensor/dtype.h"
#include "util/sha256.h"

#include <cmath>

namespace qs::exporting {

ModelQuantResult runInCatalogOrder(
    const Checkpoint& ckpt, const ModelQuantSettings& settings, const ProgressFn& progress,
    const std::function<void(std::size_t)>& writeUnquantized,
    const std::function<void(const TensorOutcome&, const Matrix&, const QuantizedTensor&)>& writeQuantized)
{
    const auto& tensors = ckpt.tensors();
    std::size_t next = 0;  // first tensor not written yet
    auto flushUntil = [&](std::size_t end) {
        for (; next < end; ++next) {
            std::string reason;
            if (!effectiveSettings(tensors[next], settings, reason)) writeUnquantized(next);
        }
    };
    auto result = quantizeModel(ckpt, settings, progress,
                                [&](const TensorOutcome& o, const Matrix& original, const QuantizedTensor& q) {
                                    flushUntil(o.index);
                                    writeQuantized(o, original, q);
                                    next = o.index + 1;
                                });
    flushUntil(tensors.size());
    return result;
}

std::vector<float> toStoredOrder(const Matrix& m, const TensorInfo& info)
{
    if (info.layout == AxisLayout::OutFirst) return m.values;
    std::vector<float> out(m.values.size());
    for (std::int64_t o = 0; o < m.rows; ++o)
        for (std::int64_t i = 0; i < m.cols; ++i) out[static_cast<std::size_t>(i * m.rows + o)] = m.values[static_cast<std::size_t>(o * m.cols + i)];
    return out;
}

double relativeError(std::span<const float> original, std::span<const float> written)
{
    double num = 0, den = 0;
    for (std::size_t i = 0; i < original.size(); ++i) {
        const double d = double(written[i]) - double(original[i]);
        num += d * d;
        den += double(original[i]) * double(original[i]);
    }
    return den > 0 ? std::sqrt(num / den) : (num > 0 ? INFINITY : 0.0);
}

std::vector<float> roundTo(std::span<const float> values, DType dtype)
{
    std::vector<float> out(values.begin(), values.end());
    if (dtype == DType::F16)
        for (auto& v : out) v = halfToFloat(floatToHalf(v));
    else if (dtype == DType::BF16)
        for (auto& v : out) v = bf16ToFloat(floatToBf16(v));
    return out;
}

std::string sourceSha256(const Checkpoint& ckpt)
{
    std::error_code ec;
    if (ckpt.path().empty() || !std::filesystem::is_regular_file(ckpt.path(), ec)) return {};
    return sha256File(ckpt.path());
}

}  // namespace qs::exporting
