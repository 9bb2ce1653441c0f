#pragma once
// The report of a model quantization job, as JSON (for scripts and provenance) or CSV (for a
// spreadsheet). The CLI's --report and the GUI's export write the same bytes through these.
//
// JSON: {"format": "quantscope-report", "version": 1, "method", "bits", "settings": {...},
//        "source": {"path", "format"}, "tensors": [{"name", "shape", "dtype", "role",
//        "quantized", "reason", "method", "bits", "granularity", "group_size", "mse", "rel_err",
//        "sqnr_db", "max_abs_err", "cosine", "outlier_frac", "outliers", "bpw", "elements",
//        "seconds"}...], "totals": {...same metrics..., "quantized_params", "total_params"},
//        "warnings": [...]}
// Metric names follow shared/METHODS.md §4. Tensors left in full precision carry null metrics;
// a non-finite number (sqnr_db of an exact tensor) is written as null.

#include "quantscope/io/checkpoint.h"
#include "quantscope/quant/model_job.h"

#include <filesystem>
#include <string>

namespace qs {

/// The job's configuration as a JSON object (the report's "settings"; also the provenance of
/// exports): the default QuantSettings, quantize_embeddings, quantize_head, threads, rules.
std::string settingsToJson(const ModelQuantSettings& settings);

/// JSON text of a job's result. `source` supplies the path, format and tensor shapes.
std::string reportToJson(const ModelQuantResult& result, const ModelQuantSettings& settings,
                         const Checkpoint& source);

/// CSV text: a header row, one row per tensor (catalog order), then a "TOTAL" row.
std::string reportToCsv(const ModelQuantResult& result, const Checkpoint& source);

/// Writes CSV when `path` ends in ".csv" (any case), JSON otherwise, atomically (AtomicFile).
/// Throws IoError, or InvalidArgument when `path` is the source checkpoint itself.
void writeReport(const std::filesystem::path& path, const ModelQuantResult& result,
                 const ModelQuantSettings& settings, const Checkpoint& source);

}  // namespace qs
