#include "scene_geometry.h"

#include "quantscope/viewers/point_cloud_view.h"

#include <algorithm>
#include <cmath>

namespace qs::viewers {

const std::array<std::pair<int, int>, 12>& boxEdges()
{
    static const std::array<std::pair<int, int>, 12> edges{{{0, 1}, {1, 2}, {2, 3}, {3, 0},
                                                            {4, 5}, {5, 6}, {6, 7}, {7, 4},
                                                            {0, 4}, {1, 5}, {2, 6}, {3, 7}}};
    return edges;
}

std::array<std::array<float, 3>, 2> headingSegment(const qs::Box3D& box)
{
    const float c = std::cos(box.heading), s = std::sin(box.heading);
    const float bottom = box.z - 0.5f * box.dz;
    return {{{box.x, box.y, bottom}, {box.x + c * 0.5f * box.dx, box.y + s * 0.5f * box.dx, bottom}}};
}

std::optional<double> rayHitsBox(const Vec3& origin, const Vec3& dir, const qs::Box3D& box)
{
    // Into the box frame (rotate by -heading), then the slab test.
    const double c = std::cos(static_cast<double>(box.heading)), s = std::sin(static_cast<double>(box.heading));
    const double ox = origin[0] - box.x, oy = origin[1] - box.y, oz = origin[2] - box.z;
    const double o[3] = {c * ox + s * oy, -s * ox + c * oy, oz};
    const double d[3] = {c * dir[0] + s * dir[1], -s * dir[0] + c * dir[1], dir[2]};
    const double half[3] = {0.5 * box.dx, 0.5 * box.dy, 0.5 * box.dz};
    double tMin = 0, tMax = 1e300;
    for (int k = 0; k < 3; ++k) {
        if (std::abs(d[k]) < 1e-15) {
            if (std::abs(o[k]) > half[k]) return std::nullopt;
            continue;
        }
        double t0 = (-half[k] - o[k]) / d[k], t1 = (half[k] - o[k]) / d[k];
        if (t0 > t1) std::swap(t0, t1);
        tMin = std::max(tMin, t0);
        tMax = std::min(tMax, t1);
        if (tMin > tMax) return std::nullopt;
    }
    return tMin;
}

std::vector<float> colorValues(const qs::PointCloud& cloud, ColorMode mode)
{
    std::vector<float> v(cloud.size(), 0.0f);
    for (std::size_t i = 0; i < cloud.size(); ++i) {
        switch (mode) {
            case ColorMode::Intensity: v[i] = cloud.hasIntensity ? cloud.intensity[i] : 0.0f; break;
            case ColorMode::Height: v[i] = cloud.z[i]; break;
            case ColorMode::Distance: v[i] = std::hypot(cloud.x[i], cloud.y[i]); break;
            case ColorMode::Solid: break;
        }
    }
    return v;
}

std::pair<float, float> robustRange(const std::vector<float>& values)
{
    std::vector<float> finite;
    finite.reserve(values.size());
    for (float f : values)
        if (std::isfinite(f)) finite.push_back(f);
    if (finite.empty()) return {0.0f, 1.0f};
    const auto lo = finite.begin() + static_cast<long>(finite.size() / 100);
    const auto hi = finite.begin() + static_cast<long>(finite.size() - 1 - finite.size() / 100);
    std::nth_element(finite.begin(), lo, finite.end());
    const float a = *lo;
    std::nth_element(finite.begin(), hi, finite.end());
    const float b = *hi;
    return b > a ? std::pair{a, b} : std::pair{a, a + 1.0f};
}

}  // namespace qs::viewers
