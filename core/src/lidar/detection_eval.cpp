// KITTI AP|R40 (see detection_eval.h). The structure follows the devkit's
// compute_statistics / get_thresholds as ported in OpenPCDet's kitti_object_eval_python.
#include "quantscope/lidar/detection_eval.h"

#include "quantscope/lidar/iou.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>

namespace qs {

namespace {

constexpr int kSamplePoints = 41;
constexpr float kMinHeight[3] = {40.f, 25.f, 25.f};
constexpr int kMaxOcclusion[3] = {0, 1, 2};
constexpr float kMaxTruncation[3] = {0.15f, 0.3f, 0.5f};

enum class Metric { Bev, D3 };

// Per frame, per class and difficulty: -1 not considered, 0 counts, 1 ignored (neither TP nor FP).
struct FrameFlags {
    std::vector<int> gt, det;
    int validGt = 0;
};

std::string lower(std::string s)
{
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

FrameFlags cleanFrame(const EvalFrame& f, const std::string& cls, int difficulty)
{
    FrameFlags out;
    const std::string want = lower(cls);
    for (const auto& g : f.groundTruth) {
        const std::string name = lower(g.className);
        int valid = -1;
        if (name == want) valid = 1;
        else if ((want == "pedestrian" && name == "person_sitting") || (want == "car" && name == "van")) valid = 0;
        bool ignore = false;
        if (g.hasKittiInfo)
            ignore = g.kitti.occlusion > kMaxOcclusion[difficulty] || g.kitti.truncation > kMaxTruncation[difficulty] ||
                     g.kitti.bboxHeight() <= kMinHeight[difficulty];
        if (valid == 1 && !ignore) {
            out.gt.push_back(0);
            ++out.validGt;
        } else if (valid == 0 || (ignore && valid == 1)) {
            out.gt.push_back(1);
        } else {
            out.gt.push_back(-1);
        }
    }
    for (const auto& d : f.detections) {
        const bool valid = lower(d.className) == want;
        const float height = d.hasKittiInfo ? std::abs(d.kitti.bbox[3] - d.kitti.bbox[1]) : 1e9f;
        out.det.push_back(height < kMinHeight[difficulty] ? 1 : (valid ? 0 : -1));
    }
    return out;
}

using Overlaps = std::vector<std::vector<double>>;  // [det][gt]

Overlaps overlapsOf(const EvalFrame& f, Metric m)
{
    Overlaps o(f.detections.size(), std::vector<double>(f.groundTruth.size(), 0.0));
    for (std::size_t j = 0; j < f.detections.size(); ++j)
        for (std::size_t i = 0; i < f.groundTruth.size(); ++i) {
            if (f.groundTruth[i].isDontCare()) continue;
            o[j][i] = m == Metric::Bev ? bevIou(f.detections[j], f.groundTruth[i]) : iou3d(f.detections[j], f.groundTruth[i]);
        }
    return o;
}

struct Stats {
    int tp = 0, fp = 0, fn = 0;
    std::vector<float> tpScores;
};

// The devkit's compute_statistics for one frame.
Stats computeStatistics(const EvalFrame& f, const Overlaps& ov, const FrameFlags& flags, double minOverlap,
                        float thresh, bool computeFp)
{
    constexpr double kNoDetection = -1e10;
    Stats s;
    const std::size_t nd = f.detections.size();
    std::vector<char> assigned(nd, 0);
    std::vector<char> belowThreshold(nd, 0);
    if (computeFp)
        for (std::size_t j = 0; j < nd; ++j) belowThreshold[j] = f.detections[j].score < thresh;
    for (std::size_t i = 0; i < f.groundTruth.size(); ++i) {
        if (flags.gt[i] == -1) continue;
        int detIdx = -1;
        double valid = kNoDetection, maxOverlap = 0;
        bool assignedIgnored = false;
        for (std::size_t j = 0; j < nd; ++j) {
            if (flags.det[j] == -1 || assigned[j] || belowThreshold[j]) continue;
            const double overlap = ov[j][i];
            const double score = f.detections[j].score;
            if (!computeFp && overlap > minOverlap && score > valid) {
                detIdx = static_cast<int>(j);
                valid = score;
            } else if (computeFp && overlap > minOverlap && (overlap > maxOverlap || assignedIgnored) && flags.det[j] == 0) {
                maxOverlap = overlap;
                detIdx = static_cast<int>(j);
                valid = 1;
                assignedIgnored = false;
            } else if (computeFp && overlap > minOverlap && valid == kNoDetection && flags.det[j] == 1) {
                detIdx = static_cast<int>(j);
                valid = 1;
                assignedIgnored = true;
            }
        }
        if (valid == kNoDetection && flags.gt[i] == 0) {
            ++s.fn;
        } else if (valid != kNoDetection && (flags.gt[i] == 1 || flags.det[static_cast<std::size_t>(detIdx)] == 1)) {
            assigned[static_cast<std::size_t>(detIdx)] = 1;
        } else if (valid != kNoDetection) {
            ++s.tp;
            s.tpScores.push_back(f.detections[static_cast<std::size_t>(detIdx)].score);
            assigned[static_cast<std::size_t>(detIdx)] = 1;
        }
    }
    if (computeFp)
        for (std::size_t j = 0; j < nd; ++j)
            if (!(assigned[j] || flags.det[j] == -1 || flags.det[j] == 1 || belowThreshold[j])) ++s.fp;
    return s;
}

ApCurve apCurve(const std::vector<EvalFrame>& frames, const std::vector<Overlaps>& ov,
                const std::vector<FrameFlags>& flags, double minOverlap, Stats* allDetections)
{
    ApCurve curve;
    std::vector<float> scores;
    int numGt = 0;
    for (std::size_t k = 0; k < frames.size(); ++k) {
        numGt += flags[k].validGt;
        auto s = computeStatistics(frames[k], ov[k], flags[k], minOverlap, 0.0f, false);
        scores.insert(scores.end(), s.tpScores.begin(), s.tpScores.end());
    }
    if (allDetections) {
        *allDetections = {};
        for (std::size_t k = 0; k < frames.size(); ++k) {
            const auto s = computeStatistics(frames[k], ov[k], flags[k], minOverlap, -INFINITY, true);
            allDetections->tp += s.tp;
            allDetections->fp += s.fp;
            allDetections->fn += s.fn;
        }
    }
    for (int k = 0; k < kSamplePoints; ++k) curve.recall[static_cast<std::size_t>(k)] = k / (kSamplePoints - 1.0);
    if (numGt == 0) return curve;
    // Every score at which a true positive appears is an operating point of the PR curve. The
    // devkit samples ~41 of them assuming thousands of ground-truth boxes (with a handful it
    // under-reports: 3 perfect cars would score 5 %); taking all of them gives the R40
    // definition exactly: precision interpolated at recall k/40, k = 1..40.
    std::sort(scores.begin(), scores.end(), std::greater<>());
    scores.erase(std::unique(scores.begin(), scores.end()), scores.end());
    std::vector<std::pair<double, double>> points;  // (recall, precision)
    for (const float t : scores) {
        int tp = 0, fp = 0, fn = 0;
        for (std::size_t k = 0; k < frames.size(); ++k) {
            const auto s = computeStatistics(frames[k], ov[k], flags[k], minOverlap, t, true);
            tp += s.tp;
            fp += s.fp;
            fn += s.fn;
        }
        if (tp + fp > 0 && tp + fn > 0)
            points.emplace_back(static_cast<double>(tp) / (tp + fn), static_cast<double>(tp) / (tp + fp));
    }
    double sum = 0;
    for (int k = 0; k < kSamplePoints; ++k) {
        const double r = curve.recall[static_cast<std::size_t>(k)];
        double best = 0;
        for (const auto& [rec, prec] : points)
            if (rec >= r - 1e-12) best = std::max(best, prec);
        curve.precision[static_cast<std::size_t>(k)] = best;
        if (k > 0) sum += best;
    }
    curve.ap = sum / (kSamplePoints - 1);
    return curve;
}

}  // namespace

const char* difficultyName(Difficulty d) noexcept
{
    switch (d) {
        case Difficulty::Easy: return "easy";
        case Difficulty::Moderate: return "moderate";
        case Difficulty::Hard: return "hard";
    }
    return "?";
}

double EvalSettings::iouThreshold(const std::string& cls) const noexcept
{
    return cls == "Car" ? 0.7 : 0.5;
}

EvalResult evaluateDetections(const std::vector<EvalFrame>& frames, const EvalSettings& settings)
{
    EvalResult result;
    std::vector<Overlaps> ovBev, ov3d;
    for (const auto& f : frames) {
        ovBev.push_back(overlapsOf(f, Metric::Bev));
        ov3d.push_back(overlapsOf(f, Metric::D3));
    }
    for (const auto& cls : settings.classes) {
        ClassEvaluation ce;
        ce.name = cls;
        ce.iouThreshold = settings.iouThreshold(cls);
        for (int d = 0; d < 3; ++d) {
            std::vector<FrameFlags> flags;
            for (const auto& f : frames) flags.push_back(cleanFrame(f, cls, d));
            for (const auto& fl : flags) ce.numGt[static_cast<std::size_t>(d)] += fl.validGt;
            Stats counts;
            ce.bev[static_cast<std::size_t>(d)] = apCurve(frames, ovBev, flags, ce.iouThreshold, nullptr);
            ce.d3[static_cast<std::size_t>(d)] = apCurve(frames, ov3d, flags, ce.iouThreshold, d == 1 ? &counts : nullptr);
            if (d == 1) {
                ce.tp = counts.tp;
                ce.fp = counts.fp;
                ce.fn = counts.fn;
            }
        }
        result.classes.push_back(std::move(ce));
    }
    for (const auto& f : frames) {
        result.gtMatchedBy.emplace_back();
        result.matches.push_back(matchBoxes(f.groundTruth, f.detections, settings, &result.gtMatchedBy.back()));
    }
    return result;
}

std::vector<BoxMatch> matchBoxes(const std::vector<Box3D>& gt, const std::vector<Box3D>& det, const EvalSettings& settings,
                                 std::vector<int>* gtMatchedBy)
{
    std::vector<BoxMatch> matches(det.size());
    std::vector<int> taken(gt.size(), -1);
    std::vector<std::size_t> order(det.size());
    std::iota(order.begin(), order.end(), 0);
    // Highest score first; ties keep file order so the result never depends on sort stability.
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return det[a].score > det[b].score; });
    for (std::size_t j : order) {
        const double threshold = settings.iouThreshold(det[j].className);
        BoxMatch& m = matches[j];
        int best = -1, bestAny = -1;
        double bestIou = -1, bestAnyIou = -1;
        for (std::size_t i = 0; i < gt.size(); ++i) {
            if (gt[i].isDontCare() || gt[i].className != det[j].className) continue;
            const double iou = iou3d(det[j], gt[i]);
            if (iou > bestAnyIou) bestAnyIou = iou, bestAny = static_cast<int>(i);
            if (taken[i] < 0 && iou > threshold && iou > bestIou) bestIou = iou, best = static_cast<int>(i);
        }
        const int shown = best >= 0 ? best : bestAny;
        if (shown >= 0) {
            m.iou3d = iou3d(det[j], gt[static_cast<std::size_t>(shown)]);
            m.iouBev = bevIou(det[j], gt[static_cast<std::size_t>(shown)]);
        }
        if (best >= 0) {
            m.gtIndex = best;
            m.truePositive = true;
            taken[static_cast<std::size_t>(best)] = static_cast<int>(j);
        }
    }
    if (gtMatchedBy) *gtMatchedBy = taken;
    return matches;
}

void fillProjectedImageBoxes(const KittiCalib& calib, std::vector<Box3D>& detections)
{
    constexpr double kWidth = 1242, kHeight = 375;
    for (auto& d : detections) {
        if (d.hasKittiInfo) continue;
        double l = 1e30, t = 1e30, r = -1e30, b = -1e30;
        bool any = false;
        for (const auto& c : d.corners()) {
            const auto img = calib.rectToImage(calib.lidarToRect({c[0], c[1], c[2]}));
            if (img[2] < 0.1) continue;
            any = true;
            l = std::min(l, img[0]), r = std::max(r, img[0]);
            t = std::min(t, img[1]), b = std::max(b, img[1]);
        }
        d.hasKittiInfo = true;
        if (any)
            d.kitti.bbox = {static_cast<float>(std::clamp(l, 0.0, kWidth)), static_cast<float>(std::clamp(t, 0.0, kHeight)),
                            static_cast<float>(std::clamp(r, 0.0, kWidth)), static_cast<float>(std::clamp(b, 0.0, kHeight))};
    }
}

}  // namespace qs
