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

}  // namespace qs
