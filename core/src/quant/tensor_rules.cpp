#include "quantscope/quant/tensor_rules.h"

#include "quantscope/error.h"

#include <array>
#include <charconv>
#include <cmath>
#include <regex>

namespace qs {

namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

template <typename T>
std::optional<T> parseNumber(std::string_view s)
{
    T v{};
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
}

[[noreturn]] void bad(std::string_view text, const std::string& why)
{
    throw InvalidArgument("tensor rule '" + std::string(text) + "': " + why +
                          " (expected REGEX=ITEM[,ITEM...], ITEM = skip | rtn | rtn-mse | easyquant | nl4 | K | "
                          "bits=K | method=M | group=G | sigma=N)");
}

void parseItem(std::string_view text, std::string_view item, TensorRule& r)
{
    const auto eq = item.find('=');
    const std::string_view key = eq == std::string_view::npos ? std::string_view{} : trim(item.substr(0, eq));
    const std::string_view value = eq == std::string_view::npos ? item : trim(item.substr(eq + 1));
    if (key.empty() && value == "skip") {
        r.skip = true;
    } else if ((key.empty() || key == "method") && methodFromName(value)) {
        r.method = methodFromName(value);
    } else if (key == "method") {
        bad(text, "unknown method '" + std::string(value) + "'");
    } else if (key.empty() || key == "bits") {
        const auto b = parseNumber<int>(value);
        if (!b) bad(text, "'" + std::string(item) + "' is neither a method nor a bit width");
        if (*b < 2 || *b > 8) bad(text, "bits must be 2..8, not " + std::string(value));
        r.bits = *b;
    } else if (key == "group") {
        const auto g = parseNumber<std::int64_t>(value);
        if (!g || *g < 1) bad(text, "group must be a positive integer, not '" + std::string(value) + "'");
        r.groupSize = *g;
    } else if (key == "sigma") {
        const auto n = parseNumber<double>(value);
        if (!n || !std::isfinite(*n)) bad(text, "sigma must be a number, not '" + std::string(value) + "'");
        r.sigma = *n;
    } else {
        bad(text, "unknown item '" + std::string(item) + "'");
    }
}

std::string numberText(double v)
{
    std::array<char, 32> buf{};
    const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    return ec == std::errc{} ? std::string(buf.data(), end) : std::to_string(v);
}

}  // namespace

TensorRule parseTensorRule(std::string_view text)
{
    const auto eq = text.find('=');
    if (eq == std::string_view::npos) bad(text, "no '='");
    TensorRule r;
    r.pattern = std::string(trim(text.substr(0, eq)));
    if (r.pattern.empty()) bad(text, "empty pattern");
    try {
        std::regex check(r.pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
        bad(text, "the pattern is not a valid regular expression (" + std::string(e.what()) + ")");
    }
    std::string_view spec = text.substr(eq + 1);
    if (trim(spec).empty()) bad(text, "nothing after '='");
    while (!spec.empty()) {
        const auto comma = spec.find(',');
        const auto item = trim(spec.substr(0, comma));
        if (item.empty()) bad(text, "empty item");
        parseItem(text, item, r);
        if (comma == std::string_view::npos) break;
        spec.remove_prefix(comma + 1);
    }
    if (r.skip && (r.method || r.bits || r.groupSize || r.sigma))
        bad(text, "'skip' cannot be combined with settings");
    return r;
}

std::string ruleSpecText(const TensorRule& rule)
{
    if (rule.skip) return "skip";
    std::string s;
    const auto add = [&](const std::string& item) { s += (s.empty() ? "" : ",") + item; };
    if (rule.method) add("method=" + std::string(methodName(*rule.method)));
    if (rule.bits) add("bits=" + std::to_string(*rule.bits));
    if (rule.groupSize) add("group=" + std::to_string(*rule.groupSize));
    if (rule.sigma) add("sigma=" + numberText(*rule.sigma));
    return s.empty() ? "(no change)" : s;
}

bool isOutputHeadName(std::string_view name) noexcept
{
    if (name == "output.weight" || name == "wcls") return true;
    for (std::string_view tail : {"lm_head.weight", "embed_out.weight", "classifier.weight", "head.weight"}) {
        if (name == tail) return true;
        // Only whole trailing components count: "x.lm_head.weight", not "attn_head.weight".
        if (name.size() > tail.size() && name.ends_with(tail) && name[name.size() - tail.size() - 1] == '.')
            return true;
    }
    return false;
}

}  // namespace qs
