// MNIST IDX files, gzip-compressed or not. zlib's gzread reads plain files transparently, so
// one path serves both; every dimension is checked against the bytes that actually arrive.

#include "quantscope/error.h"
#include "quantscope/models/image_dataset.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <string>

namespace qs {

namespace {

struct GzCloser {
    void operator()(gzFile_s* f) const noexcept { gzclose(f); }
};
using GzHandle = std::unique_ptr<gzFile_s, GzCloser>;

class IdxStream {
public:
    explicit IdxStream(const std::filesystem::path& path) : m_file(path.string())
    {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(path, ec)) throw IoError(m_file + ": no such file");
        m_gz.reset(gzopen(m_file.c_str(), "rb"));
        if (!m_gz) throw IoError(m_file + ": cannot open for reading");
    }

    const std::string& file() const noexcept { return m_file; }
    std::uint64_t offset() const noexcept { return m_offset; }

    /// Reads up to `n` bytes; returns how many arrived (fewer only at the end of the data).
    std::size_t read(std::uint8_t* out, std::size_t n, const char* field)
    {
        std::size_t got = 0;
        while (got < n) {
            const auto chunk = static_cast<unsigned>(std::min<std::size_t>(n - got, 1u << 20));
            const int r = gzread(m_gz.get(), out + got, chunk);
            if (r < 0) {
                int code = 0;
                const char* msg = gzerror(m_gz.get(), &code);
                throw FormatError(m_file, field, m_offset + got,
                                  std::string("gzip stream is corrupt: ") + (msg ? msg : "unknown error"));
            }
            if (r == 0) break;
            got += static_cast<std::size_t>(r);
        }
        m_offset += got;
        return got;
    }

    void readExact(std::uint8_t* out, std::size_t n, const char* field)
    {
        const auto at = m_offset;
        if (read(out, n, field) != n)
            throw FormatError(m_file, field, at,
                              "file ends early (needs " + std::to_string(n) + " bytes here)");
        // gzread reports a truncated gzip member only through gzerror once the data ran out.
        int code = Z_OK;
        gzerror(m_gz.get(), &code);
        if (code != Z_OK && code != Z_STREAM_END)
            throw FormatError(m_file, field, at, "gzip stream is truncated or corrupt");
    }

    void expectEnd()
    {
        std::uint8_t extra = 0;
        const auto at = m_offset;
        if (read(&extra, 1, "end of data") != 0)
            throw FormatError(m_file, "end of data", at, "unexpected bytes after the last item");
    }

private:
    std::string m_file;
    GzHandle m_gz;
    std::uint64_t m_offset = 0;
};

std::uint32_t bigEndian32(const std::uint8_t* b)
{
    return (std::uint32_t(b[0]) << 24) | (std::uint32_t(b[1]) << 16) | (std::uint32_t(b[2]) << 8) | b[3];
}

/// Reads the magic and the dimensions; checks the element type (unsigned byte) and rank.
std::vector<std::uint32_t> readHeader(IdxStream& s, std::uint32_t expectedMagic, const char* what)
{
    std::array<std::uint8_t, 4> magic{};
    s.readExact(magic.data(), 4, "magic");
    const std::uint32_t m = bigEndian32(magic.data());
    if (m != expectedMagic) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "0x%08x is not 0x%08x (IDX %s, unsigned bytes)", unsigned(m),
                      unsigned(expectedMagic), what);
        throw FormatError(s.file(), "magic", 0, buf);
    }
    std::vector<std::uint32_t> dims(expectedMagic & 0xffu);
    for (std::size_t i = 0; i < dims.size(); ++i) {
        std::array<std::uint8_t, 4> b{};
        const auto at = s.offset();
        s.readExact(b.data(), 4, "dimension");
        dims[i] = bigEndian32(b.data());
        if (dims[i] == 0 || dims[i] > (1u << 30))
            throw FormatError(s.file(), "dimension " + std::to_string(i), at,
                              "size " + std::to_string(dims[i]) + " is out of range");
    }
    return dims;
}

/// Reads `total` payload bytes, growing the buffer only as data arrives so a lying header
/// cannot make us allocate more than the file holds (plus one chunk).
std::vector<std::uint8_t> readPayload(IdxStream& s, std::uint64_t total, bool wholeFile)
{
    if (total > kMaxImageBytes)
        throw FormatError(s.file(), "dimensions", 4,
                          "data of " + std::to_string(total) + " bytes exceeds the limit");
    std::vector<std::uint8_t> data;
    constexpr std::size_t kChunk = 1u << 22;
    while (data.size() < total) {
        const auto start = data.size();
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, total - start));
        data.resize(start + n);
        const auto at = s.offset();
        if (s.read(data.data() + start, n, "data") != n)
            throw FormatError(
                s.file(), "data", at,
                "file ends early: the header announces " + std::to_string(total) + " data bytes");
    }
    if (wholeFile) s.expectEnd();
    return data;
}

}  // namespace

ImageDataset readIdxImages(const std::filesystem::path& path, std::size_t limit)
{
    IdxStream s(path);
    const auto dims = readHeader(s, 0x00000803u, "images");
    const std::uint64_t pixels = std::uint64_t(dims[1]) * dims[2];
    if (pixels > (1u << 26)) throw FormatError(s.file(), "dimension 1", 8, "images larger than 2^26 pixels");
    const std::uint64_t count = limit > 0 ? std::min<std::uint64_t>(limit, dims[0]) : dims[0];
    const auto data = readPayload(s, count * pixels, count == dims[0]);

    ImageDataset out;
    out.images.resize(count);
    for (std::uint64_t i = 0; i < count; ++i) {
        auto& img = out.images[i];
        img.width = static_cast<int>(dims[2]);
        img.height = static_cast<int>(dims[1]);
        img.channels = 1;
        const auto* p = data.data() + i * pixels;
        img.pixels.assign(p, p + pixels);
    }
    return out;
}

std::vector<int> readIdxLabels(const std::filesystem::path& path, std::size_t limit)
{
    IdxStream s(path);
    const auto dims = readHeader(s, 0x00000801u, "labels");
    const std::uint64_t count = limit > 0 ? std::min<std::uint64_t>(limit, dims[0]) : dims[0];
    const auto data = readPayload(s, count, count == dims[0]);
    return {data.begin(), data.end()};
}

}  // namespace qs
