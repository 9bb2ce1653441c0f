// LLaMA models with weights taken by name from another file (an exported package or a
// dequantized safetensors file). Kept apart from llama_quant.cpp: it needs no quantizer.

#include "quantscope/error.h"
#include "quantscope/models/llama_quant.h"

namespace qs {

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
