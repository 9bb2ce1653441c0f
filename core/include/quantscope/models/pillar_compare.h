#pragma once
// FP32 vs quantized detections on one point cloud: what the LiDAR viewer shows side by side
// (view A: reference, view B: quantized, ground truth in both, AP of each and the delta).

#include "quantscope/lidar/detection_eval.h"
#include "quantscope/models/pillar_detector.h"

#include <string>
#include <vector>

namespace qs {

struct DetectorComparison {
    std::vector<Box3D> reference;  ///< detections of the reference runtime (usually FP32)
    std::vector<Box3D> quantized;
    /// Scored against the ground truth when it was given (classes empty otherwise); matches
    /// say which ground-truth box each detection hit, for colouring.
    EvalResult referenceEval, quantizedEval;
    /// Moderate 3D AP|R40 of `cls`, quantized minus reference (0 without ground truth).
    double apDelta3d(const std::string& cls) const;
};

/// Runs both runtimes on `cloud` and scores them against `groundTruth` (may be empty). The
/// caller builds the runtimes once (makeRuntime) and reuses them for every cloud it opens.
DetectorComparison compareDetectors(const DetectorRuntime& reference, const DetectorRuntime& quantized, const PointCloud& cloud,
                                    const std::vector<Box3D>& groundTruth, const DecodeSettings& decode = {});

}  // namespace qs
