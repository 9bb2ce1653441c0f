#include "quantscope/models/llama_loader.h"

#include "quantscope/error.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <fstream>
#include <sstream>

namespace qs {

namespace {

// Meta suffix (after "layers.N.") -> Hugging Face suffix (after "model.layers.N.").
constexpr std::pair<std::string_view, std::string_view> kLayerNames[] = {
    {"attention_norm.weight", "input_layernorm.weight"},
    {"attention.wq.weight", "self_attn.q_proj.weight"},
    {"attention.wk.weight", "self_attn.k_proj.weight"},
    {"attention.wv.weight", "self_attn.v_proj.weight"},
    {"attention.wo.weight", "self_attn.o_proj.weight"},
    {"ffn_norm.weight", "post_attention_layernorm.weight"},
    {"feed_forward.w1.weight", "mlp.gate_proj.weight"},
    {"feed_forward.w2.weight", "mlp.down_proj.weight"},
    {"feed_forward.w3.weight", "mlp.up_proj.weight"},
};
constexpr std::pair<std::string_view, std::string_view> kGlobalNames[] = {
    {"tok_embeddings.weight", "model.embed_tokens.weight"},
    {"norm.weight", "model.norm.weight"},
    {"output.weight", "lm_head.weight"},
};

std::string readText(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    if (!in) throw IoError("cannot open " + p.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

int metadataInt(const Checkpoint& ckpt, const std::string& key)
{
    const std::string& v = ckpt.metadata().at(key);
    int out = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || end != v.data() + v.size())
        throw FormatError(ckpt.path().string(), key, 0, "metadata value '" + v + "' is not an integer");
    return out;
}

bool isWeightOf(const Checkpoint& ckpt, const std::string& name) { return ckpt.find(name).has_value(); }

const TensorInfo& tensorInfo(const Checkpoint& ckpt, const std::string& name)
{
    const auto i = ckpt.find(name);
    if (!i) throw FormatError(ckpt.path().string(), name, 0, "tensor is missing");
    return ckpt.tensors()[*i];
}

// Sizes the tensor shapes determine by themselves; heads and seq_len must come from a config.
void inferShapes(const Checkpoint& ckpt, LlamaNaming naming, LlamaConfig& c)
{
    const auto& emb = tensorInfo(ckpt, llamaTensorName("tok_embeddings.weight", naming));
    c.vocabSize = static_cast<int>(emb.rows());
    c.dim = static_cast<int>(emb.cols());
    c.hiddenDim = static_cast<int>(tensorInfo(ckpt, llamaTensorName("layers.0.feed_forward.w1.weight", naming)).rows());
    c.layers = 0;
    while (isWeightOf(ckpt, llamaTensorName("layers." + std::to_string(c.layers) + ".attention.wq.weight", naming)))
        ++c.layers;
    c.sharedClassifier = !isWeightOf(ckpt, llamaTensorName("output.weight", naming));
}

// Every slot must exist with the shape the config implies: catches a wrong config early, with
// the tensor's name, instead of a failure deep inside the model.
void checkTensors(const Checkpoint& ckpt, const LlamaCheckpointInfo& info)
{
    for (const auto& slot : llamaWeightSlots(info.config)) {
        const auto name = llamaTensorName(slot.name, info.naming);
        const auto& t = tensorInfo(ckpt, name);
        const bool ok = slot.rows == 1 ? t.numel() == slot.cols : (t.rows() == slot.rows && t.cols() == slot.cols);
        if (!ok)
            throw FormatError(ckpt.path().string(), name, 0,
                              "shape does not match the config (" + info.configSource + "): expected [" +
                                  std::to_string(slot.rows) + ", " + std::to_string(slot.cols) + "]");
    }
}

template <typename T>
T jsonField(const nlohmann::json& j, const char* key, const std::string& file, std::optional<T> fallback = std::nullopt)
{
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        if (fallback) return *fallback;
        throw FormatError(file, key, 0, "required key is missing");
    }
    try {
        return it->get<T>();
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(file, key, 0, std::string("wrong type: ") + e.what());
    }
}

}  // namespace

LlamaConfig parseHfLlamaConfig(const std::string& jsonText, const std::string& fileName)
{
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(jsonText);
    } catch (const nlohmann::json::parse_error& e) {
        throw FormatError(fileName, "json", e.byte, e.what());
    }
    if (!j.is_object()) throw FormatError(fileName, "json", 0, "top level is not an object");
    const auto type = jsonField<std::string>(j, "model_type", fileName, std::string("llama"));
    if (type != "llama" && type != "mistral")
        throw UnsupportedError(fileName + ": model_type '" + type + "' is not a LLaMA-family model");
    if (j.contains("rope_scaling") && !j["rope_scaling"].is_null())
        throw UnsupportedError(fileName + ": rope_scaling is not supported");
    if (jsonField<bool>(j, "attention_bias", fileName, false) || jsonField<bool>(j, "mlp_bias", fileName, false))
        throw UnsupportedError(fileName + ": attention or MLP biases are not supported");
    LlamaConfig c;
    c.dim = jsonField<int>(j, "hidden_size", fileName);
    c.hiddenDim = jsonField<int>(j, "intermediate_size", fileName);
    c.layers = jsonField<int>(j, "num_hidden_layers", fileName);
    c.heads = jsonField<int>(j, "num_attention_heads", fileName);
    c.kvHeads = jsonField<int>(j, "num_key_value_heads", fileName, c.heads);
    c.vocabSize = jsonField<int>(j, "vocab_size", fileName);
    c.seqLen = jsonField<int>(j, "max_position_embeddings", fileName, 2048);
    c.normEps = jsonField<float>(j, "rms_norm_eps", fileName, 1e-6f);
    c.ropeTheta = jsonField<float>(j, "rope_theta", fileName, 10000.0f);
    c.sharedClassifier = jsonField<bool>(j, "tie_word_embeddings", fileName, false);
    c.rope = RopeStyle::HalfSplit;
    if (c.heads > 0 && jsonField<int>(j, "head_dim", fileName, c.dim / c.heads) * c.heads != c.dim)
        throw UnsupportedError(fileName + ": head_dim * num_attention_heads != hidden_size is not supported");
    try {
        validate(c);
    } catch (const InvalidArgument& e) {
        throw FormatError(fileName, "config", 0, e.what());
    }
    return c;
}

std::string llamaTensorName(const std::string& metaName, LlamaNaming naming)
{
    if (naming == LlamaNaming::Meta) return metaName;
    for (const auto& [meta, hf] : kGlobalNames)
        if (metaName == meta) return std::string(hf);
    if (metaName.rfind("layers.", 0) == 0) {
        const auto dot = metaName.find('.', 7);
        if (dot != std::string::npos) {
            const std::string_view suffix = std::string_view(metaName).substr(dot + 1);
            for (const auto& [meta, hf] : kLayerNames)
                if (suffix == meta) return "model." + metaName.substr(0, dot + 1) + std::string(hf);
        }
    }
    return metaName;
}

std::optional<std::pair<std::size_t, LlamaNaming>> findLlamaTensor(const Checkpoint& ckpt, const std::string& metaName,
                                                                   LlamaNaming preferred)
{
    const LlamaNaming other = preferred == LlamaNaming::Meta ? LlamaNaming::HuggingFace : LlamaNaming::Meta;
    for (const LlamaNaming n : {preferred, other})
        if (const auto i = ckpt.find(llamaTensorName(metaName, n))) return std::pair{*i, n};
    return std::nullopt;
}

Matrix permuteRopeRows(const Matrix& w, int heads, LlamaNaming from, LlamaNaming to)
{
    if (from == to) return w;
    if (heads <= 0 || w.rows % heads != 0 || (w.rows / heads) % 2 != 0)
        throw InvalidArgument("cannot permute RoPE rows: " + std::to_string(w.rows) + " rows for " +
                              std::to_string(heads) + " heads");
    const std::int64_t hs = w.rows / heads, half = hs / 2;
    Matrix out(w.rows, w.cols);
    // Hugging Face row h*hs + a*half + i holds Meta row h*hs + 2i + a.
    for (std::int64_t h = 0; h < heads; ++h)
        for (std::int64_t a = 0; a < 2; ++a)
            for (std::int64_t i = 0; i < half; ++i) {
                const std::int64_t hf = h * hs + a * half + i, meta = h * hs + 2 * i + a;
                const auto src = w.row(from == LlamaNaming::Meta ? meta : hf);
                std::copy(src.begin(), src.end(), out.row(from == LlamaNaming::Meta ? hf : meta).begin());
            }
    return out;
}

LlamaCheckpointInfo inspectLlamaCheckpoint(const Checkpoint& ckpt, const std::filesystem::path& configJson)
{
    LlamaCheckpointInfo info;
    const bool meta = isWeightOf(ckpt, "tok_embeddings.weight");
    const bool hf = isWeightOf(ckpt, "model.embed_tokens.weight");
    if (!meta && !hf)
        throw UnsupportedError(ckpt.path().string() +
                               ": not a LLaMA-family checkpoint (no tok_embeddings.weight or model.embed_tokens.weight)");
    info.naming = meta ? LlamaNaming::Meta : LlamaNaming::HuggingFace;
    LlamaConfig& c = info.config;
    const auto& md = ckpt.metadata();
    const std::filesystem::path json =
        !configJson.empty() ? configJson : ckpt.path().parent_path() / "config.json";
    if (meta && md.count("n_heads") && md.count("n_kv_heads") && md.count("seq_len")) {
        // llama2.c header (or an export that kept its metadata). llama2.c uses the interleaved
        // RoPE and run.c's eps.
        inferShapes(ckpt, info.naming, c);
        c.heads = metadataInt(ckpt, "n_heads");
        c.kvHeads = metadataInt(ckpt, "n_kv_heads");
        c.seqLen = metadataInt(ckpt, "seq_len");
        c.rope = RopeStyle::Interleaved;
        c.normEps = 1e-5f;
        info.configSource = "checkpoint metadata";
    } else if (std::filesystem::exists(json)) {
        c = parseHfLlamaConfig(readText(json), json.string());
        // A file without lm_head is tied whatever the config says.
        if (!isWeightOf(ckpt, llamaTensorName("output.weight", info.naming))) c.sharedClassifier = true;
        if (meta) c.rope = RopeStyle::Interleaved;
        info.configSource = json.string();
    } else {
        throw UnsupportedError(ckpt.path().string() + ": no LLaMA config (llama2.c metadata or " + json.string() + ")");
    }
    try {
        validate(c);
    } catch (const InvalidArgument& e) {
        throw FormatError(ckpt.path().string(), "config", 0, e.what());
    }
    checkTensors(ckpt, info);
    return info;
}

Matrix readLlamaWeight(const Checkpoint& ckpt, const LlamaCheckpointInfo& info, const LlamaWeightSlot& slot)
{
    const auto name = llamaTensorName(slot.name, info.naming);
    const auto i = ckpt.find(name);
    if (!i) throw FormatError(ckpt.path().string(), name, 0, "tensor is missing");
    return ckpt.readMatrix(*i);
}

LlamaModel loadLlamaModel(const Checkpoint& ckpt, const LlamaCheckpointInfo& info)
{
    return LlamaModel(info.config, [&](const LlamaWeightSlot& slot) { return readLlamaWeight(ckpt, info, slot); });
}

}  // namespace qs
