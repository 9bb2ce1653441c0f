#pragma once
// Small in-memory writers for the point-cloud formats, so reader tests can build valid files
// and then break them one field at a time.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

namespace qs::test {

using Bytes = std::vector<std::byte>;

inline void append(Bytes& b, const std::string& s)
{
    for (char c : s) b.push_back(static_cast<std::byte>(c));
}
template <typename T>
void appendLE(Bytes& b, T v)
{
    std::byte raw[sizeof(T)];
    std::memcpy(raw, &v, sizeof(T));
    b.insert(b.end(), raw, raw + sizeof(T));
}
template <typename T>
void appendBE(Bytes& b, T v)
{
    std::byte raw[sizeof(T)];
    std::memcpy(raw, &v, sizeof(T));
    for (std::size_t i = sizeof(T); i-- > 0;) b.push_back(raw[i]);
}
template <typename T>
void putLE(Bytes& b, std::size_t at, T v)
{
    std::memcpy(b.data() + at, &v, sizeof(T));
}

/// Three points (1,2,3,i=10) (4,5,6,i=20) (7,8,9,i=30).
inline float coord(int point, int axis) { return static_cast<float>(point * 3 + axis + 1); }
inline float inten(int point) { return static_cast<float>(10 * (point + 1)); }

inline Bytes pcdHeader(const std::string& data, int points = 3)
{
    Bytes b;
    append(b, "# .PCD v0.7 - Point Cloud Data file format\nVERSION 0.7\nFIELDS x y z intensity\nSIZE 4 4 4 4\n"
              "TYPE F F F F\nCOUNT 1 1 1 1\nWIDTH " + std::to_string(points) + "\nHEIGHT 1\nVIEWPOINT 0 0 0 1 0 0 0\nPOINTS " +
              std::to_string(points) + "\nDATA " + data + "\n");
    return b;
}

inline Bytes pcdAscii()
{
    Bytes b = pcdHeader("ascii");
    append(b, "1 2 3 10\n4 5 6 20\n7 8 9.0 3e1\n");
    return b;
}

inline Bytes pcdBinary()
{
    Bytes b = pcdHeader("binary");
    for (int p = 0; p < 3; ++p) {
        for (int a = 0; a < 3; ++a) appendLE<float>(b, coord(p, a));
        appendLE<float>(b, inten(p));
    }
    return b;
}

/// binary_compressed: SoA payload, LZF-coded as literal runs plus one back reference (the
/// second half of the payload repeats nothing, so we code a repeated pattern explicitly).
inline Bytes pcdCompressed()
{
    Bytes soa;
    for (int a = 0; a < 3; ++a)
        for (int p = 0; p < 3; ++p) appendLE<float>(soa, coord(p, a));
    for (int p = 0; p < 3; ++p) appendLE<float>(soa, inten(p));
    Bytes lzf;
    // Literal runs of up to 32 bytes.
    for (std::size_t i = 0; i < soa.size(); i += 32) {
        const std::size_t n = std::min<std::size_t>(32, soa.size() - i);
        lzf.push_back(static_cast<std::byte>(n - 1));
        lzf.insert(lzf.end(), soa.begin() + static_cast<long>(i), soa.begin() + static_cast<long>(i + n));
    }
    Bytes b = pcdHeader("binary_compressed");
    appendLE<std::uint32_t>(b, static_cast<std::uint32_t>(lzf.size()));
    appendLE<std::uint32_t>(b, static_cast<std::uint32_t>(soa.size()));
    b.insert(b.end(), lzf.begin(), lzf.end());
    return b;
}

inline Bytes plyFile(const std::string& format)
{
    Bytes b;
    append(b, "ply\nformat " + format + " 1.0\ncomment made by tests\nelement vertex 3\nproperty float x\nproperty float y\n"
              "property double z\nproperty uchar intensity\nproperty list uchar int idx\nelement face 0\n"
              "property list uchar int vertex_indices\nend_header\n");
    for (int p = 0; p < 3; ++p) {
        if (format == "ascii") {
            append(b, std::to_string(coord(p, 0)) + " " + std::to_string(coord(p, 1)) + " " + std::to_string(coord(p, 2)) +
                          " " + std::to_string(static_cast<int>(inten(p))) + " 2 7 8\n");
            continue;
        }
        const bool be = format == "binary_big_endian";
        auto f = [&](auto v) { be ? appendBE(b, v) : appendLE(b, v); };
        f(coord(p, 0));
        f(coord(p, 1));
        f(static_cast<double>(coord(p, 2)));
        f(static_cast<std::uint8_t>(inten(p)));
        f(static_cast<std::uint8_t>(2));
        f(std::int32_t{7});
        f(std::int32_t{8});
    }
    return b;
}

/// LAS 1.2 (1.4 for format 6) with three points, scale 0.01, offset (100, 200, 0).
inline Bytes lasFile(int pointFormat)
{
    const bool v14 = pointFormat >= 6;
    const std::uint16_t headerSize = v14 ? 375 : 227;
    const std::uint16_t recordLen = pointFormat == 0 ? 20 : pointFormat == 1 ? 28 : pointFormat == 2 ? 26
                                  : pointFormat == 3 ? 34 : 30;
    Bytes b(headerSize, std::byte{0});
    std::memcpy(b.data(), "LASF", 4);
    b[24] = std::byte{1};
    b[25] = std::byte{static_cast<unsigned char>(v14 ? 4 : 2)};
    putLE<std::uint16_t>(b, 94, headerSize);
    putLE<std::uint32_t>(b, 96, headerSize);
    b[104] = std::byte{static_cast<unsigned char>(pointFormat)};
    putLE<std::uint16_t>(b, 105, recordLen);
    putLE<std::uint32_t>(b, 107, v14 ? 0u : 3u);
    for (int k = 0; k < 3; ++k) putLE<double>(b, 131 + 8 * static_cast<std::size_t>(k), 0.01);
    putLE<double>(b, 155, 100.0);
    putLE<double>(b, 163, 200.0);
    putLE<double>(b, 171, 0.0);
    // max/min: min = offset so origin = (100, 200, 0)
    putLE<double>(b, 187, 100.0);
    putLE<double>(b, 203, 200.0);
    putLE<double>(b, 219, 0.0);
    if (v14) putLE<std::uint64_t>(b, 247, 3);
    for (int p = 0; p < 3; ++p) {
        Bytes r(recordLen, std::byte{0});
        const double offset[3] = {100.0, 200.0, 0.0};  // raw = (world - offset) / scale
        for (int a = 0; a < 3; ++a)
            putLE<std::int32_t>(r, 4 * static_cast<std::size_t>(a),
                                static_cast<std::int32_t>(std::lround((coord(p, a) - offset[a]) * 100)));
        putLE<std::uint16_t>(r, 12, static_cast<std::uint16_t>(inten(p)));
        r[14] = std::byte{0x11};  // return 1 of 1 (v14: 4+4 bits; legacy 3+3)
        r[pointFormat >= 6 ? 16 : 15] = std::byte{2};  // ground
        b.insert(b.end(), r.begin(), r.end());
    }
    return b;
}

inline Bytes kittiBin()
{
    Bytes b;
    for (int p = 0; p < 3; ++p) {
        for (int a = 0; a < 3; ++a) appendLE<float>(b, coord(p, a));
        appendLE<float>(b, inten(p));
    }
    return b;
}

}  // namespace qs::test
