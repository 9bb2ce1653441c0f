#include "io/zip/zip_directory.h"

#include "quantscope/error.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <limits>

namespace qs::io {

namespace {

constexpr std::uint32_t kLocalSig = 0x04034b50;
constexpr std::uint32_t kCentralSig = 0x02014b50;
constexpr std::uint32_t kEndSig = 0x06054b50;
constexpr std::uint32_t kEnd64Sig = 0x06064b50;
constexpr std::uint32_t kEnd64LocatorSig = 0x07064b50;
constexpr std::uint64_t kEndSize = 22;
constexpr std::uint64_t kCentralSize = 46;
constexpr std::uint64_t kLocalSize = 30;
// A torch.save archive has a handful of entries per tensor; a million is far beyond any real
// checkpoint and keeps the entry vector bounded even when the count field lies.
constexpr std::uint64_t kMaxEntries = 1'000'000;

std::uint64_t le(const std::byte* p, int n)
{
    std::uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | std::to_integer<std::uint64_t>(p[i]);
    return v;
}

}  // namespace

ZipDirectory::ZipDirectory(std::span<const std::byte> bytes, std::string file) : m_bytes(bytes), m_file(std::move(file))
{
    std::uint64_t count = 0, cdOffset = 0, cdSize = 0;
    readEndRecords(count, cdOffset, cdSize);
    readCentralDirectory(count, cdOffset, cdSize);
}

bool ZipDirectory::looksLikeZip(std::span<const std::byte> head) noexcept
{
    return head.size() >= 4 && le(head.data(), 4) == kLocalSig;
}

void ZipDirectory::readEndRecords(std::uint64_t& count, std::uint64_t& cdOffset, std::uint64_t& cdSize) const
{
    const std::uint64_t size = m_bytes.size();
    if (size < kEndSize) throw FormatError(m_file, "zip end of central directory", size, "file too small for a ZIP archive");
    // The end record sits in the last 22 + up to 65535 (comment) bytes; search backwards.
    const std::uint64_t lowest = size > kEndSize + 0xFFFF ? size - kEndSize - 0xFFFF : 0;
    std::optional<std::uint64_t> end;
    for (std::uint64_t pos = size - kEndSize + 1; pos-- > lowest;) {
        if (le(m_bytes.data() + pos, 4) == kEndSig && pos + kEndSize + le(m_bytes.data() + pos + 20, 2) <= size) {
            end = pos;
            break;
        }
    }
    if (!end) throw FormatError(m_file, "zip end of central directory", size, "signature not found (truncated or not a ZIP)");
    const std::byte* e = m_bytes.data() + *end;
    count = le(e + 10, 2);
    cdSize = le(e + 12, 4);
    cdOffset = le(e + 16, 4);
    if (count == 0xFFFF || cdSize == 0xFFFFFFFF || cdOffset == 0xFFFFFFFF) {
        // ZIP64: a 20-byte locator right before the end record points at the ZIP64 end record.
        if (*end < 20 || le(e - 20, 4) != kEnd64LocatorSig)
            throw FormatError(m_file, "zip64 end locator", *end, "ZIP64 markers without a ZIP64 locator");
        const std::uint64_t rec = le(e - 20 + 8, 8);
        if (rec > size || size - rec < 56 || le(m_bytes.data() + rec, 4) != kEnd64Sig)
            throw FormatError(m_file, "zip64 end record", rec, "offset outside the file or bad signature");
        const std::byte* r = m_bytes.data() + rec;
        count = le(r + 32, 8);
        cdSize = le(r + 40, 8);
        cdOffset = le(r + 48, 8);
    }
    if (cdOffset > size || cdSize > size - cdOffset)
        throw FormatError(m_file, "zip central directory offset", cdOffset,
                          "directory of " + std::to_string(cdSize) + " bytes runs past the end of the file");
    if (count > kMaxEntries || count > cdSize / kCentralSize)
        throw FormatError(m_file, "zip entry count", *end + 10,
                          std::to_string(count) + " entries cannot fit in a " + std::to_string(cdSize) +
                              "-byte central directory");
}

void ZipDirectory::readCentralDirectory(std::uint64_t count, std::uint64_t cdOffset, std::uint64_t cdSize)
{
    m_entries.reserve(count);
    std::uint64_t pos = cdOffset;
    const std::uint64_t end = cdOffset + cdSize;
    for (std::uint64_t i = 0; i < count; ++i) {
        if (end - pos < kCentralSize || le(m_bytes.data() + pos, 4) != kCentralSig)
            throw FormatError(m_file, "zip central header " + std::to_string(i), pos, "bad signature or truncated");
        const std::byte* h = m_bytes.data() + pos;
        const std::uint64_t flags = le(h + 8, 2);
        const std::uint64_t nameLen = le(h + 28, 2), extraLen = le(h + 30, 2), commentLen = le(h + 32, 2);
        if (end - pos - kCentralSize < nameLen + extraLen + commentLen)
            throw FormatError(m_file, "zip central header " + std::to_string(i), pos, "name/extra/comment run past the directory");
        ZipEntry e;
        e.method = static_cast<std::uint16_t>(le(h + 10, 2));
        e.compressedSize = le(h + 20, 4);
        e.uncompressedSize = le(h + 24, 4);
        e.localHeaderOffset = le(h + 42, 4);
        e.name.assign(reinterpret_cast<const char*>(h + kCentralSize), nameLen);
        if (flags & 1u) throw UnsupportedError(m_file + ": zip entry '" + e.name + "' is encrypted");
        // ZIP64 extended information: only the fields whose 32-bit slot is saturated, in order.
        const std::byte* x = h + kCentralSize + nameLen;
        for (std::uint64_t off = 0; off + 4 <= extraLen;) {
            const std::uint64_t id = le(x + off, 2), len = le(x + off + 2, 2);
            if (off + 4 + len > extraLen)
                throw FormatError(m_file, "zip extra field of '" + e.name + "'", pos + kCentralSize + nameLen + off, "runs past its header");
            if (id == 0x0001) {
                std::uint64_t q = off + 4;
                auto take = [&](std::uint64_t& field) {
                    if (field != 0xFFFFFFFF) return;
                    if (q + 8 > off + 4 + len)
                        throw FormatError(m_file, "zip64 extra field of '" + e.name + "'", pos + kCentralSize + nameLen + q, "too short");
                    field = le(x + q, 8);
                    q += 8;
                };
                take(e.uncompressedSize);
                take(e.compressedSize);
                take(e.localHeaderOffset);
            }
            off += 4 + len;
        }
        resolveDataOffset(e);
        m_entries.push_back(std::move(e));
        pos += kCentralSize + nameLen + extraLen + commentLen;
    }
}

void ZipDirectory::resolveDataOffset(ZipEntry& e) const
{
    const std::uint64_t size = m_bytes.size();
    const std::uint64_t lho = e.localHeaderOffset;
    if (lho > size || size - lho < kLocalSize || le(m_bytes.data() + lho, 4) != kLocalSig)
        throw FormatError(m_file, "zip local header of '" + e.name + "'", lho, "offset outside the file or bad signature");
    const std::uint64_t skip = kLocalSize + le(m_bytes.data() + lho + 26, 2) + le(m_bytes.data() + lho + 28, 2);
    if (size - lho < skip)
        throw FormatError(m_file, "zip local header of '" + e.name + "'", lho, "name/extra run past the end of the file");
    e.dataOffset = lho + skip;
    if (e.compressedSize > size - e.dataOffset)
        throw FormatError(m_file, "zip entry size of '" + e.name + "'", e.dataOffset,
                          std::to_string(e.compressedSize) + " bytes run past the end of the file");
    if (e.method == 0 && e.uncompressedSize != e.compressedSize)
        throw FormatError(m_file, "zip entry size of '" + e.name + "'", lho, "stored entry with differing sizes");
}

const ZipEntry* ZipDirectory::find(std::string_view name) const noexcept
{
    for (const auto& e : m_entries)
        if (e.name == name) return &e;
    return nullptr;
}

std::span<const std::byte> ZipDirectory::storedData(const ZipEntry& e) const
{
    if (e.method != 0)
        throw UnsupportedError(m_file + ": zip entry '" + e.name + "' is compressed (method " + std::to_string(e.method) +
                               "); tensor data must be stored, as torch.save writes it");
    return m_bytes.subspan(e.dataOffset, e.compressedSize);
}

std::vector<std::byte> ZipDirectory::readSmall(const ZipEntry& e, std::uint64_t maxBytes) const
{
    if (e.uncompressedSize > maxBytes)
        throw FormatError(m_file, "zip entry size of '" + e.name + "'", e.localHeaderOffset,
                          std::to_string(e.uncompressedSize) + " bytes exceeds the limit of " + std::to_string(maxBytes));
    if (e.method == 0) {
        const auto s = storedData(e);
        return {s.begin(), s.end()};
    }
    if (e.method != 8)
        throw UnsupportedError(m_file + ": zip entry '" + e.name + "' uses compression method " + std::to_string(e.method));
    std::vector<std::byte> out(e.uncompressedSize);
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw FormatError(m_file, "zip entry '" + e.name + "'", e.dataOffset, "inflate init failed");
    // Feed and drain in chunks below 4 GiB (zlib counts in uInt).
    std::uint64_t inLeft = e.compressedSize, outDone = 0;
    const std::byte* in = m_bytes.data() + e.dataOffset;
    int rc = Z_OK;
    while (rc == Z_OK) {
        const auto inChunk = static_cast<uInt>(std::min<std::uint64_t>(inLeft, 1u << 30));
        const auto outChunk = static_cast<uInt>(std::min<std::uint64_t>(out.size() - outDone, 1u << 30));
        z.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(in));
        z.avail_in = inChunk;
        z.next_out = reinterpret_cast<Bytef*>(out.data() + outDone);
        z.avail_out = outChunk;
        rc = inflate(&z, Z_NO_FLUSH);
        const std::uint64_t consumed = inChunk - z.avail_in, produced = outChunk - z.avail_out;
        in += consumed;
        inLeft -= consumed;
        outDone += produced;
        if (rc == Z_OK && consumed == 0 && produced == 0) rc = Z_BUF_ERROR;
    }
    inflateEnd(&z);
    if (rc != Z_STREAM_END || outDone != out.size())
        throw FormatError(m_file, "zip entry '" + e.name + "'", e.dataOffset, "deflate data is corrupt or has the wrong size");
    return out;
}

}  // namespace qs::io
