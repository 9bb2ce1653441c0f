// quantscope-cli quantize FILE: quantizes every eligible tensor of a checkpoint and reports the
// error per tensor and for the model (the same numbers as the GUI's model job).

#include "commands.h"
#include "output.h"
#include "quant_options.h"
#include "quant_output.h"

#include "quantscope/error.h"
#include "quantscope/io/exporter.h"
#include "quantscope/quant/model_job.h"
#include "quantscope/quant/report.h"
#include "quantscope/quant/tensor_rules.h"

#include <iostream>
#include <memory>
#include <optional>

namespace qs::cli {

namespace {

struct QuantizeOptions {
    std::string file;
    QuantOptions quant;
    int threads = 0;
    std::vector<std::string> tensorTypes;
    bool embeddings = false;
    bool head = false;
    std::string report;
    std::string out;
    std::string format;         // empty: from the --out extension
    std::string floatDtype = "F16";
    std::string ggufType;
    bool ggufTypeGiven = false;  // else defaultGgufType of the settings
    std::string tokenizer;
};

ModelQuantSettings toSettings(const QuantizeOptions& o)
{
    ModelQuantSettings s;
    s.defaults = toQuantSettings(o.quant);
    s.quantizeEmbeddings = o.embeddings;
    s.quantizeOutputHead = o.head;
    s.threads = o.threads;
    for (const auto& t : o.tensorTypes) s.rules.push_back(parseTensorRule(t));
    return s;
}

/// The export options; `quantized` is what the job runs with (it picks the default GGUF type).
ExportOptions exportOptions(const QuantizeOptions& o, const QuantSettings& quantized)
{
    ExportOptions e;
    const auto byName = o.format.empty() ? exportFormatFromPath(o.out) : exportFormatFromName(o.format);
    if (!byName)
        throw InvalidArgument("--out " + o.out + ": cannot tell the format from the extension; use --format " +
                              "package|safetensors|gguf or name the file .qs.h5, .safetensors or .gguf");
    e.format = *byName;
    e.floatDtype = *dtypeFromName(o.floatDtype);
    e.ggufType = o.ggufTypeGiven ? *dtypeFromName(o.ggufType) : defaultGgufType(quantized);
    e.tokenizer = o.tokenizer;
    return e;
}

int runQuantize(const QuantizeOptions& o)
{
    const ModelQuantSettings settings = toSettings(o);  // bad settings fail before the file is read
    const auto exportOpts = o.out.empty() ? std::optional<ExportOptions>() : exportOptions(o, settings.defaults);
    const auto ckpt = openCheckpoint(o.file);
    std::cerr << "quantizing " << o.file << " (" << ckpt->format() << ", " << ckpt->tensors().size()
              << " tensors) with " << methodName(settings.defaults.method) << ", " << settings.defaults.bits << " bits"
              << (o.quant.preset.empty() ? "" : " (preset " + o.quant.preset + ")") << '\n';

    ModelQuantResult result;
    ExportResult exported;
    try {
        if (exportOpts) {
            exported = exportQuantized(*ckpt, settings, o.out, *exportOpts, terminalProgress("export"));
            result = exported.quant;
        } else {
            result = quantizeModel(*ckpt, settings, terminalProgress("quantize"));
        }
    } catch (...) {
        clearProgressLine();
        throw;
    }
    clearProgressLine();

    printTensorTable(std::cout, result, *ckpt);
    std::cout << '\n';
    printTotals(std::cout, result);
    for (const auto& w : result.warnings) std::cerr << "warning: " << w << '\n';
    if (exportOpts) {
        for (const auto& w : exported.warnings) std::cerr << "warning: " << w << '\n';
        if (exportOpts->format == ExportFormat::Gguf) {  // what was written differs from Ŵ: say how much
            std::vector<std::vector<std::string>> rows{{"tensor", "stored as", "rel_err written"}};
            // "(exact)": the quantized values themselves, not re-encoded for the format.
            for (const auto& w : exported.written)
                rows.push_back({w.name, w.storedAs + (w.exact ? " (exact)" : ""), fmtNum(w.relErr)});
            std::cout << '\n';
            printTable(std::cout, rows, {2});
        }
        std::cerr << "exported " << exportFormatInfo(exportOpts->format).id << " to " << exported.path.string() << " ("
                  << fmtCount(static_cast<long long>(exported.bytes)) << " bytes)\n";
    }
    if (!o.report.empty()) {
        writeReport(o.report, result, settings, *ckpt);
        std::cerr << "report written to " << o.report << '\n';
    }
    return 0;
}

Command addQuantizeCommand(CLI::App& parent)
{
    auto opts = std::make_shared<QuantizeOptions>();
    auto* app = parent.add_subcommand(
        "quantize", "Quantize every linear/conv weight of a checkpoint and report the error");
    app->footer(
        "Defaults: linear and conv weights are quantized; norms, biases and 1-D tensors never; embeddings "
        "and the\n"
        "output head only with --quantize-embeddings / --quantize-head.\n"
        "--tensor-type REGEX=ITEM[,ITEM...] overrides tensors whose name matches REGEX (later rules win).\n"
        "  ITEM: skip | rtn | rtn-mse | easyquant | nl4 | K (bits) | bits=K | group=G | sigma=N\n"
        "  e.g. --tensor-type 'down_proj=8' --tensor-type 'layers\\.0\\.=skip'\n"
        "See docs/quantization-jobs.md.");
    app->add_option("file", opts->file, "Checkpoint to quantize")->required();
    addQuantOptions(app, opts->quant);
    app->add_option("--threads,-j", opts->threads,
                    "Worker threads (0 = all cores); results are identical at any count")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    app->add_option("--tensor-type", opts->tensorTypes,
                    "Per-tensor override REGEX=ITEM[,ITEM...] (repeatable)")
        ->allow_extra_args(false);
    app->add_flag("--quantize-embeddings", opts->embeddings, "Also quantize embedding tables");
    app->add_flag("--quantize-head", opts->head,
                  "Also quantize the output head (lm_head / output.weight / classifier)");
    app->add_option("--report,-r", opts->report,
                    "Write the per-tensor report (JSON, or CSV when the name ends in .csv)");
    app->add_option("--out,-o", opts->out,
                    "Export the quantized model: .qs.h5 (QuantScope package), .safetensors (dequantized) or "
                    ".gguf (llama.cpp; llama2.c models)");
    app->add_option("--format", opts->format, "Export format when the extension does not say")
        ->check(CLI::IsMember({"package", "safetensors", "gguf"}));
    app->add_option("--dtype", opts->floatDtype, "safetensors export: float type of the dequantized weights")
        ->check(CLI::IsMember({"F16", "BF16", "F32"}))
        ->capture_default_str();
    app->add_option("--gguf-type", opts->ggufType,
                    "GGUF export: block type of the weight matrices (default: Q8_0 above 4 bits, else Q4_0; nl4 at --group 32 is written as IQ4_XS, "
                    "losslessly, where rows are a multiple of 256; symmetric results without outliers whose "
                    "scales cover 32-value blocks are written as Q4_0 (<= 4 bits) or Q8_0 without re-quantizing)")
        ->check(CLI::IsMember({"F16", "Q8_0", "Q4_0"}))
        ->each([opts](const std::string&) { opts->ggufTypeGiven = true; });
    app->add_option("--tokenizer", opts->tokenizer,
                    "GGUF export: llama2.c tokenizer.bin (default: tokenizer.bin or tok*.bin next to the model)");
    return {app, [opts] { return runQuantize(*opts); }};
}

const Registration reg{"quantize", &addQuantizeCommand};

}  // namespace

}  // namespace qs::cli
