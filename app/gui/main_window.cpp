#include "main_window.h"

#include "action_registry.h"
#include "job_runner.h"
#include "language.h"
#include "layer_inspector.h"
#include "lidar_frame_dialog.h"
#include "lidar_frame_files.h"
#include "chart_export.h"
#include "channel_range_chart.h"
#include "export_dialog.h"
#include "histogram_chart.h"
#include "log_pane.h"
#include "model_document.h"
#include "model_quant_job.h"
#include "model_quant_session.h"
#include "model_quant_view.h"
#include "preferences_dialog.h"
#include "quant_controls.h"
#include "settings.h"
#include "teaching_view.h"
#include "tensor_browser.h"

#include "quantscope/io/checkpoint.h"
#include "quantscope/io/exporter.h"
#include <QGuiApplication>

#ifdef QS_HAVE_VIEWERS
#include "quantscope/viewers/lidar_compare_widget.h"
#endif
#ifdef QS_HAVE_DEMO_MODEL
#include "quantscope/models/demo_model.h"
#endif

#include "quantscope/version.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>

#include <filesystem>
#include <memory>

using namespace qs::gui;

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_actions(new ActionRegistry(this)),
      m_document(new ModelDocument(this)),
      m_openRunner(new JobRunner(this)),
      m_browser(new TensorBrowser(m_document)),
      m_inspector(new LayerInspector(m_document)),
      m_controls(new QuantControls),
      m_log(new LogPane),
      m_teaching(new TeachingView),
      m_modelView(new ModelQuantView),
      m_session(new ModelQuantSession(m_document, m_modelView, this)),
      m_lidarRunner(new JobRunner(this)),
      m_tabs(new QTabWidget),
      m_progress(new QProgressBar),
      m_jobLabel(new QLabel),
      m_cancelButton(new QToolButton)
{
    setObjectName(QStringLiteral("mainWindow"));
    setAcceptDrops(true);
    m_tabs->setObjectName(QStringLiteral("viewTabs"));
    m_inspector->setProperty("viewName", QStringLiteral("layer"));
    m_modelView->setProperty("viewName", QStringLiteral("model"));
    m_tabs->addTab(m_inspector, QString());
    m_tabs->addTab(m_teaching, QString());
    m_tabs->addTab(m_modelView, QString());
#ifdef QS_HAVE_VIEWERS
    // FP32 vs quantized LiDAR detections in two linked VTK views (viewers/). Platforms without
    // OpenGL widgets (offscreen, minimal: tests and --screenshot runs) crash when a
    // QOpenGLWidget joins the window, so the tab exists only where it can render.
    const auto platform = QGuiApplication::platformName();
    if (platform != QLatin1String("offscreen") && platform != QLatin1String("minimal")) {
        m_lidar = new qs::viewers::LidarCompareWidget;
        m_lidar->setObjectName(QStringLiteral("lidarView"));
        m_lidar->setProperty("viewName", QStringLiteral("lidar"));
        m_tabs->addTab(m_lidar, QString());
    }
#endif
    m_lidarRunner->setObjectName(QStringLiteral("lidarFrameJob"));
    setCentralWidget(m_tabs);
    createDocks();
    createMenus();
    connectJobs();

    m_progress->setObjectName(QStringLiteral("jobProgress"));
    m_progress->setMaximumWidth(220);
    m_progress->setRange(0, 1000);
    m_progress->hide();
    m_cancelButton->setDefaultAction(m_actions->cancelJob);
    m_cancelButton->setAutoRaise(true);
    m_cancelButton->hide();
    statusBar()->addPermanentWidget(m_jobLabel);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancelButton);

    connect(m_browser, &TensorBrowser::tensorSelected, m_inspector, &LayerInspector::showTensor);
    connect(m_controls, &QuantControls::sigmaChanged, m_inspector, &LayerInspector::setSigma);
    connect(m_controls, &QuantControls::settingsChanged, this, [this] {
        m_inspector->setSettings(m_controls->settings());
        m_teaching->setSettings(m_controls->settings());
    });
    connect(m_controls, &QuantControls::sigmaChanged, this, [this] { m_teaching->setSettings(m_controls->settings()); });
    connect(m_inspector, &LayerInspector::tensorLoaded, this, &MainWindow::showTensorInTeaching);
    connect(this, &MainWindow::fileOpened, this, [this] { m_teachingTensor.reset(); });  // indices name new tensors
    connect(m_inspector, &LayerInspector::answerChanged, m_controls, &QuantControls::showAnswer);
    connect(m_inspector, &LayerInspector::answerUnavailable, m_controls, &QuantControls::clearAnswer);
    connect(m_inspector, &LayerInspector::failed, m_log, &LogPane::error);
    connect(m_document, &ModelDocument::warning, m_log, &LogPane::warning);
    connect(m_document, &ModelDocument::summariesFinished, this, [this] {
        statusBar()->showMessage(tr("Statistics of %n tensor(s) computed.", nullptr, int(m_document->tensorCount())), 5000);
    });

    // Whole-model quantization needs the core's model job; say so rather than fail later.
    m_actions->quantizeModel->setEnabled(modelQuantizationAvailable());
    m_actions->compareMethods->setEnabled(modelQuantizationAvailable());
    m_actions->openLidarFrame->setEnabled(m_lidar != nullptr);  // no LiDAR tab without OpenGL widgets
    m_controls->loadSettings();
    m_inspector->setSettings(m_controls->settings());
    m_teaching->setSettings(m_controls->settings());
    resize(1400, 900);
    restoreGeometry(settings::windowGeometry.get());
    restoreState(settings::windowState.get());
    retranslate();
    statusBar()->showMessage(tr("Open a checkpoint (Ctrl+O) or a LiDAR frame (Ctrl+Shift+O), or drop a file here."));
}

MainWindow::~MainWindow() = default;

void MainWindow::createDocks()
{
    auto dock = [this](QWidget* content, const char* name, Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(this);
        d->setObjectName(QString::fromLatin1(name));
        d->setWidget(content);
        addDockWidget(area, d);
        return d;
    };
    m_browserDock = dock(m_browser, "modelDock", Qt::LeftDockWidgetArea);
    m_controlsDock = dock(m_controls, "controlsDock", Qt::RightDockWidgetArea);
    m_logDock = dock(m_log, "logDock", Qt::BottomDockWidgetArea);
    m_log->captureQtMessages();
    resizeDocks({m_browserDock, m_controlsDock}, {460, 300}, Qt::Horizontal);
    resizeDocks({m_logDock}, {120}, Qt::Vertical);
}

void MainWindow::createMenus()
{
    m_fileMenu = menuBar()->addMenu(QString());
    m_fileMenu->addAction(m_actions->open);
    m_recentMenu = m_fileMenu->addMenu(QString());
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    m_fileMenu->addAction(m_actions->openLidarFrame);
    m_fileMenu->addAction(m_actions->openDemo);
    m_fileMenu->addSeparator();
    m_fileMenu->addAction(m_actions->exportReport);
    m_fileMenu->addSeparator();
    m_fileMenu->addAction(m_actions->preferences);
    m_fileMenu->addAction(m_actions->quit);
    m_modelMenu = menuBar()->addMenu(QString());
    m_modelMenu->addAction(m_actions->quantizeModel);
    m_modelMenu->addAction(m_actions->compareMethods);
    m_modelMenu->addAction(m_actions->cancelJob);
    m_viewMenu = menuBar()->addMenu(QString());
    m_viewMenu->addAction(m_actions->focusFilter);
    m_viewMenu->addAction(m_actions->showControls);
    m_viewMenu->addAction(m_actions->showLog);
    m_helpMenu = menuBar()->addMenu(QString());
    m_helpMenu->addAction(m_actions->about);

    auto* toolbar = addToolBar(QString());
    toolbar->setObjectName(QStringLiteral("mainToolBar"));
    toolbar->addAction(m_actions->open);
    toolbar->addAction(m_actions->quantizeModel);
    toolbar->addAction(m_actions->compareMethods);
    toolbar->addAction(m_actions->cancelJob);
    toolbar->addAction(m_actions->exportReport);

    connect(m_actions->open, &QAction::triggered, this, &MainWindow::chooseFile);
    connect(m_actions->openDemo, &QAction::triggered, this, &MainWindow::openDemo);
    connect(m_actions->openLidarFrame, &QAction::triggered, this, &MainWindow::chooseLidarFrame);
    connect(m_actions->quit, &QAction::triggered, this, &QWidget::close);
    connect(m_actions->quantizeModel, &QAction::triggered, this, [this] { quantizeModel(false); });
    connect(m_actions->compareMethods, &QAction::triggered, this, [this] { quantizeModel(true); });
    connect(m_actions->exportReport, &QAction::triggered, this, &MainWindow::showExportDialog);
    connect(m_actions->preferences, &QAction::triggered, this, &MainWindow::showPreferences);
    connect(m_actions->about, &QAction::triggered, this, &MainWindow::showAbout);
    connect(m_actions->clearRecent, &QAction::triggered, this, [this] {
        settings::recentFiles.reset();
        rebuildRecentMenu();
    });
    connect(m_actions->focusFilter, &QAction::triggered, this, [this] {
        m_browserDock->show();
        m_browser->filterEdit()->setFocus();
        m_browser->filterEdit()->selectAll();
    });
    auto toggleDock = [](QAction* action, QDockWidget* dock) {
        connect(action, &QAction::toggled, dock, &QDockWidget::setVisible);
        connect(dock, &QDockWidget::visibilityChanged, action, [action, dock] { action->setChecked(dock->isVisible()); });
    };
    toggleDock(m_actions->showLog, m_logDock);
    toggleDock(m_actions->showControls, m_controlsDock);
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    rebuildRecentMenu();
}

void MainWindow::connectJobs()
{
    watchJob(m_openRunner);
    watchJob(m_inspector->loadRunner());
    watchJob(m_session->runner());
    watchJob(m_lidarRunner);
    connect(m_lidarRunner, &JobRunner::failed, this, [this](const QString&, const QString& message) {
        reportError(tr("Could not open the LiDAR frame"), message);
        Q_EMIT openFailed(message);
    });
    connect(m_session->runner(), &JobRunner::failed, this, &MainWindow::reportError);
    connect(m_session->runner(), &JobRunner::succeeded, this, [this](const QString& title, double seconds) {
        m_log->info(tr("%1: done in %2 s").arg(title).arg(seconds, 0, 'f', 1));
    });
    connect(m_session, &ModelQuantSession::exported, this, [this](const QString& path, qint64 bytes, const QStringList& warnings) {
        for (const QString& w : warnings) m_log->warning(w);
        m_log->info(tr("Exported %1 (%2)").arg(path, QLocale().formattedDataSize(bytes)));
        statusBar()->showMessage(tr("Exported %1").arg(path), 5000);
    });
    connect(m_actions->cancelJob, &QAction::triggered, this, [this] {
        for (JobRunner* runner : m_watched)
            if (runner->isRunning()) runner->cancel();
    });
    connect(m_openRunner, &JobRunner::failed, this, [this](const QString&, const QString& message) {
        reportError(tr("Could not open the file"), message);
        Q_EMIT openFailed(message);
    });
}

void MainWindow::watchJob(JobRunner* runner)
{
    // One progress bar for the foreground job; the cancel action is live while any job runs.
    connect(runner, &JobRunner::started, this, [this](const QString& title) {
        m_jobLabel->setText(title);
        m_progress->setValue(0);
        m_progress->show();
        m_cancelButton->show();
        m_actions->cancelJob->setEnabled(true);
    });
    connect(runner, &JobRunner::progress, this, [this](double fraction, const QString& stage, double left) {
        m_progress->setValue(int(fraction * 1000));
        m_progress->setFormat(left >= 0 ? tr("%p% — %1 s left").arg(qRound(left)) : QStringLiteral("%p%"));
        if (!stage.isEmpty()) m_progress->setToolTip(stage);
    });
    connect(runner, &JobRunner::cancelled, m_log, [this](const QString& title) { m_log->info(tr("%1: cancelled").arg(title)); });
    m_watched.push_back(runner);
    connect(runner, &JobRunner::finished, this, [this] {
        for (const JobRunner* r : m_watched)
            if (r->isRunning()) return;
        m_progress->hide();
        m_cancelButton->hide();
        m_jobLabel->clear();
        m_actions->cancelJob->setEnabled(false);
    });
}

void MainWindow::openFile(const QString& path)
{
    if (classifyFile(path) == DroppedFileKind::PointCloud) return openLidarFrame(inferLidarFramePaths(path));
    const QString name = QFileInfo(path).fileName();
    m_log->info(tr("Opening %1").arg(path));
    m_openRunner->start(tr("Open %1").arg(name), [this, path, name](const qs::ProgressFn&) -> JobRunner::Deliver {
        std::shared_ptr<const qs::Checkpoint> ckpt = qs::openCheckpoint(path.toStdString());
        return [this, ckpt, path, name] {
            m_inspector->clear();
            m_document->setCheckpoint(ckpt, name);
            addRecentFile(QFileInfo(path).absoluteFilePath());
            settings::lastOpenDir.set(QFileInfo(path).absolutePath());
            setWindowFilePath(path);
            m_log->info(tr("%1: %2 tensors (%3)").arg(name).arg(ckpt->tensors().size()).arg(QString::fromUtf8(ckpt->format().data(), qsizetype(ckpt->format().size()))));
            Q_EMIT fileOpened(name);
        };
    });
}

void MainWindow::openLidarFrame(const LidarFramePaths& paths)
{
    const QString name = QFileInfo(paths.cloud).fileName();
#ifdef QS_HAVE_VIEWERS
    if (m_lidar) {
        m_log->info(tr("Opening LiDAR frame %1").arg(paths.cloud));
        for (const QString& extra : {paths.label, paths.calib, paths.detA, paths.detB})
            if (!extra.isEmpty()) m_log->info(tr("  with %1").arg(extra));
        auto path = [](const QString& p) { return std::filesystem::path(p.toStdString()); };
        m_lidarRunner->start(tr("Open %1").arg(name), [=, this](const qs::ProgressFn&) -> JobRunner::Deliver {
            auto frame = std::make_shared<const qs::viewers::LidarFrame>(qs::viewers::loadLidarFrame(
                path(paths.cloud), path(paths.label), path(paths.calib), path(paths.detA), path(paths.detB)));
            return [this, frame, paths, name] {
                m_lidar->showFrame(*frame);
                m_lidarFrameShown = true;
                auto title = [](const QString& set, const QString& file) {
                    return file.isEmpty() ? tr("%1: no detections").arg(set) : tr("%1: %2").arg(set, QFileInfo(file).fileName());
                };
                m_lidar->setLabels(title(tr("A"), paths.detA), title(tr("B"), paths.detB));
                showView(QStringLiteral("lidar"));
                addRecentFile(QFileInfo(paths.cloud).absoluteFilePath());
                m_log->info(tr("%1: %2 points; labelled boxes: %3; detections A: %4, B: %5")
                                .arg(name, QLocale().toString(qulonglong(frame->cloud.size())))
                                .arg(frame->groundTruth.size())
                                .arg(frame->detectionsA.size())
                                .arg(frame->detectionsB.size()));
                if (!paths.detA.isEmpty() && paths.label.isEmpty())
                    m_log->warning(tr("%1: no labels, so detections are shown without AP scores").arg(name));
                Q_EMIT lidarFrameOpened(name);
            };
        });
        return;
    }
#endif
    const QString message = tr("Cannot show %1: the LiDAR viewer needs OpenGL widgets, which the \"%2\" platform does not provide.")
                                .arg(name, QGuiApplication::platformName());
    reportError(tr("LiDAR viewer not available"), message);
    Q_EMIT openFailed(message);
}

void MainWindow::chooseLidarFrame()
{
    LidarFrameDialog dialog(this);
    if (dialog.exec() == QDialog::Accepted) openLidarFrame(dialog.paths());
}

void MainWindow::openDemo()
{
#ifdef QS_HAVE_DEMO_MODEL
    m_inspector->clear();
    m_document->setCheckpoint(std::shared_ptr<const qs::Checkpoint>(qs::makeDemoCheckpoint()), tr("demo model"));
    setWindowFilePath(QString());
    m_log->info(tr("Built-in demo model: %1 tensors").arg(m_document->tensorCount()));
    Q_EMIT fileOpened(tr("demo model"));
    return;
#endif
    const QString message = tr("This build has no built-in demo model yet. Open a checkpoint with File ▸ Open instead.");
    reportError(tr("Demo model not available"), message);
    Q_EMIT openFailed(message);
}

void MainWindow::showTensorInTeaching(std::size_t index)
{
    const bool sameTensor = m_teachingTensor == index;
    m_teachingTensor = index;
    if (const TensorSummary* s = m_inspector->summary())
        m_teaching->setTensor(m_inspector->matrix(), m_inspector->explorer(), s->stats.mean, s->stats.std, sameTensor);
}

void MainWindow::quantizeModel(bool compare)
{
    const std::optional<qs::QuantMethod> other = compare ? std::optional(m_controls->compareMethod()) : std::nullopt;
    if (!m_session->start(m_controls->settings(), other))
        return reportError(tr("Nothing to quantize"), tr("Open a checkpoint or the demo model first."));
    m_tabs->setCurrentWidget(m_modelView);
}

QString MainWindow::exportTo(int target, const QString& path, const QString& precision)
{
    switch (ExportDialog::Target(target)) {
    case ExportDialog::Target::Report: return m_session->writeReport(path);
    case ExportDialog::Target::LayerErrorChart: return saveWidgetImage(m_modelView->chartView(), path);
    case ExportDialog::Target::Histogram: return saveWidgetImage(m_inspector->histogram(), path);
    case ExportDialog::Target::ChannelRanges: return saveWidgetImage(m_inspector->channelRanges(), path);
    case ExportDialog::Target::Model: {
        const auto format = qs::exportFormatFromPath(path.toStdString());
        if (!format) return tr("%1: the extension names no model format (.qs.h5, .safetensors, .gguf)").arg(path);
        const auto id = qs::exportFormatInfo(*format).id;
        return m_session->startExport(m_controls->settings(), path, QString::fromUtf8(id.data(), qsizetype(id.size())), precision);
    }
    }
    return tr("unknown export");
}

void MainWindow::showExportDialog()
{
    const bool haveModel = m_document->checkpoint() != nullptr;
    ExportDialog dialog(!m_session->lastRuns().empty(), haveModel, this);
    const auto gguf = qs::dtypeName(qs::defaultGgufType(m_controls->settings()));
    dialog.setDefaultGgufType(QString::fromLatin1(gguf.data(), qsizetype(gguf.size())));
    const QString base = windowFilePath().isEmpty() ? QStringLiteral("quantscope") : QFileInfo(windowFilePath()).completeBaseName();
    const QString name = dialog.target() == ExportDialog::Target::Model ? base + QStringLiteral("-quantized.qs.h5")
                                                                          : QStringLiteral("quantscope-report.json");
    dialog.setPath(QDir(settings::lastOpenDir.get()).filePath(name));
    if (dialog.exec() != QDialog::Accepted || dialog.path().isEmpty()) return;
    const QString error = exportTo(int(dialog.target()), dialog.path(), dialog.precision());
    if (!error.isEmpty()) return reportError(tr("Export failed"), error);
    if (dialog.target() == ExportDialog::Target::Model) return;  // a job: ModelQuantSession::exported reports it
    m_log->info(tr("Exported %1").arg(dialog.path()));
    statusBar()->showMessage(tr("Exported %1").arg(dialog.path()), 5000);
}

void MainWindow::chooseFile()
{
    QStringList filters, all;
    for (const auto& f : qs::checkpointFormats()) {
        QStringList globs;
        for (auto ext : f.extensions) globs << QStringLiteral("*.") + QString::fromLatin1(ext.data(), qsizetype(ext.size()));
        all << globs;
        filters << QStringLiteral("%1 (%2)").arg(QString::fromUtf8(f.displayName.data(), qsizetype(f.displayName.size())), globs.join(u' '));
    }
    filters.prepend(tr("All checkpoints (%1)").arg(all.join(u' ')));
    filters << LidarFrameDialog::pointCloudFilter();  // ends with "All files (*)"
    const QString path = QFileDialog::getOpenFileName(this, tr("Open checkpoint"), settings::lastOpenDir.get(), filters.join(QStringLiteral(";;")));
    if (!path.isEmpty()) openFile(path);
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    for (const QString& path : settings::recentFiles.get()) {
        QAction* a = m_recentMenu->addAction(QFileInfo(path).fileName());
        a->setToolTip(path);
        a->setStatusTip(path);
        connect(a, &QAction::triggered, this, [this, path] { openFile(path); });
    }
    m_recentMenu->setEnabled(!settings::recentFiles.get().isEmpty());
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(m_actions->clearRecent);
}

bool MainWindow::showView(const QString& name)
{
    for (int i = 0; i < m_tabs->count(); ++i)
        if (m_tabs->widget(i)->property("viewName").toString() == name || (name == QLatin1String("layer") && i == 0)) {
            m_tabs->setCurrentIndex(i);
            return true;
        }
    return false;
}

void MainWindow::showPreferences()
{
    PreferencesDialog dialog(this);
    dialog.exec();
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About QuantScope"),
                       tr("<b>QuantScope %1</b><p>A workbench for post-training quantization: explore weights and "
                          "outliers, quantize with RTN or EasyQuant, compare and export.</p>")
                           .arg(QString::fromUtf8(qs::version().data(), qsizetype(qs::version().size()))));
}

void MainWindow::reportError(const QString& title, const QString& message)
{
    m_log->error(QStringLiteral("%1: %2").arg(title, message));
    statusBar()->showMessage(title, 8000);
    // The action cannot continue: say so, without blocking the event loop (window-modal).
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("errorBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::retranslate()
{
    m_actions->retranslate();
    m_controls->retranslate();
    m_inspector->retranslate();
    m_browser->retranslate();
    m_tabs->setTabText(0, tr("Layer"));
    m_tabs->setTabText(1, tr("Teaching"));
    m_tabs->setTabText(2, tr("Model"));
    if (m_tabs->count() > 3) m_tabs->setTabText(3, tr("LiDAR"));
#ifdef QS_HAVE_VIEWERS
    if (m_lidar && !m_lidarFrameShown)
        m_lidar->setLabels(tr("A — open a point cloud with File ▸ Open LiDAR Frame… (Ctrl+Shift+O) or drop one here"),
                           tr("B — detections to compare with A"));
#endif
    m_teaching->retranslate();
    m_modelView->retranslate();
    m_browserDock->setWindowTitle(tr("Model"));
    m_controlsDock->setWindowTitle(tr("Quantization"));
    m_logDock->setWindowTitle(tr("Log"));
    m_fileMenu->setTitle(tr("&File"));
    m_recentMenu->setTitle(tr("Open &Recent"));
    m_modelMenu->setTitle(tr("&Model"));
    m_viewMenu->setTitle(tr("&View"));
    m_helpMenu->setTitle(tr("&Help"));
    if (auto* tb = findChild<QToolBar*>(QStringLiteral("mainToolBar"))) tb->setWindowTitle(tr("Main"));
    setWindowTitle(tr("QuantScope"));
}

void MainWindow::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) retranslate();
    QMainWindow::changeEvent(event);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    settings::windowGeometry.set(saveGeometry());
    settings::windowState.set(saveState());
    m_controls->saveSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    QStringList files;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile()) files << url.toLocalFile();
    if (files.isEmpty()) return;
    event->acceptProposedAction();
    // A scan dropped with its label/calib/detection files opens as one frame.
    if (files.size() > 1)
        if (const LidarFramePaths frame = lidarFrameFromFiles(files); !frame.cloud.isEmpty()) return openLidarFrame(frame);
    openFile(files.first());
}
