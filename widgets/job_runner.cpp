#include "job_runner.h"

#include "quantscope/error.h"

#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>
#include <new>

namespace qs::gui {

// State shared between the GUI-side runner and one worker. The progress callback is never
// called concurrently (progress.h), so the throttling fields need no lock.
struct JobRunner::Shared {
    std::atomic<bool> cancel{false};
    QElapsedTimer clock;
    qint64 lastEmitMs = -1'000'000;
};

JobRunner::JobRunner(QObject* parent) : QObject(parent) {}

JobRunner::~JobRunner()
{
    // Workers post to `this`; they must be gone before it is.
    if (m_shared) m_shared->cancel = true;
    m_future.waitForFinished();
}

void JobRunner::cancel()
{
    if (m_shared) m_shared->cancel = true;
}

void JobRunner::waitForWorker()
{
    m_future.waitForFinished();
}

void JobRunner::start(const QString& title, Work work)
{
    if (m_running) {
        // The superseded job stops at its next progress call; its signals are dropped by the
        // generation check. Waiting keeps at most one worker per runner alive.
        m_shared->cancel = true;
        m_future.waitForFinished();
        const QString oldTitle = m_title;
        m_running = false;
        Q_EMIT cancelled(oldTitle);
        Q_EMIT finished();
    }
    const unsigned generation = ++m_generation;
    auto shared = std::make_shared<Shared>();
    shared->clock.start();
    m_shared = shared;
    m_running = true;
    m_title = title;
    Q_EMIT started(title);

    const int interval = m_progressIntervalMs;
    m_future = QtConcurrent::run([this, shared, generation, interval, work = std::move(work)] {
        const qs::ProgressFn progressFn = [this, shared, generation, interval](double fraction,
                                                                              std::string_view stage) {
            if (shared->cancel.load(std::memory_order_relaxed)) return false;
            const qint64 now = shared->clock.elapsed();
            if (now - shared->lastEmitMs < interval && fraction < 1.0) return true;
            shared->lastEmitMs = now;
            // Linear extrapolation; only once a few percent are done, so it does not jump wildly.
            const double left = fraction > 0.02 ? (now / 1000.0) * (1.0 - fraction) / fraction : -1.0;
            const QString text = QString::fromUtf8(stage.data(), qsizetype(stage.size()));
            QMetaObject::invokeMethod(
                this,
                [this, generation, fraction, text, left] {
                    if (generation == m_generation && m_running) Q_EMIT progress(fraction, text, left);
                },
                Qt::QueuedConnection);
            return true;
        };

        enum class Outcome { Succeeded, Failed, Cancelled };
        Outcome outcome = Outcome::Succeeded;
        Deliver deliver;
        QString message;
        try {
            deliver = work(progressFn);
            if (shared->cancel) outcome = Outcome::Cancelled;
        } catch (const qs::Cancelled&) {
            outcome = Outcome::Cancelled;
        } catch (const std::bad_alloc&) {
            outcome = Outcome::Failed;
            message = tr("out of memory");
        } catch (const std::exception& e) {
            outcome = Outcome::Failed;
            message = QString::fromUtf8(e.what());
        } catch (...) {
            outcome = Outcome::Failed;
            message = tr("unknown error");
        }
        const double seconds = shared->clock.elapsed() / 1000.0;
        QMetaObject::invokeMethod(
            this,
            [this, generation, outcome, deliver = std::move(deliver), message, seconds] {
                if (generation != m_generation || !m_running) return;
                m_running = false;
                switch (outcome) {
                case Outcome::Succeeded:
                    if (deliver) deliver();
                    Q_EMIT succeeded(m_title, seconds);
                    break;
                case Outcome::Failed: Q_EMIT failed(m_title, message); break;
                case Outcome::Cancelled: Q_EMIT cancelled(m_title); break;
                }
                Q_EMIT finished();
            },
            Qt::QueuedConnection);
    });
}

}  // namespace qs::gui
