#include "layer_inspector.h"

#include "channel_range_chart.h"
#include "histogram_chart.h"
#include "job_runner.h"
#include "model_document.h"
#include "settings.h"
#include "stats_panel.h"

#include "quantscope/error.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>

#include <cmath>

namespace qs::gui {

std::vector<double> symmetricGridLevels(double range, int bits, IntRange intRange)
{
    // The quantizer's own integer range (Either: Full's; a unit may mirror it).
    const int half = 1 << (bits - 1);
    const auto [qmin, qmax] = symmetricBounds(bits, intRange);
    std::vector<double> levels;
    if (!(range > 0)) return levels;
    const double step = range / (half - 1);
    for (int q = qmin; q <= qmax; ++q) levels.push_back(q * step);
    return levels;
}

std::vector<double> nl4GridLevels(double range)
{
    std::vector<double> levels;
    if (!(range > 0)) return levels;
    for (const float k : nl4Levels()) levels.push_back(k * range / 127.0);
    return levels;
}

LayerInspector::LayerInspector(ModelDocument* document, QWidget* parent)
    : QWidget(parent),
      m_document(document),
      m_loader(new JobRunner(this)),
      m_histogram(new HistogramChart),
      m_channels(new ChannelRangeChart),
      m_stats(new StatsPanel),
      m_bins(new QComboBox),
      m_logCount(new QCheckBox),
      m_binsLabel(new QLabel),
      m_title(new QLabel)
{
    setObjectName(QStringLiteral("layerInspector"));
    m_bins->setObjectName(QStringLiteral("binsCombo"));
    m_logCount->setObjectName(QStringLiteral("logCountCheck"));
    for (int b = 16; b <= 1024; b *= 2) m_bins->addItem(QString::number(b), b);
    m_bins->setCurrentIndex(std::max(0, m_bins->findData(settings::histogramBins.get())));
    m_logCount->setChecked(settings::histogramLogCount.get());
    m_histogram->setBins(m_bins->currentData().toInt());
    m_histogram->setLogCount(m_logCount->isChecked());
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_title, 1);
    bar->addWidget(m_binsLabel);
    bar->addWidget(m_bins);
    bar->addWidget(m_logCount);
    auto* bottom = new QSplitter(Qt::Horizontal);
    bottom->addWidget(m_channels);
    bottom->addWidget(m_stats);
    bottom->setStretchFactor(0, 3);
    bottom->setStretchFactor(1, 1);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(m_histogram);
    split->addWidget(bottom);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(split, 1);

    connect(m_bins, &QComboBox::currentIndexChanged, this, [this] {
        m_histogram->setBins(m_bins->currentData().toInt());
        settings::histogramBins.set(m_bins->currentData().toInt());
    });
    connect(m_logCount, &QCheckBox::toggled, this, [this](bool on) {
        m_histogram->setLogCount(on);
        settings::histogramLogCount.set(on);
    });
    connect(m_loader, &JobRunner::failed, this, [this](const QString&, const QString& message) {
        Q_EMIT answerUnavailable(message);
        Q_EMIT failed(message);
    });
    retranslate();
    clear();
}

LayerInspector::~LayerInspector() = default;

void LayerInspector::retranslate()
{
    m_binsLabel->setText(tr("Bins"));
    m_logCount->setText(tr("Log count"));
    if (!m_tensor) m_title->setText(tr("Select a tensor in the model tree."));
    // Chart legends and the statistics labels carry text too.
    m_histogram->setSigma(m_settings.sigma);
    m_channels->setSigma(m_settings.sigma);
    updateGrid();
    if (m_tensor && m_document->tensor(*m_tensor))
        m_stats->showTensor(*m_document->tensor(*m_tensor), m_summary ? &*m_summary : nullptr,
                            m_summary ? m_summary->sigma : m_document->summarySigma());
    else
        m_stats->clear();
}

void LayerInspector::clear()
{
    m_loader->cancel();
    m_tensor.reset();
    m_matrix.reset();
    m_summary.reset();
    m_explorer.reset();
    m_answer.reset();
    m_histogram->clear();
    m_channels->clear();
    m_stats->clear();
    m_title->setText(tr("Select a tensor in the model tree."));
}

void LayerInspector::showTensor(std::size_t index)
{
    const auto ckpt = m_document->checkpoint();
    const TensorInfo* info = m_document->tensor(index);
    if (!ckpt || !info) return clear();
    m_tensor = index;
    m_matrix.reset();
    m_explorer.reset();
    m_answer.reset();
    m_title->setText(QString::fromStdString(info->name));
    m_stats->showTensor(*info, m_document->summary(index), m_document->summarySigma());
    Q_EMIT answerUnavailable(tr("Loading %1…").arg(QString::fromStdString(info->name)));

    struct Loaded {
        std::shared_ptr<const Matrix> matrix;
        TensorSummary summary;
        std::shared_ptr<const ThresholdExplorer> explorer;
    };
    const double sigma = m_document->summarySigma();
    const QuantSettings base = m_settings;
    m_loader->start(tr("Load %1").arg(QString::fromStdString(info->name)),
                    [this, ckpt, index, sigma, base](const qs::ProgressFn& progress) -> JobRunner::Deliver {
                        auto loaded = std::make_shared<Loaded>();
                        auto matrix = std::make_shared<Matrix>(ckpt->readMatrix(index));
                        if (!progress(0.3, "statistics")) throw qs::Cancelled();
                        loaded->summary = summarize(*matrix, sigma);
                        loaded->matrix = matrix;
                        if (!progress(0.5, "explorer")) throw qs::Cancelled();
#ifdef QS_HAVE_QUANT_CORE
                        loaded->explorer = std::make_shared<const ThresholdExplorer>(*matrix, base);
#else
                        (void)base;
#endif
                        return [this, loaded, index] {
                            if (m_tensor != index) return;
                            m_matrix = loaded->matrix;
                            m_summary = loaded->summary;
                            m_explorer = loaded->explorer;
                            m_histogram->setValues(*m_matrix, m_summary->stats.mean, m_summary->stats.std);
                            m_channels->setRanges(m_summary->rowMin, m_summary->rowMax, m_summary->stats.mean,
                                                  m_summary->stats.std);
                            m_stats->showTensor(*m_document->tensor(index), &*m_summary, m_summary->sigma);
                            updateGrid();
                            Q_EMIT tensorLoaded(index);
                            if (m_explorer) Q_EMIT explorerReady();
                            query();
                        };
                    });
}

void LayerInspector::setSettings(const QuantSettings& settings)
{
    const bool rebuild = settings.granularity != m_settings.granularity || settings.groupSize != m_settings.groupSize ||
                         settings.scheme != m_settings.scheme || settings.intRange != m_settings.intRange ||
                         settings.outlierStats != m_settings.outlierStats;
    m_settings = settings;
    // The explorer indexes one granularity; other changes are answered by queries.
    if (rebuild && m_tensor) return showTensor(*m_tensor);
    m_histogram->setSigma(m_settings.sigma);
    m_channels->setSigma(m_settings.sigma);
    updateGrid();
    query();
}

void LayerInspector::setSigma(double sigma)
{
    QuantSettings s = m_settings;
    s.sigma = sigma;
    m_settings = s;
    m_histogram->setSigma(sigma);
    m_channels->setSigma(sigma);
    updateGrid();
    query();
}

void LayerInspector::updateGrid()
{
    if (!m_summary) return m_histogram->setGrid({}, {});
    // Drawn grid: symmetric RTN over the widest channel's normal values, i.e. range
    // min(max|w|, the farther ±nσ bound) — per channel every row has its own, narrower grid.
    if (m_settings.method == QuantMethod::Nl4)  // no outliers; each sub-block scales its own levels
        return m_histogram->setGrid(nl4GridLevels(m_summary->stats.absmax), tr("nl4 levels of the widest sub-block"));
    const double t = m_settings.sigma > 0 ? m_settings.sigma * m_summary->stats.std : INFINITY;
    const double bound = std::max(std::abs(m_summary->stats.mean - t), std::abs(m_summary->stats.mean + t));
    const double range = std::min(m_summary->stats.absmax, bound);
    const QString what = m_settings.granularity == Granularity::PerTensor
                             ? tr("%1-bit grid (tensor range)").arg(m_settings.bits)
                             : tr("%1-bit grid of the widest channel").arg(m_settings.bits);
    m_histogram->setGrid(symmetricGridLevels(range, m_settings.bits, m_settings.intRange), what);
}

void LayerInspector::query()
{
    if (!m_explorer) {
        m_answer.reset();
        if (m_matrix) Q_EMIT answerUnavailable(tr("The threshold explorer is not available in this build."));
        return;
    }
#ifdef QS_HAVE_QUANT_CORE
    if (m_settings.method == QuantMethod::Nl4) {  // the explorer models the uniform grid only
        m_answer.reset();
        Q_EMIT answerUnavailable(tr("nl4 is not a uniform grid: quantize the model to see its numbers."));
        return;
    }
    const double sigma = m_settings.method == QuantMethod::EasyQuant ? m_settings.sigma : 0.0;
    m_answer = m_explorer->query(sigma, m_settings.bits);
    Q_EMIT answerChanged(*m_answer);
#endif
}

}  // namespace qs::gui
