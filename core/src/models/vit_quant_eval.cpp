// Accuracy of the original ViT and of its fake-quantized variant: weights go through the
// quantization API (quantizeMatrix(..).dequantize()), activations optionally through k-bit
// per-tensor min-max fake quantization at the input of every weight slot.

#include "quantscope/error.h"
#include "quantscope/models/vit_eval.h"
#include "quantscope/quant/quantize.h"

namespace qs {

namespace {

bool quantizes(const VitModel::WeightSlot& slot, const VitEvalSettings& s)
{
    if (slot.role == "patch_embed") return s.quantizePatchEmbed;
    if (slot.role == "head") return s.quantizeHead;
    return true;
}

Accuracy score(const std::vector<int>& pred, const std::vector<int>& labels)
{
    Accuracy a;
    a.total = static_cast<std::int64_t>(pred.size());
    for (std::size_t i = 0; i < pred.size(); ++i) a.correct += pred[i] == labels[i] ? 1 : 0;
    return a;
}

}  // namespace

VitModel quantizeVitWeights(const VitModel& model, const VitEvalSettings& s, double* bitsPerWeight,
                            std::int64_t* weights, const ProgressFn& progress)
{
    VitModel out = model;
    if (!s.weightQuant) {
        if (bitsPerWeight) *bitsPerWeight = 32.0;
        if (weights) *weights = 0;
        return out;
    }
    validate(*s.weightQuant);
    const auto& slots = model.weightSlots();
    double bits = 0.0;
    std::int64_t count = 0;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        if (progress && !progress(double(i) / double(slots.size()), "quantizing weights")) throw Cancelled();
        if (!quantizes(slots[i], s)) continue;
        // Matrices are quantized one after the other; quantizeMatrix parallelises over rows.
        const auto q = quantizeMatrix(model.weight(i), *s.weightQuant);
        bits += q.bitsPerWeight() * double(q.rows * q.cols);
        count += q.rows * q.cols;
        out.setWeight(i, q.dequantize());
    }
    if (bitsPerWeight) *bitsPerWeight = count ? bits / double(count) : 32.0;
    if (weights) *weights = count;
    return out;
}

VitEvalResult evaluateVit(const VitModel& model, const ImageDataset& data, const VitEvalSettings& s,
                          const ProgressFn& progress)
{
    if (!data.labeled()) throw InvalidArgument("accuracy needs labelled images");
    if (data.labels.size() != data.size()) throw InvalidArgument("image and label counts differ");
    if (s.actBits != 0 && (s.actBits < 2 || s.actBits > 16))
        throw InvalidArgument("act-bits must be 2..16 (or 0)");
    // Progress: fp pass, then quantization, then the quantized pass, as fractions of one bar.
    const bool quantized = s.weightQuant.has_value() || s.actBits > 0;
    const int stages = (s.evaluateFp ? 1 : 0) + (quantized ? 2 : 0);
    int stage = 0;
    auto sub = [&](int at) -> ProgressFn {
        if (!progress) return {};
        return [&progress, at, stages](double f, std::string_view label) {
            return progress((double(at) + f) / double(stages), label);
        };
    };

    VitEvalResult r;
    if (s.evaluateFp) {
        r.fpPredictions = predictAll(model, data, nullptr, s.threads, sub(stage++));
        r.fp = score(r.fpPredictions, data.labels);
    }
    if (!quantized) return r;

    const VitModel q = quantizeVitWeights(model, s, &r.bitsPerWeight, &r.quantizedWeights, sub(stage++));
    ActivationQuant act;
    if (s.actBits > 0) {
        act.bits = s.actBits;
        // Ranges come from the quantized-weight model, the one whose inputs will be quantized.
        act.ranges = calibrateActivations(q, data, std::max<std::size_t>(1, s.actCalibImages), s.threads);
    }
    r.quantPredictions = predictAll(q, data, s.actBits > 0 ? &act : nullptr, s.threads, sub(stage++));
    r.quantized = score(r.quantPredictions, data.labels);
    return r;
}

}  // namespace qs
