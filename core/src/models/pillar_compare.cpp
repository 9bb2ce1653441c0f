// FP32 vs quantized detections on one cloud, scored against optional ground truth.
#include "quantscope/models/pillar_compare.h"

namespace qs {

namespace {
double moderate3d(const EvalResult& r, const std::string& cls)
{
    for (const auto& c : r.classes)
        if (c.name == cls) return c.d3[static_cast<std::size_t>(Difficulty::Moderate)].ap;
    return 0.0;
}
}  // namespace

double DetectorComparison::apDelta3d(const std::string& cls) const
{
    return moderate3d(quantizedEval, cls) - moderate3d(referenceEval, cls);
}

DetectorComparison compareDetectors(const DetectorRuntime& reference, const DetectorRuntime& quantized, const PointCloud& cloud,
                                    const std::vector<Box3D>& groundTruth, const DecodeSettings& decode)
{
    DetectorComparison c;
    c.reference = reference.detect(cloud, decode);
    c.quantized = quantized.detect(cloud, decode);
    if (!groundTruth.empty()) {
        c.referenceEval = evaluateDetections({EvalFrame{"frame", groundTruth, c.reference}});
        c.quantizedEval = evaluateDetections({EvalFrame{"frame", groundTruth, c.quantized}});
    }
    return c;
}

}  // namespace qs
