// quantscope-cli lidar-detect: runs the pillar detector (FP32 or quantized) on point clouds and
// writes pred_velo files that lidar-eval scores; --simulate scores held-out simulated scenes.
#include "commands.h"
#include "output.h"

#include "quantscope/error.h"
#include "quantscope/models/pillar_training.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

namespace fs = std::filesystem;

namespace {

struct Options {
    std::string model, points, out, method, granularity = "channel";
    std::vector<std::string> calib;
    int bits = 0, actBits = 0, calibSim = 4, simulate = 0;
    std::uint64_t calibSeed = 999, simSeed = 1007;
    float score = 0.1f;
};

std::vector<fs::path> inputFiles(const fs::path& p)
{
    if (!fs::is_directory(p)) return {p};
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(p)) {
        const auto ext = e.path().extension().string();
        if (e.is_regular_file() && (ext == ".bin" || ext == ".pcd" || ext == ".ply" || ext == ".las")) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) throw qs::InvalidArgument(p.string() + ": no point cloud files (.bin, .pcd, .ply, .las)");
    return files;
}

qs::DetectorRuntime buildRuntime(const Options& o)
{
    qs::RuntimeQuantization q;
    if (!o.method.empty() || o.bits) {
        qs::QuantSettings s;
        if (!o.method.empty()) {
            const auto m = qs::methodFromName(o.method);
            if (!m) throw qs::InvalidArgument("unknown --method \"" + o.method + "\" (rtn, rtn-mse, easyquant)");
            s.method = *m;
        }
        if (o.bits) s.bits = o.bits;
        const auto g = qs::granularityFromName(o.granularity);
        if (!g || *g == qs::Granularity::PerGroup) throw qs::InvalidArgument("--granularity must be tensor or channel");
        s.granularity = *g;
        qs::validate(s);
        q.weights = s;
    }
    q.activationBits = o.actBits;
    std::vector<qs::PointCloud> calib;
    if (o.actBits > 0) {
        for (const auto& f : o.calib) calib.push_back(qs::readPointCloud(f));
        if (calib.empty())
            for (int i = 0; i < o.calibSim; ++i)
                calib.push_back(qs::simulateScene(qs::sceneSeed(o.calibSeed, i), qs::PillarTrainSettings::frontSimSettings()).cloud);
    }
    std::vector<const qs::PointCloud*> ptrs;
    for (const auto& c : calib) ptrs.push_back(&c);
    return qs::makeRuntime(o.model, q, ptrs);
}

std::string pct(double v, int n)
{
    if (n == 0) return "n/a";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", 100.0 * v);
    return buf;
}

int simulateAndScore(const Options& o, const qs::DetectorRuntime& rt)
{
    qs::DecodeSettings d;
    d.scoreThreshold = o.score;
    const auto frames = qs::simulatedEvalFrames(rt, o.simSeed, 0, o.simulate, qs::PillarTrainSettings::frontSimSettings(), d);
    const auto r = qs::evaluateDetections(frames);
    std::cout << "KITTI AP|R40 (%) on " << frames.size() << " simulated scenes (seed " << o.simSeed
              << "; no difficulty levels: every box with >= 5 points counts)\n\n";
    std::vector<std::vector<std::string>> rows{{"class", "IoU", "AP BEV", "AP 3D", "GT", "TP", "FP", "FN"}};
    for (const auto& c : r.classes)
        rows.push_back({c.name, qs::cli::fmtNum(c.iouThreshold, 2), pct(c.bev[1].ap, c.numGt[1]), pct(c.d3[1].ap, c.numGt[1]),
                        std::to_string(c.numGt[1]), std::to_string(c.tp), std::to_string(c.fp), std::to_string(c.fn)});
    qs::cli::printTable(std::cout, rows, {1, 2, 3, 4, 5, 6, 7});
    if (!o.out.empty()) {
        fs::create_directories(o.out);
        for (const auto& f : frames) qs::writePredVelo(fs::path(o.out) / ("pred_velo_" + f.id + ".txt"), f.detections);
    }
    return 0;
}

qs::cli::Command addLidarDetectCommand(CLI::App& parent)
{
    auto o = std::make_shared<Options>();
    auto* app = parent.add_subcommand("lidar-detect", "Run the pillar LiDAR detector (FP32 or quantized) and write pred_velo detections");
    app->add_option("model", o->model, "detector weights (.safetensors from lidar-train)")->required();
    app->add_option("--points", o->points, "point cloud file or folder (.bin KITTI, .pcd, .ply, .las)");
    app->add_option("--out", o->out, "pred_velo file (one input) or folder (<name>.txt per input); default: print");
    app->add_option("--method", o->method, "weight quantization: rtn, rtn-mse, easyquant");
    app->add_option("--bits", o->bits, "weight bits (2..8)");
    app->add_option("--granularity", o->granularity, "tensor or channel (default)");
    app->add_option("--act-bits", o->actBits, "fake-quantize every layer input to k bits (max-min calibration)");
    app->add_option("--calib", o->calib, "point clouds for the activation calibration (default: --calib-sim scenes)");
    app->add_option("--calib-sim", o->calibSim, "simulated calibration scenes when --calib is not given (default 4)");
    app->add_option("--calib-seed", o->calibSeed, "seed of the simulated calibration scenes (default 999)");
    app->add_option("--score", o->score, "score threshold (default 0.1)");
    app->add_option("--simulate", o->simulate, "score N held-out simulated scenes instead of --points");
    app->add_option("--sim-seed", o->simSeed, "seed of the --simulate scenes (default 1007; training uses 7)");
    return {app, [o]() {
                if (o->points.empty() == (o->simulate <= 0)) throw qs::InvalidArgument("give either --points or --simulate N");
                const qs::DetectorRuntime rt = buildRuntime(*o);
                if (o->simulate > 0) return simulateAndScore(*o, rt);
                qs::DecodeSettings d;
                d.scoreThreshold = o->score;
                const auto files = inputFiles(o->points);
                const bool many = files.size() > 1 || fs::is_directory(o->points);
                if (many && !o->out.empty()) fs::create_directories(o->out);
                for (const auto& f : files) {
                    const auto boxes = rt.detect(qs::readPointCloud(f), d);
                    if (o->out.empty()) {
                        std::cout << "# " << f.filename().string() << ": " << boxes.size() << " detections (x y z dx dy dz yaw class score)\n";
                        for (const auto& b : boxes)
                            std::printf("%.3f %.3f %.3f %.3f %.3f %.3f %.4f %s %.4f\n", b.x, b.y, b.z, b.dx, b.dy, b.dz, b.heading,
                                        b.className.c_str(), b.score);
                    } else {
                        const fs::path target = many ? fs::path(o->out) / (f.stem().string() + ".txt") : fs::path(o->out);
                        qs::writePredVelo(target, boxes);
                        std::cout << f.filename().string() << ": " << boxes.size() << " detections -> " << target.string() << '\n';
                    }
                }
                return 0;
            }};
}

const qs::cli::Registration reg{"lidar-detect", &addLidarDetectCommand};

}  // namespace
