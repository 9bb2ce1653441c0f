#pragma once
// Which files make up one LiDAR frame, and whether a path is a point cloud at all. Pure
// functions on paths and file heads (no widgets) so they can be tested on their own; the
// LiDAR frame dialog, drag and drop and the command line all use them.

#include <QString>
#include <QStringList>

namespace qs::gui {

/// The files of one frame. Empty = not given (only `cloud` is required).
struct LidarFramePaths {
    QString cloud;  ///< KITTI .bin, nuScenes .pcd.bin, .pcd, .ply, .las
    QString label;  ///< KITTI label_2 file (camera frame; needs calib)
    QString calib;  ///< KITTI calib file
    QString detA;   ///< detections A: pred_velo or KITTI result format
    QString detB;   ///< detections B
    bool operator==(const LidarFramePaths&) const = default;
};

/// Fills in what the folder layout gives away for `cloud` (absolute paths, only files that
/// exist):
///  - KITTI object layout `<split>/velodyne/<id>.bin` → `<split>/label_2/<id>.txt` and
///    `<split>/calib/<id>.txt` (also when label_2/ and calib/ sit beside the cloud);
///  - CUDA-PointPillars layout `<dir>/<id>.bin` + `<dir>/pred_velo_<id>.txt` → detections A.
LidarFramePaths inferLidarFramePaths(const QString& cloud);

/// Several files dropped at once: the first point cloud, with the rest assigned by folder
/// (`label_2/` → labels, `calib/` → calibration) and the other files as detections A then B;
/// what is still missing comes from the folder layout (inferLidarFramePaths). Empty `cloud`
/// when no file is a point cloud.
LidarFramePaths lidarFrameFromFiles(const QStringList& files);

enum class DroppedFileKind { Checkpoint, PointCloud };

/// Tells a point cloud from a checkpoint by name and content. `.bin` is claimed by both
/// KITTI scans and llama2.c checkpoints: a llama2.c v1 magic, a ZIP (pytorch_model.bin) or a
/// plausible legacy llama2.c header means checkpoint; a file under `velodyne/` or a size that
/// is a whole number of 16-byte points means point cloud. Unreadable files count as
/// checkpoints (the checkpoint reader then names the problem).
DroppedFileKind classifyFile(const QString& path);

}  // namespace qs::gui
