// QuantScope package export: codes, scales, offsets and outliers exactly as quantized, every
// other tensor as stored. Nothing is lost, so what is written equals the in-memory result.
#include "io/export/export_plan.h"
#include "quantscope/io/package.h"

namespace qs::exporting {

ExportResult exportPackage(const Checkpoint& ckpt, const ModelQuantSettings& settings,
                           const std::filesystem::path& out, const ExportOptions&, const ProgressFn& progress)
{
    const std::filesystem::path inputs[] = {ckpt.path()};
    PackageWriter writer(out, inputs);
    writer.setProvenance({ckpt.path().filename().string(), sourceSha256(ckpt), std::string(ckpt.format()),
                          configJson(settings), ""});
    writer.setMetadata(ckpt.metadata());

    ExportResult result;
    std::uint64_t bytesBefore = 0;
    for (const auto& t : ckpt.tensors()) bytesBefore += t.byteSize;
    result.quant = runInCatalogOrder(
        ckpt, settings, progress,
        [&](std::size_t i) { writer.addUnquantized(ckpt.tensors()[i], ckpt.readRaw(i)); },
        [&](const TensorOutcome& o, const Matrix&, const QuantizedTensor& q) {
            writer.addQuantized(ckpt.tensors()[o.index], q, o.metrics);
            result.written.push_back({o.name, o.metrics.relErr, "package", true});
        });
    writer.commit({result.quant.totalParams, result.quant.quantizedParams, result.quant.totals.bpw, bytesBefore,
                   writer.payloadBytes()});
    result.path = out;
    result.bytes = std::filesystem::file_size(out);
    return result;
}

}  // namespace qs::exporting
