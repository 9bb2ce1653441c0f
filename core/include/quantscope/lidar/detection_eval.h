#pragma once
// KITTI-protocol scoring of 3D detections (shared/FORMATS.md §4.4): BEV and 3D AP|R40 per class
// and difficulty at IoU 0.7 (Car) / 0.5 (Pedestrian, Cyclist), following the official devkit
// as ported in OpenPCDet's kitti_object_eval_python (ignore rules, Van / Person_sitting as
// "neighbour" classes, matching at each score threshold). AP|R40 = mean over r = 1/40 .. 1 of
// the precision interpolated at recall r (max precision at recall >= r), evaluated at every
// operating point rather than the devkit's 41 sampled thresholds, which under-report when
// there are few ground-truth boxes (see detection_eval.cpp). Plus a per-box greedy matching by score
// that the viewer shows (which ground truth each detection matched and with what IoU).

#include "quantscope/lidar/box3d.h"
#include "quantscope/lidar/kitti.h"

#include <array>
#include <filesystem>
#include <string>
#include <vector>

namespace qs {

enum class Difficulty { Easy = 0, Moderate = 1, Hard = 2 };
const char* difficultyName(Difficulty d) noexcept;

/// One frame's ground truth and detections, both in the LiDAR frame. Ground truth should carry
/// KittiObjectInfo (truncation, occlusion, image box); detections without it are never
/// ignored by the image-height rule (see fillProjectedImageBoxes).
struct EvalFrame {
    std::string id;
    std::vector<Box3D> groundTruth;
    std::vector<Box3D> detections;
};

struct EvalSettings {
    std::vector<std::string> classes{"Car", "Pedestrian", "Cyclist"};
    /// IoU a detection must exceed to count (KITTI: 0.7 Car, 0.5 otherwise). Missing -> 0.5.
    double iouThreshold(const std::string& cls) const noexcept;
};

struct ApCurve {
    std::array<double, 41> recall{};     ///< k / 40, k = 0..40
    std::array<double, 41> precision{};  ///< interpolated precision at recall[k]
    double ap = 0.0;                     ///< AP|R40, a fraction in [0, 1]
};

struct ClassEvaluation {
    std::string name;
    double iouThreshold = 0.0;
    std::array<ApCurve, 3> bev;  ///< by Difficulty
    std::array<ApCurve, 3> d3;
    /// Counts over all detections (no score cut), Moderate, 3D IoU, KITTI ignore rules.
    int tp = 0, fp = 0, fn = 0;
    std::array<int, 3> numGt{};  ///< valid ground truth per difficulty
};

/// How one detection fared in the per-box greedy matching (by score, same class, 3D IoU above
/// the class threshold, every non-DontCare ground truth eligible).
struct BoxMatch {
    int gtIndex = -1;        ///< index into EvalFrame::groundTruth, -1 = false positive
    double iouBev = 0.0;     ///< with the matched ground truth (or the best-overlapping one)
    double iou3d = 0.0;
    bool truePositive = false;
};

struct EvalResult {
    std::vector<ClassEvaluation> classes;
    /// matches[frame][detection]
    std::vector<std::vector<BoxMatch>> matches;
    /// gtMatched[frame][gt] = index of the detection that matched it, or -1
    std::vector<std::vector<int>> gtMatchedBy;
};

/// Scores `frames`. Deterministic (single-threaded accumulation in frame order).
EvalResult evaluateDetections(const std::vector<EvalFrame>& frames, const EvalSettings& settings = {});

/// Greedy per-box matching for one frame (what BoxMatch describes); also fills gtMatchedBy.
std::vector<BoxMatch> matchBoxes(const std::vector<Box3D>& groundTruth, const std::vector<Box3D>& detections,
                                 const EvalSettings& settings, std::vector<int>* gtMatchedBy = nullptr);

/// Gives detections that lack an image box (pred_velo) the box their corners project to
/// through P2, clipped to a 1242x375 image, so the KITTI height rule can apply to them as it
/// does in OpenPCDet's evaluation.
void fillProjectedImageBoxes(const KittiCalib& calib, std::vector<Box3D>& detections);

/// Loads frames for evaluation. Each path may be a file or a directory; in directories, files
/// are paired by frame id (the trailing digits of the stem: "000003.txt" and
/// "pred_velo_000003.txt" are both frame "000003"). The ground-truth files define the frames;
/// a frame without a detection file has no detections (a warning is added). calibPath may be
/// a single file used for every frame. Throws IoError, FormatError, InvalidArgument.
std::vector<EvalFrame> loadEvalFrames(const std::filesystem::path& gtPath, const std::filesystem::path& calibPath,
                                      const std::filesystem::path& detPath, std::vector<std::string>* warnings = nullptr);

/// "000003" from "pred_velo_000003.txt"; the whole stem when it has no trailing digits.
std::string frameIdOf(const std::filesystem::path& file);

}  // namespace qs
