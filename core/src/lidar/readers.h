#pragma once
// The point-cloud parsers behind readPointCloud/parsePointCloud, one per format, all working on
// bytes in memory (files are memory-mapped; fuzzers and tests pass buffers).

#include "quantscope/lidar/point_cloud.h"

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace qs::lidar {

/// Headerless float32 records: KITTI (stride 4: x y z reflectance) or nuScenes (stride 5: x y
/// z intensity ring). The size must be a multiple of stride * 4 bytes.
PointCloud parseRawFloats(std::span<const std::byte> bytes, const std::string& name, int stride);
PointCloud parsePcd(std::span<const std::byte> bytes, const std::string& name);
PointCloud parsePly(std::span<const std::byte> bytes, const std::string& name);
PointCloud parseLas(std::span<const std::byte> bytes, const std::string& name);

/// Routes a file's channels (PCD fields x COUNT, PLY properties, ...) to a cloud's x, y, z,
/// intensity and extra fields. Channels called "_" (PCL padding) and channels past the 32nd
/// extra are skipped.
class ChannelMap {
public:
    /// Throws FormatError(file, field, offset) when x, y or z is missing.
    ChannelMap(const std::vector<std::string>& names, PointCloud& cloud, const std::string& file,
               const std::string& field, std::size_t offset);
    /// Resizes the cloud to n points and resolves destinations.
    void allocate(std::size_t n);
    /// Where channel c of point i goes (nullptr: skipped).
    float* dest(std::size_t c) const noexcept { return m_dest[c]; }
    std::size_t channels() const noexcept { return m_target.size(); }

private:
    PointCloud& m_cloud;
    std::vector<int> m_target;   // 0 x, 1 y, 2 z, 3 intensity, 4 + k extra k, -1 skipped
    std::vector<float*> m_dest;
};

/// Field names read as intensity ("intensity", "i", "reflectance", "remission", "scalar_intensity").
bool isIntensityName(const std::string& lowerName) noexcept;

}  // namespace qs::lidar
