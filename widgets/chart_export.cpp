#include "chart_export.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QPainter>
#include <QPixmap>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QWidget>

namespace qs::gui {

QString saveWidgetImage(QWidget* widget, const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(widget->size());
        svg.setViewBox(widget->rect());
        svg.setTitle(widget->objectName());
        svg.setDescription(QCoreApplication::translate("qs::gui::chart", "Exported by QuantScope"));
        QPainter painter;
        if (!painter.begin(&svg)) return QCoreApplication::translate("qs::gui::chart", "cannot write %1").arg(path);
        widget->render(&painter);
        painter.end();
        return QFileInfo::exists(path) ? QString() : QCoreApplication::translate("qs::gui::chart", "cannot write %1").arg(path);
    }
    // Through QSaveFile: a failed write never leaves a truncated image behind.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !widget->grab().save(&file, "PNG") || !file.commit())
        return QCoreApplication::translate("qs::gui::chart", "cannot write %1: %2").arg(path, file.errorString());
    return {};
}

}  // namespace qs::gui
