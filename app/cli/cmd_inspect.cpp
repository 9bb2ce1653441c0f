// `quantscope-cli inspect FILE [--json] [--no-stats]`: the catalog of any checkpoint
// openCheckpoint knows, with per-tensor statistics and totals.
#include "commands.h"
#include "output.h"

#include "quantscope/error.h"
#include "quantscope/io/checkpoint.h"
#include "quantscope/tensor/tensor_stats.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>
#include <optional>

namespace qs::cli {

namespace {

struct InspectOptions {
    std::string file;
    bool json = false;
    bool noStats = false;
};

struct Row {
    const TensorInfo* info;
    std::optional<TensorStats> stats;
};

nlohmann::ordered_json statsJson(const std::optional<TensorStats>& s)
{
    if (!s) return nullptr;
    return {{"count", s->count},          {"non_finite", s->nonFinite},
            {"mean", s->mean},            {"std", s->std},
            {"min", s->min},              {"max", s->max},
            {"absmax", s->absmax},        {"absmax_over_std", s->absmaxOverStd},
            {"kurtosis", s->kurtosis},    {"fraction_beyond_3sigma", s->fractionBeyond3Sigma}};
}

void printJson(const Checkpoint& c, const std::vector<Row>& rows, long long params, unsigned long long bytes)
{
    nlohmann::ordered_json out;
    out["file"] = c.path().string();
    out["format"] = std::string(c.format());
    out["total_params"] = params;
    out["total_bytes"] = bytes;
    out["tensor_count"] = rows.size();
    out["metadata"] = c.metadata();
    auto& list = out["tensors"] = nlohmann::ordered_json::array();
    for (const auto& r : rows)
        list.push_back({{"name", r.info->name},
                        {"shape", r.info->shape},
                        {"dtype", std::string(dtypeName(r.info->dtype))},
                        {"params", r.info->numel()},
                        {"bytes", r.info->byteSize},
                        {"role", std::string(roleName(r.info->role))},
                        {"stats", statsJson(r.stats)}});
    // Replace invalid UTF-8 rather than throw: names come from untrusted files.
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

void printText(const Checkpoint& c, const std::vector<Row>& rows, long long params, unsigned long long bytes,
               bool withStats)
{
    std::cout << "file:    " << c.path().string() << "\nformat:  " << c.format() << "\ntensors: " << rows.size()
              << "\nparams:  " << fmtCount(params) << "\nbytes:   " << fmtCount(static_cast<long long>(bytes)) << '\n';
    if (!c.metadata().empty()) {
        std::cout << "metadata:\n";
        for (const auto& [k, v] : c.metadata()) {
            std::string shown = v.size() > 100 ? v.substr(0, 97) + "..." : v;
            std::replace(shown.begin(), shown.end(), '\n', ' ');  // chat templates span lines
            std::cout << "  " << k << " = " << shown << '\n';
        }
    }
    std::vector<std::vector<std::string>> table;
    std::vector<std::string> head = {"name", "shape", "dtype", "params", "role"};
    if (withStats)
        for (const char* h : {"mean", "std", "min", "max", "absmax/std", "kurtosis", ">3sigma"}) head.push_back(h);
    table.push_back(head);
    for (const auto& r : rows) {
        const std::vector<long long> shape(r.info->shape.begin(), r.info->shape.end());
        std::vector<std::string> line = {r.info->name, fmtShape(shape), std::string(dtypeName(r.info->dtype)),
                                         fmtCount(r.info->numel()), std::string(roleName(r.info->role))};
        if (withStats) {
            if (r.stats) {
                const auto& s = *r.stats;
                for (double v : {s.mean, s.std, s.min, s.max, s.absmaxOverStd, s.kurtosis}) line.push_back(fmtNum(v));
                line.push_back(fmtNum(100.0 * s.fractionBeyond3Sigma, 3) + "%");
            } else {
                line.insert(line.end(), 7, "-");
            }
        }
        table.push_back(std::move(line));
    }
    std::vector<int> right = {3};
    for (int k = 5; k < 12; ++k) right.push_back(k);
    std::cout << '\n';
    printTable(std::cout, table, right);
    std::cout << "\ntotal: " << rows.size() << " tensors, " << fmtCount(params) << " parameters, "
              << fmtCount(static_cast<long long>(bytes)) << " bytes\n";
}

int runInspect(const InspectOptions& o)
{
    const auto ckpt = openCheckpoint(o.file);
    std::vector<Row> rows;
    long long params = 0;
    unsigned long long bytes = 0;
    for (std::size_t i = 0; i < ckpt->tensors().size(); ++i) {
        const auto& info = ckpt->tensors()[i];
        Row r{&info, std::nullopt};
        params += info.numel();
        bytes += info.byteSize;
        if (!o.noStats) {
            try {
                const Matrix m = ckpt->readMatrix(i);
                r.stats = computeTensorStats(m.values);
            } catch (const UnsupportedError&) {
                // a dtype that does not decode to numbers: listed without statistics
            }
        }
        rows.push_back(r);
    }
    if (o.json) printJson(*ckpt, rows, params, bytes);
    else printText(*ckpt, rows, params, bytes, !o.noStats);
    return 0;
}

Command addInspectCommand(CLI::App& parent)
{
    auto opts = std::make_shared<InspectOptions>();
    auto* app = parent.add_subcommand("inspect", "List a checkpoint's tensors with shapes, dtypes, roles and statistics");
    app->add_option("file", opts->file, "Checkpoint file (safetensors, GGUF, PyTorch, ONNX, HDF5, llama2.c, ...)")
        ->required();
    app->add_flag("--json", opts->json, "Print JSON: format, total_params, tensors[name, shape, dtype, params, role, stats]");
    app->add_flag("--no-stats", opts->noStats, "Skip statistics (reads headers only: instant on any file size)");
    return {app, [opts] { return runInspect(*opts); }};
}

static const Registration reg{"inspect", &addInspectCommand};

}  // namespace

}  // namespace qs::cli
