#pragma once
// Saving a chart as an image: PNG (raster, device pixel ratio kept) or SVG (vector), chosen by
// the file's extension.

#include <QString>

class QWidget;

namespace qs::gui {

/// Writes `widget` (a chart view) to `path` (.png or .svg). Returns an empty string on
/// success, else the reason.
QString saveWidgetImage(QWidget* widget, const QString& path);

}  // namespace qs::gui
