#include "chart_style.h"

#include <QAbstractAxis>
#include <QChart>
#include <QLegend>

namespace qs::gui::chart {

bool isDark(const QPalette& p)
{
    return p.color(QPalette::Window).lightness() < 128;
}

void applyPalette(QChart* chart, const QPalette& p)
{
    chart->setTheme(isDark(p) ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    chart->setBackgroundBrush(p.brush(QPalette::Base));
    chart->setBackgroundRoundness(0);
    chart->setTitleBrush(p.brush(QPalette::Text));
    chart->legend()->setLabelColor(p.color(QPalette::Text));
    for (QAbstractAxis* axis : chart->axes()) {
        axis->setLabelsColor(p.color(QPalette::Text));
        axis->setTitleBrush(p.brush(QPalette::Text));
        QColor grid = p.color(QPalette::Mid);
        grid.setAlpha(90);
        axis->setGridLineColor(grid);
        axis->setLinePenColor(p.color(QPalette::Mid));
    }
}

QColor dataColor(const QPalette& p)
{
    return p.color(QPalette::Highlight);
}

QColor outlierColor(const QPalette& p)
{
    // LinkVisited is a distinct, readable accent in both Fusion and desktop palettes.
    return p.color(QPalette::LinkVisited);
}

QColor gridColor(const QPalette& p)
{
    QColor c = p.color(QPalette::Text);
    c.setAlpha(110);
    return c;
}

QColor thresholdColor(const QPalette& p)
{
    return p.color(QPalette::Link);
}

QColor secondColor(const QPalette& p)
{
    QColor c = p.color(QPalette::Highlight);
    // The same hue rotated: a distinct series that still follows the desktop's accent.
    return QColor::fromHsv((c.hsvHue() + 150) % 360, c.hsvSaturation(), c.value());
}

}  // namespace qs::gui::chart
