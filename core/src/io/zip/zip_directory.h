#pragma once
// A minimal, hostile-input-safe ZIP central-directory reader over bytes already in memory (a
// memory map). It lists entries and hands out views of stored (uncompressed) entry data; it
// never trusts a size or an offset without checking it against the buffer. Used by the
// PyTorch reader (torch.save archives are stored ZIP64) and usable for Keras 3 `.keras`.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace qs::io {

struct ZipEntry {
    std::string name;
    std::uint16_t method = 0;            ///< 0 stored, 8 deflate
    std::uint64_t compressedSize = 0;
    std::uint64_t uncompressedSize = 0;
    std::uint64_t localHeaderOffset = 0;
    std::uint64_t dataOffset = 0;        ///< first byte of the entry's (compressed) data
};

class ZipDirectory {
public:
    /// Parses the end-of-central-directory record (ZIP64 too), the central directory and each
    /// entry's local header. `file` only names the source in errors. Throws FormatError.
    ZipDirectory(std::span<const std::byte> bytes, std::string file);

    const std::vector<ZipEntry>& entries() const noexcept { return m_entries; }
    const ZipEntry* find(std::string_view name) const noexcept;

    /// The bytes of a stored entry (a view into the buffer). Throws UnsupportedError for a
    /// compressed entry (tensor data is never decompressed: it would defeat memory mapping).
    std::span<const std::byte> storedData(const ZipEntry& e) const;
    /// The entry's content, inflated when it is deflate-compressed; refuses entries whose
    /// declared size exceeds `maxBytes` (a decompression bomb guard).
    std::vector<std::byte> readSmall(const ZipEntry& e, std::uint64_t maxBytes) const;

    /// True when `head` starts with a ZIP local file header.
    static bool looksLikeZip(std::span<const std::byte> head) noexcept;

private:
    void readEndRecords(std::uint64_t& count, std::uint64_t& cdOffset, std::uint64_t& cdSize) const;
    void readCentralDirectory(std::uint64_t count, std::uint64_t cdOffset, std::uint64_t cdSize);
    void resolveDataOffset(ZipEntry& e) const;

    std::span<const std::byte> m_bytes;
    std::string m_file;
    std::vector<ZipEntry> m_entries;
};

}  // namespace qs::io
