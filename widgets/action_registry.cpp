#include "action_registry.h"

#include <QAction>
#include <QApplication>
#include <QIcon>
#include <QKeySequence>
#include <QStyle>

namespace qs::gui {

ActionRegistry::ActionRegistry(QObject* parent) : QObject(parent)
{
    open = make("actionOpen", "document-open", QStyle::SP_DialogOpenButton);
    openDemo = make("actionOpenDemo", "applications-science", QStyle::SP_ComputerIcon);
    openLidarFrame = make("actionOpenLidarFrame", "document-open-folder", QStyle::SP_DirOpenIcon);
    clearRecent = make("actionClearRecent", "edit-clear-history", QStyle::SP_DialogResetButton);
    exportReport = make("actionExport", "document-export", QStyle::SP_DialogSaveButton);
    quit = make("actionQuit", "application-exit", QStyle::SP_DialogCloseButton);
    quantizeModel = make("actionQuantizeModel", "system-run", QStyle::SP_MediaPlay);
    compareMethods = make("actionCompareMethods", "view-split-left-right", QStyle::SP_FileDialogDetailedView);
    cancelJob = make("actionCancelJob", "process-stop", QStyle::SP_BrowserStop);
    preferences = make("actionPreferences", "preferences-system", QStyle::SP_FileDialogInfoView);
    focusFilter = make("actionFocusFilter", "edit-find", QStyle::SP_FileDialogContentsView);
    showLog = make("actionShowLog", "utilities-log-viewer", QStyle::SP_MessageBoxInformation);
    showControls = make("actionShowControls", "configure", QStyle::SP_FileDialogListView);
    about = make("actionAbout", "help-about", QStyle::SP_MessageBoxQuestion);

    open->setShortcut(QKeySequence::Open);
    openDemo->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    openLidarFrame->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    exportReport->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
    quantizeModel->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    compareMethods->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    cancelJob->setShortcut(QKeySequence(Qt::Key_Escape));
    cancelJob->setEnabled(false);
    preferences->setShortcut(QKeySequence::Preferences);
    preferences->setMenuRole(QAction::PreferencesRole);
    focusFilter->setShortcut(QKeySequence::Find);
    showLog->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    showLog->setCheckable(true);
    showControls->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    showControls->setCheckable(true);
    about->setMenuRole(QAction::AboutRole);
    retranslate();
}

QAction* ActionRegistry::make(const char* objectName, const char* iconTheme, int fallbackIcon)
{
    auto* action = new QAction(this);
    action->setObjectName(QString::fromLatin1(objectName));
    const QIcon fallback = QApplication::style()->standardIcon(QStyle::StandardPixmap(fallbackIcon));
    action->setIcon(QIcon::fromTheme(QString::fromLatin1(iconTheme), fallback));
    return action;
}

void ActionRegistry::retranslate()
{
    open->setText(tr("&Open…"));
    open->setStatusTip(tr("Open a checkpoint (safetensors, GGUF, PyTorch, ONNX, HDF5, llama2.c)"));
    openDemo->setText(tr("Open &Demo Model"));
    openDemo->setStatusTip(tr("Open the built-in LLaMA-shaped demo model"));
    openLidarFrame->setText(tr("Open &LiDAR Frame…"));
    openLidarFrame->setStatusTip(tr("Open a point cloud with its labels and two sets of detections to compare"));
    clearRecent->setText(tr("&Clear Recent Files"));
    exportReport->setText(tr("&Export…"));
    exportReport->setStatusTip(tr("Export the quantization report or the charts"));
    quit->setText(tr("&Quit"));
    quantizeModel->setText(tr("&Quantize Model"));
    quantizeModel->setStatusTip(tr("Quantize every selected tensor with the current settings"));
    compareMethods->setText(tr("Compare &Methods"));
    compareMethods->setStatusTip(tr("Quantize with the current method and the comparison method"));
    cancelJob->setText(tr("&Cancel"));
    cancelJob->setStatusTip(tr("Stop the running job"));
    preferences->setText(tr("&Preferences…"));
    focusFilter->setText(tr("&Find Tensor"));
    showLog->setText(tr("&Log"));
    showControls->setText(tr("&Quantization Settings"));
    about->setText(tr("&About QuantScope"));
}

}  // namespace qs::gui
