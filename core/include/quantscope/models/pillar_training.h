#pragma once
// Training the pillar detector on simulated scenes (quantscope/lidar/scene_sim.h), and scoring
// a runtime on held-out simulated scenes with the KITTI AP|R40 protocol.

#include "quantscope/lidar/detection_eval.h"
#include "quantscope/lidar/scene_sim.h"
#include "quantscope/models/pillar_detector.h"
#include "quantscope/progress.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace qs {

struct PillarTrainSettings {
    PillarDetectorConfig config;
    LidarSimSettings sim = frontSimSettings();
    int scenes = 300;        ///< training scenes: seeds sceneSeed(seed, 0 .. scenes-1)
    int epochs = 3;
    int batch = 2;
    std::uint64_t seed = 1;  ///< scenes, initialization and augmentation
    float learningRate = 2e-3f;  ///< Adam; cosine decay to 2 % over the run after a short warm-up
    float regressionWeight = 1.0f;
    bool augment = true;     ///< random flip across x, rotation +-22.5 deg, scaling 0.95..1.05
    int maxSteps = 0;        ///< > 0: stop after this many steps (smoke tests)
    int threads = 0;         ///< worker threads; 0 = all cores (results are identical either way)

    /// The simulator restricted to the sensor's front half (the detector sees x >= 0 only).
    static LidarSimSettings frontSimSettings();
};

struct TrainStep {
    int step = 0, totalSteps = 0, epoch = 0;
    float loss = 0, heatmapLoss = 0, regressionLoss = 0;
    double seconds = 0;  ///< since the start
};

struct PillarTrainResult {
    PillarDetector model;
    std::vector<TrainStep> history;  ///< one entry per step
    double seconds = 0.0;
};

/// Seed of training or evaluation scene `index` (disjoint streams for different seeds).
std::uint64_t sceneSeed(std::uint64_t seed, int index);

/// Trains from scratch. `onStep` (optional) is called after every step; `progress` at most a
/// few hundred times and cancels by returning false (throws Cancelled).
PillarTrainResult trainPillarDetector(const PillarTrainSettings& settings, const std::function<void(const TrainStep&)>& onStep = {},
                                      const ProgressFn& progress = {});

/// Heatmap and regression targets for one scene (exposed for tests): heatmap [classes, Hh, Wh]
/// Gaussian bumps (1 at centres), and the centre pixels with their 8 regression targets.
struct PillarTargets {
    std::vector<float> heatmap;
    std::vector<std::int32_t> centres;  ///< flat y * Wh + x
    std::vector<float> regression;      ///< [centres, 8]
};
PillarTargets makePillarTargets(const PillarDetectorConfig& cfg, const std::vector<Box3D>& boxes);

/// Scenes simulated from seeds sceneSeed(seed, first .. first+count-1), run through `runtime`,
/// as evaluation frames (ground truth = the simulator's boxes with enough points).
std::vector<EvalFrame> simulatedEvalFrames(const DetectorRuntime& runtime, std::uint64_t seed, int first, int count,
                                           const LidarSimSettings& sim = PillarTrainSettings::frontSimSettings(),
                                           const DecodeSettings& decode = {});

}  // namespace qs
