#include "quant_options.h"

#include "quantscope/error.h"
#include "quantscope/quant/quant_presets.h"

#include <map>
#include <string>
#include <vector>

namespace qs::cli {

namespace {

template <typename E>
E pick(const std::map<std::string, E>& table, const std::string& key)
{
    return table.at(key);  // CLI11's IsMember check already rejected anything else
}

/// core's method table, so a method added there is offered here without a second list.
std::vector<std::string> methodChoices()
{
    std::vector<std::string> out;
    for (const auto name : methodNames()) out.emplace_back(name);
    return out;
}

}  // namespace

void addQuantOptions(CLI::App* app, QuantOptions& o, const std::function<void()>& given)
{
    // Each option records that it was given (a preset then leaves it alone) and tells the caller.
    auto mark = [&o, given](const char* name) {
        return [&o, given, name](const std::string&) {
            o.given.insert(name);
            if (given) given();
        };
    };
    std::string presetHelp = "Named settings (explicit options still win):";
    std::vector<std::string> presetNames;
    for (const auto& p : quantPresets()) {
        presetNames.emplace_back(p.name);
        presetHelp += "\n  " + std::string(p.name) + ": " + std::string(p.summary);
    }
    app->add_option("--preset", o.preset, presetHelp)->check(CLI::IsMember(presetNames))->each(mark("--preset"));
    app->add_option("--method,-m", o.method,
                    "Quantization method (nl4: the non-linear 4-bit format, needs --bits 4 --group 16 or 32)")
        ->check(CLI::IsMember(methodChoices()))
        ->capture_default_str()
        ->each(mark("--method"));
    app->add_option("--bits,-b", o.bits, "Bits per weight code (2-8)")
        ->check(CLI::Range(2, 8))
        ->capture_default_str()
        ->each(mark("--bits"));
    app->add_option("--group,-g", o.group, "Group size (columns per scale); implies --granularity group")
        ->check(CLI::PositiveNumber)
        ->each(mark("--group"));
    app->add_option("--granularity", o.granularity, "One scale per tensor, output channel or group [channel]")
        ->check(CLI::IsMember({"tensor", "channel", "group"}))
        ->each(mark("--granularity"));
    app->add_option("--scheme", o.scheme, "Symmetric or asymmetric (zero point)")
        ->check(CLI::IsMember({"sym", "asym"}))
        ->capture_default_str()
        ->each(mark("--scheme"));
    app->add_option("--int-range", o.intRange,
                    "Symmetric code range: restricted [-(2^(k-1)-1), 2^(k-1)-1], full [-2^(k-1), ...], or "
                    "easyquant (the paper's [-(2^(k-1)-1), 2^(k-1)]), or either (full, mirrored per unit where that fits "
                    "better: the extra level on the side that needs it, as in Q4_0)")
        ->check(CLI::IsMember({"restricted", "full", "easyquant", "either"}))
        ->capture_default_str()
        ->each(mark("--int-range"));
    app->add_option("--sigma,-n", o.sigma, "EasyQuant outlier threshold n: |w - mean| >= n*std (<= 0: none)")
        ->capture_default_str()
        ->each(mark("--sigma"));
    app->add_option("--outlier-stats", o.outlierStats, "Mean/std for outliers over the whole matrix or per channel")
        ->check(CLI::IsMember({"matrix", "channel"}))
        ->capture_default_str()
        ->each(mark("--outlier-stats"));
    app->add_option("--solver", o.solver,
                    "EasyQuant range solver: exact search, the paper's Adam, or minmax (outlier isolation only)")
        ->check(CLI::IsMember({"search", "adam", "minmax"}))
        ->capture_default_str()
        ->each(mark("--solver"));
    app->add_option("--adam-lr", o.adamLr, "Adam learning rate")
        ->check(CLI::PositiveNumber)
        ->capture_default_str()
        ->each(mark("--adam-lr"));
    app->add_option("--adam-steps", o.adamSteps, "Adam steps")
        ->check(CLI::Range(1, 1000000))
        ->capture_default_str()
        ->each(mark("--adam-steps"));
}

namespace {

/// `o` with every option the user did not give taken from its preset (unchanged without one).
QuantOptions withPreset(QuantOptions o)
{
    if (o.preset.empty()) return o;
    const QuantPreset* p = findQuantPreset(o.preset);
    if (!p) throw InvalidArgument("--preset " + o.preset + ": no such preset");
    const QuantSettings& s = p->settings;
    auto unset = [&](const char* name) { return !o.given.contains(name); };
    if (unset("--method")) o.method = methodName(s.method);
    if (unset("--bits")) o.bits = s.bits;
    if (unset("--granularity")) o.granularity = granularityName(s.granularity);
    if (unset("--group")) o.group = s.granularity == Granularity::PerGroup ? s.groupSize : 0;
    if (unset("--scheme")) o.scheme = s.scheme == Scheme::Asymmetric ? "asym" : "sym";
    if (unset("--int-range")) o.intRange = intRangeName(s.intRange);
    if (unset("--sigma")) o.sigma = s.sigma;
    if (unset("--outlier-stats")) o.outlierStats = outlierStatsName(s.outlierStats);
    if (unset("--solver")) o.solver = solverName(s.solver);
    if (unset("--adam-lr")) o.adamLr = s.adamLr;
    if (unset("--adam-steps")) o.adamSteps = s.adamSteps;
    // --group alone means per-group even where the preset is per channel.
    if (o.given.contains("--group") && unset("--granularity")) o.granularity.clear();
    return o;
}

}  // namespace


QuantSettings toQuantSettings(const QuantOptions& given)
{
    const QuantOptions o = withPreset(given);
    QuantSettings q;
    q.method = *methodFromName(o.method);
    q.bits = o.bits;
    q.scheme = o.scheme == "asym" ? Scheme::Asymmetric : Scheme::Symmetric;
    q.intRange = *intRangeFromName(o.intRange);  // CLI11's IsMember check already rejected anything else
    const std::string gran = o.granularity.empty() ? (o.group > 0 ? "group" : "channel") : o.granularity;
    q.granularity = pick<Granularity>(
        {{"tensor", Granularity::PerTensor}, {"channel", Granularity::PerChannel}, {"group", Granularity::PerGroup}},
        gran);
    if (o.group > 0) q.groupSize = o.group;
    q.sigma = o.sigma;
    q.outlierStats = o.outlierStats == "channel" ? OutlierStats::PerChannel : OutlierStats::WholeMatrix;
    q.solver = pick<RangeSolver>(
        {{"search", RangeSolver::Search}, {"adam", RangeSolver::Adam}, {"minmax", RangeSolver::MinMax}}, o.solver);
    q.adamLr = o.adamLr;
    q.adamSteps = o.adamSteps;
    validate(q);
    return q;
}

}  // namespace qs::cli
