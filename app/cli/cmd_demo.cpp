// quantscope-cli demo: the built-in LLaMA-shaped model quantized with RTN, RTN-MSE and EasyQuant
// side by side, explained for someone meeting quantization for the first time.

#include "commands.h"
#include "output.h"
#include "quant_output.h"

#include "quantscope/models/demo_model.h"
#include "quantscope/quant/model_job.h"

#include <algorithm>
#include <iostream>
#include <memory>

namespace qs::cli {

namespace {

struct DemoOptions {
    std::uint64_t seed = 42;
    int bits = 4;
    int threads = 0;
    int layers = 4;
    bool perTensor = false;
    std::string write;
};

struct MethodRun {
    std::string label;
    std::string explanation;
    ModelQuantResult result;
};

ModelQuantSettings demoSettings(QuantMethod m, const DemoOptions& o)
{
    ModelQuantSettings s;
    s.defaults.method = m;
    s.defaults.bits = o.bits;
    s.defaults.granularity = Granularity::PerChannel;
    s.defaults.solver = RangeSolver::Search;
    s.threads = o.threads;
    return s;
}

void printComparison(const std::vector<MethodRun>& runs)
{
    std::vector<std::vector<std::string>> rows{
        {"method", "rel_err", "vs rtn", "sqnr_db", "outliers", "bpw", "time"}};
    const double base = runs.front().result.totals.relErr;
    for (const auto& r : runs) {
        const auto& t = r.result.totals;
        rows.push_back({r.label, fmtNum(t.relErr), base > 0 ? fmtPercent(t.relErr / base - 1.0, 3) : "-",
                        fmtNum(t.sqnrDb), fmtPercent(t.outlierFrac), fmtNum(t.bpw),
                        fmtNum(r.result.seconds, 3) + " s"});
    }
    printTable(std::cout, rows, {1, 2, 3, 4, 5, 6});
}

void printWorstLayers(const std::vector<MethodRun>& runs, std::size_t count)
{
    // The layers RTN hurts most, with what the other methods make of them.
    const auto& rtn = runs.front().result.tensors;
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < rtn.size(); ++i)
        if (rtn[i].quantized) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return rtn[a].metrics.relErr > rtn[b].metrics.relErr;
    });
    order.resize(std::min(order.size(), count));
    std::vector<std::vector<std::string>> rows{{"tensor"}};
    std::vector<int> right;
    for (std::size_t m = 0; m < runs.size(); ++m) {
        rows[0].push_back(runs[m].label);
        right.push_back(static_cast<int>(m + 1));
    }
    rows[0].push_back("outliers kept");
    right.push_back(static_cast<int>(runs.size() + 1));
    for (auto i : order) {
        std::vector<std::string> row{rtn[i].name};
        for (const auto& r : runs) row.push_back(fmtNum(r.result.tensors[i].metrics.relErr));
        row.push_back(fmtPercent(runs.back().result.tensors[i].metrics.outlierFrac));
        rows.push_back(std::move(row));
    }
    printTable(std::cout, rows, right);
}

int runDemo(const DemoOptions& o)
{
    DemoModelConfig config;
    config.seed = o.seed;
    config.layers = o.layers;
    if (!o.write.empty()) {
        writeDemoSafetensors(o.write, config, terminalProgress("writing"));
        clearProgressLine();
        std::cout << "wrote the demo model (seed " << o.seed << ", " << config.layers << " blocks, F16) to "
                  << o.write << '\n';
        return 0;
    }
    const auto ckpt = makeDemoCheckpoint(config);
    std::int64_t params = 0;
    for (const auto& t : ckpt->tensors()) params += t.numel();
    std::cout << "Demo model: a LLaMA-shaped network generated from seed " << o.seed << " — " << config.layers
              << " blocks, dim " << config.dim << ", hidden " << config.hiddenDim << ", vocab "
              << config.vocabSize << ", " << fmtCount(params) << " parameters in " << ckpt->tensors().size()
              << " tensors.\n"
              << "Its weights are heavy-tailed, with a few wide channels and rare large outliers, like a\n"
              << "trained LLaMA. Each method stores every linear weight as " << o.bits
              << "-bit integer codes with one\n"
              << "fp16 scale per output channel; norms, the embedding and the output head stay in fp16.\n\n";

    std::vector<MethodRun> runs{
        {"rtn", "round to nearest, range = the channel's largest |w|", {}},
        {"rtn-mse", "round to nearest, range shrunk to minimise the squared error (grid search)", {}},
        {"easyquant",
         "keep |w - mean| >= 3 std as fp16 outliers, then the exact best range for the rest",
         {}}};
    const QuantMethod methods[] = {QuantMethod::Rtn, QuantMethod::RtnMse, QuantMethod::EasyQuant};
    for (std::size_t i = 0; i < runs.size(); ++i) {
        runs[i].result = quantizeModel(*ckpt, demoSettings(methods[i], o), terminalProgress(runs[i].label));
        clearProgressLine();
    }

    std::cout << "Methods:\n";
    for (const auto& r : runs)
        std::cout << "  " << r.label << std::string(11 - r.label.size(), ' ') << r.explanation << '\n';
    std::cout << "\nWhole model (errors summed over all quantized weights):\n";
    printComparison(runs);
    std::cout
        << "\n  rel_err  = ||W_quantized - W|| / ||W||   (lower is better; 'vs rtn' is the change)\n"
        << "  sqnr_db  = signal-to-quantization-noise ratio in decibels (higher is better; +6 dB ~ one more "
           "bit)\n"
        << "  outliers = share of weights kept exactly in fp16\n"
        << "  bpw      = bits actually stored per weight: codes + scales + outliers (value and index)\n\n";
    std::cout << "The 5 tensors rtn hurts most (rel_err per method):\n";
    printWorstLayers(runs, 5);
    if (o.perTensor) {
        std::cout << "\nEvery tensor with easyquant:\n";
        printTensorTable(std::cout, runs.back().result, *ckpt);
    }
    return 0;
}

Command addDemoCommand(CLI::App& parent)
{
    auto opts = std::make_shared<DemoOptions>();
    auto* app = parent.add_subcommand(
        "demo",
        "Quantize the built-in LLaMA-shaped demo model with rtn, rtn-mse and easyquant and compare them");
    app->add_option("--seed", opts->seed, "Seed of the generated weights")->capture_default_str();
    app->add_option("--bits,-b", opts->bits, "Bits per weight code (2-8)")
        ->check(CLI::Range(2, 8))
        ->capture_default_str();
    app->add_option("--threads,-j", opts->threads, "Worker threads (0 = all cores)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    app->add_option("--layers", opts->layers, "Transformer blocks in the generated model")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
    app->add_option("--write", opts->write,
                    "Write the demo model as an F16 safetensors file instead of quantizing it");
    app->add_flag("--tensors", opts->perTensor, "Also print every tensor's numbers for easyquant");
    return {app, [opts] { return runDemo(*opts); }};
}

const Registration reg{"demo", &addDemoCommand};

}  // namespace

}  // namespace qs::cli
