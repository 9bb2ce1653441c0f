#pragma once
// `quantscope --screenshot FILE.png [--view NAME]`: waits until the window shows something
// worth showing (file open, a tensor selected and loaded, statistics done, charts drawn, or a
// time limit), renders the window offscreen with QWidget::grab and quits.

#include <QString>

class MainWindow;

/// Arms the capture; the application exits with 0 after saving, 1 when saving failed.
void scheduleScreenshot(MainWindow* window, const QString& file, const QString& view, const QString& tensor);
