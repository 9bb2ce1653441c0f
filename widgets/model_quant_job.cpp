#include "model_quant_job.h"

#include "quantscope/error.h"

namespace qs::gui {

void LiveOutcomes::push(int run, const TensorOutcome& outcome)
{
    const std::lock_guard lock(m_mutex);
    m_pending.emplace_back(run, outcome);
}

std::vector<std::pair<int, TensorOutcome>> LiveOutcomes::take()
{
    const std::lock_guard lock(m_mutex);
    return std::exchange(m_pending, {});
}

bool modelQuantizationAvailable()
{
#ifdef QS_HAVE_QUANT_JOB
    return true;
#else
    return false;
#endif
}

JobRunner::Work makeModelQuantWork(std::shared_ptr<const Checkpoint> ckpt, std::vector<ModelQuantRun> runs,
                                   std::shared_ptr<LiveOutcomes> live,
                                   std::function<void(std::vector<ModelQuantRun>)> deliver)
{
    return [ckpt, runs = std::move(runs), live, deliver](const qs::ProgressFn& progress) mutable -> JobRunner::Deliver {
#ifdef QS_HAVE_QUANT_JOB
        const double share = 1.0 / double(runs.size());
        for (std::size_t i = 0; i < runs.size(); ++i) {
            const auto scaled = [&, i](double f, std::string_view stage) {
                return progress((double(i) + f) * share, stage);
            };
            const auto sink = [&, i](const TensorOutcome& outcome, const Matrix&, const QuantizedTensor&) {
                live->push(int(i), outcome);
            };
            runs[i].result = quantizeModel(*ckpt, runs[i].settings, scaled, sink);
        }
        return [runs = std::move(runs), deliver]() mutable { deliver(std::move(runs)); };
#else
        (void)ckpt, (void)live, (void)deliver, (void)progress;
        throw qs::UnsupportedError("whole-model quantization is not in this build");
#endif
    };
}

}  // namespace qs::gui
