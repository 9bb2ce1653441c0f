// ARCH.json: the small description that, with a checkpoint's tensor names and shapes, defines a
// ViT. Format documented in docs/vit-arch.md.

#include "quantscope/error.h"
#include "quantscope/models/vit_model.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include <fstream>
#include <sstream>

namespace qs {

const std::vector<VitTensorRole>& vitTensorRoles()
{
    static const std::vector<VitTensorRole> roles = {
        {"patch_embed.weight", false, true, "patch-embedding convolution [D, C, P, P]"},
        {"patch_embed.bias", false, false, "its bias [D]"},
        {"cls_token", false, false, "class token [1, 1, D] (required for pooling \"cls\")"},
        {"pos_embed", false, true, "learned position embedding [1, T, D]"},
        {"norm1.weight", true, true, "LayerNorm before (pre) or after (post) attention"},
        {"norm1.bias", true, false, ""},
        {"pre_q.weight", true, false, "extra query projection applied before the attention's own"},
        {"pre_q.bias", true, false, ""},
        {"pre_k.weight", true, false, "extra key projection"},
        {"pre_k.bias", true, false, ""},
        {"pre_v.weight", true, false, "extra value projection"},
        {"pre_v.bias", true, false, ""},
        {"qkv.weight", true, false, "fused q/k/v projection [3D, D] (or q/k/v separately)"},
        {"qkv.bias", true, false, ""},
        {"q.weight", true, false, "query projection [D, D]"},
        {"q.bias", true, false, ""},
        {"k.weight", true, false, "key projection"},
        {"k.bias", true, false, ""},
        {"v.weight", true, false, "value projection"},
        {"v.bias", true, false, ""},
        {"attn_out.weight", true, true, "attention output projection [D, D]"},
        {"attn_out.bias", true, false, ""},
        {"ls1", true, false, "layer scale of the attention branch [D]"},
        {"norm2.weight", true, true, "LayerNorm around the MLP (may name the same tensor as norm1)"},
        {"norm2.bias", true, false, ""},
        {"fc1.weight", true, true, "MLP expansion [M, D]"},
        {"fc1.bias", true, false, ""},
        {"fc2.weight", true, true, "MLP projection [D, M]"},
        {"fc2.bias", true, false, ""},
        {"ls2", true, false, "layer scale of the MLP branch [D]"},
        {"final_norm.weight", false, false, "LayerNorm over all tokens after the last block"},
        {"final_norm.bias", false, false, ""},
        {"pool_norm.weight", false, false, "LayerNorm after pooling (timm fc_norm)"},
        {"pool_norm.bias", false, false, ""},
        {"head.weight", false, true, "classifier [classes, D]"},
        {"head.bias", false, false, ""},
    };
    return roles;
}

namespace {

using nlohmann::json;

template <typename Enum>
Enum pickEnum(const json& j, const char* key, Enum dflt,
              std::initializer_list<std::pair<const char*, Enum>> names, const std::string& source)
{
    if (!j.contains(key)) return dflt;
    if (!j[key].is_string()) throw FormatError(source, key, 0, "must be a string");
    const auto s = j[key].get<std::string>();
    std::string allowed;
    for (const auto& [n, v] : names) {
        if (s == n) return v;
        allowed += allowed.empty() ? n : std::string(", ") + n;
    }
    throw FormatError(source, key, 0, "\"" + s + "\" is not one of " + allowed);
}

int pickInt(const json& j, const char* key, int dflt, int lo, int hi, const std::string& source)
{
    if (!j.contains(key)) return dflt;
    if (!j[key].is_number_integer()) throw FormatError(source, key, 0, "must be an integer");
    const auto v = j[key].get<long long>();
    if (v < lo || v > hi)
        throw FormatError(
            source, key, 0,
            std::to_string(v) + " is outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return static_cast<int>(v);
}

std::vector<float> pickFloats(const json& j, const char* key, const std::string& source)
{
    if (!j.contains(key)) return {};
    const auto& v = j[key];
    if (v.is_number()) return {v.get<float>()};
    if (!v.is_array() || v.empty())
        throw FormatError(source, key, 0, "must be a number or a non-empty array");
    std::vector<float> out;
    for (const auto& x : v) {
        if (!x.is_number()) throw FormatError(source, key, 0, "must hold numbers");
        out.push_back(x.get<float>());
    }
    return out;
}

void parseImage(const json& img, VitArch& a, const std::string& source)
{
    if (!img.is_object()) throw FormatError(source, "image", 0, "must be an object");
    if (!img.contains("size")) throw FormatError(source, "image.size", 0, "is required");
    const auto& size = img["size"];
    if (size.is_number_integer()) {
        a.input.width = a.input.height = pickInt(img, "size", 0, 1, 8192, source);
    } else if (size.is_array() && size.size() == 2 && size[0].is_number_integer() &&
               size[1].is_number_integer()) {
        a.input.height = size[0].get<int>();
        a.input.width = size[1].get<int>();
        if (a.input.height < 1 || a.input.width < 1 || a.input.height > 8192 || a.input.width > 8192)
            throw FormatError(source, "image.size", 0, "must be between 1 and 8192");
    } else {
        throw FormatError(source, "image.size", 0, "must be an integer or [height, width]");
    }
    a.input.channels = pickInt(img, "channels", 0, 1, 3, source);  // 0: from the patch kernel
    if (a.input.channels == 2) throw FormatError(source, "image.channels", 0, "must be 1 or 3");
    a.input.mean = pickFloats(img, "mean", source);
    a.input.std = pickFloats(img, "std", source);
    for (float s : a.input.std)
        if (!(s > 0.0f)) throw FormatError(source, "image.std", 0, "must be positive");
    a.input.resizeShorter = pickInt(img, "resize_shorter", 0, 0, 8192, source);
    if (a.input.resizeShorter > 0 && a.input.resizeShorter < std::min(a.input.width, a.input.height))
        throw FormatError(source, "image.resize_shorter", 0,
                          "must be at least the image size (it is then centre-cropped)");
    a.input.resize = pickEnum(
        img, "resize", ImagePreprocess::Resize::Bilinear,
        {{"bilinear", ImagePreprocess::Resize::Bilinear}, {"nearest", ImagePreprocess::Resize::Nearest}},
        source);
}

void parseTensors(const json& t, VitArch& a, const std::string& source)
{
    if (!t.is_object()) throw FormatError(source, "tensors", 0, "must be an object of role: tensor name");
    const auto& roles = vitTensorRoles();
    for (const auto& item : t.items()) {
        const std::string& key = item.key();
        const auto& value = item.value();
        const auto role =
            std::find_if(roles.begin(), roles.end(), [&](const auto& r) { return r.name == key; });
        const std::string field = "tensors." + key;
        if (role == roles.end()) throw FormatError(source, field, 0, "unknown role (see docs/vit-arch.md)");
        if (!value.is_string() || value.get<std::string>().empty())
            throw FormatError(source, field, 0, "must be a tensor name");
        const auto pattern = value.get<std::string>();
        const bool hasIndex = pattern.find("{i}") != std::string::npos;
        if (role->perBlock && !hasIndex)
            throw FormatError(source, field, 0, "a block role needs \"{i}\" in its name");
        if (!role->perBlock && hasIndex)
            throw FormatError(source, field, 0, "only block roles may use \"{i}\"");
        a.tensors[key] = pattern;
    }
    for (const auto& r : roles)
        if (r.required && !a.tensors.count(std::string(r.name)))
            throw FormatError(source, "tensors." + std::string(r.name), 0, "is required");
    const bool fused = a.tensors.count("qkv.weight") > 0;
    const int separate =
        int(a.tensors.count("q.weight") + a.tensors.count("k.weight") + a.tensors.count("v.weight"));
    if (fused == (separate > 0) || (!fused && separate != 3))
        throw FormatError(source, "tensors.qkv.weight", 0, "give either qkv.weight or all of q/k/v.weight");
    const int pre = int(a.tensors.count("pre_q.weight") + a.tensors.count("pre_k.weight") +
                        a.tensors.count("pre_v.weight"));
    if (pre != 0 && pre != 3)
        throw FormatError(source, "tensors.pre_q.weight", 0, "give all of pre_q/pre_k/pre_v.weight or none");
}

}  // namespace

VitArch parseVitArch(std::string_view text, const std::string& source)
{
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        throw FormatError(source, "JSON", e.byte, e.what());
    }
    if (!j.is_object()) throw FormatError(source, "JSON", 0, "top level must be an object");
    if (j.contains("format") && j["format"] != "quantscope-vit-arch")
        throw FormatError(source, "format", 0, "must be \"quantscope-vit-arch\"");
    VitArch a;
    try {
        if (j.contains("version") && j["version"] != 1)
            throw UnsupportedError(source + ": ARCH.json version " + j["version"].dump() +
                                   " (only 1 is supported)");
        if (j.contains("name"))
            a.name = j["name"].is_string() ? j["name"].get<std::string>() : j["name"].dump();
        if (!j.contains("image")) throw FormatError(source, "image", 0, "is required");
        parseImage(j["image"], a, source);
        if (!j.contains("patch_size")) throw FormatError(source, "patch_size", 0, "is required");
        a.patchSize = pickInt(j, "patch_size", 16, 1, 1024, source);
        if (!j.contains("heads")) throw FormatError(source, "heads", 0, "is required");
        a.heads = pickInt(j, "heads", 1, 1, 4096, source);
        a.layers = pickInt(j, "layers", 0, 0, 4096, source);
        a.norm = pickEnum(j, "norm", NormPlacement::Pre,
                          {{"pre", NormPlacement::Pre}, {"post", NormPlacement::Post}}, source);
        if (j.contains("layer_norm_eps")) {
            if (!j["layer_norm_eps"].is_number() || !(j["layer_norm_eps"].get<double>() > 0.0))
                throw FormatError(source, "layer_norm_eps", 0, "must be a positive number");
            a.layerNormEps = j["layer_norm_eps"].get<double>();
        }
        a.activation = pickEnum(j, "activation", VitActivation::Gelu,
                                {{"gelu", VitActivation::Gelu},
                                 {"gelu_tanh", VitActivation::GeluTanh},
                                 {"relu", VitActivation::Relu}},
                                source);
        a.pooling = pickEnum(j, "pooling", VitPooling::Cls,
                             {{"cls", VitPooling::Cls}, {"mean", VitPooling::Mean}}, source);
        if (!j.contains("tensors")) throw FormatError(source, "tensors", 0, "is required");
        parseTensors(j["tensors"], a, source);
    } catch (const json::exception& e) {
        throw FormatError(source, "JSON", 0, e.what());
    }
    if (a.pooling == VitPooling::Cls && !a.tensors.count("cls_token"))
        throw FormatError(source, "tensors.cls_token", 0, "is required with pooling \"cls\"");
    return a;
}

VitArch readVitArch(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path.string() + ": cannot open for reading");
    std::ostringstream ss;
    ss << in.rdbuf();
    const auto text = ss.str();
    if (text.size() > (1u << 20)) throw FormatError(path.string(), "JSON", 0, "larger than 1 MiB");
    return parseVitArch(text, path.string());
}

}  // namespace qs
