#include "quantscope/quant/quant_settings.h"

#include "quant/nl4_codec.h"

#include "quantscope/error.h"

#include <array>
#include <cmath>
#include <string>
#include <utility>

namespace qs {

namespace {

template <typename E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view name)
{
    for (const auto& [value, text] : table)
        if (text == name) return value;
    return std::nullopt;
}

template <typename E, std::size_t N>
std::string_view nameOf(const std::array<std::pair<E, std::string_view>, N>& table, E value)
{
    for (const auto& [v, text] : table)
        if (v == value) return text;
    return "?";
}

constexpr std::array kMethods{std::pair{QuantMethod::Rtn, std::string_view("rtn")},
                              std::pair{QuantMethod::RtnMse, std::string_view("rtn-mse")},
                              std::pair{QuantMethod::EasyQuant, std::string_view("easyquant")},
                              std::pair{QuantMethod::Nl4, std::string_view("nl4")}};
constexpr std::array kGranularities{std::pair{Granularity::PerTensor, std::string_view("tensor")},
                                    std::pair{Granularity::PerChannel, std::string_view("channel")},
                                    std::pair{Granularity::PerGroup, std::string_view("group")}};
constexpr std::array kIntRanges{std::pair{IntRange::Restricted, std::string_view("restricted")},
                                std::pair{IntRange::Full, std::string_view("full")},
                                std::pair{IntRange::EasyQuantLiteral, std::string_view("easyquant")},
                                std::pair{IntRange::Either, std::string_view("either")}};
constexpr std::array kSolvers{std::pair{RangeSolver::Adam, std::string_view("adam")},
                              std::pair{RangeSolver::Search, std::string_view("search")},
                              std::pair{RangeSolver::MinMax, std::string_view("minmax")}};
constexpr std::array kSchemes{std::pair{Scheme::Symmetric, std::string_view("symmetric")},
                              std::pair{Scheme::Asymmetric, std::string_view("asymmetric")}};
constexpr std::array kOutlierStats{std::pair{OutlierStats::WholeMatrix, std::string_view("matrix")},
                                   std::pair{OutlierStats::PerChannel, std::string_view("channel")}};

[[noreturn]] void bad(const std::string& field, const std::string& why)
{
    throw InvalidArgument("quantization setting '" + field + "': " + why);
}

/// nl4's layout is fixed (docs/quantization.md): say which setting breaks it and what works.
void validateNl4(const QuantSettings& s)
{
    if (s.bits != 4) bad("bits", std::to_string(s.bits) + " with method nl4; nl4 is a 4-bit format (use --bits 4)");
    if (s.granularity != Granularity::PerGroup)
        bad("granularity", std::string(granularityName(s.granularity)) +
                               " with method nl4; nl4 needs per-group scales (e.g. --group 16)");
    if (s.groupSize < 1 || s.groupSize > 256 || 256 % s.groupSize != 0)
        bad("groupSize", std::to_string(s.groupSize) +
                             " with method nl4; the group must divide the 256-value super-block (16 or 32)");
    if (s.scheme != Scheme::Symmetric)
        bad("scheme", "asymmetric with method nl4; nl4's codebook is fixed, it has no zero point");
}

}  // namespace

std::string_view methodName(QuantMethod m) noexcept { return nameOf(kMethods, m); }
std::optional<QuantMethod> methodFromName(std::string_view n) noexcept { return lookup(kMethods, n); }
std::vector<std::string_view> methodNames()
{
    std::vector<std::string_view> names;
    for (const auto& [method, name] : kMethods) names.push_back(name);
    return names;
}
std::span<const float> nl4Levels() noexcept { return quant::nl4::kCodebook; }
std::string_view granularityName(Granularity g) noexcept { return nameOf(kGranularities, g); }
std::string_view intRangeName(IntRange r) noexcept { return nameOf(kIntRanges, r); }
std::string_view solverName(RangeSolver s) noexcept { return nameOf(kSolvers, s); }
std::string_view schemeName(Scheme s) noexcept { return nameOf(kSchemes, s); }
std::string_view outlierStatsName(OutlierStats s) noexcept { return nameOf(kOutlierStats, s); }
std::optional<Granularity> granularityFromName(std::string_view n) noexcept { return lookup(kGranularities, n); }
std::optional<IntRange> intRangeFromName(std::string_view n) noexcept { return lookup(kIntRanges, n); }
std::optional<RangeSolver> solverFromName(std::string_view n) noexcept { return lookup(kSolvers, n); }
std::optional<Scheme> schemeFromName(std::string_view n) noexcept { return lookup(kSchemes, n); }
std::optional<OutlierStats> outlierStatsFromName(std::string_view n) noexcept { return lookup(kOutlierStats, n); }

void validate(const QuantSettings& s)
{
    if (nameOf(kMethods, s.method) == "?") bad("method", "unknown value");
    if (nameOf(kSchemes, s.scheme) == "?") bad("scheme", "unknown value");
    if (nameOf(kIntRanges, s.intRange) == "?") bad("intRange", "unknown value");
    if (nameOf(kGranularities, s.granularity) == "?") bad("granularity", "unknown value");
    if (nameOf(kOutlierStats, s.outlierStats) == "?") bad("outlierStats", "unknown value");
    if (nameOf(kSolvers, s.solver) == "?") bad("solver", "unknown value");
    if (s.bits < 2 || s.bits > 8) bad("bits", std::to_string(s.bits) + " is outside 2..8");
    if (s.granularity == Granularity::PerGroup && s.groupSize < 1)
        bad("groupSize", std::to_string(s.groupSize) + " must be at least 1");
    if (s.method == QuantMethod::Nl4) validateNl4(s);
    if (s.clipGridPoints < 1 || s.clipGridPoints > 100000)
        bad("clipGridPoints", std::to_string(s.clipGridPoints) + " is outside 1..100000");
    if (!(s.clipMin > 0.0 && s.clipMin <= 1.0)) bad("clipMin", "must lie in (0, 1]");
    if (!std::isfinite(s.sigma)) bad("sigma", "must be finite");
    if (!(s.adamLr > 0.0) || !std::isfinite(s.adamLr)) bad("adamLr", "must be positive and finite");
    if (s.adamSteps < 0 || s.adamSteps > 1000000)
        bad("adamSteps", std::to_string(s.adamSteps) + " is outside 0..1000000");
}

IntBounds symmetricBounds(int bits, IntRange r) noexcept
{
    const int half = 1 << (bits - 1);
    switch (r) {
    case IntRange::Full:
    case IntRange::Either: return {-half, half - 1};
    case IntRange::EasyQuantLiteral: return {-(half - 1), half};
    case IntRange::Restricted: break;
    }
    return {-(half - 1), half - 1};
}

}  // namespace qs
