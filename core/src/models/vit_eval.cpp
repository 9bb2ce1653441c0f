// Running a ViT over a data set with TBB: one task per range of images, each image writes only
// its own prediction slot, so results are identical at any thread count.

#include "quantscope/models/vit_eval.h"

#include "quantscope/error.h"

#include <tbb/blocked_range.h>
#include <tbb/combinable.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <limits>
#include <mutex>

namespace qs {

namespace {

/// Runs fn(i) for i in [0, n) in an arena of `threads` workers (0: default), reporting progress
/// at most ~200 times from one thread at a time and stopping early on cancel.
template <typename Fn>
void forEachImage(std::size_t n, int threads, const ProgressFn& progress, std::string_view stage, Fn fn)
{
    std::atomic<std::size_t> done{0};
    std::atomic<bool> cancelled{false};
    std::mutex progressMutex;
    const std::size_t step = std::max<std::size_t>(1, n / 200);
    auto body = [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t i = r.begin(); i != r.end(); ++i) {
            if (cancelled.load(std::memory_order_relaxed)) return;
            fn(i);
            const auto d = done.fetch_add(1, std::memory_order_relaxed) + 1;
            if (progress && (d % step == 0 || d == n)) {
                std::lock_guard lock(progressMutex);
                if (!progress(double(d) / double(n), stage)) cancelled = true;
            }
        }
    };
    tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
    arena.execute([&] { tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 16), body); });
    if (cancelled) throw Cancelled();
}

}  // namespace

std::vector<int> predictAll(const VitModel& model, const ImageDataset& data, const ActivationQuant* actQuant,
                            int threads, const ProgressFn& progress)
{
    std::vector<int> pred(data.size(), -1);
    forEachImage(data.size(), threads, progress, "classifying images", [&](std::size_t i) {
        const auto input = preprocessImage(data.images[i], model.preprocess());
        pred[i] = argmax(model.forward(input, actQuant));
    });
    return pred;
}

std::vector<ActivationRange> calibrateActivations(const VitModel& model, const ImageDataset& data,
                                                  std::size_t images, int threads)
{
    const auto slots = model.weightSlots().size();
    const ActivationRange empty{std::numeric_limits<float>::infinity(),
                                -std::numeric_limits<float>::infinity()};
    // min and max are exact and order-independent, so combining per-thread ranges is
    // deterministic whatever the schedule.
    tbb::combinable<std::vector<ActivationRange>> local(
        [&] { return std::vector<ActivationRange>(slots, empty); });
    const auto n = std::min(images, data.size());
    forEachImage(n, threads, {}, "calibrating activations", [&](std::size_t i) {
        const auto input = preprocessImage(data.images[i], model.preprocess());
        model.forward(input, nullptr, &local.local());
    });
    std::vector<ActivationRange> out(slots, empty);
    local.combine_each([&](const std::vector<ActivationRange>& r) {
        for (std::size_t s = 0; s < slots; ++s) {
            out[s].lo = std::min(out[s].lo, r[s].lo);
            out[s].hi = std::max(out[s].hi, r[s].hi);
        }
    });
    for (auto& r : out)
        if (r.lo > r.hi) r = {0.0f, 0.0f};
    return out;
}

}  // namespace qs
