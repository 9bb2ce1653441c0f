#pragma once
// Turns work done by TBB workers into at most ~kReports calls of a ProgressFn, never two at
// once, and latches a cancellation request so workers can stop early.

#include "quantscope/progress.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace qs::quant {

class ProgressTracker {
public:
    static constexpr std::int64_t kReports = 200;

    ProgressTracker(const ProgressFn& fn, std::int64_t total, std::string stage)
        : m_fn(fn), m_total(std::max<std::int64_t>(total, 1)), m_step(std::max<std::int64_t>(m_total / kReports, 1)),
          m_stage(std::move(stage))
    {
    }

    /// Records `n` finished items; may call the callback. Returns false once cancelled.
    bool advance(std::int64_t n)
    {
        if (!m_fn) return true;
        const std::int64_t before = m_done.fetch_add(n);
        const std::int64_t after = before + n;
        if (after / m_step != before / m_step || after >= m_total) report(after);
        return !cancelled();
    }

    bool cancelled() const noexcept { return m_cancelled.load(std::memory_order_relaxed); }

private:
    void report(std::int64_t done)
    {
        std::lock_guard lock(m_mutex);
        if (m_cancelled || done <= m_reported) return;  // late callers never move progress back
        m_reported = done;
        if (!m_fn(std::min(1.0, double(done) / double(m_total)), m_stage)) m_cancelled = true;
    }

    const ProgressFn& m_fn;
    std::int64_t m_total;
    std::int64_t m_step;
    std::string m_stage;
    std::atomic<std::int64_t> m_done{0};
    std::int64_t m_reported = 0;  // guarded by m_mutex
    std::atomic<bool> m_cancelled{false};
    std::mutex m_mutex;
};

}  // namespace qs::quant
