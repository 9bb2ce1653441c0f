// The job adapter: results arrive on the GUI thread, errors become failed(message), cancel
// stops a running job quickly, progress is throttled, a new job supersedes the old one.
#include "job_runner.h"

#include "quantscope/error.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>

using qs::gui::JobRunner;

class TestJobRunner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void deliversOnGuiThread()
    {
        JobRunner runner;
        QSignalSpy ok(&runner, &JobRunner::succeeded);
        QThread* deliveredOn = nullptr;
        QThread* workedOn = nullptr;
        int value = 0;
        runner.start(QStringLiteral("sum"), [&](const qs::ProgressFn& progress) -> JobRunner::Deliver {
            workedOn = QThread::currentThread();
            int sum = 0;
            for (int i = 1; i <= 100; ++i) {
                sum += i;
                progress(i / 100.0, "adding");
            }
            return [&, sum] {
                deliveredOn = QThread::currentThread();
                value = sum;
            };
        });
        QVERIFY(runner.isRunning());
        QTRY_COMPARE(ok.count(), 1);
        QCOMPARE(value, 5050);
        QCOMPARE(deliveredOn, QThread::currentThread());
        QVERIFY(workedOn != QThread::currentThread());
        QVERIFY(!runner.isRunning());
    }

    void coreErrorsBecomeFailed()
    {
        JobRunner runner;
        QSignalSpy failed(&runner, &JobRunner::failed);
        QSignalSpy finished(&runner, &JobRunner::finished);
        runner.start(QStringLiteral("bad"), [](const qs::ProgressFn&) -> JobRunner::Deliver {
            throw qs::FormatError("x.safetensors", "header length", 0, "exceeds the file size");
        });
        QTRY_COMPARE(failed.count(), 1);
        QCOMPARE(finished.count(), 1);
        const QString message = failed.first().at(1).toString();
        QVERIFY2(message.contains(QLatin1String("header length")) && message.contains(QLatin1String("x.safetensors")),
                 qPrintable(message));
    }

    void cancelStopsWithinAFractionOfASecond()
    {
        JobRunner runner;
        QSignalSpy cancelled(&runner, &JobRunner::cancelled);
        QSignalSpy ok(&runner, &JobRunner::succeeded);
        std::atomic<bool> running{false};
        runner.start(QStringLiteral("forever"), [&](const qs::ProgressFn& progress) -> JobRunner::Deliver {
            running = true;
            // A core loop: reports progress every millisecond, stops when told.
            for (int i = 0;; ++i) {
                if (!progress(0.5, "spinning")) throw qs::Cancelled();
                QThread::msleep(1);
            }
        });
        QTRY_VERIFY(running.load());
        QElapsedTimer clock;
        clock.start();
        runner.cancel();
        runner.waitForWorker();
        QVERIFY2(clock.elapsed() < 500, qPrintable(QString::number(clock.elapsed())));
        QTRY_COMPARE(cancelled.count(), 1);
        QCOMPARE(ok.count(), 0);
    }

    void progressIsThrottled()
    {
        JobRunner runner;
        runner.setProgressInterval(50);
        QSignalSpy progress(&runner, &JobRunner::progress);
        QSignalSpy ok(&runner, &JobRunner::succeeded);
        runner.start(QStringLiteral("chatty"), [](const qs::ProgressFn& p) -> JobRunner::Deliver {
            for (int i = 1; i <= 20000; ++i) p(i / 20000.0, "step");  // ~instant: 20000 calls
            return {};
        });
        QTRY_COMPARE(ok.count(), 1);
        QVERIFY2(progress.count() >= 1 && progress.count() <= 10, qPrintable(QString::number(progress.count())));
        QCOMPARE(progress.last().at(0).toDouble(), 1.0);  // the end is always reported
    }

    void newJobSupersedesOld()
    {
        JobRunner runner;
        QSignalSpy ok(&runner, &JobRunner::succeeded);
        QSignalSpy cancelled(&runner, &JobRunner::cancelled);
        int delivered = 0;
        runner.start(QStringLiteral("old"), [&](const qs::ProgressFn& progress) -> JobRunner::Deliver {
            for (;;) {
                if (!progress(0.1, "")) throw qs::Cancelled();
                QThread::msleep(1);
            }
        });
        runner.start(QStringLiteral("new"), [&](const qs::ProgressFn&) -> JobRunner::Deliver {
            return [&] { delivered = 2; };
        });
        QTRY_COMPARE(ok.count(), 1);
        QCOMPARE(ok.first().at(0).toString(), QStringLiteral("new"));
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(delivered, 2);
    }

    void destructionWaitsForTheWorker()
    {
        std::atomic<bool> returned{false};
        {
            JobRunner runner;
            runner.start(QStringLiteral("slow"), [&](const qs::ProgressFn& progress) -> JobRunner::Deliver {
                while (progress(0.1, "")) QThread::msleep(1);
                returned = true;
                throw qs::Cancelled();
            });
            QThread::msleep(20);
        }
        QVERIFY(returned.load());
    }
};

QTEST_MAIN(TestJobRunner)
#include "test_job_runner.moc"
