// quantscope-cli ppl-table MODEL --text TEXT --bits 4 3: the end-to-end comparison of issue 5 —
// perplexity of FP32, RTN, RTN-MSE and EasyQuant (Adam and exact search) at each bit width, with
// the effective bits per weight beside each, as a Markdown table that records its own command.

#include "commands.h"
#include "output.h"

#include "quantscope/error.h"
#include "quantscope/io/checkpoint.h"
#include "quantscope/models/llama_eval.h"
#include "quantscope/models/llama_quant.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

namespace qs::cli {

namespace {

struct PplTableOptions {
    std::string model;
    std::string text;
    std::string tokenizer;
    std::vector<int> bits{4, 3};
    std::int64_t group = 0;
    double sigma = 3.0;
    std::size_t maxParagraphs = 0;
    int threads = 0;
    std::string output;
};

struct Variant {
    std::string label;
    QuantMethod method;
    RangeSolver solver;
};

std::filesystem::path tokenizerFor(const PplTableOptions& o)
{
    if (!o.tokenizer.empty()) return o.tokenizer;
    const auto dir = std::filesystem::path(o.model).parent_path();
    for (const char* name : {"tok512.bin", "tokenizer.bin"})
        if (std::filesystem::exists(dir / name)) return dir / name;
    throw InvalidArgument("no --tokenizer given and no tok512.bin or tokenizer.bin next to " + o.model);
}

// The command that reproduces this table (the options as parsed, in a fixed order).
std::string commandLine(const PplTableOptions& o)
{
    std::ostringstream s;
    s << "quantscope-cli ppl-table " << o.model << " --text " << o.text;
    if (!o.tokenizer.empty()) s << " --tokenizer " << o.tokenizer;
    s << " --bits";
    for (int b : o.bits) s << ' ' << b;
    if (o.group > 0) s << " --group " << o.group;
    s << " --sigma " << o.sigma;
    if (o.maxParagraphs > 0) s << " --max-paragraphs " << o.maxParagraphs;
    if (o.threads > 0) s << " --threads " << o.threads;
    if (!o.output.empty()) s << " --output " << o.output;
    return s.str();
}

std::string fixed(double v, int decimals)
{
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(decimals);
    s << v;
    return s.str();
}

int runPplTable(const PplTableOptions& o)
{
    const auto ckpt = openCheckpoint(o.model);
    const auto info = inspectLlamaCheckpoint(*ckpt);
    const LlamaTokenizer tokenizer(tokenizerFor(o));
    PerplexityOptions popts;
    popts.maxParagraphs = o.maxParagraphs;
    popts.threads = o.threads;
    const auto sequences = encodeParagraphs(tokenizer, readParagraphs(o.text), popts);
    const PerplexityResult fp = evaluateSequences(loadLlamaModel(*ckpt, info), sequences, popts);
    std::cerr << "fp32: nll " << fixed(fp.nll, 4) << ", ppl " << fixed(fp.ppl, 3) << '\n';

    const std::vector<Variant> variants{{"RTN", QuantMethod::Rtn, RangeSolver::Search},
                                        {"RTN-MSE", QuantMethod::RtnMse, RangeSolver::Search},
                                        {"EasyQuant (adam)", QuantMethod::EasyQuant, RangeSolver::Adam},
                                        {"EasyQuant (search)", QuantMethod::EasyQuant, RangeSolver::Search}};
    const std::string gran = o.group > 0 ? "group " + std::to_string(o.group) : "channel";
    std::vector<std::vector<std::string>> rows{{"method", "bits", "granularity", "bpw", "nll", "ppl", "Δppl", "quantize s"},
                                               {"FP32", "32", "-", "32", fixed(fp.nll, 4), fixed(fp.ppl, 3), "", ""}};
    for (int bits : o.bits) {
        for (const auto& v : variants) {
            LlamaQuantOptions q;
            q.settings.method = v.method;
            q.settings.solver = v.solver;
            q.settings.bits = bits;
            q.settings.sigma = o.sigma;
            if (o.group > 0) {
                q.settings.granularity = Granularity::PerGroup;
                q.settings.groupSize = o.group;
            }
            q.threads = o.threads;
            LlamaQuantReport report;
            const LlamaModel model = loadFakeQuantizedLlama(*ckpt, info, q, &report);
            const PerplexityResult r = evaluateSequences(model, sequences, popts);
            rows.push_back({v.label, std::to_string(bits), gran, fixed(report.bpw, 3), fixed(r.nll, 4), fixed(r.ppl, 3),
                            (r.ppl >= fp.ppl ? "+" : "") + fixed(r.ppl - fp.ppl, 3), fixed(report.seconds, 2)});
            std::cerr << v.label << ' ' << bits << "-bit: ppl " << fixed(r.ppl, 3) << '\n';
        }
    }

    std::ostringstream md;
    md << "# Perplexity: FP32 vs quantized " << std::filesystem::path(o.model).filename().string() << "\n\n"
       << "Made by:\n\n```\n" << commandLine(o) << "\n```\n\n"
       << "Text: `" << o.text << "`, " << fmtCount(fp.sequences) << " paragraphs, " << fmtCount(fp.tokens)
       << " predicted tokens (protocol of shared/data/DATA.md: paragraphs split on blank lines, BOS + dummy prefix, "
          "truncated to 512 tokens, mean NLL over all predicted tokens).\n"
       << "Quantized: the linear weights (wq wk wv wo w1 w2 w3), fake-quantized in memory; symmetric, restricted "
          "integer range, fp16 scales; EasyQuant keeps |w − mean| ≥ "
       << o.sigma << "σ outliers (whole-matrix statistics) in fp16. Embedding, norms and the shared classifier stay "
          "FP32. bpw = effective bits per quantized weight (codes + scales + outliers).\n\n";
    md << "| " ;
    for (std::size_t c = 0; c < rows[0].size(); ++c) md << rows[0][c] << " | ";
    md << "\n|";
    for (std::size_t c = 0; c < rows[0].size(); ++c) md << (c < 3 ? "---|" : "---:|");
    md << '\n';
    for (std::size_t r = 1; r < rows.size(); ++r) {
        md << "| ";
        for (const auto& cell : rows[r]) md << cell << " | ";
        md << '\n';
    }
    std::cout << md.str();
    if (!o.output.empty()) {
        std::ofstream out(o.output, std::ios::binary | std::ios::trunc);
        out << md.str();
        if (!out) throw IoError("cannot write " + o.output);
        std::cerr << "written to " << o.output << '\n';
    }
    return 0;
}

Command addPplTableCommand(CLI::App& parent)
{
    auto o = std::make_shared<PplTableOptions>();
    auto* app = parent.add_subcommand(
        "ppl-table", "Perplexity table FP32 / RTN / RTN-MSE / EasyQuant (adam, search) with bpw, as Markdown");
    app->add_option("model", o->model, "LLaMA-family checkpoint")->required()->check(CLI::ExistingFile);
    app->add_option("--text", o->text, "Evaluation text")->required()->check(CLI::ExistingFile);
    app->add_option("--tokenizer", o->tokenizer, "tokenizer.bin (default: tok512.bin next to the model)")
        ->check(CLI::ExistingFile);
    app->add_option("--bits,-b", o->bits, "Bit widths, one table block each")->check(CLI::Range(2, 8))->capture_default_str();
    app->add_option("--group,-g", o->group, "Group size (default: per output channel)")->check(CLI::PositiveNumber);
    app->add_option("--sigma,-n", o->sigma, "EasyQuant outlier threshold n")->capture_default_str();
    app->add_option("--max-paragraphs", o->maxParagraphs, "Evaluate only the first N paragraphs (0 = all)");
    app->add_option("--threads,-j", o->threads, "Worker threads (0 = all cores)")->check(CLI::NonNegativeNumber);
    app->add_option("--output,-o", o->output, "Also write the Markdown to this file (e.g. docs/perplexity.md)");
    return {app, [o] { return runPplTable(*o); }};
}

const Registration reg{"ppl-table", &addPplTableCommand};

}  // namespace

}  // namespace qs::cli
