// quantscope-cli lidar-eval: KITTI AP|R40 (BEV and 3D) of 3D detections against label_2 files.
#include "commands.h"
#include "output.h"

#include "quantscope/lidar/detection_eval.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace {

struct Options {
    std::string gt, calib, det;
    bool json = false;
    bool perBox = false;
};

std::string pct(double fraction, int numGt)
{
    if (numGt == 0) return "n/a";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", 100.0 * fraction);
    return buf;
}

nlohmann::json boxJson(const qs::Box3D& b)
{
    return {{"class", b.className}, {"score", b.score}, {"x", b.x}, {"y", b.y}, {"z", b.z},
            {"dx", b.dx}, {"dy", b.dy}, {"dz", b.dz}, {"heading", b.heading}};
}

nlohmann::json toJson(const std::vector<qs::EvalFrame>& frames, const qs::EvalResult& r, bool perBox)
{
    nlohmann::json classes = nlohmann::json::object();
    for (const auto& c : r.classes) {
        nlohmann::json byDiff = nlohmann::json::object();
        for (int d = 0; d < 3; ++d) {
            const auto i = static_cast<std::size_t>(d);
            byDiff[qs::difficultyName(static_cast<qs::Difficulty>(d))] = {
                {"ap_bev", c.bev[i].ap}, {"ap_3d", c.d3[i].ap}, {"num_gt", c.numGt[i]}};
        }
        classes[c.name] = {{"iou_threshold", c.iouThreshold}, {"ap_bev", c.bev[1].ap}, {"ap_3d", c.d3[1].ap},
                           {"tp", c.tp}, {"fp", c.fp}, {"fn", c.fn}, {"num_gt", c.numGt[1]},
                           {"by_difficulty", byDiff}};
    }
    nlohmann::json out = {{"metric", "KITTI AP|R40"},
                          {"ap_scale", "fraction in [0,1]"},
                          {"headline_difficulty", "moderate"},
                          {"counts", "tp/fp/fn over all detections, moderate, 3D IoU"},
                          {"frames", frames.size()},
                          {"classes", classes}};
    if (perBox) {
        nlohmann::json fr = nlohmann::json::array();
        for (std::size_t k = 0; k < frames.size(); ++k) {
            nlohmann::json dets = nlohmann::json::array();
            for (std::size_t j = 0; j < frames[k].detections.size(); ++j) {
                const auto& m = r.matches[k][j];
                auto b = boxJson(frames[k].detections[j]);
                b["matched_gt"] = m.gtIndex;
                b["iou_3d"] = m.iou3d;
                b["iou_bev"] = m.iouBev;
                b["true_positive"] = m.truePositive;
                dets.push_back(b);
            }
            nlohmann::json gts = nlohmann::json::array();
            for (std::size_t i = 0; i < frames[k].groundTruth.size(); ++i) {
                const auto& g = frames[k].groundTruth[i];
                if (g.isDontCare()) continue;
                auto b = boxJson(g);
                b["index"] = i;
                b["matched_by"] = r.gtMatchedBy[k][i];
                gts.push_back(b);
            }
            fr.push_back({{"id", frames[k].id}, {"ground_truth", gts}, {"detections", dets}});
        }
        out["per_frame"] = fr;
    }
    return out;
}

void printHuman(const std::vector<qs::EvalFrame>& frames, const qs::EvalResult& r)
{
    std::cout << "KITTI AP|R40 (%) over " << frames.size() << " frame(s); TP/FP/FN: all detections, Moderate, 3D IoU\n\n";
    std::vector<std::vector<std::string>> rows{
        {"class", "IoU", "BEV easy", "BEV mod", "BEV hard", "3D easy", "3D mod", "3D hard", "GT(mod)", "TP", "FP", "FN"}};
    for (const auto& c : r.classes) {
        std::vector<std::string> row{c.name, qs::cli::fmtNum(c.iouThreshold, 2)};
        for (int d = 0; d < 3; ++d) row.push_back(pct(c.bev[static_cast<std::size_t>(d)].ap, c.numGt[static_cast<std::size_t>(d)]));
        for (int d = 0; d < 3; ++d) row.push_back(pct(c.d3[static_cast<std::size_t>(d)].ap, c.numGt[static_cast<std::size_t>(d)]));
        for (int v : {c.numGt[1], c.tp, c.fp, c.fn}) row.push_back(std::to_string(v));
        rows.push_back(row);
    }
    qs::cli::printTable(std::cout, rows, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
}

qs::cli::Command addLidarEvalCommand(CLI::App& parent)
{
    auto opts = std::make_shared<Options>();
    auto* app = parent.add_subcommand("lidar-eval", "Score 3D detections against KITTI labels (AP|R40, BEV and 3D)");
    app->add_option("--gt", opts->gt, "KITTI label_2 file, or a folder of them")->required();
    app->add_option("--calib", opts->calib, "KITTI calib file, or a folder (paired by frame id)")->required();
    app->add_option("--det", opts->det,
                    "detections: pred_velo (x y z dx dy dz yaw class score, LiDAR frame) or KITTI result files; "
                    "a file or a folder (paired by the trailing digits of the file name)")
        ->required();
    app->add_flag("--json", opts->json, "print JSON instead of a table");
    app->add_flag("--per-box", opts->perBox, "with --json: add every box and its match");
    return {app, [opts]() {
                std::vector<std::string> warnings;
                const auto frames = qs::loadEvalFrames(opts->gt, opts->calib, opts->det, &warnings);
                for (const auto& w : warnings) std::cerr << "lidar-eval: warning: " << w << '\n';
                const auto result = qs::evaluateDetections(frames);
                if (opts->json) std::cout << toJson(frames, result, opts->perBox).dump(2) << '\n';
                else printHuman(frames, result);
                return 0;
            }};
}

const qs::cli::Registration reg{"lidar-eval", &addLidarEvalCommand};

}  // namespace
