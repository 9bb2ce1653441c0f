#pragma once
// Settings of one tensor's quantization (shared/METHODS.md §1–3). Plain data; the same struct
// drives the CLI, the GUI and the export provenance (see toJson/fromJson in quant_settings_json).

#include <cstdint>
#include <optional>
#include <span>
#include <vector>
#include <string>
#include <string_view>

namespace qs {

/// Nl4: the non-linear 4-bit format (IQ4_NL codebook, 6-bit sub-scales under an fp16 scale per
/// 256 values; docs/quantization.md). Needs bits 4, per-group, a group size dividing 256 and
/// the symmetric scheme; keeps no outliers (sigma is ignored, as for rtn and rtn-mse).
enum class QuantMethod : std::uint8_t { Rtn, RtnMse, EasyQuant, Nl4 };
enum class Scheme : std::uint8_t { Symmetric, Asymmetric };
/// Signed integer range of the symmetric quantizer with k bits:
/// Restricted [-(2^(k-1)-1), 2^(k-1)-1] (default), Full [-2^(k-1), 2^(k-1)-1],
/// EasyQuantLiteral [-(2^(k-1)-1), 2^(k-1)] (the paper's formula),
/// Either: Full's codes, each unit's grid mirrored (a negative scale: levels
/// [-(2^(k-1)-1), 2^(k-1)]) where that fits the unit better — the extra level on the side that
/// needs it, as ggml's Q4_0 puts it; rtn gives it to the side of the largest magnitude (exactly
/// ggml's rule), the range searches try both ways and keep the lower loss (positive on ties).
enum class IntRange : std::uint8_t { Restricted, Full, EasyQuantLiteral, Either };
enum class Granularity : std::uint8_t { PerTensor, PerChannel, PerGroup };
enum class OutlierStats : std::uint8_t { WholeMatrix, PerChannel };
/// How EasyQuant picks each unit's range on the normal values: Adam (paper), Search (exact
/// range search, METHODS.md §3), MinMax (no optimization: max|normal|, the paper's Table 4
/// ablation "outlier isolation only"; what ThresholdExplorer mirrors).
enum class RangeSolver : std::uint8_t { Adam, Search, MinMax };

struct QuantSettings {
    QuantMethod method = QuantMethod::EasyQuant;
    int bits = 4;  ///< 2..8
    Scheme scheme = Scheme::Symmetric;
    IntRange intRange = IntRange::Restricted;
    Granularity granularity = Granularity::PerChannel;
    std::int64_t groupSize = 128;  ///< PerGroup: columns per group; the last group may be shorter

    // rtn-mse: clip range r = alpha * max|x|, alpha on a uniform grid in [clipMin, 1]
    int clipGridPoints = 100;
    double clipMin = 0.5;

    // easyquant
    double sigma = 3.0;  ///< outlier when |w - mean| >= sigma * std; <= 0 keeps no outliers
    OutlierStats outlierStats = OutlierStats::WholeMatrix;
    RangeSolver solver = RangeSolver::Search;
    double adamLr = 1e-4;
    int adamSteps = 500;

    /// Scales are stored as fp16 in exports; when true the quantizer rounds them to fp16 so the
    /// in-memory result equals what an export reloads.
    bool fp16Scales = true;
};

std::string_view methodName(QuantMethod m) noexcept;        ///< "rtn", "rtn-mse", "easyquant", "nl4"
std::optional<QuantMethod> methodFromName(std::string_view) noexcept;
/// Every method's name, in enum order: what a front end offers (the CLI's --method check).
std::vector<std::string_view> methodNames();
/// nl4's 16 codebook values (IQ4_NL's integers, ascending; a sub-block's step multiplies them).
std::span<const float> nl4Levels() noexcept;
std::string_view granularityName(Granularity g) noexcept;   ///< "tensor", "channel", "group"
std::string_view intRangeName(IntRange r) noexcept;         ///< "restricted", "full", "easyquant", "either"
std::string_view solverName(RangeSolver s) noexcept;        ///< "adam", "search", "minmax"
std::string_view schemeName(Scheme s) noexcept;             ///< "symmetric", "asymmetric"
std::string_view outlierStatsName(OutlierStats s) noexcept; ///< "matrix", "channel"
std::optional<Granularity> granularityFromName(std::string_view) noexcept;
std::optional<IntRange> intRangeFromName(std::string_view) noexcept;
std::optional<RangeSolver> solverFromName(std::string_view) noexcept;
std::optional<Scheme> schemeFromName(std::string_view) noexcept;
std::optional<OutlierStats> outlierStatsFromName(std::string_view) noexcept;

/// Throws qs::InvalidArgument naming the bad field.
void validate(const QuantSettings& s);

/// Integer code range [qmin, qmax] of the symmetric quantizer for these settings (Either:
/// Full's; a unit with a negative scale has the levels [-qmax, -qmin]).
struct IntBounds {
    int qmin;
    int qmax;
};
IntBounds symmetricBounds(int bits, IntRange r) noexcept;

}  // namespace qs
