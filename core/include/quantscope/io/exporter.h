#pragma once
// Exports a quantized model: runs the model job and streams every tensor into the chosen
// format. One table lists the formats (the CLI's help, the GUI's export dialog and the
// extension-based choice all read it). Output appears whole or not at all (AtomicFile), and the
// input checkpoint is never overwritten.

#include "quantscope/io/checkpoint.h"
#include "quantscope/progress.h"
#include "quantscope/quant/model_job.h"
#include "quantscope/tensor/dtype.h"

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace qs {

enum class ExportFormat : std::uint8_t { Package, Safetensors, Gguf };

struct ExportFormatInfo {
    ExportFormat format;
    std::string_view id;          ///< "package", "safetensors", "gguf"
    std::string_view extension;   ///< ".qs.h5", ".safetensors", ".gguf"
    std::string_view description;
};

std::span<const ExportFormatInfo> exportFormats() noexcept;
const ExportFormatInfo& exportFormatInfo(ExportFormat f) noexcept;
std::optional<ExportFormat> exportFormatFromName(std::string_view id) noexcept;
/// By extension (".qs.h5" before ".h5"); nullopt when the extension says nothing.
std::optional<ExportFormat> exportFormatFromPath(const std::filesystem::path& path) noexcept;

/// The GGUF block type both front ends default to for results of these settings: Q8_0 above 4
/// bits, else Q4_0 — rounding a 5–8-bit result to 4-bit blocks would throw away what the extra
/// bits bought. (The q4_0 / q8_0 presets' block types follow from their bits.)
DType defaultGgufType(const QuantSettings& s) noexcept;

struct ExportOptions {
    ExportFormat format = ExportFormat::Package;
    /// safetensors: dtype of the dequantized weights (F16, BF16 or F32).
    DType floatDtype = DType::F16;
    /// gguf: block type of the quantized weight matrices (F16, Q8_0 or Q4_0). Matrices whose
    /// rows are not a multiple of 32 fall back to F16 (reported as a warning). nl4 matrices
    /// quantized at group 32 whose rows are a multiple of 256 are written as IQ4_XS whatever
    /// this says: that is nl4's own layout, so nothing is re-quantized.
    DType ggufType = DType::Q4_0;
    /// gguf: llama2.c tokenizer.bin; empty = look for tokenizer.bin / tok*.bin beside the model.
    std::filesystem::path tokenizer;
};

struct WrittenTensorError {
    std::string name;
    double relErr = 0;       ///< of what was actually written, against the original
    std::string storedAs;    ///< "Q4_0", "F16", "package", ...
    /// The file holds the quantized values themselves (a package, F32, IQ4_XS from nl4, Q4_0 or
    /// Q8_0 from fitting uniform codes), not a re-encoding or rounding of them.
    bool exact = false;
};

struct ExportResult {
    std::filesystem::path path;
    std::uint64_t bytes = 0;
    ModelQuantResult quant;
    std::vector<WrittenTensorError> written;  ///< one per quantized tensor
    std::vector<std::string> warnings;        ///< e.g. EasyQuant outliers not representable in Q4_0
};

/// Quantizes `ckpt` with `settings` and writes the result to `out`. Throws InvalidArgument when
/// `out` is the input file or the format cannot hold this model, IoError on disk errors,
/// Cancelled when `progress` returns false (no file is left behind in every failure case).
ExportResult exportQuantized(const Checkpoint& ckpt, const ModelQuantSettings& settings,
                             const std::filesystem::path& out, const ExportOptions& options,
                             const ProgressFn& progress = {});

}  // namespace qs
