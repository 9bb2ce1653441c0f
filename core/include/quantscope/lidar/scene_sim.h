#pragma once
// A LiDAR scene simulator: a spinning 64-beam sensor (HDL-64E-like elevations) ray-cast against
// a ground plane, cars, pedestrians and cyclists built from a few boxes each, and walls, poles,
// trees and clutter; range noise, dropout and an intensity model. Gives point clouds with exact
// ground-truth boxes (Box3D, LiDAR frame, OpenPCDet convention) for training and evaluating the
// pillar detector. Deterministic from the seed: own PRNG and distributions (std distributions
// differ between standard libraries), per-ray noise from a hash of (seed, ray), so the cloud is
// identical at any thread count (across platforms it can differ in the last bits where the C
// library's sin/cos/log do).

#include "quantscope/lidar/box3d.h"
#include "quantscope/lidar/point_cloud.h"

#include <cstdint>
#include <vector>

namespace qs {

struct LidarSimSettings {
    // sensor
    int beams = 64;                 ///< split like the HDL-64E: upper half +2..-8.33 deg, lower half to -24.33 deg
    float azimuthStepDeg = 0.17f;   ///< ~2,100 columns per turn; ~60-110K points per full frame
    float azimuthMinDeg = -180.0f;  ///< 0 = +x (forward), counter-clockwise
    float azimuthMaxDeg = 180.0f;
    float sensorHeight = 1.73f;     ///< above the ground (KITTI's Velodyne height)
    float maxRange = 100.0f;
    float rangeNoiseStd = 0.02f;    ///< m
    float dropout = 0.05f;          ///< probability a return is lost
    // scene
    float areaMaxX = 72.0f;         ///< objects are placed at x in [-areaMaxX/3, areaMaxX], |y| <= areaMaxY
    float areaMaxY = 40.0f;
    int minCars = 6, maxCars = 18;
    int minPedestrians = 2, maxPedestrians = 10;
    int minCyclists = 1, maxCyclists = 5;
    int minClutter = 10, maxClutter = 30;  ///< poles, trees, bins, bushes, walls
    /// A labelled object becomes ground truth when at least this many points fall in its box.
    int minPointsForGroundTruth = 5;
};

struct SimulatedScene {
    PointCloud cloud;                    ///< x, y, z, intensity (0..1, KITTI-like), LiDAR frame
    std::vector<Box3D> groundTruth;      ///< Car / Pedestrian / Cyclist with >= minPoints points
    std::vector<int> groundTruthPoints;  ///< points inside each ground-truth box
    std::vector<Box3D> hidden;           ///< labelled objects with fewer points (occluded, far)
};

/// Simulates one frame. Throws InvalidArgument for settings out of range.
SimulatedScene simulateScene(std::uint64_t seed, const LidarSimSettings& settings = {});

/// The beam elevations (degrees, top to bottom) the simulator uses for `beams` beams.
std::vector<float> simulatedBeamElevations(int beams);

}  // namespace qs
