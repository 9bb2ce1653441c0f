#pragma once
// VTK-free geometry for the viewers: box wireframe segments, ray picking, colour values.

#include "quantscope/lidar/box3d.h"
#include "quantscope/lidar/point_cloud.h"

#include <array>
#include <optional>
#include <utility>
#include <vector>

namespace qs::viewers {

enum class ColorMode;

using Vec3 = std::array<double, 3>;

/// Corner index pairs of a box's 12 edges (Box3D::corners numbering).
const std::array<std::pair<int, int>, 12>& boxEdges();
/// The heading marker: from the centre of the bottom face to the centre of the front face's
/// bottom edge, and across the front face (OpenPCDet draws the front face's diagonals).
std::array<std::array<float, 3>, 2> headingSegment(const qs::Box3D& box);

/// Distance along the ray (origin + t * dir, dir need not be unit) to the box, if hit (t >= 0).
std::optional<double> rayHitsBox(const Vec3& origin, const Vec3& dir, const qs::Box3D& box);

/// The per-point scalar a colour mode shows: intensity, z (height) or range in the x-y plane.
std::vector<float> colorValues(const qs::PointCloud& cloud, ColorMode mode);
/// The 1st and 99th percentile of the finite values (a range robust to outliers).
std::pair<float, float> robustRange(const std::vector<float>& values);

}  // namespace qs::viewers
