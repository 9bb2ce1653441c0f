#pragma once
// A bounds-checked cursor over untrusted bytes. Every read checks the remaining length first
// and throws FormatError naming the file, the field and the byte offset, so parsers never read
// past the end and never allocate a size they have not checked against the bytes left.

#include "quantscope/error.h"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace qs {

class ByteReader {
public:
    ByteReader(std::span<const std::byte> bytes, std::string file) : m_bytes(bytes), m_file(std::move(file)) {}

    std::uint64_t offset() const noexcept { return m_pos; }
    std::uint64_t remaining() const noexcept { return m_bytes.size() - m_pos; }
    std::uint64_t size() const noexcept { return m_bytes.size(); }
    const std::string& file() const noexcept { return m_file; }

    /// Throws FormatError(field, offset) unless `n` more bytes are available.
    void require(std::uint64_t n, std::string_view field) const
    {
        if (n > remaining())
            fail(field, "needs " + std::to_string(n) + " bytes but only " + std::to_string(remaining()) +
                            " remain (file is " + std::to_string(m_bytes.size()) + " bytes)");
    }

    template <typename T>
    T read(std::string_view field)
    {
        static_assert(std::endian::native == std::endian::little, "big-endian hosts are not supported");
        require(sizeof(T), field);
        T v;
        std::memcpy(&v, m_bytes.data() + m_pos, sizeof(T));
        m_pos += sizeof(T);
        return v;
    }

    std::span<const std::byte> take(std::uint64_t n, std::string_view field)
    {
        require(n, field);
        auto s = m_bytes.subspan(static_cast<std::size_t>(m_pos), static_cast<std::size_t>(n));
        m_pos += n;
        return s;
    }

    void seek(std::uint64_t pos, std::string_view field)
    {
        if (pos > m_bytes.size())
            fail(field, "position " + std::to_string(pos) + " is past the end of the file (" +
                            std::to_string(m_bytes.size()) + " bytes)");
        m_pos = pos;
    }

    [[noreturn]] void fail(std::string_view field, const std::string& problem) const
    {
        throw FormatError(m_file, std::string(field), m_pos, problem);
    }
    [[noreturn]] void failAt(std::uint64_t offset, std::string_view field, const std::string& problem) const
    {
        throw FormatError(m_file, std::string(field), offset, problem);
    }

private:
    std::span<const std::byte> m_bytes;
    std::string m_file;
    std::uint64_t m_pos = 0;
};

/// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool isValidUtf8(std::string_view s) noexcept;

/// `s` with every byte that is not part of valid UTF-8 replaced by U+FFFD, for display.
std::string sanitizeUtf8(std::string_view s);

}  // namespace qs
