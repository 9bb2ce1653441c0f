// PointCloud helpers, the format sniffer and the headerless KITTI / nuScenes readers.
#include "quantscope/lidar/point_cloud.h"

#include "lidar/byte_reader.h"
#include "lidar/readers.h"
#include "lidar/text_lines.h"
#include "quantscope/error.h"
#include "util/mapped_file.h"

#include <algorithm>
#include <cstring>

namespace qs {

void PointCloud::resize(std::size_t n)
{
    x.resize(n);
    y.resize(n);
    z.resize(n);
    intensity.resize(n);
    for (auto& f : extra) f.values.resize(n);
}

const PointField* PointCloud::field(std::string_view name) const noexcept
{
    for (const auto& f : extra)
        if (f.name == name) return &f;
    return nullptr;
}

namespace {

bool endsWith(const std::string& s, std::string_view suffix)
{
    return s.size() >= suffix.size() && lidar::toLower(s.substr(s.size() - suffix.size())) == suffix;
}

bool startsWith(std::span<const std::byte> head, std::string_view magic)
{
    return head.size() >= magic.size() && std::memcmp(head.data(), magic.data(), magic.size()) == 0;
}

}  // namespace

PointCloudFormat sniffPointCloudFormat(std::span<const std::byte> head, const std::string& name)
{
    if (startsWith(head, "LASF")) return PointCloudFormat::Las;
    if (startsWith(head, "ply\n") || startsWith(head, "ply\r\n")) return PointCloudFormat::Ply;
    // PCD: optional comment lines, then VERSION (or FIELDS in old files).
    const std::string_view text(reinterpret_cast<const char*>(head.data()), std::min<std::size_t>(head.size(), 512));
    if (text.starts_with("VERSION") || text.starts_with("FIELDS") ||
        (text.starts_with("#") && (text.find("\nVERSION") != std::string_view::npos ||
                                   text.find("\nFIELDS") != std::string_view::npos)))
        return PointCloudFormat::Pcd;
    if (endsWith(name, ".pcd.bin")) return PointCloudFormat::NuscenesBin;
    if (endsWith(name, ".bin")) return PointCloudFormat::KittiBin;
    if (endsWith(name, ".pcd")) return PointCloudFormat::Pcd;
    if (endsWith(name, ".ply")) return PointCloudFormat::Ply;
    if (endsWith(name, ".las")) return PointCloudFormat::Las;
    return PointCloudFormat::Auto;
}

PointCloud parsePointCloud(std::span<const std::byte> bytes, const std::string& name, PointCloudFormat format)
{
    if (format == PointCloudFormat::Auto) format = sniffPointCloudFormat(bytes, name);
    switch (format) {
        case PointCloudFormat::KittiBin: return lidar::parseRawFloats(bytes, name, 4);
        case PointCloudFormat::NuscenesBin: return lidar::parseRawFloats(bytes, name, 5);
        case PointCloudFormat::Pcd: return lidar::parsePcd(bytes, name);
        case PointCloudFormat::Ply: return lidar::parsePly(bytes, name);
        case PointCloudFormat::Las: return lidar::parseLas(bytes, name);
        case PointCloudFormat::Auto: break;
    }
    if (startsWith(bytes, "LAZ") || endsWith(name, ".laz"))
        throw UnsupportedError(name + ": LAZ (compressed LAS) is not supported; decompress it with laszip first");
    throw UnsupportedError(name + ": not a recognised point cloud (expected KITTI .bin, nuScenes .pcd.bin, PCD, PLY or LAS)");
}

PointCloud readPointCloud(const std::filesystem::path& path, PointCloudFormat format)
{
    const MappedFile file(path);
    return parsePointCloud(file.bytes(), path.string(), format);
}

std::vector<std::string> pointCloudFilePatterns()
{
    return {"*.bin", "*.pcd", "*.ply", "*.las"};
}

namespace lidar {

bool isIntensityName(const std::string& n) noexcept
{
    return n == "intensity" || n == "i" || n == "reflectance" || n == "remission" || n == "scalar_intensity";
}

ChannelMap::ChannelMap(const std::vector<std::string>& names, PointCloud& cloud, const std::string& file,
                       const std::string& field, std::size_t offset)
    : m_cloud(cloud)
{
    bool have[4] = {false, false, false, false};
    for (const auto& raw : names) {
        const std::string n = toLower(raw);
        int t = -1;
        if (n == "x" || n == "y" || n == "z") t = n[0] - 'x';
        else if (isIntensityName(n)) t = 3;
        if (t >= 0 && !have[t]) {
            have[t] = true;
        } else if (n != "_" && !n.empty() && cloud.extra.size() < 32) {
            t = 4 + static_cast<int>(cloud.extra.size());
            cloud.extra.push_back({raw, {}});
        } else {
            t = -1;
        }
        m_target.push_back(t);
    }
    for (int i = 0; i < 3; ++i)
        if (!have[i]) throw FormatError(file, field, offset, std::string("no '") + char('x' + i) + "' field");
    cloud.hasIntensity = have[3];
}

void ChannelMap::allocate(std::size_t n)
{
    m_cloud.resize(n);
    m_dest.clear();
    for (int t : m_target) {
        float* d = nullptr;
        if (t == 0) d = m_cloud.x.data();
        else if (t == 1) d = m_cloud.y.data();
        else if (t == 2) d = m_cloud.z.data();
        else if (t == 3) d = m_cloud.intensity.data();
        else if (t >= 4) d = m_cloud.extra[static_cast<std::size_t>(t - 4)].values.data();
        m_dest.push_back(d);
    }
}

PointCloud parseRawFloats(std::span<const std::byte> bytes, const std::string& name, int stride)
{
    const std::size_t record = static_cast<std::size_t>(stride) * 4;
    if (bytes.size() % record != 0)
        throw FormatError(name, stride == 4 ? "KITTI point record" : "nuScenes point record",
                          bytes.size() / record * record,
                          "file size " + std::to_string(bytes.size()) + " is not a multiple of " +
                              std::to_string(record) + " bytes (" + std::to_string(stride) + " float32 per point)");
    const std::size_t n = bytes.size() / record;
    PointCloud cloud;
    cloud.format = stride == 4 ? "kitti-bin" : "nuscenes-bin";
    cloud.hasIntensity = true;
    if (stride == 5) cloud.extra.push_back({"ring", {}});
    cloud.resize(n);
    const std::byte* p = bytes.data();
    for (std::size_t i = 0; i < n; ++i, p += record) {
        cloud.x[i] = loadScalar<float>(p, false);
        cloud.y[i] = loadScalar<float>(p + 4, false);
        cloud.z[i] = loadScalar<float>(p + 8, false);
        cloud.intensity[i] = loadScalar<float>(p + 12, false);
        if (stride == 5) cloud.extra[0].values[i] = loadScalar<float>(p + 16, false);
    }
    return cloud;
}

}  // namespace lidar
}  // namespace qs
