// The model-level job: tensor by tensor, in catalog order, so peak memory stays near the largest
// tensor. Parallelism lives inside each tensor (quantizeMatrix and the sums below), inside a
// task_arena sized by ModelQuantSettings::threads. Every reduction is split into fixed parts
// (rows) and combined in order, so results do not depend on the thread count.

#include "quantscope/quant/model_job.h"

#include "quant/error_sums.h"
#include "quant/tensor_selection.h"
#include "quantscope/error.h"
#include "quantscope/quant/quantize.h"

#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <mutex>

namespace qs {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

TensorMetrics totalsFrom(const quant::ErrorSums& s, std::int64_t elements, std::int64_t outliers, double bitSum)
{
    TensorMetrics t = quant::metricsFromSums(s, elements);
    t.outliers = outliers;
    if (elements == 0) return t;
    t.outlierFrac = static_cast<double>(outliers) / static_cast<double>(elements);
    t.bpw = bitSum / static_cast<double>(elements);
    return t;
}

/// Forwards progress to the caller as a fraction of all parameters to quantize: always at a
/// tensor boundary (that is where cancellation is checked between tensors), and from inside a
/// tensor only when the fraction moved by at least kStep, so a job makes about
/// (quantized tensors + 1/kStep) calls.
class ProgressRelay {
public:
    ProgressRelay(const ProgressFn& fn, std::int64_t total)
        : m_fn(fn), m_total(static_cast<double>(std::max<std::int64_t>(total, 1)))
    {
    }

    /// At the start of a tensor. Throws Cancelled when the callback says stop.
    void beginTensor(std::int64_t doneBefore, std::int64_t elements, std::string_view name)
    {
        m_done = static_cast<double>(doneBefore);
        m_elements = static_cast<double>(elements);
        m_name = name;
        if (!call(m_done / m_total, true)) throw Cancelled();
    }

    /// The callback handed to quantizeMatrix for the current tensor.
    bool inner(double fraction)
    {
        return call((m_done + std::clamp(fraction, 0.0, 1.0) * m_elements) / m_total, false);
    }

    void finish()
    {
        if (!call(1.0, true)) throw Cancelled();
    }

private:
    bool call(double fraction, bool force)
    {
        if (!m_fn) return true;
        std::lock_guard lock(m_mutex);
        if (!force && fraction - m_last < kStep) return true;
        m_last = fraction;
        return m_fn(fraction, m_name);
    }

    static constexpr double kStep = 1.0 / 256;
    const ProgressFn& m_fn;
    double m_total;
    double m_done = 0;
    double m_elements = 0;
    double m_last = -1;
    std::string m_name;
    std::mutex m_mutex;
};

struct Accumulator {
    quant::ErrorSums sums;
    std::int64_t elements = 0;
    std::int64_t outliers = 0;
    double bitSum = 0;  ///< Σ bpw · elements
};

/// `w` is the job's one read buffer (see Checkpoint::readMatrixInto).
void quantizeOne(const Checkpoint& ckpt, TensorOutcome& out, ProgressRelay& relay,
                 const QuantizedTensorSink& sink, Accumulator& acc, Matrix& w)
{
    const auto t0 = Clock::now();
    ckpt.readMatrixInto(out.index, w);
    const ProgressFn inner = [&relay](double f, std::string_view) { return relay.inner(f); };
    const QuantizedTensor q = quantizeMatrix(w, out.settings, inner);
    // One pass over Ŵ, decoded a row at a time (no full copy); the per-tensor numbers are
    // exactly what measure() reports for this tensor elsewhere, and the model totals are sums
    // of the same per-tensor sums.
    const quant::ErrorSums sums = quant::sumErrors(w, q);
    out.metrics = quant::metricsFromSums(sums, w.size());
    acc.sums.add(sums);
    out.metrics.outliers = static_cast<std::int64_t>(q.outlierIndex.size());
    out.metrics.outlierFrac =
        w.size() ? static_cast<double>(out.metrics.outliers) / static_cast<double>(w.size()) : 0.0;
    out.metrics.bpw = q.bitsPerWeight();
    acc.elements += w.size();
    acc.outliers += out.metrics.outliers;
    acc.bitSum += out.metrics.bpw * static_cast<double>(w.size());
    out.seconds = secondsSince(t0);
    if (sink) sink(out, w, q);
}

}  // namespace

ModelQuantResult quantizeModel(const Checkpoint& ckpt, const ModelQuantSettings& s,
                               const ProgressFn& progress, const QuantizedTensorSink& sink)
{
    if (s.threads < 0)
        throw InvalidArgument("threads must be >= 0 (0 = all cores), not " + std::to_string(s.threads));
    validate(s.defaults);
    const auto t0 = Clock::now();

    // Plan every tensor first (cheap, headers only), so bad rules fail before any work.
    ModelQuantResult result;
    quant::TensorSelector selector(s);
    std::int64_t toQuantize = 0;
    const auto& infos = ckpt.tensors();
    result.tensors.reserve(infos.size());
    for (std::size_t i = 0; i < infos.size(); ++i) {
        auto plan = selector.plan(infos[i]);
        TensorOutcome o;
        o.index = i;
        o.name = infos[i].name;
        o.quantized = plan.quantize;
        o.reason = std::move(plan.reason);
        if (o.quantized) {
            o.settings = plan.settings;
            toQuantize += infos[i].numel();
        }
        result.totalParams += infos[i].numel();
        result.tensors.push_back(std::move(o));
    }
    result.warnings = selector.unusedRuleWarnings();
    result.quantizedParams = toQuantize;

    ProgressRelay relay(progress, toQuantize);
    Accumulator acc;
    tbb::task_arena arena(s.threads > 0 ? s.threads : tbb::task_arena::automatic);
    arena.execute([&] {
        std::int64_t done = 0;
        Matrix w;
        for (auto& o : result.tensors) {
            if (!o.quantized) continue;
            const auto elements = infos[o.index].numel();
            relay.beginTensor(done, elements, o.name);
            quantizeOne(ckpt, o, relay, sink, acc, w);
            done += elements;
        }
    });
    relay.finish();
    result.totals = totalsFrom(acc.sums, acc.elements, acc.outliers, acc.bitSum);
    result.seconds = secondsSince(t0);
    return result;
}

}  // namespace qs
