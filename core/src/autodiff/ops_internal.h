#pragma once
// Helpers shared by the autodiff kernels: building result nodes and fixed-chunk parallel loops.

#include "quantscope/autodiff/autodiff.h"
#include "quantscope/error.h"

#include <tbb/parallel_for.h>

#include <string>

namespace qs::ad::detail {

/// Creates the result node; records `inputs` and `backward` only when grad mode is on and an
/// input requires a gradient (otherwise the graph is not kept alive).
Var makeResult(Shape shape, std::vector<float> value, std::vector<Var> inputs, std::function<void(Node&)> backward);

[[noreturn]] void shapeError(const char* op, const std::string& what);
std::string shapeString(const Shape& s);

/// Runs fn(chunk, begin, end) over [0, n) split into ceil(n / grain) fixed chunks, in parallel.
/// The chunks depend only on n and grain, never on the thread count, so per-chunk partial
/// results reduced in chunk order are deterministic.
template <class Fn>
void forChunks(std::int64_t n, std::int64_t grain, Fn&& fn)
{
    if (n <= 0) return;
    const std::int64_t chunks = (n + grain - 1) / grain;
    if (chunks == 1) {
        fn(std::int64_t{0}, std::int64_t{0}, n);
        return;
    }
    tbb::parallel_for(std::int64_t{0}, chunks, [&](std::int64_t c) { fn(c, c * grain, std::min(n, (c + 1) * grain)); });
}

inline std::int64_t chunkCount(std::int64_t n, std::int64_t grain) { return n <= 0 ? 0 : (n + grain - 1) / grain; }

/// The input's grad buffer when it requires one, else nullptr.
inline float* gradOf(Node& self, std::size_t i)
{
    auto& in = self.inputs[i];
    return in && in->requiresGrad ? in->ensureGrad().data() : nullptr;
}

}  // namespace qs::ad::detail
