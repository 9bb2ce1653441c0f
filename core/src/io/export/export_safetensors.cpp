// Dequantized safetensors export: the same names and shapes, quantized tensors as F16/BF16/F32
// values of Ŵ, untouched tensors copied bit for bit. Loadable by anything that reads safetensors.
#include "io/export/export_plan.h"
#include "quantscope/error.h"
#include "quantscope/io/atomic_file.h"
#include "quantscope/io/safetensors_writer.h"

namespace qs::exporting {

ExportResult exportSafetensors(const Checkpoint& ckpt, const ModelQuantSettings& settings,
                               const std::filesystem::path& out, const ExportOptions& options,
                               const ProgressFn& progress)
{
    if (options.floatDtype != DType::F32 && options.floatDtype != DType::F16 && options.floatDtype != DType::BF16)
        throw InvalidArgument("safetensors export stores F32, F16 or BF16, not " +
                              std::string(dtypeName(options.floatDtype)));
    if (sameFile(ckpt.path(), out) || std::filesystem::weakly_canonical(ckpt.path()) == std::filesystem::weakly_canonical(out))
        throw InvalidArgument(out.string() + ": the output would overwrite the input file; choose another path");
    SafetensorsWriter writer(out);
    writer.setMetadata("format", "pt");
    writer.setMetadata("quantscope.method", std::string(methodName(settings.defaults.method)));
    writer.setMetadata("quantscope.config", configJson(settings));
    writer.setMetadata("quantscope.source", ckpt.path().filename().string());

    ExportResult result;
    result.quant = runInCatalogOrder(
        ckpt, settings, progress,
        [&](std::size_t i) {
            const auto& info = ckpt.tensors()[i];
            if (traits(info.dtype).blockElements == 1) {  // plain dtype: copy the bytes as they are
                writer.addTensor(info.name, info.dtype, info.shape, ckpt.readRaw(i));
            } else {  // ggml block types have no safetensors dtype: store their values
                const auto values = toStoredOrder(ckpt.readMatrix(i), info);
                writer.addTensor(info.name, info.shape, values, options.floatDtype);
                result.warnings.push_back(info.name + ": " + std::string(dtypeName(info.dtype)) +
                                          " has no safetensors dtype; stored as " +
                                          std::string(dtypeName(options.floatDtype)));
            }
        },
        [&](const TensorOutcome& o, const Matrix& original, const QuantizedTensor& q) {
            const auto& info = ckpt.tensors()[o.index];
            const auto values = toStoredOrder(q.dequantize(), info);
            writer.addTensor(info.name, info.shape, values, options.floatDtype);
            const auto stored = roundTo(values, options.floatDtype);
            result.written.push_back(
                {o.name, relativeError(toStoredOrder(original, info), stored), std::string(dtypeName(options.floatDtype)),
                 options.floatDtype == DType::F32});
        });
    writer.commit();
    result.path = out;
    result.bytes = std::filesystem::file_size(out);
    return result;
}

}  // namespace qs::exporting
