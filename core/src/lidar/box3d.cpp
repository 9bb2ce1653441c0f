#include "quantscope/lidar/box3d.h"

#include "quantscope/lidar/point_cloud.h"

#include <cmath>
#include <numbers>

namespace qs {

std::array<std::array<float, 3>, 8> Box3D::corners() const noexcept
{
    static constexpr float sx[4] = {0.5f, 0.5f, -0.5f, -0.5f};
    static constexpr float sy[4] = {0.5f, -0.5f, -0.5f, 0.5f};
    const float c = std::cos(heading), s = std::sin(heading);
    std::array<std::array<float, 3>, 8> out{};
    for (int k = 0; k < 8; ++k) {
        const float lx = sx[k % 4] * dx, ly = sy[k % 4] * dy, lz = (k < 4 ? -0.5f : 0.5f) * dz;
        out[static_cast<std::size_t>(k)] = {x + c * lx - s * ly, y + s * lx + c * ly, z + lz};
    }
    return out;
}

bool pointInBox(const Box3D& box, float px, float py, float pz) noexcept
{
    const float tx = px - box.x, ty = py - box.y, tz = pz - box.z;
    if (std::abs(tz) > 0.5f * box.dz) return false;
    const float c = std::cos(box.heading), s = std::sin(box.heading);
    const float lx = c * tx + s * ty;   // rotate by -heading
    const float ly = -s * tx + c * ty;
    return std::abs(lx) <= 0.5f * box.dx && std::abs(ly) <= 0.5f * box.dy;
}

std::size_t countPointsInBox(const PointCloud& cloud, const Box3D& box)
{
    std::size_t n = 0;
    const auto& o = cloud.origin;
    for (std::size_t i = 0; i < cloud.size(); ++i)
        n += pointInBox(box, static_cast<float>(cloud.x[i] + o[0]), static_cast<float>(cloud.y[i] + o[1]),
                        static_cast<float>(cloud.z[i] + o[2]));
    return n;
}

float wrapAngle(float a) noexcept
{
    constexpr float twoPi = 2.0f * std::numbers::pi_v<float>;
    a = std::fmod(a + std::numbers::pi_v<float>, twoPi);
    if (a < 0) a += twoPi;
    return a - std::numbers::pi_v<float>;
}

}  // namespace qs
