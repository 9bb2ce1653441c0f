#include "export_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardItemModel>
#include <QVBoxLayout>

namespace qs::gui {

ExportDialog::ExportDialog(bool haveReport, QWidget* parent)
    : QDialog(parent), m_target(new QComboBox), m_format(new QComboBox), m_path(new QLineEdit), m_models(new QLabel),
      m_haveReport(haveReport)
{
    setObjectName(QStringLiteral("exportDialog"));
    setWindowTitle(tr("Export"));
    m_target->setObjectName(QStringLiteral("exportTarget"));
    m_format->setObjectName(QStringLiteral("exportFormat"));
    m_path->setObjectName(QStringLiteral("exportPath"));
    m_target->addItem(tr("Quantization report"), int(Target::Report));
    m_target->addItem(tr("Per-layer error chart"), int(Target::LayerErrorChart));
    m_target->addItem(tr("Histogram of the selected tensor"), int(Target::Histogram));
    m_target->addItem(tr("Channel ranges of the selected tensor"), int(Target::ChannelRanges));
    if (!haveReport) {
        // Visible but disabled: say what exists and why it cannot be chosen now.
        auto* model = qobject_cast<QStandardItemModel*>(m_target->model());
        model->item(0)->setEnabled(false);
        model->item(0)->setToolTip(tr("Quantize the model first."));
        m_target->setCurrentIndex(1);
    }
    m_models->setWordWrap(true);
    m_models->setText(tr("Quantized model formats (packed HDF5, dequantized safetensors, GGUF) are written by the "
                         "export commands of the core; this build offers reports and charts."));
    auto* browse = new QPushButton(tr("Browse…"));
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);
    auto* form = new QFormLayout;
    form->addRow(tr("What"), m_target);
    form->addRow(tr("Format"), m_format);
    form->addRow(tr("File"), pathRow);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_models);
    layout->addWidget(buttons);
    connect(m_target, &QComboBox::currentIndexChanged, this, &ExportDialog::updateFormats);
    connect(m_format, &QComboBox::currentIndexChanged, this, [this] {
        if (m_path->text().isEmpty()) return;
        const QFileInfo fi(m_path->text());
        setPath(fi.dir().filePath(fi.completeBaseName() + QLatin1Char('.') + m_format->currentData().toString()));
    });
    connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    updateFormats();
}

void ExportDialog::updateFormats()
{
    m_format->clear();
    if (target() == Target::Report) {
        m_format->addItem(tr("JSON"), QStringLiteral("json"));
        m_format->addItem(tr("CSV"), QStringLiteral("csv"));
    } else {
        m_format->addItem(tr("PNG image"), QStringLiteral("png"));
        m_format->addItem(tr("SVG vector image"), QStringLiteral("svg"));
    }
}

void ExportDialog::browse()
{
    const QString ext = m_format->currentData().toString();
    const QString file = QFileDialog::getSaveFileName(this, tr("Export to"), m_path->text(),
                                                      tr("%1 files (*.%2)").arg(ext.toUpper(), ext));
    if (!file.isEmpty()) setPath(file);
}

ExportDialog::Target ExportDialog::target() const
{
    return Target(m_target->currentData().toInt());
}

void ExportDialog::setTarget(Target t)
{
    m_target->setCurrentIndex(m_target->findData(int(t)));
}

QString ExportDialog::path() const
{
    return m_path->text();
}

void ExportDialog::setPath(const QString& path)
{
    m_path->setText(path);
    const int i = m_format->findData(QFileInfo(path).suffix().toLower());
    if (i >= 0 && i != m_format->currentIndex()) {
        const QSignalBlocker block(m_format);
        m_format->setCurrentIndex(i);
    }
}

}  // namespace qs::gui
