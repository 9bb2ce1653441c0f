#pragma once
// A vision-transformer runtime built from a checkpoint's tensors and a small architecture
// description (ARCH.json, docs/vit-arch.md): patch embedding by convolution, optional class
// token, learned position embedding, pre- or post-norm blocks with multi-head attention (fused
// qkv or separate q/k/v, optionally preceded by extra q/k/v projections), GELU or ReLU MLP,
// LayerNorm, classifier on the class token or on the mean of the patch tokens.

#include "quantscope/models/image_dataset.h"
#include "quantscope/tensor/matrix.h"

#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace qs {

class Checkpoint;

enum class NormPlacement : std::uint8_t { Pre, Post };
enum class VitActivation : std::uint8_t { Gelu, GeluTanh, Relu };
enum class VitPooling : std::uint8_t { Cls, Mean };

/// Everything ARCH.json says. Shapes (embedding width, MLP width, classes, channels, token
/// count) come from the tensors themselves and are checked against these fields.
struct VitArch {
    std::string name;
    ImagePreprocess input;  ///< image size, channels, mean/std, resize
    int patchSize = 16;
    int heads = 0;
    int layers = 0;  ///< 0: count blocks from the tensors (norm1 of block 0, 1, ... until absent)
    NormPlacement norm = NormPlacement::Pre;
    double layerNormEps = 1e-6;
    VitActivation activation = VitActivation::Gelu;
    VitPooling pooling = VitPooling::Cls;
    /// Role -> tensor name; block roles contain "{i}" (the block index). See vitTensorRoles().
    std::map<std::string, std::string> tensors;
};

/// A role ARCH.json may map, whether it is per block, and whether it must be present.
struct VitTensorRole {
    std::string_view name;
    bool perBlock;
    bool required;
    std::string_view meaning;
};
const std::vector<VitTensorRole>& vitTensorRoles();

/// Parses ARCH.json text; `source` names it in errors. Throws FormatError (field = JSON key).
VitArch parseVitArch(std::string_view json, const std::string& source);
/// Reads and parses ARCH.json. Throws IoError, FormatError.
VitArch readVitArch(const std::filesystem::path& path);

/// Per-tensor min/max of one activation site.
struct ActivationRange {
    float lo = 0.0f;
    float hi = 0.0f;
};

/// 8-bit (or k-bit) asymmetric per-tensor fake quantization of the input of every weight slot
/// (every linear layer, the patch-embedding convolution's pixels and the classifier's input).
struct ActivationQuant {
    int bits = 8;
    std::vector<ActivationRange> ranges;  ///< one per weight slot (VitModel::weightSlots())
};

class VitModel {
public:
    /// Reads every tensor the description names and checks all shapes. Throws InvalidArgument
    /// naming the role and tensor-name pattern that is missing or has the wrong shape.
    VitModel(const Checkpoint& checkpoint, const VitArch& arch);
    VitModel(const VitModel& other);
    VitModel& operator=(const VitModel& other);
    VitModel(VitModel&&) noexcept;
    VitModel& operator=(VitModel&&) noexcept;
    ~VitModel();

    const VitArch& arch() const noexcept;
    int embedDim() const noexcept;
    int mlpDim() const noexcept;
    int layers() const noexcept;
    int numClasses() const noexcept;
    int tokens() const noexcept;  ///< patches (+1 with a class token)
    /// The preprocessing the model expects (arch.input with the channels of the patch kernel).
    const ImagePreprocess& preprocess() const noexcept;

    /// A weight matrix quantization may replace: the patch-embedding kernel (viewed as
    /// [out, in·kh·kw]), every linear layer, the classifier. Activation site i is the input of slot i.
    struct WeightSlot {
        std::string tensorName;
        std::string role;  ///< "patch_embed", "pre_q", "qkv", "q", "attn_out", "fc1", "head", ...
        int layer = -1;    ///< block index, -1 outside the blocks
    };
    const std::vector<WeightSlot>& weightSlots() const noexcept;
    const Matrix& weight(std::size_t slot) const;
    /// Replaces slot's matrix (same shape, else InvalidArgument).
    void setWeight(std::size_t slot, Matrix w);

    /// Logits for one preprocessed image [channels, height, width]. With `actQuant`, the input
    /// of every slot is fake-quantized; with `observe` (weightSlots().size() entries), the
    /// min/max of every slot's input (before fake quantization) widens the given ranges.
    /// Thread-safe (const). Throws InvalidArgument when the input has the wrong size.
    std::vector<float> forward(std::span<const float> image, const ActivationQuant* actQuant = nullptr,
                               std::vector<ActivationRange>* observe = nullptr) const;

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

/// Index of the largest logit (the first on ties).
int argmax(std::span<const float> logits) noexcept;

}  // namespace qs
