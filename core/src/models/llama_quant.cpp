#include "quantscope/models/llama_quant.h"

#include "quantscope/error.h"
#include "quantscope/quant/quantize.h"

#include <tbb/task_arena.h>

#include <chrono>
#include <optional>

namespace qs {

bool isSelectedForQuantization(const LlamaWeightSlot& slot, const LlamaQuantOptions& options)
{
    return slot.linear || (slot.embedding && options.quantizeEmbedding) || (slot.classifier && options.quantizeClassifier);
}

LlamaModel loadFakeQuantizedLlama(const Checkpoint& ckpt, const LlamaCheckpointInfo& info, const LlamaQuantOptions& options,
                                  LlamaQuantReport* report)
{
    validate(options.settings);
    const auto t0 = std::chrono::steady_clock::now();
    LlamaQuantReport r;
    const auto slots = llamaWeightSlots(info.config);
    std::size_t done = 0;
    double bits = 0;
    tbb::task_arena arena(options.threads > 0 ? options.threads : tbb::task_arena::automatic);
    std::optional<LlamaModel> model;
    arena.execute([&] { model.emplace(info.config, [&](const LlamaWeightSlot& slot) {
        Matrix w = readLlamaWeight(ckpt, info, slot);
        r.totalParams += w.size();
        if (isSelectedForQuantization(slot, options)) {
            const QuantizedTensor q = quantizeMatrix(w, options.settings);
            bits += q.bitsPerWeight() * double(w.size());
            r.quantizedParams += w.size();
            r.quantized.push_back(slot.name);
            w = q.dequantize();
        }
        ++done;
        if (options.progress && !options.progress(double(done) / double(slots.size()), slot.name)) throw Cancelled();
        return w;
    }); });
    r.bpw = r.quantizedParams > 0 ? bits / double(r.quantizedParams) : 0.0;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (report) *report = std::move(r);
    return std::move(*model);
}

LlamaModel loadLlamaWithReplacements(const Checkpoint& original, const LlamaCheckpointInfo& info,
                                     const Checkpoint& replacement, LlamaReplacementReport* report)
{
    LlamaReplacementReport r;
    LlamaModel model(info.config, [&](const LlamaWeightSlot& slot) {
        const auto found = findLlamaTensor(replacement, slot.name, info.naming);
        if (!found) {
            r.kept.push_back(slot.name);
            return readLlamaWeight(original, info, slot);
        }
        const auto& [index, naming] = *found;
        Matrix w = replacement.readMatrix(index);
        if (w.size() != slot.rows * slot.cols)
            throw InvalidArgument(replacement.path().string() + ": tensor " + replacement.tensors()[index].name + " has " +
                                  std::to_string(w.size()) + " elements but the model needs " +
                                  std::to_string(slot.rows * slot.cols));
        w.rows = slot.rows;
        w.cols = slot.cols;
        // q/k rows follow the RoPE layout of their naming (Meta interleaved, HF rotate-half).
        if (naming != info.naming) {
            if (slot.name.find("attention.wq.") != std::string::npos)
                w = permuteRopeRows(w, info.config.heads, naming, info.naming);
            else if (slot.name.find("attention.wk.") != std::string::npos)
                w = permuteRopeRows(w, info.config.kvHeads, naming, info.naming);
        }
        r.replaced.push_back(slot.name);
        return w;
    });
    if (r.replaced.empty())
        throw InvalidArgument(replacement.path().string() + " holds none of the model's weights (by Meta or Hugging Face name)");
    if (report) *report = std::move(r);
    return model;
}

}  // namespace qs
