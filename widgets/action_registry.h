#pragma once
// Every command of the workbench is a QAction made here, once: object name, translated text,
// icon, shortcut and status tip (CONVENTIONS.md #5). Windows and menus only look actions up
// and connect them with function pointers.

#include <QObject>

class QAction;

namespace qs::gui {

class ActionRegistry : public QObject {
    Q_OBJECT
public:
    explicit ActionRegistry(QObject* parent = nullptr);

    QAction* open;
    QAction* openDemo;
    QAction* openLidarFrame;
    QAction* clearRecent;
    QAction* exportReport;
    QAction* quit;
    QAction* quantizeModel;
    QAction* compareMethods;
    QAction* cancelJob;
    QAction* preferences;
    QAction* focusFilter;
    QAction* showLog;
    QAction* showControls;
    QAction* about;

    /// Re-applies translated texts after a language change.
    void retranslate();

private:
    QAction* make(const char* objectName, const char* iconTheme, int fallbackIcon);
};

}  // namespace qs::gui
