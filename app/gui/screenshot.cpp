#include "screenshot.h"

#include "main_window.h"

#include "job_runner.h"
#include "layer_inspector.h"
#include "model_document.h"
#include "tensor_browser.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QPixmap>
#include <QTimer>

#include <cstdio>

using namespace qs::gui;

namespace {

void capture(MainWindow* window, const QString& file)
{
    const QPixmap pixmap = window->grab();
    const bool ok = !pixmap.isNull() && pixmap.save(file);
    std::fprintf(ok ? stdout : stderr, ok ? "screenshot: %s (%dx%d)\n" : "screenshot: could not write %s\n",
                 qPrintable(file), pixmap.width(), pixmap.height());
    QCoreApplication::exit(ok ? 0 : 1);
}

/// Picks the tensor to show: the named one, else the first linear layer inside a block.
std::size_t pickTensor(const ModelDocument& doc, const QString& name)
{
    if (const auto i = doc.checkpoint()->find(name.toStdString()); i && !name.isEmpty()) return *i;
    for (std::size_t i = 0; i < doc.tensorCount(); ++i)
        if (doc.tensor(i)->role == qs::TensorRole::Linear && doc.tensor(i)->name.find(".1.") != std::string::npos) return i;
    for (std::size_t i = 0; i < doc.tensorCount(); ++i)
        if (doc.tensor(i)->role == qs::TensorRole::Linear) return i;
    return 0;
}

bool busy(const MainWindow* window)
{
    for (const JobRunner* runner : window->findChildren<JobRunner*>())
        if (runner->isRunning()) return true;
    return false;
}

}  // namespace

void scheduleScreenshot(MainWindow* window, const QString& file, const QString& view, const QString& tensor)
{
    QObject::connect(window->document(), &ModelDocument::checkpointChanged, window, [window, view, tensor] {
        window->showView(view);
        if (window->document()->tensorCount() > 0) window->browser()->selectTensor(pickTensor(*window->document(), tensor));
    });
    QObject::connect(window, &MainWindow::openFailed, window, [window, file] { capture(window, file); });
    // A point cloud on the command line: ready once the frame is in the LiDAR tab.
    auto lidarShown = std::make_shared<bool>(false);
    QObject::connect(window, &MainWindow::lidarFrameOpened, window, [window, view, lidarShown] {
        *lidarShown = true;
        window->showView(view == QLatin1String("layer") ? QStringLiteral("lidar") : view);
    });
    // Poll rather than chain signals: capture once a file is open, a tensor is shown and no
    // job runs, two ticks in a row (the charts redraw on their 40 ms timers in between).
    auto* poll = new QTimer(window);
    auto idleTicks = std::make_shared<int>(0);
    auto elapsed = std::make_shared<QElapsedTimer>();
    elapsed->start();
    QObject::connect(poll, &QTimer::timeout, window, [window, file, poll, idleTicks, elapsed, lidarShown] {
        const bool shown = *lidarShown || (window->document()->checkpoint() && window->inspector()->matrix());
        const bool ready = shown && !busy(window);
        *idleTicks = ready ? *idleTicks + 1 : 0;
        if (*idleTicks >= 2 || elapsed->elapsed() > 20000) {  // never hang (tests, CI)
            poll->stop();
            capture(window, file);
        }
    });
    poll->start(100);
}
