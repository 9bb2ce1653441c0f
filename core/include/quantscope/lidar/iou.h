#pragma once
// Exact IoU of rotated 3D boxes: the BEV intersection is the convex polygon clipped from the
// two rotated rectangles (Sutherland-Hodgman), areas by the shoelace formula, in double.

#include "quantscope/lidar/box3d.h"

namespace qs {

/// Intersection area of the two boxes' footprints in the x-y plane (m^2).
double bevIntersectionArea(const Box3D& a, const Box3D& b) noexcept;
/// Bird's-eye IoU: footprint intersection / footprint union, in [0, 1].
double bevIou(const Box3D& a, const Box3D& b) noexcept;
/// 3D IoU: footprint intersection x z-overlap / union volume, in [0, 1].
double iou3d(const Box3D& a, const Box3D& b) noexcept;

}  // namespace qs
