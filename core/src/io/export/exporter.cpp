#include "quantscope/io/exporter.h"

#include "io/export/export_plan.h"
#include "quantscope/error.h"
#include "quantscope/quant/report.h"

#include <array>
#include <nlohmann/json.hpp>

namespace qs {

namespace {
constexpr std::array<ExportFormatInfo, 3> kFormats{{
    {ExportFormat::Package, "package", ".qs.h5",
     "QuantScope package (HDF5): packed codes, fp16 scales and outliers, metrics, provenance; nothing lost"},
    {ExportFormat::Safetensors, "safetensors", ".safetensors",
     "dequantized weights (F16/BF16/F32) under the original names; loads in any framework"},
    {ExportFormat::Gguf, "gguf", ".gguf",
     "GGUF for llama.cpp (llama2.c models): F16, Q8_0 or Q4_0 weights (nl4 at group 32: IQ4_XS, lossless) with "
     "metadata and tokenizer"},
}};
}  // namespace

std::span<const ExportFormatInfo> exportFormats() noexcept { return kFormats; }

const ExportFormatInfo& exportFormatInfo(ExportFormat f) noexcept { return kFormats[static_cast<std::size_t>(f)]; }

std::optional<ExportFormat> exportFormatFromName(std::string_view id) noexcept
{
    for (const auto& f : kFormats)
        if (f.id == id) return f.format;
    return std::nullopt;
}

std::optional<ExportFormat> exportFormatFromPath(const std::filesystem::path& path) noexcept
{
    const auto name = path.filename().string();
    for (const auto& f : kFormats)
        if (name.size() > f.extension.size() && name.ends_with(f.extension)) return f.format;
    return std::nullopt;
}

DType defaultGgufType(const QuantSettings& s) noexcept
{
    return s.bits > 4 ? DType::Q8_0 : DType::Q4_0;
}

ExportResult exportQuantized(const Checkpoint& ckpt, const ModelQuantSettings& settings,
                             const std::filesystem::path& out, const ExportOptions& options, const ProgressFn& progress)
{
    switch (options.format) {
    case ExportFormat::Package: return exporting::exportPackage(ckpt, settings, out, options, progress);
    case ExportFormat::Safetensors: return exporting::exportSafetensors(ckpt, settings, out, options, progress);
    case ExportFormat::Gguf: return exporting::exportGguf(ckpt, settings, out, options, progress);
    }
    throw InvalidArgument("unknown export format");
}

namespace exporting {
std::string configJson(const ModelQuantSettings& settings) { return settingsToJson(settings); }
}  // namespace exporting

}  // namespace qs
