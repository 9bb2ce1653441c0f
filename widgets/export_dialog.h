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
    /// Model export: how weights are stored ("F16", "BF16", "F32" for safetensors; "Q4_0",
    /// "Q8_0", "F16" for GGUF); empty for the package and every other target.
    QString precision() const;
    QString path() const;
    void setPath(const QString& path);
    void setTarget(Target t);
    /// The GGUF block type selected when GGUF is chosen ("Q4_0" until told otherwise): the
    /// window passes qs::defaultGgufType of the current settings.
    void setDefaultGgufType(const QString& type);

private:
    void updateFormats();
    void updatePrecisions();
    void browse();

    QComboBox* m_target;
    QComboBox* m_format;
    QComboBox* m_precision;
    QLabel* m_precisionLabel;
    QLineEdit* m_path;
    QLabel* m_note;
    QString m_defaultGguf = QStringLiteral("Q4_0");
};

}  // namespace qs::gui
