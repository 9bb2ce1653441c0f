// Side-by-side A/B LiDAR comparison: two linked PointCloudViews, shared controls, AP table.
#include "quantscope/viewers/lidar_compare_widget.h"

#include "quantscope/error.h"
#include "quantscope/lidar/kitti.h"
#include "quantscope/viewers/detector_panel.h"

#include <QCheckBox>
#include <QColor>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace qs::viewers {

namespace {

QString pct(double fraction) { return QString::number(100.0 * fraction, 'f', 2); }

QString signedPct(double fraction)
{
    const QString s = QString::number(100.0 * fraction, 'f', 2);
    return fraction > 0 ? QLatin1Char('+') + s : s;
}

QWidget* titled(QLabel* title, PointCloudView* view)
{
    auto* w = new QWidget;
    auto* l = new QVBoxLayout(w);
    l->setContentsMargins(0, 0, 0, 0);
    l->setSpacing(2);
    // A long title wraps instead of widening its half: the two views stay the same size.
    title->setWordWrap(true);
    title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    l->addWidget(title);
    l->addWidget(view, 1);
    return w;
}

QString boxText(const qs::Box3D& b)
{
    return LidarCompareWidget::tr("%1 at (%2, %3, %4) m, size %5 x %6 x %7 m, heading %8 rad")
        .arg(QString::fromStdString(b.className))
        .arg(b.x, 0, 'f', 2).arg(b.y, 0, 'f', 2).arg(b.z, 0, 'f', 2)
        .arg(b.dx, 0, 'f', 2).arg(b.dy, 0, 'f', 2).arg(b.dz, 0, 'f', 2)
        .arg(b.heading, 0, 'f', 2);
}

}  // namespace

LidarCompareWidget::LidarCompareWidget(QWidget* parent) : QWidget(parent)
{
    qRegisterMetaType<PickedBox>();
    qRegisterMetaType<CameraState>();
    m_viewA = new PointCloudView;
    m_viewB = new PointCloudView;
    m_viewA->setObjectName(QStringLiteral("lidarViewA"));
    m_viewB->setObjectName(QStringLiteral("lidarViewB"));
    m_titleA = new QLabel(tr("A"));
    m_titleB = new QLabel(tr("B"));

    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(titled(m_titleA, m_viewA));
    splitter->addWidget(titled(m_titleB, m_viewB));
    m_detector = new DetectorPanel;
    m_detector->setObjectName(QStringLiteral("lidarDetectorPanel"));
    splitter->addWidget(m_detector);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    splitter->setStretchFactor(2, 0);

    m_colorMode = new QComboBox;
    m_colorMode->setObjectName(QStringLiteral("lidarColorMode"));
    for (ColorMode m : {ColorMode::Intensity, ColorMode::Height, ColorMode::Distance, ColorMode::Solid})
        m_colorMode->addItem(QString(), static_cast<int>(m));
    m_pointSize = new QDoubleSpinBox;
    m_pointSize->setObjectName(QStringLiteral("lidarPointSize"));
    m_pointSize->setRange(1, 10);
    m_pointSize->setSingleStep(0.5);
    m_pointSize->setValue(1);
    m_showGt = new QCheckBox;
    m_showDet = new QCheckBox;
    m_showScores = new QCheckBox;
    m_showGt->setObjectName(QStringLiteral("lidarShowGroundTruth"));
    m_showDet->setObjectName(QStringLiteral("lidarShowDetections"));
    m_showScores->setObjectName(QStringLiteral("lidarShowScores"));
    for (auto* c : {m_showGt, m_showDet, m_showScores}) c->setChecked(true);
    auto* perspective = m_perspective = new QPushButton;
    auto* birdsEye = m_birdsEye = new QPushButton;

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_colorMode);
    controls->addWidget(m_pointSize);
    controls->addWidget(m_showGt);
    controls->addWidget(m_showDet);
    controls->addWidget(m_showScores);
    controls->addStretch(1);
    controls->addWidget(perspective);
    controls->addWidget(birdsEye);

    m_table = new QTableWidget(0, 7);
    m_table->setObjectName(QStringLiteral("lidarApTable"));
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setMaximumHeight(130);
    m_picked = new QLabel;
    m_picked->setObjectName(QStringLiteral("lidarPickedBox"));
    m_picked->setWordWrap(true);
    m_picked->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_table, 2);
    bottom->addWidget(m_picked, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(splitter, 1);
    layout->addLayout(bottom);
    retranslate();

    connect(m_colorMode, &QComboBox::currentIndexChanged, this, [this](int) {
        const auto mode = static_cast<ColorMode>(m_colorMode->currentData().toInt());
        m_viewA->setColorMode(mode);
        m_viewB->setColorMode(mode);
    });
    connect(m_pointSize, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        m_viewA->setPointSize(v);
        m_viewB->setPointSize(v);
    });
    connect(m_showGt, &QCheckBox::toggled, this, [this](bool on) {
        m_viewA->setBoxSetVisible(BoxSet::GroundTruth, on);
        m_viewB->setBoxSetVisible(BoxSet::GroundTruth, on);
    });
    connect(m_showDet, &QCheckBox::toggled, this, [this](bool on) {
        m_viewA->setBoxSetVisible(BoxSet::DetectionsA, on);
        m_viewB->setBoxSetVisible(BoxSet::DetectionsB, on);
    });
    connect(m_showScores, &QCheckBox::toggled, this, [this](bool on) {
        m_viewA->setScoreLabelsVisible(on);
        m_viewB->setScoreLabelsVisible(on);
    });
    // Presets apply to A; the link carries them to B.
    connect(perspective, &QPushButton::clicked, m_viewA, &PointCloudView::showPerspectiveView);
    connect(birdsEye, &QPushButton::clicked, m_viewA, &PointCloudView::showBirdsEyeView);
    linkCameras(m_viewA, m_viewB);
    linkCameras(m_viewB, m_viewA);
    connect(m_detector, &DetectorPanel::comparisonReady, this,
            [this](const qs::DetectorComparison& c, bool hasGroundTruth, const QString& quantizedLabel) {
                setDetectionsA(c.reference);
                setDetectionsB(c.quantized);
                setLabels(tr("A: FP32"), tr("B: %1").arg(quantizedLabel));
                if (hasGroundTruth) setMetrics(c.referenceEval, c.quantizedEval);
            });
    for (auto* v : {m_viewA, m_viewB})
        connect(v, &PointCloudView::boxPicked, this, [this](const PickedBox& p) {
            showPicked(p);
            Q_EMIT boxPicked(p);
        });
}

void LidarCompareWidget::retranslate()
{
    static const char* modes[] = {QT_TR_NOOP("Intensity"), QT_TR_NOOP("Height"), QT_TR_NOOP("Distance"), QT_TR_NOOP("Solid")};
    for (int i = 0; i < m_colorMode->count() && i < 4; ++i) m_colorMode->setItemText(i, tr(modes[i]));
    m_pointSize->setPrefix(tr("point size "));
    m_showGt->setText(tr("Ground truth"));
    m_showDet->setText(tr("Detections"));
    m_showScores->setText(tr("Scores"));
    m_perspective->setText(tr("Perspective"));
    m_birdsEye->setText(tr("Bird's eye"));
    m_table->setHorizontalHeaderLabels({tr("Class"), tr("AP 3D A"), tr("AP 3D B"), tr("Δ 3D"), tr("AP BEV A"),
                                        tr("AP BEV B"), tr("Δ BEV")});
    m_table->setToolTip(tr("KITTI AP|R40 at moderate difficulty, in %; Δ = B − A (red: B loses, green: B gains)."));
    if (!m_havePick) m_picked->setText(tr("Click a box to see its attributes and match."));
}

void LidarCompareWidget::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(event);
}

void LidarCompareWidget::linkCameras(PointCloudView* from, PointCloudView* to)
{
    // setCameraState does not emit cameraChanged, so the link cannot loop.
    connect(from, &VtkHostWidget::cameraChanged, to, &VtkHostWidget::setCameraState);
}

void LidarCompareWidget::setPointCloud(const qs::PointCloud& cloud)
{
    m_viewA->setPointCloud(cloud);
    m_viewB->setPointCloud(cloud);
    m_viewA->showPerspectiveView();
    m_detector->setPointCloud(std::make_shared<const qs::PointCloud>(cloud));
}

void LidarCompareWidget::setGroundTruth(const std::vector<qs::Box3D>& boxes)
{
    m_viewA->setBoxes(BoxSet::GroundTruth, boxes);
    m_viewB->setBoxes(BoxSet::GroundTruth, boxes);
    m_detector->setGroundTruth(boxes);
}

void LidarCompareWidget::setDetectionsA(const std::vector<qs::Box3D>& boxes) { m_viewA->setBoxes(BoxSet::DetectionsA, boxes); }
void LidarCompareWidget::setDetectionsB(const std::vector<qs::Box3D>& boxes) { m_viewB->setBoxes(BoxSet::DetectionsB, boxes); }

void LidarCompareWidget::setLabels(const QString& a, const QString& b)
{
    m_titleA->setText(a);
    m_titleB->setText(b);
}

void LidarCompareWidget::setMetrics(const qs::EvalResult& a, const qs::EvalResult& b) { fillMetrics(&a, &b); }

void LidarCompareWidget::fillMetrics(const qs::EvalResult* a, const qs::EvalResult* b)
{
    m_table->setRowCount(0);
    const qs::EvalResult* rows = a ? a : b;
    if (!rows) return;
    auto find = [](const qs::EvalResult* r, const std::string& name) -> const qs::ClassEvaluation* {
        if (r)
            for (const auto& c : r->classes)
                if (c.name == name) return &c;
        return nullptr;
    };
    for (const auto& c : rows->classes) {
        const qs::ClassEvaluation* ca = find(a, c.name);
        const qs::ClassEvaluation* cb = find(b, c.name);
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        m_table->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(c.name)));
        const bool noGt = c.numGt[1] == 0;
        auto set = [&](int col, const QString& text, double delta = 0) {
            auto* item = new QTableWidgetItem(noGt ? tr("n/a") : text);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            // Losses red, gains green: the reason to look at A vs B at all.
            if (!noGt && std::abs(delta) >= 5e-5) item->setForeground(delta < 0 ? QColor(200, 40, 40) : QColor(30, 140, 60));
            m_table->setItem(row, col, item);
        };
        const QString none = QStringLiteral("—");
        for (int k = 0; k < 2; ++k) {  // 3D, then BEV
            auto ap = [k](const qs::ClassEvaluation* e) { return k == 0 ? e->d3[1].ap : e->bev[1].ap; };
            const int col = 1 + 3 * k;
            set(col, ca ? pct(ap(ca)) : none);
            set(col + 1, cb ? pct(ap(cb)) : none);
            if (ca && cb) set(col + 2, signedPct(ap(cb) - ap(ca)), ap(cb) - ap(ca));
            else set(col + 2, none);
        }
    }
}

LidarFrame loadLidarFrame(const std::filesystem::path& cloud, const std::filesystem::path& label,
                          const std::filesystem::path& calibPath, const std::filesystem::path& detA,
                          const std::filesystem::path& detB)
{
    LidarFrame f;
    f.id = qs::frameIdOf(cloud);
    f.cloud = qs::readPointCloud(cloud);
    std::optional<qs::KittiCalib> calib;
    if (!calibPath.empty()) calib = qs::readKittiCalib(calibPath);
    if (!label.empty() && !calib)
        throw qs::InvalidArgument(label.string() + ": KITTI labels are in the camera frame and need a calibration file");
    std::vector<qs::Box3D> gt;
    if (!label.empty()) gt = qs::readKittiLabels(label, *calib);
    auto readDets = [&](const std::filesystem::path& p) {
        std::vector<qs::Box3D> d;
        if (p.empty()) return d;
        d = qs::readDetections(p, calib ? &*calib : nullptr);
        if (calib) qs::fillProjectedImageBoxes(*calib, d);
        return d;
    };
    f.detectionsA = readDets(detA);
    f.detectionsB = readDets(detB);
    for (const auto& g : gt)
        if (!g.isDontCare()) f.groundTruth.push_back(g);
    f.labels = gt;
    // Scored only where there is something to score: labels, and a detection file for the set.
    // The evaluation needs the DontCare regions; the views show the real boxes only.
    if (!gt.empty() && !detA.empty()) f.evalA = qs::evaluateDetections({qs::EvalFrame{f.id, gt, f.detectionsA}});
    if (!gt.empty() && !detB.empty()) f.evalB = qs::evaluateDetections({qs::EvalFrame{f.id, gt, f.detectionsB}});
    return f;
}

void LidarCompareWidget::showFrame(const LidarFrame& frame)
{
    setPointCloud(frame.cloud);
    setGroundTruth(frame.groundTruth);
    m_detector->setGroundTruth(frame.labels);  // DontCare regions too: the detector is scored like A and B
    setDetectionsA(frame.detectionsA);
    setDetectionsB(frame.detectionsB);
    fillMetrics(frame.evalA ? &*frame.evalA : nullptr, frame.evalB ? &*frame.evalB : nullptr);
}

void LidarCompareWidget::loadFrame(const std::filesystem::path& cloud, const std::filesystem::path& label,
                                   const std::filesystem::path& calibPath, const std::filesystem::path& detA,
                                   const std::filesystem::path& detB)
{
    showFrame(loadLidarFrame(cloud, label, calibPath, detA, detB));
}

QString LidarCompareWidget::pickedText() const { return m_picked->text(); }

void LidarCompareWidget::showPicked(const PickedBox& p)
{
    static const char* setNames[] = {QT_TR_NOOP("ground truth"), QT_TR_NOOP("detection A"), QT_TR_NOOP("detection B")};
    QString text = tr("%1 #%2: %3").arg(tr(setNames[static_cast<int>(p.set)])).arg(p.index).arg(boxText(p.box));
    if (p.set != BoxSet::GroundTruth) {
        text += tr(", score %1").arg(p.box.score, 0, 'f', 3);
        text += p.match.truePositive
                    ? tr("\nTrue positive: matches ground truth #%1, IoU 3D %2, BEV %3")
                          .arg(p.match.gtIndex).arg(p.match.iou3d, 0, 'f', 3).arg(p.match.iouBev, 0, 'f', 3)
                    : tr("\nFalse positive (best IoU 3D with a %1: %2)")
                          .arg(QString::fromStdString(p.box.className)).arg(p.match.iou3d, 0, 'f', 3);
    } else {
        text += p.matchedBy >= 0 ? tr("\nMatched by %1 #%2, IoU 3D %3, BEV %4")
                                       .arg(tr(setNames[static_cast<int>(p.matchedBySet)])).arg(p.matchedBy)
                                       .arg(p.match.iou3d, 0, 'f', 3).arg(p.match.iouBev, 0, 'f', 3)
                                 : tr("\nMissed: no detection matches it");
    }
    m_picked->setText(text);
    m_havePick = true;
}

}  // namespace qs::viewers
