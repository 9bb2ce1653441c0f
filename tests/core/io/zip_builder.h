#pragma once
// Test-only: writes small stored ZIP archives (optionally with ZIP64 records) in memory, so the
// tests can build torch.save-shaped files and corrupt them byte by byte.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace qs::test {

struct ZipOut {
    std::vector<unsigned char> bytes;
    std::vector<std::uint64_t> localOffsets;  ///< where each entry's local header starts
    std::uint64_t centralOffset = 0;          ///< where the central directory starts
    std::uint64_t endOffset = 0;              ///< where the (classic) end record starts
};

inline void putLe(std::vector<unsigned char>& b, std::uint64_t v, int n)
{
    for (int i = 0; i < n; ++i) b.push_back(static_cast<unsigned char>(v >> (8 * i)));
}

/// Entries are stored uncompressed with data aligned to 64 bytes like torch.save does. With
/// `zip64`, sizes and offsets go into ZIP64 extra fields and a ZIP64 end record is written.
inline ZipOut buildZip(const std::vector<std::pair<std::string, std::string>>& entries, bool zip64 = false)
{
    ZipOut z;
    auto& b = z.bytes;
    for (const auto& [name, data] : entries) {
        z.localOffsets.push_back(b.size());
        const std::size_t pad = (64 - (b.size() + 30 + name.size() + 4) % 64) % 64;
        putLe(b, 0x04034b50, 4);
        putLe(b, 20, 2);
        putLe(b, 0, 2);
        putLe(b, 0, 2);  // stored
        putLe(b, 0, 4);  // time/date
        putLe(b, 0, 4);  // crc (not checked by the reader)
        putLe(b, data.size(), 4);
        putLe(b, data.size(), 4);
        putLe(b, name.size(), 2);
        putLe(b, 4 + pad, 2);
        b.insert(b.end(), name.begin(), name.end());
        putLe(b, 0x4246, 2);  // 'FB' padding field, as torch.save writes
        putLe(b, pad, 2);
        b.insert(b.end(), pad, 'Z');
        b.insert(b.end(), data.begin(), data.end());
    }
    z.centralOffset = b.size();
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& [name, data] = entries[i];
        putLe(b, 0x02014b50, 4);
        putLe(b, 45, 2);
        putLe(b, 45, 2);
        putLe(b, 0, 2);
        putLe(b, 0, 2);
        putLe(b, 0, 4);
        putLe(b, 0, 4);
        putLe(b, zip64 ? 0xFFFFFFFF : data.size(), 4);
        putLe(b, zip64 ? 0xFFFFFFFF : data.size(), 4);
        putLe(b, name.size(), 2);
        putLe(b, zip64 ? 28 : 0, 2);
        putLe(b, 0, 2);
        putLe(b, 0, 2);
        putLe(b, 0, 2);
        putLe(b, 0, 4);
        putLe(b, zip64 ? 0xFFFFFFFF : z.localOffsets[i], 4);
        b.insert(b.end(), name.begin(), name.end());
        if (zip64) {
            putLe(b, 1, 2);
            putLe(b, 24, 2);
            putLe(b, data.size(), 8);
            putLe(b, data.size(), 8);
            putLe(b, z.localOffsets[i], 8);
        }
    }
    const std::uint64_t cdSize = b.size() - z.centralOffset;
    if (zip64) {
        const std::uint64_t rec = b.size();
        putLe(b, 0x06064b50, 4);
        putLe(b, 44, 8);
        putLe(b, 45, 2);
        putLe(b, 45, 2);
        putLe(b, 0, 4);
        putLe(b, 0, 4);
        putLe(b, entries.size(), 8);
        putLe(b, entries.size(), 8);
        putLe(b, cdSize, 8);
        putLe(b, z.centralOffset, 8);
        putLe(b, 0x07064b50, 4);
        putLe(b, 0, 4);
        putLe(b, rec, 8);
        putLe(b, 1, 4);
    }
    z.endOffset = b.size();
    putLe(b, 0x06054b50, 4);
    putLe(b, 0, 2);
    putLe(b, 0, 2);
    putLe(b, zip64 ? 0xFFFF : entries.size(), 2);
    putLe(b, zip64 ? 0xFFFF : entries.size(), 2);
    putLe(b, zip64 ? 0xFFFFFFFF : cdSize, 4);
    putLe(b, zip64 ? 0xFFFFFFFF : z.centralOffset, 4);
    putLe(b, 0, 2);
    return z;
}

}  // namespace qs::test
