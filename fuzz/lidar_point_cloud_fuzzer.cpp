// Fuzzes parsePointCloud. The first byte picks the reader (so each format gets the whole
// budget, not only what the sniffer routes to it); the rest is the file.
#include "quantscope/error.h"
#include "quantscope/lidar/point_cloud.h"

#include <cstddef>
#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1) return 0;
    static const qs::PointCloudFormat formats[] = {qs::PointCloudFormat::Auto, qs::PointCloudFormat::KittiBin,
                                                   qs::PointCloudFormat::NuscenesBin, qs::PointCloudFormat::Pcd,
                                                   qs::PointCloudFormat::Ply, qs::PointCloudFormat::Las};
    const auto format = formats[data[0] % 6];
    const auto bytes = std::as_bytes(std::span(data + 1, size - 1));
    try {
        const qs::PointCloud c = qs::parsePointCloud(bytes, "fuzz.bin", format);
        // Every field has one value per point.
        if (c.y.size() != c.size() || c.z.size() != c.size() || c.intensity.size() != c.size()) __builtin_trap();
        for (const auto& f : c.extra)
            if (f.values.size() != c.size()) __builtin_trap();
    } catch (const qs::Error&) {
    }
    return 0;
}
