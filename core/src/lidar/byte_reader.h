#pragma once
// Bounds-checked access to a byte range for the point-cloud readers: every read names the
// field and the offset in the FormatError it throws when the bytes run out.

#include "quantscope/error.h"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

namespace qs::lidar {

/// Loads a T stored at `p` with the given byte order.
template <typename T>
T loadScalar(const std::byte* p, bool bigEndian) noexcept
{
    unsigned char raw[sizeof(T)];
    std::memcpy(raw, p, sizeof(T));
    if (bigEndian != (std::endian::native == std::endian::big)) {
        for (std::size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(raw[i], raw[sizeof(T) - 1 - i]);
    }
    T v;
    std::memcpy(&v, raw, sizeof(T));
    return v;
}

class ByteCursor {
public:
    ByteCursor(std::span<const std::byte> bytes, std::string name) : m_bytes(bytes), m_name(std::move(name)) {}

    std::size_t pos() const noexcept { return m_pos; }
    std::size_t remaining() const noexcept { return m_bytes.size() - m_pos; }
    const std::string& name() const noexcept { return m_name; }
    std::span<const std::byte> bytes() const noexcept { return m_bytes; }

    void seek(std::uint64_t offset, const char* field)
    {
        if (offset > m_bytes.size()) fail(field, offset, "offset lies past the end of the data (" + std::to_string(m_bytes.size()) + " bytes)");
        m_pos = static_cast<std::size_t>(offset);
    }
    std::span<const std::byte> take(std::uint64_t n, const char* field)
    {
        if (n > remaining())
            fail(field, m_pos, "needs " + std::to_string(n) + " bytes, only " + std::to_string(remaining()) + " left");
        auto s = m_bytes.subspan(m_pos, static_cast<std::size_t>(n));
        m_pos += static_cast<std::size_t>(n);
        return s;
    }
    template <typename T>
    T read(const char* field, bool bigEndian = false)
    {
        return loadScalar<T>(take(sizeof(T), field).data(), bigEndian);
    }
    /// Reads T at an absolute offset without moving.
    template <typename T>
    T at(std::uint64_t offset, const char* field) const
    {
        if (offset > m_bytes.size() || sizeof(T) > m_bytes.size() - offset)
            fail(field, offset, "field runs past the end of the data (" + std::to_string(m_bytes.size()) + " bytes)");
        return loadScalar<T>(m_bytes.data() + offset, false);
    }
    [[noreturn]] void fail(const std::string& field, std::uint64_t offset, const std::string& problem) const
    {
        throw FormatError(m_name, field, offset, problem);
    }

private:
    std::span<const std::byte> m_bytes;
    std::string m_name;
    std::size_t m_pos = 0;
};

/// a * b, or throws FormatError when it overflows 64 bits.
inline std::uint64_t checkedMul(std::uint64_t a, std::uint64_t b, const std::string& file, const std::string& field,
                                std::uint64_t offset)
{
    if (a != 0 && b > UINT64_MAX / a) throw FormatError(file, field, offset, "size overflows 64 bits");
    return a * b;
}

}  // namespace qs::lidar
