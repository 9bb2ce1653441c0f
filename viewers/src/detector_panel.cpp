// The detector side panel: settings, the background job (core's makeRuntime + compareDetectors)
// and the per-class AP table. Everything that computes lives in core.
#include "quantscope/viewers/detector_panel.h"

#include "quantscope/error.h"
#include "quantscope/lidar/scene_sim.h"
#include "quantscope/models/pillar_training.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMutex>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace qs::viewers {

namespace {

constexpr auto kBundledResource = ":/models/lidar_pillar_detector.safetensors";

/// core reads weights from a file: the bundled model is copied out of the resources once per
/// process, into a directory removed at exit.
std::filesystem::path bundledWeightsFile()
{
    static QMutex mutex;
    static std::unique_ptr<QTemporaryDir> dir;
    const QMutexLocker lock(&mutex);
    if (!dir) {
        auto d = std::make_unique<QTemporaryDir>();
        const QString target = d->filePath(QStringLiteral("lidar_pillar_detector.safetensors"));
        if (!d->isValid() || !QFile::copy(QString::fromLatin1(kBundledResource), target))
            throw qs::IoError(std::string(kBundledResource) + ": cannot copy the bundled detector weights to a temporary file");
        dir = std::move(d);
    }
    return dir->filePath(QStringLiteral("lidar_pillar_detector.safetensors")).toStdString();
}

struct JobInput {
    std::filesystem::path weights;  ///< empty: bundled
    QString key, label;
    std::string method;
    int weightBits = 8, actBits = 8;
    std::shared_ptr<const qs::PointCloud> cloud;
    std::vector<qs::Box3D> groundTruth;
    DetectorRun cache;
    std::uint64_t generation = 0;
};

/// Activation calibration as `quantscope-cli lidar-detect --act-bits` does by default: 4 simulated
/// scenes of seed 999, never seen in training or evaluation (docs/lidar-detector.md).
std::vector<qs::PointCloud> calibrationClouds()
{
    std::vector<qs::PointCloud> clouds;
    for (int i = 0; i < 4; ++i)
        clouds.push_back(qs::simulateScene(qs::sceneSeed(999, i), qs::PillarTrainSettings::frontSimSettings()).cloud);
    return clouds;
}

DetectorRun runJob(const JobInput& in)
{
    QElapsedTimer timer;
    timer.start();
    DetectorRun out;
    out.key = in.key;
    out.label = in.label;
    out.generation = in.generation;
    try {
        if (in.cache.reference && in.cache.key == in.key) {
            out.reference = in.cache.reference;
            out.quantized = in.cache.quantized;
        } else {
            const auto weights = in.weights.empty() ? bundledWeightsFile() : in.weights;
            out.reference = std::make_shared<qs::DetectorRuntime>(qs::makeRuntime(weights, {}, {}));
            qs::QuantSettings s;
            s.method = *qs::methodFromName(in.method);
            s.bits = in.weightBits;
            s.granularity = qs::Granularity::PerChannel;
            qs::RuntimeQuantization q;
            q.weights = s;
            q.activationBits = in.actBits;
            std::vector<qs::PointCloud> calib;
            if (in.actBits > 0) calib = calibrationClouds();
            std::vector<const qs::PointCloud*> ptrs;
            for (const auto& c : calib) ptrs.push_back(&c);
            out.quantized = std::make_shared<qs::DetectorRuntime>(qs::makeRuntime(weights, q, ptrs));
        }
        out.comparison = qs::compareDetectors(*out.reference, *out.quantized, *in.cloud, in.groundTruth);
        out.hasGroundTruth = !in.groundTruth.empty();
    } catch (const std::exception& e) {
        out = DetectorRun{};
        out.generation = in.generation;
        out.label = in.label;
        out.error = QString::fromStdString(e.what());
    }
    out.seconds = static_cast<double>(timer.elapsed()) / 1000.0;
    return out;
}

QTableWidgetItem* number(const QString& text)
{
    auto* item = new QTableWidgetItem(text);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

}  // namespace

DetectorPanel::DetectorPanel(QWidget* parent) : QWidget(parent)
{
    // Texts are set in retranslate(), which a language change calls again.
    m_weights = new QLineEdit;
    m_weights->setObjectName(QStringLiteral("detectorWeights"));
    m_browse = new QPushButton;
    m_method = new QComboBox;
    m_method->setObjectName(QStringLiteral("detectorMethod"));
    m_method->addItem(QStringLiteral("RTN"), QStringLiteral("rtn"));  // method names are not translated
    m_method->addItem(QStringLiteral("EasyQuant"), QStringLiteral("easyquant"));
    m_weightBits = new QComboBox;
    m_weightBits->setObjectName(QStringLiteral("detectorWeightBits"));
    m_weightBits->addItem(QString(), 8);
    m_weightBits->addItem(QString(), 4);
    m_actBits = new QComboBox;
    m_actBits->setObjectName(QStringLiteral("detectorActivationBits"));
    m_actBits->addItem(QString(), 8);
    m_actBits->addItem(QString(), 0);
    m_run = new QPushButton;
    m_run->setObjectName(QStringLiteral("detectorRun"));
    m_status = new QLabel(tr("Open a point cloud, then run the detector."));
    m_status->setObjectName(QStringLiteral("detectorStatus"));
    m_status->setWordWrap(true);

    m_table = new QTableWidget(0, 4);
    m_table->setObjectName(QStringLiteral("detectorApTable"));
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);

    auto* weightsRow = new QHBoxLayout;
    weightsRow->addWidget(m_weights, 1);
    weightsRow->addWidget(m_browse);
    auto* form = new QFormLayout;
    for (auto& label : m_formLabels) label = new QLabel;
    form->addRow(m_formLabels[0], weightsRow);
    form->addRow(m_formLabels[1], m_method);
    form->addRow(m_formLabels[2], m_weightBits);
    form->addRow(m_formLabels[3], m_actBits);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_title = new QLabel;
    layout->addWidget(m_title);
    layout->addLayout(form);
    layout->addWidget(m_run);
    layout->addWidget(m_status);
    layout->addWidget(m_table, 1);
    retranslate();

    m_watcher = new QFutureWatcher<DetectorRun>(this);
    connect(m_watcher, &QFutureWatcher<DetectorRun>::finished, this, &DetectorPanel::onFinished);
    connect(m_run, &QPushButton::clicked, this, &DetectorPanel::run);
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Detector weights"), QString(), tr("Safetensors (*.safetensors)"));
        if (!f.isEmpty()) m_weights->setText(f);
    });
}

void DetectorPanel::retranslate()
{
    m_title->setText(tr("<b>Detector</b>"));
    m_weights->setPlaceholderText(tr("bundled model"));
    m_weights->setToolTip(tr("Detector weights (.safetensors from lidar-train); empty: the bundled model"));
    m_browse->setText(tr("Browse…"));
    m_weightBits->setItemText(0, tr("8 bits"));
    m_weightBits->setItemText(1, tr("4 bits"));
    m_actBits->setItemText(0, tr("8 bits"));
    m_actBits->setItemText(1, tr("FP32 (none)"));
    m_run->setText(tr("Run detector"));
    m_table->setHorizontalHeaderLabels({tr("AP (%)"), QStringLiteral("FP32"), tr("Quantized"), QStringLiteral("Δ")});
    m_table->setToolTip(tr("Moderate AP|R40 against the loaded labels (KITTI protocol)"));
    const char* rows[] = {QT_TR_NOOP("Weights"), QT_TR_NOOP("View B method"), QT_TR_NOOP("Weight bits"), QT_TR_NOOP("Activations")};
    for (int i = 0; i < 4; ++i) m_formLabels[i]->setText(tr(rows[i]));
}

void DetectorPanel::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(event);
}

DetectorPanel::~DetectorPanel()
{
    // The job owns copies of its inputs (shared pointers), so it may outlive the panel; only
    // the watcher must stop reporting to it.
    m_watcher->disconnect(this);
}

void DetectorPanel::setPointCloud(std::shared_ptr<const qs::PointCloud> cloud)
{
    m_cloud = std::move(cloud);
    m_groundTruth.clear();
    ++m_generation;  // a result still on its way belongs to the old cloud: dropped
    m_table->setRowCount(0);
    m_run->setEnabled(true);
    setStatus(m_pending ? tr("New point cloud: the running detection was dropped.")
                        : tr("Press “Run detector” to detect on this cloud."));
    m_pending = false;
}

void DetectorPanel::setGroundTruth(std::vector<qs::Box3D> boxes) { m_groundTruth = std::move(boxes); }

void DetectorPanel::setWeights(const QString& path) { m_weights->setText(path); }

void DetectorPanel::setQuantization(const QString& method, int weightBits, int activationBits)
{
    const int m = m_method->findData(method), w = m_weightBits->findData(weightBits), a = m_actBits->findData(activationBits);
    if (m < 0 || w < 0 || a < 0) throw qs::InvalidArgument("detector quantization: method rtn|easyquant, weight bits 8|4, activation bits 8|0");
    m_method->setCurrentIndex(m);
    m_weightBits->setCurrentIndex(w);
    m_actBits->setCurrentIndex(a);
}

QString DetectorPanel::quantizedLabel() const
{
    const int a = m_actBits->currentData().toInt();
    return QStringLiteral("W%1%2 %3")
        .arg(m_weightBits->currentData().toInt())
        .arg(a > 0 ? QStringLiteral("A%1").arg(a) : QString())
        .arg(m_method->currentText());
}

bool DetectorPanel::isRunning() const { return m_pending; }
QString DetectorPanel::statusText() const { return m_status->text(); }
void DetectorPanel::setStatus(const QString& text) { m_status->setText(text); }

QString DetectorPanel::settingsKey() const
{
    return m_weights->text() + QLatin1Char('|') + m_method->currentData().toString() + QLatin1Char('|') +
           QString::number(m_weightBits->currentData().toInt()) + QLatin1Char('|') + QString::number(m_actBits->currentData().toInt());
}

void DetectorPanel::run()
{
    if (!m_cloud) {
        setStatus(tr("No point cloud is open."));
        return;
    }
    JobInput in;
    in.weights = m_weights->text().trimmed().toStdString();
    in.key = settingsKey();
    in.label = quantizedLabel();  // the settings may change while the job runs
    in.method = m_method->currentData().toString().toStdString();
    in.weightBits = m_weightBits->currentData().toInt();
    in.actBits = m_actBits->currentData().toInt();
    in.cloud = m_cloud;
    in.groundTruth = m_groundTruth;
    in.cache = m_cache;
    in.generation = ++m_generation;
    m_pending = true;
    m_run->setEnabled(false);
    setStatus(in.cache.key == in.key && in.cache.reference ? tr("Detecting…") : tr("Loading and quantizing the detector, then detecting…"));
    m_watcher->setFuture(QtConcurrent::run([in = std::move(in)] { return runJob(in); }));
}

void DetectorPanel::onFinished()
{
    if (!m_watcher->isFinished()) return;
    const DetectorRun r = m_watcher->result();
    if (r.generation != m_generation) return;  // replaced by a newer cloud or run
    m_pending = false;
    m_run->setEnabled(true);
    if (!r.error.isEmpty()) {
        setStatus(tr("Detector failed: %1").arg(r.error));
        Q_EMIT runFinished(false);
        return;
    }
    m_cache = r;
    setStatus(tr("FP32: %1 boxes, %2: %3 boxes (%4 s)")
                  .arg(r.comparison.reference.size())
                  .arg(r.label)
                  .arg(r.comparison.quantized.size())
                  .arg(r.seconds, 0, 'f', 1));
    showTable(r.comparison, r.hasGroundTruth);
    Q_EMIT comparisonReady(r.comparison, r.hasGroundTruth, r.label);
    Q_EMIT runFinished(true);
}

void DetectorPanel::showTable(const qs::DetectorComparison& c, bool hasGroundTruth)
{
    m_table->setRowCount(0);
    if (!hasGroundTruth) return;
    auto pct = [](double v) { return QString::number(100.0 * v, 'f', 2); };
    for (const auto& ref : c.referenceEval.classes) {
        const qs::ClassEvaluation* q = nullptr;
        for (const auto& k : c.quantizedEval.classes)
            if (k.name == ref.name) q = &k;
        const bool noGt = ref.numGt[1] == 0;
        const auto name = QString::fromStdString(ref.name);
        for (const bool bev : {true, false}) {
            const double a = bev ? ref.bev[1].ap : ref.d3[1].ap;
            const double b = q ? (bev ? q->bev[1].ap : q->d3[1].ap) : 0.0;
            const int row = m_table->rowCount();
            m_table->insertRow(row);
            m_table->setItem(row, 0, new QTableWidgetItem(bev ? tr("%1 BEV").arg(name) : tr("%1 3D").arg(name)));
            m_table->setItem(row, 1, number(noGt ? tr("n/a") : pct(a)));
            m_table->setItem(row, 2, number(noGt ? tr("n/a") : pct(b)));
            const QString d = pct(b - a);
            m_table->setItem(row, 3, number(noGt ? tr("n/a") : (b - a > 0 ? QLatin1Char('+') + d : d)));
        }
    }
}

}  // namespace qs::viewers
