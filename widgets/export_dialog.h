#pragma once
// What can be exported and where: the quantized model in every format the core's exporter
// lists (qs::exportFormats(): package, dequantized safetensors, GGUF), the quantization report
// (JSON or CSV, through the core's report writer) and the charts (PNG or SVG).

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;

namespace qs::gui {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    enum class Target { Report, LayerErrorChart, Histogram, ChannelRanges, Model };
    /// haveReport: a quantization run finished; haveModel: a checkpoint is open.
    ExportDialog(bool haveReport, bool haveModel, QWidget* parent = nullptr);

    Target target() const;
    /// The chosen format's id: "package", "safetensors", "gguf", "json", "csv", "png", "svg".
    QString formatId() const;
    QString path() const;
    void setPath(const QString& path);
    void setTarget(Target t);

private:
    void updateFormats();
    void browse();

    QComboBox* m_target;
    QComboBox* m_format;
    QLineEdit* m_path;
    QLabel* m_note;
};

}  // namespace qs::gui
