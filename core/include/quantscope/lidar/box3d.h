#pragma once
// 3D boxes in the LiDAR frame (OpenPCDet convention, shared/FORMATS.md §4.3): (x, y, z) is the
// box centre, dx the length along the heading, dy the width, dz the height; heading is the yaw
// about +z, counter-clockwise from +x. x forward, y left, z up.

#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace qs {

struct PointCloud;

/// What a KITTI label line says beyond the 3D box; used for Easy/Moderate/Hard.
struct KittiObjectInfo {
    float truncation = 0.0f;   ///< 0..1
    int occlusion = 0;         ///< 0 visible, 1 partly, 2 largely occluded, 3 unknown
    float alpha = 0.0f;        ///< observation angle
    std::array<float, 4> bbox{0, 0, 0, 0};  ///< image box left, top, right, bottom (px)
    float bboxHeight() const noexcept { return bbox[3] - bbox[1]; }
};

struct Box3D {
    float x = 0, y = 0, z = 0;     ///< centre
    float dx = 0, dy = 0, dz = 0;  ///< length, width, height (m)
    float heading = 0;             ///< rad, about +z from +x
    std::string className;         ///< "Car", "Pedestrian", "Cyclist", "Van", "DontCare", ...
    float score = 1.0f;            ///< 1 for ground truth
    bool hasKittiInfo = false;     ///< kitti is filled (labels, KITTI result files)
    KittiObjectInfo kitti;

    bool isDontCare() const noexcept { return className == "DontCare"; }
    /// The 8 corners: bottom face counter-clockwise from front-left... (0-3 bottom, 4-7 top;
    /// 0 and 1 and 4 and 5 on the front face, i.e. the heading side).
    std::array<std::array<float, 3>, 8> corners() const noexcept;
};

/// True when (px, py, pz) lies inside the box (boundary included).
bool pointInBox(const Box3D& box, float px, float py, float pz) noexcept;
/// How many points of `cloud` lie inside the box.
std::size_t countPointsInBox(const PointCloud& cloud, const Box3D& box);

/// Wraps an angle to [-pi, pi).
float wrapAngle(float a) noexcept;

}  // namespace qs
