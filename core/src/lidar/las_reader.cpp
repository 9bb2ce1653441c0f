// ASPRS LAS 1.0-1.4, point data record formats 0, 1, 2, 3 and 6 (shared/FORMATS.md §4.2).
// Coordinates are X*scale + offset; the cloud's origin is the header's minimum corner so the
// float32 coordinates stay small and precise.
#include "lidar/byte_reader.h"
#include "lidar/readers.h"

#include <cmath>
#include <cstring>
#include <optional>

namespace qs::lidar {

namespace {

struct LasLayout {
    std::size_t minLength;
    std::size_t classificationAt;
    std::size_t gpsTimeAt;  // 0 = none
    std::size_t rgbAt;      // 0 = none
};

std::optional<LasLayout> layoutOf(unsigned format)
{
    switch (format) {
        case 0: return LasLayout{20, 15, 0, 0};
        case 1: return LasLayout{28, 15, 20, 0};
        case 2: return LasLayout{26, 15, 0, 20};
        case 3: return LasLayout{34, 15, 20, 28};
        case 6: return LasLayout{30, 16, 22, 0};
        default: return std::nullopt;
    }
}

}  // namespace

PointCloud parseLas(std::span<const std::byte> bytes, const std::string& name)
{
    ByteCursor cur(bytes, name);
    if (bytes.size() < 227) cur.fail("header", 0, "file is shorter than a LAS 1.0 header (227 bytes)");
    if (std::memcmp(bytes.data(), "LASF", 4) != 0) cur.fail("signature", 0, "not 'LASF'");
    const unsigned major = cur.at<std::uint8_t>(24, "version_major");
    const unsigned minor = cur.at<std::uint8_t>(25, "version_minor");
    if (major != 1 || minor > 4)
        throw UnsupportedError(name + ": LAS version " + std::to_string(major) + "." + std::to_string(minor) + " is not supported (1.0-1.4)");
    const unsigned headerSize = cur.at<std::uint16_t>(94, "header_size");
    const std::size_t minHeader = minor <= 2 ? 227 : (minor == 3 ? 235 : 375);
    if (headerSize < minHeader || headerSize > bytes.size())
        cur.fail("header_size", 94, std::to_string(headerSize) + " is not a valid LAS 1." + std::to_string(minor) + " header size");
    const std::uint32_t dataOffset = cur.at<std::uint32_t>(96, "offset_to_point_data");
    if (dataOffset < headerSize || dataOffset > bytes.size())
        cur.fail("offset_to_point_data", 96, std::to_string(dataOffset) + " lies outside [header_size, file size]");
    const unsigned rawFormat = cur.at<std::uint8_t>(104, "point_data_format");
    if (rawFormat & 0xC0u) throw UnsupportedError(name + ": LAZ-compressed points (format bit 7/6 set) are not supported");
    const auto layout = layoutOf(rawFormat);
    if (!layout)
        throw UnsupportedError(name + ": LAS point data format " + std::to_string(rawFormat) + " is not supported (0-3, 6)");
    const unsigned recordLength = cur.at<std::uint16_t>(105, "point_record_length");
    if (recordLength < layout->minLength)
        cur.fail("point_record_length", 105, std::to_string(recordLength) + " is shorter than format " +
                                                 std::to_string(rawFormat) + " needs (" + std::to_string(layout->minLength) + ")");
    std::uint64_t count = cur.at<std::uint32_t>(107, "legacy_point_count");
    std::size_t countAt = 107;
    if (minor >= 4) {
        const std::uint64_t count64 = cur.at<std::uint64_t>(247, "point_count");
        if (count == 0 || count64 != 0) {
            count = count64;
            countAt = 247;
        }
    }
    const std::uint64_t need = checkedMul(count, recordLength, name, "point_count", countAt);
    if (need > bytes.size() - dataOffset)
        cur.fail("point_count", countAt, std::to_string(count) + " points x " + std::to_string(recordLength) + " bytes need " +
                                             std::to_string(need) + " bytes, " + std::to_string(bytes.size() - dataOffset) +
                                             " follow offset_to_point_data");
    double scale[3], offset[3];
    for (int k = 0; k < 3; ++k) {
        scale[k] = cur.at<double>(131 + 8 * k, "scale");
        offset[k] = cur.at<double>(155 + 8 * k, "offset");
        if (!std::isfinite(scale[k]) || scale[k] == 0.0 || !std::isfinite(offset[k]))
            cur.fail("scale/offset", 131 + 8 * k, "scale must be finite and non-zero, offset finite");
    }
    // Header order: max X, min X, max Y, min Y, max Z, min Z.
    PointCloud cloud;
    cloud.format = "las";
    cloud.hasIntensity = true;
    for (int k = 0; k < 3; ++k) {
        const double mn = cur.at<double>(187 + 16 * k, "min");
        cloud.origin[k] = std::isfinite(mn) ? mn : 0.0;
    }
    cloud.extra.push_back({"classification", {}});
    cloud.extra.push_back({"return_number", {}});
    if (layout->gpsTimeAt) cloud.extra.push_back({"gps_time", {}});
    if (layout->rgbAt) {
        cloud.extra.push_back({"red", {}});
        cloud.extra.push_back({"green", {}});
        cloud.extra.push_back({"blue", {}});
    }
    cloud.resize(static_cast<std::size_t>(count));
    const bool extended = rawFormat >= 6;
    const std::byte* p = bytes.data() + dataOffset;
    for (std::size_t i = 0; i < count; ++i, p += recordLength) {
        const std::int32_t X = loadScalar<std::int32_t>(p, false);
        const std::int32_t Y = loadScalar<std::int32_t>(p + 4, false);
        const std::int32_t Z = loadScalar<std::int32_t>(p + 8, false);
        cloud.x[i] = static_cast<float>(X * scale[0] + offset[0] - cloud.origin[0]);
        cloud.y[i] = static_cast<float>(Y * scale[1] + offset[1] - cloud.origin[1]);
        cloud.z[i] = static_cast<float>(Z * scale[2] + offset[2] - cloud.origin[2]);
        cloud.intensity[i] = loadScalar<std::uint16_t>(p + 12, false);
        const unsigned returns = std::to_integer<unsigned>(p[14]);
        const unsigned cls = std::to_integer<unsigned>(p[layout->classificationAt]);
        cloud.extra[0].values[i] = static_cast<float>(extended ? cls : (cls & 0x1fu));
        cloud.extra[1].values[i] = static_cast<float>(extended ? (returns & 0x0fu) : (returns & 0x07u));
        std::size_t e = 2;
        if (layout->gpsTimeAt) cloud.extra[e++].values[i] = static_cast<float>(loadScalar<double>(p + layout->gpsTimeAt, false));
        if (layout->rgbAt)
            for (int k = 0; k < 3; ++k)
                cloud.extra[e++].values[i] = loadScalar<std::uint16_t>(p + layout->rgbAt + 2 * k, false);
    }
    return cloud;
}

}  // namespace qs::lidar
