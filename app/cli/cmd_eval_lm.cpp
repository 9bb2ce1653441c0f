// quantscope-cli eval-lm MODEL --text TEXT: perplexity of a LLaMA-family model before and after
// quantization (fake-quantized in memory with any method, or weights from another file), with
// the protocol of shared/data/DATA.md.

#include "commands.h"
#include "output.h"
#include "quant_options.h"

#include "quantscope/error.h"
#include "quantscope/io/checkpoint.h"
#include "quantscope/models/llama_eval.h"
#include "quantscope/models/llama_quant.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

namespace qs::cli {

namespace {

struct EvalLmOptions {
    std::string model;
    std::string text;
    std::string tokenizer;
    std::string quantizedFile;
    QuantOptions quant;
    bool embeddings = false;
    bool head = false;
    std::size_t maxParagraphs = 0;
    int threads = 0;
    int generate = 0;
    bool json = false;
    bool quantize = false;  // set when any quantization option was given
};

/// --tokenizer, else tok512.bin / tokenizer.bin next to the model.
std::filesystem::path tokenizerPath(const EvalLmOptions& o)
{
    if (!o.tokenizer.empty()) return o.tokenizer;
    const auto dir = std::filesystem::path(o.model).parent_path();
    for (const char* name : {"tok512.bin", "tokenizer.bin"})
        if (std::filesystem::exists(dir / name)) return dir / name;
    throw InvalidArgument("no --tokenizer given and no tok512.bin or tokenizer.bin next to " + o.model);
}

nlohmann::json resultJson(const PerplexityResult& r)
{
    return {{"tokens", r.tokens}, {"sequences", r.sequences}, {"nll", r.nll}, {"ppl", r.ppl}, {"seconds", r.seconds}};
}

std::vector<std::string> resultRow(const std::string& label, const PerplexityResult& r, const std::string& bpw)
{
    return {label, bpw, fmtCount(r.tokens), fmtNum(r.nll, 5), fmtNum(r.ppl, 5), fmtNum(r.seconds, 3)};
}

int runEvalLm(const EvalLmOptions& o)
{
    if (o.quantize && !o.quantizedFile.empty())
        throw InvalidArgument("give either quantization settings (--method, --bits, ...) or --quantized FILE, not both");
    const std::optional<QuantSettings> settings = o.quantize ? std::optional(toQuantSettings(o.quant)) : std::nullopt;
    const auto ckpt = openCheckpoint(o.model);
    const auto info = inspectLlamaCheckpoint(*ckpt);
    const LlamaTokenizer tokenizer(tokenizerPath(o));
    if (tokenizer.vocabSize() != info.config.vocabSize)
        throw InvalidArgument("the tokenizer has " + std::to_string(tokenizer.vocabSize()) + " tokens but the model " +
                              std::to_string(info.config.vocabSize));
    PerplexityOptions popts;
    popts.maxParagraphs = o.maxParagraphs;
    popts.threads = o.threads;
    const auto sequences = encodeParagraphs(tokenizer, readParagraphs(o.text), popts);

    const LlamaModel fpModel = loadLlamaModel(*ckpt, info);
    const PerplexityResult fp = evaluateSequences(fpModel, sequences, popts);

    nlohmann::json out = {{"model", o.model}, {"text", o.text}, {"fp", resultJson(fp)}};
    std::vector<std::vector<std::string>> rows{{"model", "bpw", "tokens", "nll", "ppl", "seconds"},
                                               resultRow("fp32", fp, "32")};
    std::optional<LlamaModel> qModel;
    std::string what;
    if (settings) {
        LlamaQuantOptions q;
        q.settings = *settings;
        q.quantizeEmbedding = o.embeddings;
        q.quantizeClassifier = o.head;
        q.threads = o.threads;
        LlamaQuantReport report;
        qModel = loadFakeQuantizedLlama(*ckpt, info, q, &report);
        const std::string method(methodName(settings->method));
        what = method + " " + std::to_string(settings->bits) + "-bit";
        out["quantized"] = {{"method", method},    {"bits", settings->bits},
                            {"bpw", report.bpw},           {"quantized_params", report.quantizedParams},
                            {"total_params", report.totalParams}, {"quantize_seconds", report.seconds}};
        rows.push_back({what, fmtNum(report.bpw, 4)});  // completed once evaluated
    } else if (!o.quantizedFile.empty()) {
        const auto replacement = openCheckpoint(o.quantizedFile);
        LlamaReplacementReport report;
        qModel = loadLlamaWithReplacements(*ckpt, info, *replacement, &report);
        what = std::filesystem::path(o.quantizedFile).filename().string();
        out["quantized"] = {{"file", o.quantizedFile}, {"replaced_tensors", report.replaced.size()},
                            {"kept_tensors", report.kept.size()}};
        rows.push_back({what, "-"});
    }
    if (qModel) {
        const PerplexityResult qr = evaluateSequences(*qModel, sequences, popts);
        out["quantized"].update(resultJson(qr));
        out["delta"] = {{"nll", qr.nll - fp.nll}, {"ppl", qr.ppl - fp.ppl}};
        const std::string bpw = rows.back()[1];
        rows.back() = resultRow(what, qr, bpw);
        rows.push_back({"difference", "", "", (qr.nll >= fp.nll ? "+" : "") + fmtNum(qr.nll - fp.nll, 4),
                        (qr.ppl >= fp.ppl ? "+" : "") + fmtNum(qr.ppl - fp.ppl, 4), ""});
    }
    if (o.generate > 0) {
        out["generated"]["fp"] = tokenizer.decode(generateGreedy(fpModel, o.generate));
        if (qModel) out["generated"]["quantized"] = tokenizer.decode(generateGreedy(*qModel, o.generate));
    }

    if (o.json) {
        std::cout << out.dump(2) << '\n';
        return 0;
    }
    std::cout << o.model << " (" << ckpt->format() << ", " << info.config.layers << " layers, dim " << info.config.dim
              << ")\n"
              << o.text << ": " << fmtCount(fp.sequences) << " paragraphs\n\n";
    printTable(std::cout, rows, {1, 2, 3, 4, 5});
    if (o.generate > 0) {
        std::cout << "\ngreedy fp32:      " << out["generated"]["fp"].get<std::string>() << '\n';
        if (qModel) std::cout << "greedy quantized: " << out["generated"]["quantized"].get<std::string>() << '\n';
    }
    return 0;
}

Command addEvalLmCommand(CLI::App& parent)
{
    auto o = std::make_shared<EvalLmOptions>();
    auto* app = parent.add_subcommand("eval-lm", "Perplexity of a LLaMA-family model, original vs quantized");
    app->footer(
        "Protocol (shared/data/DATA.md): paragraphs split on blank lines, each encoded with BOS and the dummy\n"
        "prefix, truncated to 512 tokens; mean NLL over all predicted tokens. Quantization: the linear weights\n"
        "(wq wk wv wo w1 w2 w3) are fake-quantized in memory; --quantized FILE takes weights by name instead.");
    app->add_option("model", o->model, "llama2.c checkpoint, or Hugging Face Llama safetensors with config.json")
        ->required()
        ->check(CLI::ExistingFile);
    app->add_option("--text", o->text, "Evaluation text (paragraphs separated by blank lines)")
        ->required()
        ->check(CLI::ExistingFile);
    app->add_option("--tokenizer", o->tokenizer, "llama2.c tokenizer.bin (default: tok512.bin next to the model)")
        ->check(CLI::ExistingFile);
    app->add_option("--quantized", o->quantizedFile, "Take weights by name from this file (package or safetensors)")
        ->check(CLI::ExistingFile);
    addQuantOptions(app, o->quant, [o] { o->quantize = true; });
    app->add_flag("--quantize-embeddings", o->embeddings, "Also quantize the token embedding (the shared classifier too)");
    app->add_flag("--quantize-head", o->head, "Also quantize a separate output head");
    app->add_option("--max-paragraphs", o->maxParagraphs, "Evaluate only the first N paragraphs (0 = all)");
    app->add_option("--threads,-j", o->threads, "Worker threads (0 = all cores); results are identical at any count")
        ->check(CLI::NonNegativeNumber);
    app->add_option("--generate", o->generate, "Also print N greedily generated tokens from BOS")
        ->check(CLI::NonNegativeNumber);
    app->add_flag("--json", o->json, "Print JSON: fp and quantized objects with tokens, nll, ppl");
    return {app, [o] { return runEvalLm(*o); }};
}

const Registration reg{"eval-lm", &addEvalLmCommand};

}  // namespace

}  // namespace qs::cli
