#pragma once
// What every exporter shares: the catalog-order plan (which tensors the job quantizes), the
// conversion of a row-major [out, rest] matrix back to the stored element order, and the
// relative error of what was actually written.

#include "quantscope/io/checkpoint.h"
#include "quantscope/io/exporter.h"
#include "quantscope/quant/model_job.h"

#include <functional>
#include <vector>

namespace qs::exporting {

/// Calls `writeUnquantized(i)` for every tensor the job leaves untouched, interleaved in
/// catalog order with `writeQuantized` as the job streams results, so every output lists the
/// tensors in the source's order. Returns the job's result.
ModelQuantResult runInCatalogOrder(
    const Checkpoint& ckpt, const ModelQuantSettings& settings, const ProgressFn& progress,
    const std::function<void(std::size_t index)>& writeUnquantized,
    const std::function<void(const TensorOutcome&, const Matrix& original, const QuantizedTensor& q)>& writeQuantized);

/// Elements of `m` in the tensor's stored order (transposes back for AxisLayout::OutLast).
std::vector<float> toStoredOrder(const Matrix& m, const TensorInfo& info);

/// ‖written − original‖_F / ‖original‖_F, in double.
double relativeError(std::span<const float> original, std::span<const float> written);

/// Values after a round trip through `dtype` (F32, F16, BF16).
std::vector<float> roundTo(std::span<const float> values, DType dtype);

/// The source file's SHA-256, or "" when the checkpoint has no file (the built-in demo).
std::string sourceSha256(const Checkpoint& ckpt);

/// The method and its full configuration, as JSON (the report's "settings" object).
std::string configJson(const ModelQuantSettings& settings);

ExportResult exportPackage(const Checkpoint&, const ModelQuantSettings&, const std::filesystem::path&,
                           const ExportOptions&, const ProgressFn&);
ExportResult exportSafetensors(const Checkpoint&, const ModelQuantSettings&, const std::filesystem::path&,
                               const ExportOptions&, const ProgressFn&);
ExportResult exportGguf(const Checkpoint&, const ModelQuantSettings&, const std::filesystem::path&,
                        const ExportOptions&, const ProgressFn&);

}  // namespace qs::exporting
