#include "export_dialog.h"

#include "quantscope/io/exporter.h"

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

#include <algorithm>

namespace qs::gui {

namespace {

constexpr int kExtensionRole = Qt::UserRole + 1;

QString fromView(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

/// Every extension the dialog writes, longest first, so "x.qs.h5" loses ".qs.h5", not ".h5".
QStringList knownExtensions()
{
    QStringList exts = {QStringLiteral(".json"), QStringLiteral(".csv"), QStringLiteral(".png"), QStringLiteral(".svg")};
    for (const auto& f : qs::exportFormats()) exts << fromView(f.extension);
    std::sort(exts.begin(), exts.end(), [](const QString& a, const QString& b) { return a.size() > b.size(); });
    return exts;
}

QString withExtension(const QString& path, const QString& extension)
{
    const QFileInfo fi(path);
    QString name = fi.fileName();
    for (const QString& e : knownExtensions())
        if (name.endsWith(e, Qt::CaseInsensitive)) {
            name.chop(e.size());
            break;
        }
    return fi.dir().filePath(name + extension);
}

}  // namespace

ExportDialog::ExportDialog(bool haveReport, bool haveModel, QWidget* parent)
    : QDialog(parent), m_target(new QComboBox), m_format(new QComboBox), m_precision(new QComboBox),
      m_precisionLabel(new QLabel), m_path(new QLineEdit), m_note(new QLabel)
{
    setObjectName(QStringLiteral("exportDialog"));
    setWindowTitle(tr("Export"));
    m_target->setObjectName(QStringLiteral("exportTarget"));
    m_format->setObjectName(QStringLiteral("exportFormat"));
    m_precision->setObjectName(QStringLiteral("exportPrecision"));
    m_path->setObjectName(QStringLiteral("exportPath"));
    m_target->addItem(tr("Quantized model"), int(Target::Model));
    m_target->addItem(tr("Quantization report"), int(Target::Report));
    m_target->addItem(tr("Per-layer error chart"), int(Target::LayerErrorChart));
    m_target->addItem(tr("Histogram of the selected tensor"), int(Target::Histogram));
    m_target->addItem(tr("Channel ranges of the selected tensor"), int(Target::ChannelRanges));
    // Visible but disabled: say what exists and why it cannot be chosen now.
    auto* model = qobject_cast<QStandardItemModel*>(m_target->model());
    if (!haveModel) {
        model->item(0)->setEnabled(false);
        model->item(0)->setToolTip(tr("Open a checkpoint or the demo model first."));
    }
    if (!haveReport) {
        model->item(1)->setEnabled(false);
        model->item(1)->setToolTip(tr("Quantize the model first."));
    }
    m_target->setCurrentIndex(haveModel ? 0 : haveReport ? 1 : 2);
    m_note->setObjectName(QStringLiteral("exportNote"));
    m_note->setWordWrap(true);
    auto* browse = new QPushButton(tr("Browse…"));
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);
    auto* form = new QFormLayout;
    form->addRow(tr("What"), m_target);
    form->addRow(tr("Format"), m_format);
    m_precisionLabel->setText(tr("Weights as"));
    form->addRow(m_precisionLabel, m_precision);
    form->addRow(tr("File"), pathRow);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_note);
    layout->addWidget(buttons);
    connect(m_target, &QComboBox::currentIndexChanged, this, &ExportDialog::updateFormats);
    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::updatePrecisions);
    connect(m_format, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_path->text().isEmpty()) setPath(withExtension(m_path->text(), m_format->currentData(kExtensionRole).toString()));
    });
    connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    updateFormats();
}

void ExportDialog::updateFormats()
{
    m_format->clear();
    auto add = [this](const QString& text, const QString& id, const QString& extension) {
        m_format->addItem(text, id);
        m_format->setItemData(m_format->count() - 1, extension, kExtensionRole);
    };
    switch (target()) {
    case Target::Model:
        // The core's one table of export formats (CONVENTIONS.md #8).
        for (const auto& f : qs::exportFormats())
            add(QStringLiteral("%1 (%2)").arg(fromView(f.description), fromView(f.extension)), fromView(f.id), fromView(f.extension));
        m_note->setText(tr("The model is quantized again with the settings of the last run (or the current settings) "
                           "and written as it goes; the job can be cancelled from the status bar."));
        break;
    case Target::Report:
        add(tr("JSON"), QStringLiteral("json"), QStringLiteral(".json"));
        add(tr("CSV"), QStringLiteral("csv"), QStringLiteral(".csv"));
        m_note->setText(tr("Per-tensor settings and errors of the last run, with the model-wide totals."));
        break;
    default:
        add(tr("PNG image"), QStringLiteral("png"), QStringLiteral(".png"));
        add(tr("SVG vector image"), QStringLiteral("svg"), QStringLiteral(".svg"));
        m_note->setText(tr("The chart as it is shown now."));
        break;
    }
    if (!m_path->text().isEmpty()) setPath(withExtension(m_path->text(), m_format->currentData(kExtensionRole).toString()));
    updatePrecisions();
}

void ExportDialog::updatePrecisions()
{
    m_precision->clear();
    const QString id = formatId();
    if (target() == Target::Model && id == QLatin1String("safetensors")) {
        m_precision->addItem(tr("F16 (dequantized)"), QStringLiteral("F16"));
        m_precision->addItem(tr("BF16 (dequantized)"), QStringLiteral("BF16"));
        m_precision->addItem(tr("F32 (dequantized)"), QStringLiteral("F32"));
    } else if (target() == Target::Model && id == QLatin1String("gguf")) {
        m_precision->addItem(tr("Q4_0 (llama.cpp 4-bit blocks)"), QStringLiteral("Q4_0"));
        m_precision->addItem(tr("Q8_0 (llama.cpp 8-bit blocks)"), QStringLiteral("Q8_0"));
        m_precision->addItem(tr("F16"), QStringLiteral("F16"));
        m_precision->setCurrentIndex(std::max(0, m_precision->findData(m_defaultGguf)));
        m_precision->setToolTip(tr("Block type of the weight matrices. nl4 quantized with groups of 32 is written as "
                                   "IQ4_XS without re-quantizing (rows whose length is a multiple of 256); symmetric "
                                   "results without outliers whose scales cover 32-value blocks are written as Q4_0 or "
                                   "Q8_0 without re-quantizing."));
    }
    if (!(target() == Target::Model && id == QLatin1String("gguf"))) m_precision->setToolTip({});
    // The package keeps QuantScope's own codes: nothing to choose.
    m_precision->setVisible(m_precision->count() > 0);
    m_precisionLabel->setVisible(m_precision->count() > 0);
}

void ExportDialog::setDefaultGgufType(const QString& type)
{
    m_defaultGguf = type;
    updatePrecisions();
}

QString ExportDialog::precision() const
{
    return m_precision->currentData().toString();
}

void ExportDialog::browse()
{
    const QString ext = m_format->currentData(kExtensionRole).toString();
    const QString file = QFileDialog::getSaveFileName(this, tr("Export to"), m_path->text(),
                                                      tr("%1 files (*%2)").arg(m_format->currentText(), ext));
    if (!file.isEmpty()) setPath(file);
}

ExportDialog::Target ExportDialog::target() const
{
    return Target(m_target->currentData().toInt());
}

QString ExportDialog::formatId() const
{
    return m_format->currentData().toString();
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
    // A typed or browsed name picks the matching format (".qs.h5" before ".h5").
    for (int i = 0; i < m_format->count(); ++i)
        if (path.endsWith(m_format->itemData(i, kExtensionRole).toString(), Qt::CaseInsensitive)) {
            if (i != m_format->currentIndex()) {
                {
                    const QSignalBlocker block(m_format);  // the path is already right
                    m_format->setCurrentIndex(i);
                }
                updatePrecisions();
            }
            break;
        }
}

}  // namespace qs::gui
