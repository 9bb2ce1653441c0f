// GGUF export for llama-architecture models (llama2.c checkpoints): the metadata and tokenizer
// llama.cpp expects, weight matrices as F16, Q8_0 or Q4_0 blocks. Results the blocks hold as
// they are — nl4 at group 32 in IQ4_XS (core/src/tensor/ggml_iq4_xs.h), symmetric codes without
// outliers and one fp16 scale per 32 values in Q4_0 / Q8_0 (ggml_exact_pack.h) — are
// re-arranged, not re-quantized, and decode to Ŵ. Everything else (EasyQuant's fp16 outliers,
// a zero point, more bits than the block holds, groups that split blocks) is encoded from Ŵ by
// ggml's reference quantizers, i.e. rounded a second time; the error of what was written is
// reported either way.
//
// No Q/K permutation: llama.cpp's llama architecture rotates adjacent pairs (rope type NORM),
// which is the interleaved convention of Meta's and llama2.c's weights. (llama.cpp's HF
// converter permutes only to undo Hugging Face's own rotate-half permutation.)
#include "io/export/export_plan.h"
#include "io/export/gguf_writer.h"
#include "quantscope/error.h"
#include "quantscope/io/atomic_file.h"
#include "quantscope/models/llama_tokenizer.h"
#include "tensor/ggml_blocks.h"
#include "tensor/ggml_exact_pack.h"
#include "tensor/ggml_iq4_xs.h"

#include <cstring>
#include <optional>
#include <set>

namespace qs::exporting {

namespace {

int metaInt(const Checkpoint& ckpt, const char* key)
{
    const auto it = ckpt.metadata().find(key);
    if (it == ckpt.metadata().end())
        throw InvalidArgument("GGUF export: " + ckpt.path().string() + " has no '" + key +
                              "' (GGUF export supports llama2.c checkpoints)");
    return std::stoi(it->second);
}

/// llama2.c / Meta tensor names -> GGUF names.
std::string ggufName(const std::string& name)
{
    // "layers.<N>.<rest>" -> "blk.<N>.<gguf rest>". (No std::regex: GCC 12 -O1 reports false
    // maybe-uninitialized warnings inside <regex>.)
    static const std::vector<std::pair<std::string, std::string>> perLayer = {
        {"attention.wq.weight", "attn_q.weight"},     {"attention.wk.weight", "attn_k.weight"},
        {"attention.wv.weight", "attn_v.weight"},     {"attention.wo.weight", "attn_output.weight"},
        {"feed_forward.w1.weight", "ffn_gate.weight"}, {"feed_forward.w2.weight", "ffn_down.weight"},
        {"feed_forward.w3.weight", "ffn_up.weight"},   {"attention_norm.weight", "attn_norm.weight"},
        {"ffn_norm.weight", "ffn_norm.weight"}};
    if (name.rfind("layers.", 0) == 0) {
        const auto dot = name.find('.', 7);
        const auto layer = name.substr(7, dot == std::string::npos ? 0 : dot - 7);
        const bool numeric = !layer.empty() && layer.find_first_not_of("0123456789") == std::string::npos;
        if (numeric)
            for (const auto& [from, to] : perLayer)
                if (name.compare(dot + 1, std::string::npos, from) == 0) return "blk." + layer + "." + to;
    }
    if (name == "tok_embeddings.weight") return "token_embd.weight";
    if (name == "norm.weight") return "output_norm.weight";
    if (name == "output.weight") return "output.weight";
    throw InvalidArgument("GGUF export: no llama.cpp name for tensor " + name);
}

/// The nl4 group size at which nl4's sub-blocks are IQ4_XS's.
constexpr std::int64_t kIq4XsGroup = static_cast<std::int64_t>(ggml::iq4xs::kSubBlock);

/// The block type of a matrix that is not written as IQ4_XS: the requested type when its rows
/// are whole blocks, else F16.
DType requestedOrF16(const TensorInfo& info, DType requested, std::vector<std::string>& warnings)
{
    const auto block = traits(requested).blockElements;
    if (info.cols() % block != 0) {
        warnings.push_back(info.name + ": rows of " + std::to_string(info.cols()) + " are not a multiple of " +
                           std::to_string(block) + "; stored as F16 instead of " + std::string(dtypeName(requested)));
        return DType::F16;
    }
    return requested;
}

/// The GGUF type of a tensor: 1-D tensors (norms) stay F32; nl4 matrices at group 32 whose rows
/// are whole 256-value super-blocks are IQ4_XS, written without loss; other matrices take the
/// requested block type when their rows are whole blocks, else F16. `s` are the tensor's
/// effective settings (nullopt when the job leaves it unquantized).
DType chooseType(const TensorInfo& info, const std::optional<QuantSettings>& s, DType requested,
                 std::vector<std::string>& warnings)
{
    if (info.shape.size() < 2) return DType::F32;
    const bool nl4At32 = s && s->method == QuantMethod::Nl4 && s->groupSize == kIq4XsGroup;
    if (nl4At32 && info.cols() % static_cast<std::int64_t>(ggml::kQK_K) == 0) return DType::IQ4_XS;
    const DType type = requestedOrF16(info, requested, warnings);
    // nl4 may shorten a row's last super-block; IQ4_XS may not. Say why this one is not lossless.
    if (nl4At32)
        warnings.push_back(info.name + ": nl4 rows of " + std::to_string(info.cols()) +
                           " values are not whole 256-value super-blocks, which IQ4_XS needs; re-encoded as " +
                           std::string(dtypeName(type)));
    return type;
}

/// Encodes row-major values as `type`, returns the bytes and (via `decoded`) what they decode to.
std::vector<std::byte> encode(std::span<const float> values, DType type, std::vector<float>& decoded)
{
    const auto bytes = storageBytes(type, values.size()).value();
    std::vector<std::byte> out(bytes);
    decoded.resize(values.size());
    if (type == DType::F32) {
        std::memcpy(out.data(), values.data(), bytes);
    } else if (type == DType::F16) {
        for (std::size_t i = 0; i < values.size(); ++i) {
            const auto h = floatToHalf(values[i]);
            std::memcpy(out.data() + 2 * i, &h, 2);
        }
    } else {
        ggml::quantizeBlocks(type, values.data(), out.data(), values.size() / traits(type).blockElements);
    }
    decodeToFloat(type, out.data(), decoded.data(), decoded.size());
    return out;
}

std::filesystem::path findTokenizer(const Checkpoint& ckpt, const std::filesystem::path& given)
{
    if (!given.empty()) return given;
    const auto dir = ckpt.path().parent_path();
    for (const char* name : {"tokenizer.bin", "tok512.bin", "tok4096.bin", "tok32000.bin"})
        if (std::filesystem::exists(dir / name)) return dir / name;
    throw InvalidArgument("GGUF export needs the llama2.c tokenizer: pass it with --tokenizer (no tokenizer.bin next to " +
                          ckpt.path().string() + ")");
}

void addTokenizer(gguf::Writer& w, const LlamaTokenizer& tok)
{
    std::vector<std::string> tokens;
    std::vector<float> scores;
    std::vector<std::int32_t> types;
    for (int i = 0; i < tok.vocabSize(); ++i) {
        std::string piece = tok.piece(i);
        const bool isByte = piece.size() == 6 && piece.rfind("<0x", 0) == 0 && piece.back() == '>';
        std::int32_t type = 1;  // NORMAL
        if (i == 0) type = 2;   // UNKNOWN
        else if (i == LlamaTokenizer::kBos || i == LlamaTokenizer::kEos) type = 3;  // CONTROL
        else if (isByte) type = 6;  // BYTE
        if (type == 2 || type == 3) {  // llama2.c spells BOS/EOS "\n<s>\n" / "\n</s>\n" for printing
            const auto first = piece.find_first_not_of(" \n");
            const auto last = piece.find_last_not_of(" \n");
            piece = first == std::string::npos ? piece : piece.substr(first, last - first + 1);
        }
        if (type == 1) {  // llama2.c stores SentencePiece's U+2581 word marker as a space
            std::string spm;
            for (char c : piece) spm += c == ' ' ? std::string("\xE2\x96\x81") : std::string(1, c);
            piece = std::move(spm);
        }
        tokens.push_back(std::move(piece));
        scores.push_back(tok.score(i));
        types.push_back(type);
    }
    w.addString("tokenizer.ggml.model", "llama");
    w.addStringArray("tokenizer.ggml.tokens", tokens);
    w.addF32Array("tokenizer.ggml.scores", scores);
    w.addI32Array("tokenizer.ggml.token_type", types);
    w.addU32("tokenizer.ggml.bos_token_id", LlamaTokenizer::kBos);
    w.addU32("tokenizer.ggml.eos_token_id", LlamaTokenizer::kEos);
    w.addU32("tokenizer.ggml.unknown_token_id", 0);
}

std::uint32_t fileTypeOf(DType t)
{
    switch (t) {
    case DType::F16: return 1;
    case DType::Q4_0: return 2;
    case DType::Q8_0: return 7;
    case DType::IQ4_XS: return 30;  // LLAMA_FTYPE_MOSTLY_IQ4_XS
    default: return 0;
    }
}

/// general.file_type names what most weights are stored as: IQ4_XS when the lossless nl4
/// tensors hold more weights than those of the requested type, else the requested type.
std::uint32_t fileType(const Checkpoint& ckpt, const std::vector<DType>& types, DType requested)
{
    std::int64_t iq4xs = 0, other = 0;
    for (std::size_t i = 0; i < types.size(); ++i) {
        if (types[i] == DType::IQ4_XS) iq4xs += ckpt.tensors()[i].numel();
        if (types[i] == requested) other += ckpt.tensors()[i].numel();
    }
    return fileTypeOf(iq4xs > other ? DType::IQ4_XS : requested);
}

/// The bytes of a quantized tensor as `type`, and (via `decoded`) what they decode to: IQ4_XS
/// re-arranges nl4's codes and scales; Q4_0 and Q8_0 re-arrange uniform codes when they fit their
/// blocks exactly (ggml_exact_pack.h); everything else encodes the dequantized values.
std::vector<std::byte> encodeQuantized(const TensorOutcome& o, const QuantizedTensor& q, DType type,
                                       std::vector<float>& decoded, bool& exact)
{
    std::optional<std::vector<std::byte>> packed;
    if (type == DType::IQ4_XS) packed = ggml::packIq4Xs(q, o.name);
    if (type == DType::Q4_0 || type == DType::Q8_0) packed = ggml::packExactly(q, type);
    exact = packed.has_value();
    if (!packed) return encode(q.dequantize().values, type, decoded);
    decoded.resize(static_cast<std::size_t>(q.rows * q.cols));
    decodeToFloat(type, packed->data(), decoded.data(), decoded.size());
    return std::move(*packed);
}

/// The warnings that concern a whole export: outliers folded into blocks, and results whose
/// grid the written block type does not share (with the way to avoid it for nl4 and for the
/// uniform methods).
void addReencodingWarnings(const ExportOptions& options, const ModelQuantResult& quant, const std::vector<DType>& types,
                           const std::vector<WrittenTensorError>& written, std::int64_t foldedOutliers,
                           std::vector<std::string>& warnings)
{
    const std::string requested(dtypeName(options.ggufType));
    if (foldedOutliers > 0)
        warnings.push_back(std::to_string(foldedOutliers) + " full-precision outliers cannot be represented in " +
                           requested + " blocks: they were re-quantized with their block; see the written rel_err per tensor");
    int nl4Reencoded = 0;
    bool otherGroup = false;
    for (const auto& t : quant.tensors) {
        const DType type = types[t.index];
        if (!t.quantized || t.settings.method != QuantMethod::Nl4 || type == DType::IQ4_XS || type == DType::F16 ||
            type == DType::F32)
            continue;
        ++nl4Reencoded;
        otherGroup = otherGroup || t.settings.groupSize != kIq4XsGroup;
    }
    if (nl4Reencoded > 0)
        warnings.push_back("nl4's non-linear codebook and 6-bit sub-scales of " + std::to_string(nl4Reencoded) +
                           (nl4Reencoded == 1 ? " tensor" : " tensors") + " were re-encoded as " + requested +
                           ", whose grid differs" +
                           (otherGroup ? "; quantize with --group 32 to export nl4 losslessly as IQ4_XS (for "
                                         "matrices whose rows are a multiple of 256 values)"
                                       : ""));
    // Uniform results stored as Q4_0 / Q8_0 but not exactly (outliers, more bits than the blocks
    // hold, a zero point, ...): say how to get them written as they are. Counted from what was
    // written, not from the settings: a 4-bit result is exact in Q8_0 blocks, for one.
    std::set<std::string> nl4;  // their re-encodings are counted above
    for (const auto& t : quant.tensors)
        if (t.quantized && t.settings.method == QuantMethod::Nl4) nl4.insert(t.name);
    std::size_t uniformReencoded = 0;
    for (const auto& w : written)
        uniformReencoded += !w.exact && (w.storedAs == "Q4_0" || w.storedAs == "Q8_0") && !nl4.count(w.name);
    if (uniformReencoded > 0)
        warnings.push_back(std::to_string(uniformReencoded) + (uniformReencoded == 1 ? " tensor was" : " tensors were") +
                           " rounded a second time to fit " + requested + "; symmetric results of at most " +
                           (options.ggufType == DType::Q4_0 ? "4" : "8") +
                           " bits with no outliers (--sigma 0) and a scale per 32 values (per channel, or --group a "
                           "multiple of 32) are written exactly, as the q4_0 and q8_0 presets choose");
}

}  // namespace

ExportResult exportGguf(const Checkpoint& ckpt, const ModelQuantSettings& settings, const std::filesystem::path& out,
                        const ExportOptions& options, const ProgressFn& progress)
{
    if (options.ggufType != DType::F16 && options.ggufType != DType::Q8_0 && options.ggufType != DType::Q4_0)
        throw InvalidArgument("GGUF export writes F16, Q8_0 or Q4_0 weights, not " +
                              std::string(dtypeName(options.ggufType)));
    const int dim = metaInt(ckpt, "dim"), heads = metaInt(ckpt, "n_heads");
    const LlamaTokenizer tok(findTokenizer(ckpt, options.tokenizer));
    if (tok.vocabSize() != metaInt(ckpt, "vocab_size"))
        throw InvalidArgument("GGUF export: the tokenizer has " + std::to_string(tok.vocabSize()) +
                              " tokens but the model's vocabulary is " + std::to_string(metaInt(ckpt, "vocab_size")));

    ExportResult result;
    std::vector<DType> types;
    for (const auto& info : ckpt.tensors()) {
        std::string reason;
        types.push_back(chooseType(info, effectiveSettings(info, settings, reason), options.ggufType, result.warnings));
    }
    gguf::Writer w;
    w.addString("general.architecture", "llama");
    w.addString("general.name", ckpt.path().stem().string());
    w.addU32("general.quantization_version", 2);
    w.addU32("general.file_type", fileType(ckpt, types, options.ggufType));
    w.addU32("llama.context_length", static_cast<std::uint32_t>(metaInt(ckpt, "seq_len")));
    w.addU32("llama.embedding_length", static_cast<std::uint32_t>(dim));
    w.addU32("llama.block_count", static_cast<std::uint32_t>(metaInt(ckpt, "n_layers")));
    w.addU32("llama.feed_forward_length", static_cast<std::uint32_t>(metaInt(ckpt, "hidden_dim")));
    w.addU32("llama.rope.dimension_count", static_cast<std::uint32_t>(dim / heads));
    w.addU32("llama.attention.head_count", static_cast<std::uint32_t>(heads));
    w.addU32("llama.attention.head_count_kv", static_cast<std::uint32_t>(metaInt(ckpt, "n_kv_heads")));
    w.addF32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    w.addString("quantscope.method", std::string(methodName(settings.defaults.method)));
    w.addString("quantscope.config", configJson(settings));
    addTokenizer(w, tok);

    for (std::size_t i = 0; i < types.size(); ++i)
        w.declareTensor(ggufName(ckpt.tensors()[i].name), ckpt.tensors()[i].shape, types[i]);
    const std::filesystem::path inputs[] = {ckpt.path()};
    AtomicFile file(out, inputs);
    w.writeHeader(file);
    std::vector<float> decoded;
    std::int64_t foldedOutliers = 0;
    result.quant = runInCatalogOrder(
        ckpt, settings, progress,
        [&](std::size_t i) {
            const auto values = ckpt.readMatrix(i);
            w.writeTensorData(file, encode(values.values, types[i], decoded));
        },
        [&](const TensorOutcome& o, const Matrix& original, const QuantizedTensor& q) {
            bool exact = false;
            w.writeTensorData(file, encodeQuantized(o, q, types[o.index], decoded, exact));
            result.written.push_back(
                {o.name, relativeError(original.values, decoded), std::string(dtypeName(types[o.index])), exact});
            if (types[o.index] != DType::F16 && types[o.index] != DType::F32)
                foldedOutliers += static_cast<std::int64_t>(q.outlierIndex.size());
        });
    addReencodingWarnings(options, result.quant, types, result.written, foldedOutliers, result.warnings);
    file.commit();
    result.path = out;
    result.bytes = std::filesystem::file_size(out);
    return result;
}

}  // namespace qs::exporting
