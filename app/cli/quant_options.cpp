#include "quant_options.h"

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
    auto mark = [given](const std::string&) {
        if (given) given();
    };
    app->add_option("--method,-m", o.method,
                    "Quantization method (nl4: the non-linear 4-bit format, needs --bits 4 --group 16 or 32)")
        ->check(CLI::IsMember(methodChoices()))
        ->capture_default_str()
        ->each(mark);
    app->add_option("--bits,-b", o.bits, "Bits per weight code (2-8)")
        ->check(CLI::Range(2, 8))
        ->capture_default_str()
        ->each(mark);
    app->add_option("--group,-g", o.group, "Group size (columns per scale); implies --granularity group")
        ->check(CLI::PositiveNumber)
        ->each(mark);
    app->add_option("--granularity", o.granularity, "One scale per tensor, output channel or group [channel]")
        ->check(CLI::IsMember({"tensor", "channel", "group"}))
        ->each(mark);
    app->add_option("--scheme", o.scheme, "Symmetric or asymmetric (zero point)")
        ->check(CLI::IsMember({"sym", "asym"}))
        ->capture_default_str()
        ->each(mark);
    app->add_option("--int-range", o.intRange,
                    "Symmetric code range: restricted [-(2^(k-1)-1), 2^(k-1)-1], full [-2^(k-1), ...], or "
                    "easyquant (the paper's [-(2^(k-1)-1), 2^(k-1)])")
        ->check(CLI::IsMember({"restricted", "full", "easyquant"}))
        ->capture_default_str()
        ->each(mark);
    app->add_option("--sigma,-n", o.sigma, "EasyQuant outlier threshold n: |w - mean| >= n*std (<= 0: none)")
        ->capture_default_str()
        ->each(mark);
    app->add_option("--outlier-stats", o.outlierStats, "Mean/std for outliers over the whole matrix or per channel")
        ->check(CLI::IsMember({"matrix", "channel"}))
        ->capture_default_str()
        ->each(mark);
    app->add_option("--solver", o.solver,
                    "EasyQuant range solver: exact search, the paper's Adam, or minmax (outlier isolation only)")
        ->check(CLI::IsMember({"search", "adam", "minmax"}))
        ->capture_default_str()
        ->each(mark);
    app->add_option("--adam-lr", o.adamLr, "Adam learning rate")
        ->check(CLI::PositiveNumber)
        ->capture_default_str()
        ->each(mark);
    app->add_option("--adam-steps", o.adamSteps, "Adam steps")
        ->check(CLI::Range(1, 1000000))
        ->capture_default_str()
        ->each(mark);
}

QuantSettings toQuantSettings(const QuantOptions& o)
{
    QuantSettings q;
    q.method = *methodFromName(o.method);
    q.bits = o.bits;
    q.scheme = o.scheme == "asym" ? Scheme::Asymmetric : Scheme::Symmetric;
    q.intRange = pick<IntRange>(
        {{"restricted", IntRange::Restricted}, {"full", IntRange::Full}, {"easyquant", IntRange::EasyQuantLiteral}},
        o.intRange);
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
