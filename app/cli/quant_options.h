#pragma once
// The per-tensor quantization options (--method ... --adam-steps) that `quantize` and `eval-lm`
// share: one definition of the flags, their checks and help, and of how they become
// QuantSettings, so the two commands cannot drift apart.

#include "quantscope/quant/quant_settings.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>

namespace qs::cli {

struct QuantOptions {
    std::string preset;  // empty: none; else a quantPresets() name, under the options given
    std::string method = "easyquant";
    int bits = 4;
    std::int64_t group = 0;
    std::string granularity;  // empty: channel, or group when --group is given
    std::string scheme = "sym";
    std::string intRange = "restricted";
    double sigma = 3.0;
    std::string outlierStats = "matrix";
    std::string solver = "search";
    double adamLr = 1e-4;
    int adamSteps = 500;
    /// The options given on the command line (their long names, "--bits"): they win over a preset.
    std::set<std::string> given;
};

/// Adds the options to `app`; `given` (when set) runs whenever one of them is given.
void addQuantOptions(CLI::App* app, QuantOptions& o, const std::function<void()>& given = {});
/// The settings the options describe — the preset's, then every option given on top of it —
/// validate()d (InvalidArgument names the bad field).
QuantSettings toQuantSettings(const QuantOptions& o);

}  // namespace qs::cli
