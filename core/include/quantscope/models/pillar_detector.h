#pragma once
// A small pillar-based LiDAR detector (PointPillars encoder, CenterPoint-style head) that
// QuantScope trains, runs and quantizes itself (docs/lidar-detector.md).
//
//   points -> pillars on a BEV grid (x forward, y left) -> per-point features (9) ->
//   linear + BN + ReLU -> max over each pillar's points -> scatter to [1, C, H, W] ->
//   conv3x3 blocks (one at full resolution, then stride 2) -> per-class centre heatmap and
//   box regression (offset x/y, z, log dx/dy/dz, sin/cos of twice the heading) at stride 2 ->
//   3x3 local maxima above a score threshold -> Box3D (+ class-wise BEV NMS).
//
// Two paths share the operations of quantscope/autodiff: PillarDetector (trainable, batch norm
// in train or eval mode) and DetectorRuntime (batch norm folded into the convolutions, optional
// weight quantization and fake-quantized 8-bit activations).

#include "quantscope/autodiff/autodiff.h"
#include "quantscope/lidar/box3d.h"
#include "quantscope/lidar/point_cloud.h"
#include "quantscope/quant/quant_settings.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qs {

struct PillarDetectorConfig {
    float xMin = 0.0f, xMax = 69.12f;    ///< KITTI's front field of view range (OpenPCDet)
    float yMin = -39.68f, yMax = 39.68f;
    float zMin = -3.0f, zMax = 1.0f;
    float pillarSize = 0.32f;            ///< BEV cell (m); the head works at twice this
    int maxPointsPerPillar = 32;
    int pillarChannels = 16;
    int backboneChannels = 32;
    int backboneBlocks = 3;              ///< stride-2 conv blocks after the downsampling one
    std::vector<std::string> classes{"Car", "Pedestrian", "Cyclist"};

    int gridW() const;  ///< cells along x
    int gridH() const;  ///< cells along y
    int headW() const { return (gridW() + 1) / 2; }
    int headH() const { return (gridH() + 1) / 2; }
    float headCell() const { return 2.0f * pillarSize; }
    /// Throws InvalidArgument naming the bad field.
    void validate() const;
    /// Serialized into the safetensors metadata ("pillar_detector_config").
    std::string toJson() const;
    static PillarDetectorConfig fromJson(const std::string& json);
};

/// Regression channels of the head, in order.
inline constexpr int kPillarRegChannels = 8;  // x_off, y_off, z, log dx, log dy, log dz, sin 2h, cos 2h
inline constexpr int kPillarPointFeatures = 9;

/// A point cloud turned into pillars (what the encoder consumes). For a batch the pillar cells
/// are flat indices n * H * W + y * W + x.
struct PillarBatch {
    int batch = 0;
    std::vector<float> features;          ///< [points, 9]
    std::vector<std::int32_t> pointPillar;  ///< pillar of each point
    std::vector<std::int32_t> pillarCell;   ///< BEV cell of each pillar
    std::int64_t points() const { return static_cast<std::int64_t>(pointPillar.size()); }
    std::int64_t pillars() const { return static_cast<std::int64_t>(pillarCell.size()); }
};

/// Pillarizes clouds (points outside the range are dropped, at most maxPointsPerPillar per
/// pillar in cloud order). Deterministic.
PillarBatch makePillars(const PillarDetectorConfig& cfg, const std::vector<const PointCloud*>& clouds);

/// Raw head outputs: heatmap logits [N, classes, Hh, Wh], regression [N, 8, Hh, Wh].
struct HeadOutputs {
    ad::Var heatmap;
    ad::Var regression;
};

struct DecodeSettings {
    float scoreThreshold = 0.1f;
    int maxPerClass = 50;
    float nmsIou = 0.1f;  ///< class-wise BEV NMS after the local maxima; <= 0 disables
};

/// Heads -> boxes for image `n` of the batch (score = sigmoid of the heatmap logit).
std::vector<Box3D> decodeDetections(const PillarDetectorConfig& cfg, const HeadOutputs& out, int n,
                                    const DecodeSettings& settings = {});

/// The trainable network.
class PillarDetector {
public:
    /// Random initialization (Kaiming-uniform like PyTorch, heatmap bias -2.19).
    PillarDetector(PillarDetectorConfig cfg, std::uint64_t seed);
    /// Loads weights written by save(). Throws IoError, FormatError (missing or mis-sized
    /// tensor), InvalidArgument (bad config).
    static PillarDetector load(const std::filesystem::path& path);
    /// Writes every parameter and running statistic as F32 safetensors, the config and
    /// `metadata` in __metadata__. Throws IoError.
    void save(const std::filesystem::path& path, const std::map<std::string, std::string>& metadata = {}) const;

    const PillarDetectorConfig& config() const noexcept { return m_cfg; }
    std::vector<ad::Var> parameters() const;
    std::int64_t parameterCount() const;

    /// Forward pass; `train` selects batch statistics (and updates running statistics).
    HeadOutputs forward(const PillarBatch& batch, bool train);

    /// Named tensors (parameters and BN running statistics) in a fixed order.
    struct Tensor {
        std::string name;
        ad::Shape shape;
        std::vector<float>* values;
    };
    std::vector<Tensor> namedTensors();

private:
    struct Conv {
        ad::Var weight, bias;  // bias only for the output convolutions
        ad::Var gamma, beta;   // BN (invalid for output convolutions)
        ad::BatchNormState bn;
        int stride = 1, padding = 1;
    };
    PillarDetectorConfig m_cfg;
    Conv m_pfn;  // linear 9 -> C (weight [C, 9]) + BN
    std::vector<Conv> m_convs;  // backbone and the shared head conv
    Conv m_heat, m_reg;

    friend class DetectorRuntime;
};

/// How to run: FP32, or weights quantized with core's quantizer and/or activations fake
/// quantized per tensor (asymmetric, max-min calibrated) at the input of every conv/linear.
struct RuntimeQuantization {
    std::optional<QuantSettings> weights;  ///< none: FP32 weights
    int activationBits = 0;               ///< 0: FP32 activations; else 2..16
};

/// Per-layer activation range found by calibration.
struct ActivationRange {
    std::string layer;
    float lo = 0.0f, hi = 0.0f;
};

/// The inference path: batch norm folded into the preceding layer, weights optionally
/// quantized, activations optionally fake quantized. Deterministic, TBB-parallel.
class DetectorRuntime {
public:
    explicit DetectorRuntime(const PillarDetector& model);
    const PillarDetectorConfig& config() const noexcept { return m_cfg; }

    /// Quantizes every folded weight (rows = output channels, conv kernels flattened to
    /// [O, C*k*k]); biases stay FP32. Returns the mean bits per weight.
    double quantizeWeights(const QuantSettings& settings);
    /// Runs `clouds` through the model and records each layer input's min and max, then turns
    /// on fake quantization with `bits`. Throws InvalidArgument when clouds is empty.
    void calibrateActivations(const std::vector<const PointCloud*>& clouds, int bits);
    const std::vector<ActivationRange>& activationRanges() const noexcept { return m_ranges; }

    HeadOutputs run(const PointCloud& cloud) const;
    std::vector<Box3D> detect(const PointCloud& cloud, const DecodeSettings& settings = {}) const;
    /// Layer names and folded weight shapes (for reports).
    std::vector<std::pair<std::string, ad::Shape>> layers() const;

private:
    struct Layer {
        std::string name;
        ad::Var weight, bias;
        int stride = 1, padding = 0;
        bool relu = true;
    };
    HeadOutputs runLayers(const PillarBatch& batch, std::vector<ActivationRange>* observe) const;

    PillarDetectorConfig m_cfg;
    Layer m_pfn;
    std::vector<Layer> m_convs;
    Layer m_heat, m_reg;
    std::vector<ActivationRange> m_ranges;
    int m_actBits = 0;
};

/// Convenience for CLI and viewer: load, optionally quantize (calibrating on `calibration`),
/// detect.
DetectorRuntime makeRuntime(const std::filesystem::path& model, const RuntimeQuantization& q,
                            const std::vector<const PointCloud*>& calibration);

/// Writes detections in the pred_velo format lidar-eval reads: `x y z dx dy dz yaw class score`
/// per line (class index into predVeloClassNames()). Throws IoError.
void writePredVelo(const std::filesystem::path& path, const std::vector<Box3D>& boxes);

}  // namespace qs
