#include "screenshot.h"

#include "main_window.h"

#include "layer_inspector.h"
#include "model_document.h"
#include "tensor_browser.h"

#include <QApplication>
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

}  // namespace

void scheduleScreenshot(MainWindow* window, const QString& file, const QString& view, const QString& tensor)
{
    // Hard limit: a screenshot run never hangs (tests, CI).
    QTimer::singleShot(20000, window, [window, file] { capture(window, file); });
    auto ready = std::make_shared<int>(0);  // 2 = statistics done and tensor loaded
    auto maybeCapture = [window, file, ready] {
        if (++*ready == 2) QTimer::singleShot(300, window, [window, file] { capture(window, file); });  // chart timers
    };
    QObject::connect(window->document(), &ModelDocument::checkpointChanged, window, [window, view, tensor] {
        window->showView(view);
        if (window->document()->tensorCount() > 0) window->browser()->selectTensor(pickTensor(*window->document(), tensor));
    });
    QObject::connect(window->document(), &ModelDocument::summariesFinished, window, maybeCapture);
    QObject::connect(window->inspector(), &LayerInspector::tensorLoaded, window, maybeCapture);
    QObject::connect(window, &MainWindow::openFailed, window, [window, file] { capture(window, file); });
}
