// PLY (ascii, binary_little_endian, binary_big_endian): the "vertex" element becomes the
// cloud; elements before it are skipped (list properties included). shared/FORMATS.md §4.2.
#include "lidar/byte_reader.h"
#include "lidar/readers.h"
#include "lidar/scalar_type.h"
#include "lidar/text_lines.h"

namespace qs::lidar {

namespace {

constexpr std::size_t kMaxHeaderBytes = 1 << 20;

struct PlyProperty {
    std::string name;
    ScalarType type = ScalarType::F32;
    bool isList = false;
    ScalarType countType = ScalarType::U8;
};

struct PlyElement {
    std::string name;
    std::uint64_t count = 0;
    std::vector<PlyProperty> props;
};

enum class PlyEncoding { Ascii, Little, Big };

struct PlyHeader {
    PlyEncoding encoding = PlyEncoding::Ascii;
    std::vector<PlyElement> elements;
    std::size_t dataStart = 0;
};

PlyHeader parseHeader(std::span<const std::byte> bytes, const std::string& name)
{
    LineReader lines(bytes);
    PlyHeader h;
    bool haveFormat = false, ended = false;
    auto first = lines.next();
    if (!first || *first != "ply") throw FormatError(name, "magic", 0, "does not start with 'ply'");
    while (auto line = lines.next()) {
        const std::size_t at = lines.lineStart();
        if (at > kMaxHeaderBytes) throw FormatError(name, "header", at, "no end_header in the first 1 MiB");
        const auto tok = splitTokens(*line);
        if (tok.empty()) continue;
        auto fail = [&](const std::string& field, const std::string& problem) {
            throw FormatError(name, field, at, problem);
        };
        if (tok[0] == "comment" || tok[0] == "obj_info") continue;
        if (tok[0] == "format") {
            if (tok.size() != 3 || tok[2] != "1.0") fail("format", "expected 'format <encoding> 1.0'");
            if (tok[1] == "ascii") h.encoding = PlyEncoding::Ascii;
            else if (tok[1] == "binary_little_endian") h.encoding = PlyEncoding::Little;
            else if (tok[1] == "binary_big_endian") h.encoding = PlyEncoding::Big;
            else fail("format", "unknown encoding '" + std::string(tok[1]) + "'");
            haveFormat = true;
        } else if (tok[0] == "element") {
            const auto n = tok.size() == 3 ? parseInt(tok[2]) : std::nullopt;
            if (!n || *n < 0) fail("element", "expected 'element <name> <count>'");
            h.elements.push_back({std::string(tok[1]), static_cast<std::uint64_t>(*n), {}});
        } else if (tok[0] == "property") {
            if (h.elements.empty()) fail("property", "property before any element");
            PlyProperty p;
            if (tok.size() == 5 && tok[1] == "list") {
                const auto ct = plyScalarType(tok[2]);
                const auto it = plyScalarType(tok[3]);
                if (!ct || !it || *ct == ScalarType::F32 || *ct == ScalarType::F64) fail("property", "bad list types");
                p = {std::string(tok[4]), *it, true, *ct};
            } else if (tok.size() == 3) {
                const auto t = plyScalarType(tok[1]);
                if (!t) fail("property", "unknown type '" + std::string(tok[1]) + "'");
                p = {std::string(tok[2]), *t, false, ScalarType::U8};
            } else {
                fail("property", "expected 'property <type> <name>'");
            }
            h.elements.back().props.push_back(p);
        } else if (tok[0] == "end_header") {
            ended = true;
            h.dataStart = lines.pos();
            break;
        } else {
            fail(std::string(tok[0]), "unknown header keyword");
        }
    }
    if (!haveFormat) throw FormatError(name, "format", 0, "header has no format line");
    if (!ended) throw FormatError(name, "end_header", bytes.size(), "header has no end_header line");
    return h;
}

/// Reads the elements in order; skips everything that is not the vertex element.
class PlyBody {
public:
    PlyBody(const PlyHeader& h, std::span<const std::byte> bytes, const std::string& name)
        : m_h(h), m_cur(bytes, name), m_lines(bytes, h.dataStart), m_big(h.encoding == PlyEncoding::Big)
    {
        m_cur.seek(h.dataStart, "data");
    }

    void read(const PlyElement& e, ChannelMap* map)
    {
        // Every row takes at least one byte (binary) or two (ascii): refuse counts the rest of
        // the file cannot hold before allocating.
        const std::size_t left = m_cur.bytes().size() - (ascii() ? m_lines.pos() : m_cur.pos());
        if (e.count > left)
            m_cur.fail("element " + e.name, ascii() ? m_lines.pos() : m_cur.pos(),
                       std::to_string(e.count) + " rows cannot fit in the " + std::to_string(left) + " bytes left");
        if (map) map->allocate(static_cast<std::size_t>(e.count));
        for (std::uint64_t i = 0; i < e.count; ++i) {
            if (ascii()) readAsciiRow(e, i, map);
            else readBinaryRow(e, i, map);
        }
    }

private:
    bool ascii() const noexcept { return m_h.encoding == PlyEncoding::Ascii; }

    void readBinaryRow(const PlyElement& e, std::uint64_t i, ChannelMap* map)
    {
        std::size_t c = 0;
        for (const auto& p : e.props) {
            if (p.isList) {
                const double n = decodeScalar(p.countType, m_cur.take(scalarSize(p.countType), "list count").data(), m_big);
                if (n < 0) m_cur.fail("property " + p.name, m_cur.pos(), "negative list length");
                m_cur.take(checkedMul(static_cast<std::uint64_t>(n), scalarSize(p.type), m_cur.name(), p.name, m_cur.pos()),
                           "list items");
                continue;  // list properties are not point fields
            }
            const double v = decodeScalar(p.type, m_cur.take(scalarSize(p.type), "vertex property").data(), m_big);
            if (map)
                if (float* d = map->dest(c)) d[i] = static_cast<float>(v);
            ++c;
        }
    }

    void readAsciiRow(const PlyElement& e, std::uint64_t i, ChannelMap* map)
    {
        std::optional<std::string_view> line;
        do {
            line = m_lines.next();
            if (!line)
                m_cur.fail("element " + e.name, m_cur.bytes().size(),
                           "file ends after " + std::to_string(i) + " of " + std::to_string(e.count) + " rows");
        } while (splitTokens(*line).empty());
        const auto tok = splitTokens(*line);
        const std::string field = e.name + " row " + std::to_string(i);
        std::size_t t = 0, c = 0;
        auto next = [&]() {
            if (t >= tok.size()) m_cur.fail(field, m_lines.lineStart(), "too few values");
            const auto v = parseDouble(tok[t]);
            if (!v) m_cur.fail(field, m_lines.lineStart(), "'" + std::string(tok[t]) + "' is not a number");
            ++t;
            return *v;
        };
        for (const auto& p : e.props) {
            if (p.isList) {
                const double n = next();
                if (n < 0 || n > static_cast<double>(tok.size())) m_cur.fail(field, m_lines.lineStart(), "bad list length");
                for (std::size_t k = 0; k < static_cast<std::size_t>(n); ++k) next();
                continue;
            }
            const double v = next();
            if (map)
                if (float* d = map->dest(c)) d[i] = static_cast<float>(v);
            ++c;
        }
        if (t != tok.size()) m_cur.fail(field, m_lines.lineStart(), "too many values");
    }

    const PlyHeader& m_h;
    ByteCursor m_cur;
    LineReader m_lines;
    bool m_big;
};

}  // namespace

PointCloud parsePly(std::span<const std::byte> bytes, const std::string& name)
{
    const PlyHeader h = parseHeader(bytes, name);
    const PlyElement* vertex = nullptr;
    for (const auto& e : h.elements)
        if (e.name == "vertex") vertex = &e;
    if (!vertex) throw FormatError(name, "element vertex", 0, "no vertex element");
    PointCloud cloud;
    cloud.format = "ply";
    std::vector<std::string> names;
    for (const auto& p : vertex->props)
        if (!p.isList) names.push_back(p.name);
    ChannelMap map(names, cloud, name, "element vertex", 0);
    PlyBody body(h, bytes, name);
    for (const auto& e : h.elements) {
        body.read(e, &e == vertex ? &map : nullptr);
        if (&e == vertex) break;
    }
    return cloud;
}

}  // namespace qs::lidar
