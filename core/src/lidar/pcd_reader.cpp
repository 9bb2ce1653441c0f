// PCD v0.7 (PCL): ascii, binary (array of structs) and binary_compressed (LZF of a structure of
// arrays). shared/FORMATS.md §4.2.
#include "lidar/byte_reader.h"
#include "lidar/lzf.h"
#include "lidar/readers.h"
#include "lidar/scalar_type.h"
#include "lidar/text_lines.h"

#include <algorithm>

namespace qs::lidar {

namespace {

constexpr std::size_t kMaxHeaderBytes = 1 << 20;
constexpr std::size_t kMaxFields = 4096;
constexpr long long kMaxCount = 1 << 16;

struct PcdField {
    std::string name;
    ScalarType type = ScalarType::F32;
    std::size_t size = 4;
    std::size_t count = 1;
    std::size_t offset = 0;  // within a binary record
};

struct PcdHeader {
    std::vector<PcdField> fields;
    std::size_t recordSize = 0;
    std::uint64_t points = 0;
    std::string data;       // ascii | binary | binary_compressed
    std::size_t dataStart = 0;
};

class PcdHeaderParser {
public:
    PcdHeaderParser(std::span<const std::byte> bytes, const std::string& name) : m_bytes(bytes), m_name(name) {}

    PcdHeader parse()
    {
        LineReader lines(m_bytes);
        std::vector<std::string_view> sizes, types, counts;
        std::optional<long long> width, height, points;
        while (auto line = lines.next()) {
            m_at = lines.lineStart();
            if (m_at > kMaxHeaderBytes) fail("header", "no DATA line in the first 1 MiB");
            auto tok = splitTokens(*line);
            if (tok.empty() || tok[0].starts_with("#")) continue;
            const std::string_view key = tok[0];
            tok.erase(tok.begin());
            if (key == "VERSION") continue;
            if (key == "FIELDS") {
                if (tok.empty() || tok.size() > kMaxFields) fail("FIELDS", "needs 1 to 4096 names");
                for (auto t : tok) m_h.fields.push_back({std::string(t)});
            } else if (key == "SIZE") {
                sizes = tok;
            } else if (key == "TYPE") {
                types = tok;
            } else if (key == "COUNT") {
                counts = tok;
            } else if (key == "WIDTH") {
                width = positive(tok, "WIDTH");
            } else if (key == "HEIGHT") {
                height = positive(tok, "HEIGHT");
            } else if (key == "POINTS") {
                points = nonNegative(tok, "POINTS");
            } else if (key == "VIEWPOINT") {
                if (tok.size() != 7) fail("VIEWPOINT", "needs 7 numbers");
            } else if (key == "DATA") {
                if (tok.size() != 1) fail("DATA", "needs one of ascii, binary, binary_compressed");
                m_h.data = std::string(tok[0]);
                m_h.dataStart = lines.pos();
                break;
            } else {
                fail(std::string(key), "unknown header keyword");
            }
        }
        if (m_h.data.empty()) fail("DATA", "header has no DATA line");
        if (m_h.data != "ascii" && m_h.data != "binary" && m_h.data != "binary_compressed")
            fail("DATA", "unknown data mode '" + m_h.data + "'");
        resolveFields(sizes, types, counts);
        if (!width) fail("WIDTH", "missing");
        const std::uint64_t wh = checkedMul(static_cast<std::uint64_t>(*width),
                                            static_cast<std::uint64_t>(height.value_or(1)), m_name, "WIDTH*HEIGHT", m_at);
        if (points && static_cast<std::uint64_t>(*points) != wh)
            fail("POINTS", "POINTS " + std::to_string(*points) + " != WIDTH*HEIGHT " + std::to_string(wh));
        m_h.points = wh;
        return m_h;
    }

private:
    [[noreturn]] void fail(const std::string& field, const std::string& problem) const
    {
        throw FormatError(m_name, field, m_at, problem);
    }
    long long nonNegative(const std::vector<std::string_view>& tok, const char* field) const
    {
        if (tok.size() != 1) fail(field, "needs one integer");
        const auto v = parseInt(tok[0]);
        if (!v || *v < 0) fail(field, "'" + std::string(tok[0]) + "' is not a non-negative integer");
        return *v;
    }
    long long positive(const std::vector<std::string_view>& tok, const char* field) const
    {
        const long long v = nonNegative(tok, field);
        if (v < 1 && std::string_view(field) == "HEIGHT") fail(field, "must be at least 1");
        return v;
    }
    void resolveFields(const std::vector<std::string_view>& sizes, const std::vector<std::string_view>& types,
                       const std::vector<std::string_view>& counts)
    {
        const std::size_t n = m_h.fields.size();
        if (n == 0) fail("FIELDS", "missing");
        if (sizes.size() != n) fail("SIZE", "has " + std::to_string(sizes.size()) + " entries for " + std::to_string(n) + " fields");
        if (types.size() != n) fail("TYPE", "has " + std::to_string(types.size()) + " entries for " + std::to_string(n) + " fields");
        if (!counts.empty() && counts.size() != n)
            fail("COUNT", "has " + std::to_string(counts.size()) + " entries for " + std::to_string(n) + " fields");
        std::size_t offset = 0;
        for (std::size_t i = 0; i < n; ++i) {
            auto& f = m_h.fields[i];
            const auto size = parseInt(sizes[i]);
            const auto t = types[i].size() == 1 && size ? pcdScalarType(types[i][0], static_cast<int>(*size)) : std::nullopt;
            if (!t) fail("TYPE", "field '" + f.name + "': unsupported TYPE/SIZE " + std::string(types[i]) + "/" + std::string(sizes[i]));
            f.type = *t;
            f.size = scalarSize(*t);
            if (!counts.empty()) {
                const auto c = parseInt(counts[i]);
                if (!c || *c < 1 || *c > kMaxCount) fail("COUNT", "field '" + f.name + "': COUNT must be 1 to 65536");
                f.count = static_cast<std::size_t>(*c);
            }
            f.offset = offset;
            offset += f.size * f.count;  // bounded: 4096 fields x 65536 x 8
        }
        m_h.recordSize = offset;
    }

    std::span<const std::byte> m_bytes;
    const std::string& m_name;
    PcdHeader m_h;
    std::size_t m_at = 0;
};

std::vector<std::string> channelNames(const PcdHeader& h)
{
    std::vector<std::string> names;
    for (const auto& f : h.fields) {
        if (f.count == 1) names.push_back(f.name);
        else
            for (std::size_t k = 0; k < f.count; ++k) names.push_back(f.name + "_" + std::to_string(k));
    }
    return names;
}

void readAscii(const PcdHeader& h, std::span<const std::byte> bytes, const std::string& name, ChannelMap& map)
{
    const std::size_t channels = map.channels();
    // Every point needs at least 2 bytes per value ("0 "); refuse counts the bytes cannot hold
    // before allocating.
    const std::size_t left = bytes.size() - h.dataStart;
    if (h.points > left / (2 * channels) + 1)
        throw FormatError(name, "POINTS", h.dataStart,
                          std::to_string(h.points) + " ascii points cannot fit in " + std::to_string(left) + " bytes");
    map.allocate(static_cast<std::size_t>(h.points));
    LineReader lines(bytes, h.dataStart);
    std::uint64_t i = 0;
    while (i < h.points) {
        auto line = lines.next();
        if (!line)
            throw FormatError(name, "ascii data", bytes.size(),
                              "file ends after " + std::to_string(i) + " of " + std::to_string(h.points) + " points");
        const auto tok = splitTokens(*line);
        if (tok.empty()) continue;
        if (tok.size() != channels)
            throw FormatError(name, "ascii point " + std::to_string(i), lines.lineStart(),
                              "has " + std::to_string(tok.size()) + " values, header declares " + std::to_string(channels));
        for (std::size_t c = 0; c < channels; ++c) {
            const auto v = parseDouble(tok[c]);
            if (!v)
                throw FormatError(name, "ascii point " + std::to_string(i), lines.lineStart(),
                                  "'" + std::string(tok[c]) + "' is not a number");
            if (float* d = map.dest(c)) d[i] = static_cast<float>(*v);
        }
        ++i;
    }
}

// Channel c's (field, k) pair, for walking records.
struct ChannelRef {
    const PcdField* field;
    std::size_t k;
};

std::vector<ChannelRef> channelRefs(const PcdHeader& h)
{
    std::vector<ChannelRef> refs;
    for (const auto& f : h.fields)
        for (std::size_t k = 0; k < f.count; ++k) refs.push_back({&f, k});
    return refs;
}

void readBinary(const PcdHeader& h, std::span<const std::byte> bytes, const std::string& name, ChannelMap& map)
{
    const std::uint64_t need = checkedMul(h.points, h.recordSize, name, "POINTS", h.dataStart);
    if (need > bytes.size() - h.dataStart)
        throw FormatError(name, "binary data", h.dataStart,
                          std::to_string(h.points) + " points x " + std::to_string(h.recordSize) + " bytes need " +
                              std::to_string(need) + " bytes, " + std::to_string(bytes.size() - h.dataStart) + " left");
    map.allocate(static_cast<std::size_t>(h.points));
    const auto refs = channelRefs(h);
    const std::byte* base = bytes.data() + h.dataStart;
    for (std::size_t c = 0; c < refs.size(); ++c) {
        float* d = map.dest(c);
        if (!d) continue;
        const auto& f = *refs[c].field;
        const std::byte* p = base + f.offset + refs[c].k * f.size;
        for (std::uint64_t i = 0; i < h.points; ++i, p += h.recordSize) d[i] = static_cast<float>(decodeScalar(f.type, p, false));
    }
}

void readCompressed(const PcdHeader& h, std::span<const std::byte> bytes, const std::string& name, ChannelMap& map)
{
    ByteCursor cur(bytes, name);
    cur.seek(h.dataStart, "binary_compressed header");
    const std::uint32_t compressed = cur.read<std::uint32_t>("compressed_size");
    const std::uint32_t uncompressed = cur.read<std::uint32_t>("uncompressed_size");
    const std::uint64_t need = checkedMul(h.points, h.recordSize, name, "POINTS", h.dataStart);
    if (uncompressed != need)
        throw FormatError(name, "uncompressed_size", h.dataStart + 4,
                          std::to_string(uncompressed) + " != POINTS x record size = " + std::to_string(need));
    // One 3-byte LZF back reference expands to at most 264 bytes: a larger claim is a lie, and
    // refusing it bounds the allocation by the file size.
    if (uncompressed > static_cast<std::uint64_t>(compressed) * 88 + 64)
        throw FormatError(name, "uncompressed_size", h.dataStart + 4,
                          std::to_string(uncompressed) + " bytes cannot come from " + std::to_string(compressed) + " LZF bytes");
    const std::size_t streamAt = cur.pos();
    const auto stream = cur.take(compressed, "compressed data");
    std::vector<std::byte> soa(uncompressed);
    if (uncompressed > 0) lzfDecompress(stream, soa, name, "compressed data", streamAt);
    map.allocate(static_cast<std::size_t>(h.points));
    // SoA: each field's values for all points are contiguous (COUNT values per point).
    const auto refs = channelRefs(h);
    std::size_t fieldStart = 0;
    const PcdField* current = nullptr;
    for (std::size_t c = 0; c < refs.size(); ++c) {
        const auto& f = *refs[c].field;
        if (current && current != &f) fieldStart += static_cast<std::size_t>(h.points) * current->size * current->count;
        current = &f;
        float* d = map.dest(c);
        if (!d) continue;
        const std::size_t stride = f.size * f.count;
        const std::byte* p = soa.data() + fieldStart + refs[c].k * f.size;
        for (std::uint64_t i = 0; i < h.points; ++i, p += stride) d[i] = static_cast<float>(decodeScalar(f.type, p, false));
    }
}

}  // namespace

PointCloud parsePcd(std::span<const std::byte> bytes, const std::string& name)
{
    const PcdHeader h = PcdHeaderParser(bytes, name).parse();
    PointCloud cloud;
    cloud.format = "pcd";
    ChannelMap map(channelNames(h), cloud, name, "FIELDS", 0);
    if (h.data == "ascii") readAscii(h, bytes, name, map);
    else if (h.data == "binary") readBinary(h, bytes, name, map);
    else readCompressed(h, bytes, name, map);
    return cloud;
}

}  // namespace qs::lidar
