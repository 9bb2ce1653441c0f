#pragma once
// Chart colours come from the widget's palette (light or dark desktop), never hard-coded.

#include <QColor>
#include <QPalette>

class QChart;
class QChartView;

namespace qs::gui::chart {

/// Background, text, grid and the light/dark theme of `chart` from `palette`.
void applyPalette(QChart* chart, const QPalette& palette);
QColor dataColor(const QPalette& p);       ///< the main series (weights, bars)
QColor outlierColor(const QPalette& p);    ///< values/channels beyond ±nσ
QColor gridColor(const QPalette& p);       ///< quantization levels
QColor thresholdColor(const QPalette& p);  ///< ±nσ markers, the current choice
QColor secondColor(const QPalette& p);     ///< the comparison series
bool isDark(const QPalette& p);

}  // namespace qs::gui::chart
