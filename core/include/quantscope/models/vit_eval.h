#pragma once
// Top-1 accuracy of a ViT on labelled images, for the original model and for a fake-quantized
// variant (weights through qs::quantizeMatrix, optionally k-bit activations).

#include "quantscope/models/image_dataset.h"
#include "quantscope/models/vit_model.h"
#include "quantscope/progress.h"
#include "quantscope/quant/quant_settings.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qs {

struct VitEvalSettings {
    /// Weight-only fake quantization of every weight slot (patch kernel, linear layers,
    /// classifier) unless excluded below; unset = no weight quantization.
    std::optional<QuantSettings> weightQuant;
    bool quantizePatchEmbed = true;
    bool quantizeHead = true;
    /// Activation fake quantization at the input of every weight slot: asymmetric per-tensor
    /// min-max, ranges calibrated on the first `actCalibImages` images; 0 = off.
    int actBits = 0;
    std::size_t actCalibImages = 128;
    bool evaluateFp = true;  ///< false: only the quantized variant
    int threads = 0;         ///< 0 = all cores
};

struct Accuracy {
    std::int64_t correct = 0;
    std::int64_t total = 0;
    double top1() const noexcept { return total ? double(correct) / double(total) : 0.0; }
};

struct VitEvalResult {
    std::optional<Accuracy> fp;
    std::optional<Accuracy> quantized;  ///< set when weights or activations were quantized
    /// Effective bits per weight over the quantized matrices (METHODS.md §4), 32 when none.
    double bitsPerWeight = 32.0;
    std::int64_t quantizedWeights = 0;  ///< elements of the quantized matrices
    std::vector<int> fpPredictions;     ///< per image (when fp evaluated)
    std::vector<int> quantPredictions;  ///< per image (when quantized)
};

/// Predicted class of every image. Parallel over images (TBB); identical at any thread count.
/// Throws Cancelled when `progress` returns false.
std::vector<int> predictAll(const VitModel& model, const ImageDataset& data, const ActivationQuant* actQuant,
                            int threads = 0, const ProgressFn& progress = {});

/// Per-slot input ranges over the first `images` images (min/max, order-independent).
std::vector<ActivationRange> calibrateActivations(const VitModel& model, const ImageDataset& data,
                                                  std::size_t images, int threads = 0);

/// Returns a copy of `model` whose weights went through quantizeMatrix(..).dequantize();
/// `bitsPerWeight`/`weights` receive the weighted bpw and the element count.
VitModel quantizeVitWeights(const VitModel& model, const VitEvalSettings& s, double* bitsPerWeight = nullptr,
                            std::int64_t* weights = nullptr, const ProgressFn& progress = {});

/// The whole evaluation. `data` must be labelled. Throws InvalidArgument, Cancelled.
VitEvalResult evaluateVit(const VitModel& model, const ImageDataset& data, const VitEvalSettings& s,
                          const ProgressFn& progress = {});

}  // namespace qs
