// quantscope-cli eval-vit: top-1 accuracy of a vision transformer described by ARCH.json, in FP32
// and fake-quantized (weights through the quantization API, optionally k-bit activations).
// --table evaluates FP once and a grid of methods x bits, printing a Markdown table.

#include "commands.h"
#include "output.h"

#include "quantscope/error.h"
#include "quantscope/io/checkpoint.h"
#include "quantscope/models/vit_eval.h"
#include "quantscope/quant/quant_settings.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <sstream>

namespace {

struct Options {
    std::string model, arch, images, labels;
    std::string method, granularity = "channel", scheme = "sym", intRange = "restricted", solver;
    int bits = 0;
    std::int64_t group = 128;
    double sigma = 3.0;
    bool keepEmbed = false, keepHead = false, noFp = false, json = false, table = false;
    int actBits = 0;
    std::size_t calib = 128, limit = 0;
    int threads = 0;
    std::string tableMethods = "rtn,easyquant", tableBits = "8,4,3";
};

std::vector<std::string> splitList(const std::string& s)
{
    std::vector<std::string> out;
    std::stringstream ss(s);
    for (std::string item; std::getline(ss, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

qs::QuantSettings quantSettings(const Options& o, const std::string& method, int bits)
{
    qs::QuantSettings s;
    if (!method.empty()) {
        const auto m = qs::methodFromName(method);
        if (!m) throw qs::InvalidArgument("unknown --method \"" + method + "\" (rtn, rtn-mse, easyquant, nl4)");
        s.method = *m;
    }
    if (bits) s.bits = bits;
    if (o.granularity == "tensor")
        s.granularity = qs::Granularity::PerTensor;
    else if (o.granularity == "channel")
        s.granularity = qs::Granularity::PerChannel;
    else if (o.granularity == "group")
        s.granularity = qs::Granularity::PerGroup;
    else
        throw qs::InvalidArgument("--granularity must be tensor, channel or group");
    s.groupSize = o.group;
    if (o.scheme == "asym")
        s.scheme = qs::Scheme::Asymmetric;
    else if (o.scheme != "sym")
        throw qs::InvalidArgument("--scheme must be sym or asym");
    if (const auto r = qs::intRangeFromName(o.intRange))
        s.intRange = *r;
    else
        throw qs::InvalidArgument("--int-range must be restricted, full, easyquant or either");
    s.sigma = o.sigma;
    if (o.solver == "adam")
        s.solver = qs::RangeSolver::Adam;
    else if (o.solver == "search")
        s.solver = qs::RangeSolver::Search;
    else if (!o.solver.empty())
        throw qs::InvalidArgument("--solver must be adam or search");
    qs::validate(s);
    return s;
}

qs::VitEvalSettings evalSettings(const Options& o)
{
    qs::VitEvalSettings s;
    if (!o.method.empty() || o.bits) s.weightQuant = quantSettings(o, o.method, o.bits);
    s.quantizePatchEmbed = !o.keepEmbed;
    s.quantizeHead = !o.keepHead;
    s.actBits = o.actBits;
    s.actCalibImages = o.calib;
    s.evaluateFp = !o.noFp;
    s.threads = o.threads;
    return s;
}

nlohmann::json accuracyJson(const qs::Accuracy& a)
{
    return {{"correct", a.correct}, {"total", a.total}, {"top1", a.top1()}};
}

std::string percent(double f)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f %%", 100.0 * f);
    return buf;
}

std::string fixed(double v, int digits)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

int printPredictions(const qs::VitModel& model, const qs::ImageDataset& data, const Options& o)
{
    const auto pred = qs::predictAll(model, data, nullptr, o.threads);
    if (o.json) {
        std::cout << nlohmann::json{{"predictions", pred}}.dump(2) << '\n';
    } else {
        for (std::size_t i = 0; i < pred.size(); ++i)
            std::cout << "image " << i << ": class " << pred[i] << '\n';
    }
    return 0;
}

int runTable(const qs::VitModel& model, const qs::ImageDataset& data, const Options& o)
{
    auto base = evalSettings(o);
    base.weightQuant.reset();
    const auto fp = qs::evaluateVit(model, data, base, {});
    std::vector<std::vector<std::string>> rows = {
        {"variant", "bits", "granularity", "bpw", "correct", "top-1", "Δ top-1"}};
    rows.push_back({"FP32", "32", "-", "32",
                    qs::cli::fmtCount(fp.fp->correct) + " / " + qs::cli::fmtCount(fp.fp->total),
                    percent(fp.fp->top1()), "-"});
    base.evaluateFp = false;
    for (const auto& m : splitList(o.tableMethods))
        for (const auto& b : splitList(o.tableBits)) {
            auto s = base;
            s.weightQuant = quantSettings(o, m, std::stoi(b));
            const auto r = qs::evaluateVit(model, data, s, {});
            const double delta = 100.0 * (r.quantized->top1() - fp.fp->top1());
            rows.push_back(
                {std::string(qs::methodName(s.weightQuant->method)) +
                     (o.actBits ? " + A" + std::to_string(o.actBits) : ""),
                 b, std::string(qs::granularityName(s.weightQuant->granularity)), fixed(r.bitsPerWeight, 3),
                 qs::cli::fmtCount(r.quantized->correct) + " / " + qs::cli::fmtCount(r.quantized->total),
                 percent(r.quantized->top1()), (delta >= 0 ? "+" : "") + fixed(delta, 2)});
        }
    // Markdown: header, separator, rows.
    for (std::size_t i = 0; i < rows.size(); ++i) {
        std::cout << '|';
        for (const auto& c : rows[i]) std::cout << ' ' << c << " |";
        std::cout << '\n';
        if (i == 0) std::cout << "|---|---:|---|---:|---:|---:|---:|\n";
    }
    return 0;
}

int run(const Options& o)
{
    const auto arch = qs::readVitArch(o.arch);
    const auto ckpt = qs::openCheckpoint(o.model);
    const qs::VitModel model(*ckpt, arch);
    const auto data = qs::loadImageDataset(o.images, o.labels, o.limit);
    if (!data.labeled()) return printPredictions(model, data, o);
    if (o.table) return runTable(model, data, o);

    const auto s = evalSettings(o);
    const auto r = qs::evaluateVit(model, data, s, {});
    if (o.json) {
        nlohmann::json j{{"model", o.model}, {"arch", o.arch}, {"images", data.size()}};
        if (r.fp) j["fp"] = accuracyJson(*r.fp);
        if (r.quantized) {
            j["quantized"] = accuracyJson(*r.quantized);
            j["quantized"]["bpw"] = r.bitsPerWeight;
            j["quantized"]["quantized_weights"] = r.quantizedWeights;
            if (s.weightQuant) {
                j["quantized"]["method"] = qs::methodName(s.weightQuant->method);
                j["quantized"]["bits"] = s.weightQuant->bits;
                j["quantized"]["granularity"] = qs::granularityName(s.weightQuant->granularity);
            }
            j["quantized"]["act_bits"] = s.actBits;
        }
        std::cout << j.dump(2) << '\n';
        return 0;
    }
    std::vector<std::vector<std::string>> rows = {{"variant", "bpw", "correct", "top-1"}};
    if (r.fp)
        rows.push_back({"FP32", "32",
                        qs::cli::fmtCount(r.fp->correct) + " / " + qs::cli::fmtCount(r.fp->total),
                        percent(r.fp->top1())});
    if (r.quantized) {
        std::string name = s.weightQuant ? std::string(qs::methodName(s.weightQuant->method)) + " W" +
                                               std::to_string(s.weightQuant->bits) + " " +
                                               std::string(qs::granularityName(s.weightQuant->granularity))
                                         : "FP32 weights";
        if (s.actBits) name += " + A" + std::to_string(s.actBits);
        rows.push_back(
            {name, fixed(r.bitsPerWeight, 3),
             qs::cli::fmtCount(r.quantized->correct) + " / " + qs::cli::fmtCount(r.quantized->total),
             percent(r.quantized->top1())});
    }
    qs::cli::printTable(std::cout, rows, {1, 2, 3});
    return 0;
}

qs::cli::Command addEvalVitCommand(CLI::App& parent)
{
    auto opts = std::make_shared<Options>();
    auto* c =
        parent.add_subcommand("eval-vit", "Top-1 accuracy of a vision transformer, FP32 and fake-quantized");
    c->add_option("model", opts->model, "checkpoint (e.g. PyTorch .pth state_dict)")->required();
    c->add_option("--arch", opts->arch, "architecture description (ARCH.json, see docs/vit-arch.md)")
        ->required();
    c->add_option("--images", opts->images, "IDX image file (.gz too), PNG/JPEG file, or list file")
        ->required();
    c->add_option("--labels", opts->labels, "IDX label file (not needed for list files)");
    c->add_option("--method", opts->method,
                  "weight quantization: rtn, rtn-mse, easyquant (easyquant when only --bits is given)");
    c->add_option("--bits", opts->bits, "weight bits (2..8)");
    c->add_option("--granularity", opts->granularity, "tensor, channel (default) or group");
    c->add_option("--group", opts->group, "group size for --granularity group");
    c->add_option("--scheme", opts->scheme, "sym (default) or asym");
    c->add_option("--int-range", opts->intRange, "restricted (default), full, easyquant, either");
    c->add_option("--sigma", opts->sigma, "EasyQuant outlier threshold n (|w-mean| >= n*std)");
    c->add_option("--solver", opts->solver, "EasyQuant range solver: adam or search");
    c->add_flag("--keep-embed", opts->keepEmbed, "leave the patch-embedding kernel in FP32");
    c->add_flag("--keep-head", opts->keepHead, "leave the classifier in FP32");
    c->add_option("--act-bits", opts->actBits,
                  "fake-quantize every linear layer's input to k bits (per-tensor min-max)");
    c->add_option("--calib", opts->calib, "images used to calibrate activation ranges (first N)");
    c->add_option("--limit", opts->limit, "evaluate only the first N images");
    c->add_option("--threads", opts->threads, "worker threads (0 = all cores)");
    c->add_flag("--no-fp", opts->noFp, "skip the FP32 evaluation");
    c->add_flag("--json", opts->json, "machine-readable output");
    c->add_flag("--table", opts->table,
                "Markdown table: FP32 and every --table-methods x --table-bits variant");
    c->add_option("--table-methods", opts->tableMethods, "methods for --table (default rtn,easyquant)");
    c->add_option("--table-bits", opts->tableBits, "bits for --table (default 8,4,3)");
    return {c, [opts] { return run(*opts); }};
}

const qs::cli::Registration reg{"eval-vit", &addEvalVitCommand};

}  // namespace
