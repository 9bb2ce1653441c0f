#include "lidar_frame_dialog.h"

#include "settings.h"

#include "quantscope/lidar/point_cloud.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace qs::gui {

LidarFrameDialog::LidarFrameDialog(QWidget* parent)
    : QDialog(parent),
      m_problem(new QLabel),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel))
{
    setObjectName(QStringLiteral("lidarFrameDialog"));
    setWindowTitle(tr("Open LiDAR Frame"));
    static const char* names[] = {"lidarCloudPath", "lidarLabelPath", "lidarCalibPath", "lidarDetAPath",
                                  "lidarDetBPath"};
    const QString labels[] = {tr("&Point cloud:"), tr("&Labels (label_2):"), tr("&Calibration:"),
                              tr("Detections &A:"), tr("Detections &B:")};
    const QString hints[] = {
        tr("KITTI .bin, nuScenes .pcd.bin, PCD, PLY or LAS"), tr("optional, KITTI label_2 .txt"),
        tr("needed with labels or KITTI result files"), tr("optional, pred_velo or KITTI result .txt"),
        tr("optional, e.g. the quantized detector's output")};
    auto* form = new QFormLayout;
    for (std::size_t i = 0; i < m_edits.size(); ++i) {
        auto* edit = new QLineEdit;
        edit->setObjectName(QString::fromLatin1(names[i]));
        edit->setPlaceholderText(hints[i]);
        edit->setClearButtonEnabled(true);
        edit->setMinimumWidth(420);
        auto* browseButton = new QPushButton(tr("Browse…"));
        auto* row = new QHBoxLayout;
        row->addWidget(edit, 1);
        row->addWidget(browseButton);
        auto* label = new QLabel(labels[i]);
        label->setBuddy(edit);  // the row is a layout: QFormLayout would not set the buddy (&-mnemonics)
        form->addRow(label, row);
        m_edits[i] = edit;
        connect(browseButton, &QPushButton::clicked, this, [this, i] { browse(Field(i)); });
        connect(edit, &QLineEdit::textChanged, this, &LidarFrameDialog::validate);
    }
    // As soon as the cloud field names an existing file (typed, pasted or browsed), infer the rest.
    connect(field(Field::Cloud), &QLineEdit::textChanged, this, [this](const QString& text) {
        if (QFileInfo(text.trimmed()).isFile()) inferFromCloud();
    });

    auto* note =
        new QLabel(tr("Labels and calibration are filled in from the KITTI folder layout "
                      "(velodyne/, label_2/, calib/); detections from pred_velo_<id>.txt beside the cloud."));
    note->setWordWrap(true);
    m_problem->setObjectName(QStringLiteral("lidarFrameProblem"));
    m_problem->setWordWrap(true);
    m_buttons->button(QDialogButtonBox::Open)->setObjectName(QStringLiteral("lidarFrameOpen"));
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    validate();
}

QString LidarFrameDialog::pointCloudFilter()
{
    QStringList globs;
    for (const std::string& g : qs::pointCloudFilePatterns()) globs << QString::fromStdString(g);
    return tr("Point clouds (%1)").arg(globs.join(u' ')) + QStringLiteral(";;") + tr("All files (*)");
}

LidarFramePaths LidarFrameDialog::paths() const
{
    auto text = [this](Field f) { return field(f)->text().trimmed(); };
    return {text(Field::Cloud), text(Field::Label), text(Field::Calib), text(Field::DetA), text(Field::DetB)};
}

void LidarFrameDialog::setPaths(const LidarFramePaths& p)
{
    const QString values[] = {p.cloud, p.label, p.calib, p.detA, p.detB};
    for (std::size_t i = 0; i < m_edits.size(); ++i) m_edits[i]->setText(values[i]);
    m_inferred = {};
}

void LidarFrameDialog::setCloud(const QString& path)
{
    field(Field::Cloud)->setText(path);
    inferFromCloud();
}

void LidarFrameDialog::inferFromCloud()
{
    const QString cloud = field(Field::Cloud)->text().trimmed();
    if (cloud.isEmpty()) return;
    const LidarFramePaths guess = inferLidarFramePaths(cloud);
    const QString values[] = {guess.cloud, guess.label, guess.calib, guess.detA, guess.detB};
    // Replace a field only when it is empty or still holds what inference put there before.
    for (std::size_t i = 1; i < m_edits.size(); ++i) {
        const QString now = m_edits[i]->text();
        if (now.isEmpty() || now == m_inferred[i]) {
            m_edits[i]->setText(values[i]);
            m_inferred[i] = values[i];
        }
    }
}

void LidarFrameDialog::browse(Field f)
{
    const QString start = field(f)->text().isEmpty() ? settings::lastLidarDir.get() : field(f)->text();
    const QString filter = f == Field::Cloud ? pointCloudFilter() : tr("Text files (*.txt);;All files (*)");
    const QString title = f == Field::Cloud ? tr("Choose a point cloud") : tr("Choose a file");
    const QString path = QFileDialog::getOpenFileName(this, title, start, filter);
    if (path.isEmpty()) return;
    settings::lastLidarDir.set(QFileInfo(path).absolutePath());
    if (f == Field::Cloud)
        setCloud(path);
    else
        field(f)->setText(path);
}

QString LidarFrameDialog::problem() const
{
    const LidarFramePaths p = paths();
    if (p.cloud.isEmpty()) return tr("Choose a point cloud.");
    const std::pair<QString, QString> files[] = {{p.cloud, tr("Point cloud")},
                                                 {p.label, tr("Labels")},
                                                 {p.calib, tr("Calibration")},
                                                 {p.detA, tr("Detections A")},
                                                 {p.detB, tr("Detections B")}};
    for (const auto& [path, what] : files)
        if (!path.isEmpty() && !QFileInfo(path).isFile()) return tr("%1: no such file (%2)").arg(what, path);
    if (!p.label.isEmpty() && p.calib.isEmpty())
        return tr("KITTI labels are in the camera frame: choose the calibration file too.");
    return {};
}

void LidarFrameDialog::validate()
{
    const QString why = problem();
    m_problem->setText(why);
    m_problem->setVisible(!why.isEmpty());
    m_buttons->button(QDialogButtonBox::Open)->setEnabled(why.isEmpty());
}

}  // namespace qs::gui
