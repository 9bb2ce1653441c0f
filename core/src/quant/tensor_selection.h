#pragma once
// Which tensors of a model are quantized, and with which settings: the defaults of
// ModelQuantSettings refined by its rules. Regexes are compiled once per job.

#include "quantscope/quant/model_job.h"

#include <regex>
#include <string>
#include <vector>

namespace qs::quant {

struct TensorPlan {
    bool quantize = false;
    QuantSettings settings;
    std::string reason;
};

class TensorSelector {
public:
    /// Compiles every rule's pattern. Throws InvalidArgument for a pattern that does not compile.
    explicit TensorSelector(const ModelQuantSettings& s);

    /// Decides for one tensor. Throws InvalidArgument when a rule produces invalid settings.
    TensorPlan plan(const TensorInfo& info);

    /// One warning per rule that matched no tensor planned so far (a typo in a pattern).
    std::vector<std::string> unusedRuleWarnings() const;

private:
    const ModelQuantSettings& m_settings;
    std::vector<std::regex> m_patterns;
    std::vector<std::size_t> m_matches;
};

}  // namespace qs::quant
