#include "quant/tensor_selection.h"

#include "quantscope/error.h"
#include "quantscope/quant/tensor_rules.h"

#include <charconv>
#include <cmath>

namespace qs {

namespace quant {

namespace {

std::regex compileRule(const std::string& pattern)
{
    try {
        return std::regex(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
        throw InvalidArgument("tensor rule pattern '" + pattern + "' is not a valid regular expression (" +
                              e.what() + ")");
    }
}

/// Why a tensor is not eligible at all, or empty when it is; `kind` names what it is.
std::string ineligibility(const TensorInfo& info, const ModelQuantSettings& s, std::string& kind)
{
    if (info.numel() == 0) return "empty tensor";
    if (!traits(info.dtype).isFloat)
        return "integer tensor (" + std::string(dtypeName(info.dtype)) + "): never quantized";
    if (info.role == TensorRole::Norm) return "norm weight: never quantized";
    if (info.role == TensorRole::Bias) return "bias: never quantized";
    if (info.shape.size() < 2) return "1-D tensor: never quantized";
    if (isOutputHeadName(info.name)) {
        kind = "output head";
        return s.quantizeOutputHead ? "" : "output head: kept (enable quantizing the output head)";
    }
    switch (info.role) {
        case TensorRole::Embedding:
            kind = "embedding";
            return s.quantizeEmbeddings ? "" : "embedding: kept (enable quantizing embeddings)";
        case TensorRole::Linear:
            kind = "linear weight";
            return "";
        case TensorRole::Conv:
            kind = "conv weight";
            return "";
        default:
            return "not a linear or conv weight";
    }
}

void applyRule(const TensorRule& r, QuantSettings& q)
{
    if (r.method) q.method = *r.method;
    if (r.bits) q.bits = *r.bits;
    if (r.groupSize) {
        q.groupSize = *r.groupSize;
        q.granularity = Granularity::PerGroup;  // a group size only means something per group
    }
    if (r.sigma) q.sigma = *r.sigma;
}

}  // namespace

TensorSelector::TensorSelector(const ModelQuantSettings& s) : m_settings(s), m_matches(s.rules.size(), 0)
{
    m_patterns.reserve(s.rules.size());
    for (const auto& r : s.rules) m_patterns.push_back(compileRule(r.pattern));
}

TensorPlan TensorSelector::plan(const TensorInfo& info)
{
    TensorPlan p;
    std::string kind;
    p.reason = ineligibility(info, m_settings, kind);
    if (!p.reason.empty()) return p;  // rules never touch norms, biases, 1-D or integer tensors

    p.settings = m_settings.defaults;
    std::string skippedBy;  // the last skip rule, unless a later rule matched after it
    std::string applied;
    for (std::size_t i = 0; i < m_patterns.size(); ++i) {
        if (!std::regex_search(info.name, m_patterns[i])) continue;
        ++m_matches[i];
        const auto& rule = m_settings.rules[i];
        const std::string label = "rule " + std::to_string(i + 1) + " '" + rule.pattern + "'";
        if (rule.skip) {
            skippedBy = label;
            continue;
        }
        skippedBy.clear();  // later wins: a matching rule after a skip brings the tensor back
        applyRule(rule, p.settings);
        applied += "; " + label + ": " + ruleSpecText(rule);
    }
    if (!skippedBy.empty()) {
        p.reason = "skipped by " + skippedBy;
        return p;
    }
    p.quantize = true;
    p.reason = kind + applied;
    try {
        validate(p.settings);
    } catch (const InvalidArgument& e) {
        throw InvalidArgument("tensor '" + info.name + "': " + e.what());
    }
    return p;
}

std::vector<std::string> TensorSelector::unusedRuleWarnings() const
{
    std::vector<std::string> out;
    for (std::size_t i = 0; i < m_matches.size(); ++i)
        if (m_matches[i] == 0)
            out.push_back("rule " + std::to_string(i + 1) + " '" + m_settings.rules[i].pattern +
                          "' matched no quantizable tensor");
    return out;
}

}  // namespace quant

std::optional<QuantSettings> effectiveSettings(const TensorInfo& info, const ModelQuantSettings& s,
                                               std::string& reason)
{
    quant::TensorSelector selector(s);
    auto p = selector.plan(info);
    reason = std::move(p.reason);
    if (!p.quantize) return std::nullopt;
    return p.settings;
}

}  // namespace qs
