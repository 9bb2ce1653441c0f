#pragma once
// What can be exported and where: the quantization report (JSON or CSV, through the core's
// report writer) and the charts (PNG or SVG). Model formats are listed as the core offers them.

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;

namespace qs::gui {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    enum class Target { Report, LayerErrorChart, Histogram, ChannelRanges };
    explicit ExportDialog(bool haveReport, QWidget* parent = nullptr);

    Target target() const;
    QString path() const;
    void setPath(const QString& path);
    void setTarget(Target t);

private:
    void updateFormats();
    void browse();

    QComboBox* m_target;
    QComboBox* m_format;
    QLineEdit* m_path;
    QLabel* m_models;
    bool m_haveReport;
};

}  // namespace qs::gui
