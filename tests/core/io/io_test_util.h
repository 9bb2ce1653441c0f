#pragma once
// Small helpers shared by the reader tests: write bytes to a scratch file, catch the
// FormatError a corrupt file must produce.

#include "quantscope/error.h"
#include "quantscope/io/checkpoint.h"

#include <QTest>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace qs::test {

using Bytes = std::vector<std::byte>;

inline void appendU32(Bytes& b, std::uint32_t v)
{
    const auto n = b.size();
    b.resize(n + 4);
    std::memcpy(b.data() + n, &v, 4);
}
inline void appendU64(Bytes& b, std::uint64_t v)
{
    const auto n = b.size();
    b.resize(n + 8);
    std::memcpy(b.data() + n, &v, 8);
}
inline void appendText(Bytes& b, std::string_view s)
{
    for (char c : s) b.push_back(static_cast<std::byte>(c));
}
template <typename T>
void appendValues(Bytes& b, const std::vector<T>& v)
{
    const auto n = b.size();
    b.resize(n + v.size() * sizeof(T));
    if (!v.empty()) std::memcpy(b.data() + n, v.data(), v.size() * sizeof(T));
}

inline void writeBytes(const std::filesystem::path& p, const Bytes& b)
{
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

inline Bytes readBytes(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Bytes b(s.size());
    std::memcpy(b.data(), s.data(), s.size());
    return b;
}

/// Runs `fn`, which must throw FormatError; returns it (or fails the test).
inline std::optional<FormatError> expectFormatError(const std::function<void()>& fn)
{
    try {
        fn();
    } catch (const FormatError& e) {
        return e;
    } catch (const std::exception& e) {
        qWarning("expected FormatError, got: %s", e.what());
        return std::nullopt;
    }
    qWarning("expected FormatError, nothing was thrown");
    return std::nullopt;
}

}  // namespace qs::test
