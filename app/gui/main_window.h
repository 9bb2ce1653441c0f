#pragma once
// The workbench window: assembles the widgets, the actions and the jobs. Holds no analysis
// code of its own (CONVENTIONS.md #20).

#include <QMainWindow>

#include <memory>
#include <optional>
#include <vector>

class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QTabWidget;
class QToolButton;

namespace qs::viewers {
class LidarCompareWidget;
}
namespace qs::gui {
struct LidarFramePaths;
class ActionRegistry;
class JobRunner;
class LayerInspector;
class LogPane;
class ModelDocument;
class ModelQuantView;
class ModelQuantSession;
class TeachingView;
class QuantControls;
class TensorBrowser;
}  // namespace qs::gui

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens `path` in the background: a checkpoint in the model views, a point cloud (by name
    /// and content, see classifyFile) as a LiDAR frame with the files its folder layout gives.
    /// Errors go to the log and a non-blocking message box.
    void openFile(const QString& path);
    /// Loads a LiDAR frame in the background and shows it in the LiDAR tab.
    void openLidarFrame(const qs::gui::LidarFramePaths& paths);
    /// The LiDAR tab, or nullptr where the platform has no OpenGL widgets (or no viewers/).
    qs::viewers::LidarCompareWidget* lidarView() const noexcept { return m_lidar; }
    qs::gui::JobRunner* lidarRunner() const noexcept { return m_lidarRunner; }
    void openDemo();
    /// Shows a view by name: "layer", "model", "teaching", "lidar".
    bool showView(const QString& name);

    qs::gui::ModelDocument* document() const noexcept { return m_document; }
    qs::gui::TensorBrowser* browser() const noexcept { return m_browser; }
    qs::gui::LayerInspector* inspector() const noexcept { return m_inspector; }
    qs::gui::QuantControls* controls() const noexcept { return m_controls; }
    qs::gui::LogPane* logPane() const noexcept { return m_log; }
    qs::gui::ActionRegistry* actions() const noexcept { return m_actions; }
    qs::gui::JobRunner* openRunner() const noexcept { return m_openRunner; }
    qs::gui::ModelQuantSession* session() const noexcept { return m_session; }
    qs::gui::ModelQuantView* modelView() const noexcept { return m_modelView; }
    qs::gui::TeachingView* teachingView() const noexcept { return m_teaching; }
    /// Quantizes the open model with the current settings (and the comparison method).
    void quantizeModel(bool compare);
    /// Writes the export chosen in the dialog (or given here); returns an error or "". A model
    /// export starts a job (ModelQuantSession::exported reports it); `precision` as there.
    QString exportTo(int target, const QString& path, const QString& precision = {});


Q_SIGNALS:
    /// A file (or the demo) is open and its tree is shown.
    void fileOpened(const QString& displayName);
    void openFailed(const QString& message);
    /// A LiDAR frame is loaded and shown in the LiDAR tab.
    void lidarFrameOpened(const QString& displayName);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void createMenus();
    void createDocks();
    void connectJobs();
    void watchJob(qs::gui::JobRunner* runner);
    void rebuildRecentMenu();
    void chooseFile();
    void chooseLidarFrame();
    void showPreferences();
    void showAbout();
    void retranslate();
    void reportError(const QString& title, const QString& message);
    void showExportDialog();
    /// Hands the inspector's tensor to the teaching view; a reload of the same tensor (new
    /// settings) keeps the channel the person is tracing.
    void showTensorInTeaching(std::size_t index);

    qs::gui::ActionRegistry* m_actions;
    qs::gui::ModelDocument* m_document;
    qs::gui::JobRunner* m_openRunner;
    qs::gui::TensorBrowser* m_browser;
    qs::gui::LayerInspector* m_inspector;
    qs::gui::QuantControls* m_controls;
    qs::gui::LogPane* m_log;
    qs::gui::TeachingView* m_teaching;
    std::optional<std::size_t> m_teachingTensor;  ///< the tensor the teaching view shows
    qs::gui::ModelQuantView* m_modelView;
    qs::gui::ModelQuantSession* m_session;
    qs::gui::JobRunner* m_lidarRunner;
    qs::viewers::LidarCompareWidget* m_lidar = nullptr;
    bool m_lidarFrameShown = false;  ///< until then the LiDAR titles say how to open a frame
    QTabWidget* m_tabs;
    QDockWidget* m_browserDock;
    QDockWidget* m_controlsDock;
    QDockWidget* m_logDock;
    QMenu* m_fileMenu;
    QMenu* m_recentMenu;
    QMenu* m_modelMenu;
    QMenu* m_viewMenu;
    QMenu* m_helpMenu;
    QProgressBar* m_progress;
    QLabel* m_jobLabel;
    QToolButton* m_cancelButton;
    std::vector<qs::gui::JobRunner*> m_watched;  ///< jobs shown in the status bar, cancelled by Esc
};
