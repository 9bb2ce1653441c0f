#pragma once
// The one adapter that runs core jobs off the GUI thread (CONVENTIONS.md #4).
//
// A job is a function run on a worker thread with a qs::ProgressFn; it returns a "deliver"
// closure that the runner calls on the GUI thread just before succeeded(). So results travel
// by value inside the closure, and widgets never see a half-built result. Core exceptions are
// caught here and become failed(message); qs::Cancelled becomes cancelled().
//
// One runner runs one job at a time: start() cancels the job already running, and the late
// signals of a superseded job are dropped (a generation counter), so a runner per purpose
// ("tensor statistics", "explorer for the selected layer", "quantize the model") is enough.

#include "quantscope/progress.h"

#include <QElapsedTimer>
#include <QFuture>
#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace qs::gui {

class JobRunner : public QObject {
    Q_OBJECT
public:
    using Deliver = std::function<void()>;
    using Work = std::function<Deliver(const qs::ProgressFn& progress)>;

    explicit JobRunner(QObject* parent = nullptr);
    /// Cancels the running job and waits for its worker to return.
    ~JobRunner() override;

    /// Starts `work` on the global thread pool; cancels the previous job of this runner first.
    void start(const QString& title, Work work);
    /// Asks the running job to stop: its next progress callback returns false.
    void cancel();
    bool isRunning() const noexcept { return m_running; }
    /// Blocks until the current job's worker returned (tests, shutdown). Signals still arrive
    /// through the event loop.
    void waitForWorker();
    QString title() const { return m_title; }

    /// Minimum time between two progress signals (the core may call back far more often).
    void setProgressInterval(int ms) { m_progressIntervalMs = ms; }

Q_SIGNALS:
    void started(const QString& title);
    /// fraction in [0, 1]; secondsLeft < 0 when not yet known.
    void progress(double fraction, const QString& stage, double secondsLeft);
    void succeeded(const QString& title, double seconds);
    void failed(const QString& title, const QString& message);
    void cancelled(const QString& title);
    /// After any of succeeded / failed / cancelled.
    void finished();

private:
    struct Shared;
    void finish(unsigned generation);

    std::shared_ptr<Shared> m_shared;
    QFuture<void> m_future;
    unsigned m_generation = 0;
    bool m_running = false;
    QString m_title;
    int m_progressIntervalMs = 50;
};

}  // namespace qs::gui
