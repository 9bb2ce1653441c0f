#pragma once
// KITTI object files: calib/*.txt, label_2/*.txt (ground truth, camera frame) and results
// (label + score), plus the `pred_velo` detection format of CUDA-PointPillars
// (`x y z dx dy dz yaw class score` in the LiDAR frame).

#include "quantscope/lidar/box3d.h"

#include <array>
#include <filesystem>
#include <string>
#include <vector>

namespace qs {

/// Calibration of one KITTI frame. Matrices are row-major.
struct KittiCalib {
    std::array<double, 12> P2{};             ///< left colour camera projection (3x4)
    std::array<double, 9> R0rect{};          ///< rectification (3x3)
    std::array<double, 12> TrVeloToCam{};    ///< LiDAR -> reference camera (3x4)

    /// Rectified camera -> LiDAR: inverts R0_rect and Tr_velo_to_cam.
    std::array<double, 3> rectToLidar(const std::array<double, 3>& p) const;
    /// LiDAR -> rectified camera.
    std::array<double, 3> lidarToRect(const std::array<double, 3>& p) const;
    /// Rectified camera -> image pixel (u, v) through P2; depth in the third component.
    std::array<double, 3> rectToImage(const std::array<double, 3>& p) const;
};

/// Reads calib/*.txt (needs P2, R0_rect, Tr_velo_to_cam). Throws IoError, FormatError.
KittiCalib readKittiCalib(const std::filesystem::path& path);

/// Converts a KITTI camera-frame box (bottom centre x,y,z, dims h,w,l, rotation_y) to the LiDAR
/// frame: xyz = rect_to_lidar(xyz); z += h/2; (dx,dy,dz) = (l,w,h); heading = -(ry + pi/2).
Box3D kittiCameraToLidar(const KittiCalib& calib, float x, float y, float z, float h, float w, float l, float ry);
/// The inverse: (x, y, z bottom centre, h, w, l, ry) in the rectified camera frame.
std::array<float, 7> lidarToKittiCamera(const KittiCalib& calib, const Box3D& box);

/// Reads a label_2 file (15 values per line) or a result file (16, the last a score); boxes
/// are converted to the LiDAR frame. DontCare lines are kept (isDontCare()) with their image
/// box only. Throws IoError, FormatError (names the line as field and the byte offset).
std::vector<Box3D> readKittiLabels(const std::filesystem::path& path, const KittiCalib& calib);

/// Class names of the pred_velo class ids 0, 1, 2.
const std::vector<std::string>& predVeloClassNames();

/// Reads a pred_velo file: per line `x y z dx dy dz yaw class score` in the LiDAR frame with z
/// at the box centre (checked against the KITTI labels, see docs/lidar-eval.md).
std::vector<Box3D> readPredVelo(const std::filesystem::path& path);

/// Reads detections in either format: 9 numbers per line -> pred_velo, a class name first ->
/// KITTI result (needs calib). Empty files give no boxes.
std::vector<Box3D> readDetections(const std::filesystem::path& path, const KittiCalib* calib);

/// Projects the box's corners with P2 and returns the image box height in pixels (used for the
/// KITTI height rule on detections that come without an image box); 0 when the box is behind
/// the camera.
float projectedBoxHeight(const KittiCalib& calib, const Box3D& box);

}  // namespace qs
