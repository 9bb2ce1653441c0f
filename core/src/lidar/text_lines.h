#pragma once
// Line and token helpers for the text headers of PCD and PLY and for ASCII data sections.

#include <charconv>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace qs::lidar {

/// Reads lines from bytes, tracking the byte offset of each line's start.
class LineReader {
public:
    explicit LineReader(std::span<const std::byte> bytes, std::size_t start = 0) : m_bytes(bytes), m_pos(start) {}
    /// The next line without its "\n" / "\r\n"; nullopt at the end. lineStart() is its offset.
    std::optional<std::string_view> next()
    {
        if (m_pos >= m_bytes.size()) return std::nullopt;
        m_lineStart = m_pos;
        const char* base = reinterpret_cast<const char*>(m_bytes.data());
        std::size_t end = m_pos;
        while (end < m_bytes.size() && base[end] != '\n') ++end;
        std::string_view line(base + m_pos, end - m_pos);
        m_pos = end < m_bytes.size() ? end + 1 : end;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        return line;
    }
    std::size_t lineStart() const noexcept { return m_lineStart; }
    std::size_t pos() const noexcept { return m_pos; }

private:
    std::span<const std::byte> m_bytes;
    std::size_t m_pos;
    std::size_t m_lineStart = 0;
};

/// Splits on spaces and tabs.
inline std::vector<std::string_view> splitTokens(std::string_view line)
{
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        std::size_t j = i;
        while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
        if (j > i) out.push_back(line.substr(i, j - i));
        i = j;
    }
    return out;
}

/// Strict whole-token parses (no trailing junk).
inline std::optional<long long> parseInt(std::string_view s)
{
    long long v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}
inline std::optional<double> parseDouble(std::string_view s)
{
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc::result_out_of_range) return std::nullopt;
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

inline std::string toLower(std::string_view s)
{
    std::string out(s);
    for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
}

}  // namespace qs::lidar
