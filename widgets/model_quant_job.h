#pragma once
// Quantizing the whole model off the GUI thread: one or two runs (a method and the one it is
// compared with) through qs::quantizeModel, with each finished tensor published to a
// LiveOutcomes buffer that views poll on a timer (charts grow while the job runs).

#include "job_runner.h"

#include "quantscope/io/checkpoint.h"
#include "quantscope/quant/model_job.h"

#include <QString>

#include <memory>
#include <mutex>
#include <vector>

namespace qs::gui {

/// Written by the worker (under the mutex), drained by the GUI.
class LiveOutcomes {
public:
    void push(int run, const TensorOutcome& outcome);
    /// Everything pushed since the last call.
    std::vector<std::pair<int, TensorOutcome>> take();

private:
    std::mutex m_mutex;
    std::vector<std::pair<int, TensorOutcome>> m_pending;
};

struct ModelQuantRun {
    ModelQuantSettings settings;
    ModelQuantResult result;
    QString label;  ///< the method's display name
};

/// Whether this build can quantize whole models (the core's model job is present).
bool modelQuantizationAvailable();

/// The work for JobRunner: runs `runs` one after the other on `ckpt`; progress spans all of
/// them. `deliver` receives the finished runs on the GUI thread.
JobRunner::Work makeModelQuantWork(std::shared_ptr<const Checkpoint> ckpt, std::vector<ModelQuantRun> runs,
                                   std::shared_ptr<LiveOutcomes> live,
                                   std::function<void(std::vector<ModelQuantRun>)> deliver);

}  // namespace qs::gui
