#pragma once
// A read-only memory map of a whole file. Readers parse headers from it and hand out views of
// tensor data without copying; the OS pages in only what is touched.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace qs {

class MappedFile {
public:
    /// Maps `path` read-only. Throws IoError naming the file when it cannot be opened or mapped.
    explicit MappedFile(const std::filesystem::path& path);
    ~MappedFile();
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    std::span<const std::byte> bytes() const noexcept { return {m_data, m_size}; }
    const std::byte* data() const noexcept { return m_data; }
    std::uint64_t size() const noexcept { return m_size; }
    const std::filesystem::path& path() const noexcept { return m_path; }
    /// Bytes [offset, offset+length), or throws FormatError(field) if that range is not inside
    /// the file (overflow-safe).
    std::span<const std::byte> slice(std::uint64_t offset, std::uint64_t length, const std::string& field) const;

private:
    std::filesystem::path m_path;
    const std::byte* m_data = nullptr;
    std::size_t m_size = 0;
};

}  // namespace qs
