#pragma once
// Point clouds as read from LiDAR files: KITTI .bin, nuScenes .pcd.bin, PCD v0.7, PLY and LAS.
//
// Layout: structure of arrays (one std::vector<float> per field). Renderers and box tests walk
// one coordinate at a time, and extra fields (ring, classification, RGB...) can be added
// without changing a record type. Coordinates are float32 relative to `origin` (double), so
// LAS files in UTM coordinates keep centimetre precision: world = origin + (x, y, z).

#include <array>
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace qs {

struct PointField {
    std::string name;            ///< as in the file ("ring", "classification", "rgb_r", ...)
    std::vector<float> values;   ///< one value per point
};

struct PointCloud {
    std::vector<float> x, y, z;
    /// Reflectance / intensity as stored (KITTI 0..1, nuScenes 0..255, LAS 0..65535); 0 when the
    /// file has none (hasIntensity false).
    std::vector<float> intensity;
    bool hasIntensity = false;
    std::vector<PointField> extra;
    std::array<double, 3> origin{0.0, 0.0, 0.0};
    std::string format;          ///< reader id: "kitti-bin", "nuscenes-bin", "pcd", "ply", "las"

    std::size_t size() const noexcept { return x.size(); }
    bool empty() const noexcept { return x.empty(); }
    /// Resizes every field (x, y, z, intensity and extras) to n points.
    void resize(std::size_t n);
    /// The extra field called `name`, or nullptr.
    const PointField* field(std::string_view name) const noexcept;
};

enum class PointCloudFormat { Auto, KittiBin, NuscenesBin, Pcd, Ply, Las };

/// Reads a point cloud, choosing the reader by content (LAS "LASF", "ply", a PCD header) and
/// then by name (*.pcd.bin -> nuScenes 5 floats, *.bin -> KITTI 4 floats).
/// Throws IoError (cannot open), FormatError (bad bytes: names file, field, byte offset),
/// UnsupportedError (valid but unsupported, e.g. LAZ or LAS point format 4).
PointCloud readPointCloud(const std::filesystem::path& path, PointCloudFormat format = PointCloudFormat::Auto);

/// Parses bytes already in memory; `name` is used in errors and, for Auto, to tell a KITTI
/// .bin from a nuScenes .pcd.bin. Same exceptions as readPointCloud.
PointCloud parsePointCloud(std::span<const std::byte> bytes, const std::string& name,
                           PointCloudFormat format = PointCloudFormat::Auto);

/// Format detection only (no parsing); Auto when nothing matches.
PointCloudFormat sniffPointCloudFormat(std::span<const std::byte> head, const std::string& name);

/// File-dialog patterns for every format above, e.g. "*.bin *.pcd *.ply *.las".
std::vector<std::string> pointCloudFilePatterns();

}  // namespace qs
