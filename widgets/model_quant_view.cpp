#include "model_quant_view.h"

#include "chart_style.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLocale>
#include <QLogValueAxis>
#include <QSplitter>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>

namespace qs::gui {

namespace {
/// "layers.3.attention.wq.weight" → "3.attention.wq": short enough for an axis label.
/// Without the prefix and ".weight" every row shares: "3.feed_forward.w1".
QString tableName(const QString& name)
{
    QString s = name;
    for (const char* prefix : {"model.layers.", "layers.", "blk.", "model."})
        if (s.startsWith(QLatin1String(prefix))) s = s.mid(int(qstrlen(prefix)));
    if (s.endsWith(QLatin1String(".weight"))) s.chop(7);
    return s;
}

QString shortName(const QString& name)
{
    QString s = name;
    for (const char* prefix : {"model.layers.", "layers.", "blk.", "model."})
        if (s.startsWith(QLatin1String(prefix))) s = s.mid(int(qstrlen(prefix)));
    if (s.endsWith(QLatin1String(".weight"))) s.chop(7);
    // "3.feed_forward.w1" -> "3.w1": block number and layer name fit under a bar; the tables
    // below give the full names.
    const auto parts = s.split(QLatin1Char('.'));
    bool isBlock = false;
    parts.value(0).toInt(&isBlock);
    if (isBlock && parts.size() > 2) s = parts.first() + QLatin1Char('.') + parts.last();
    return s;
}
}  // namespace

ModelQuantView::ModelQuantView(QWidget* parent)
    : QWidget(parent),
      m_timer(new QTimer(this)),
      m_chartView(new QChartView),
      m_series(new QBarSeries),
      m_categories(new QBarCategoryAxis),
      m_values(new QLogValueAxis),
      m_worst(new QTreeWidget),
      m_table(new QTreeWidget),
      m_summary(new QLabel),
      m_worstTitle(new QLabel)
{
    setObjectName(QStringLiteral("modelQuantView"));
    m_chartView->setObjectName(QStringLiteral("layerErrorChart"));
    m_worst->setObjectName(QStringLiteral("worstLayers"));
    m_table->setObjectName(QStringLiteral("comparisonTable"));
    auto* chart = new QChart;
    chart->addSeries(m_series);
    chart->addAxis(m_categories, Qt::AlignBottom);
    chart->addAxis(m_values, Qt::AlignLeft);
    m_series->attachAxis(m_categories);
    m_series->attachAxis(m_values);
    m_values->setLabelFormat(QStringLiteral("%.2g"));
    m_categories->setLabelsAngle(-90);
    chart->legend()->setAlignment(Qt::AlignTop);
    chart->setMargins(QMargins(4, 4, 4, 4));
    m_chartView->setChart(chart);
    m_chartView->setMinimumHeight(260);
    chart::applyPalette(chart, palette());

    m_worst->setRootIsDecorated(false);
    m_worst->setTextElideMode(Qt::ElideMiddle);  // "layers.3.fe…w1.weight": both ends matter
    m_worst->setColumnCount(3);
    m_table->setRootIsDecorated(false);
    m_table->setTextElideMode(Qt::ElideMiddle);
    m_table->setSortingEnabled(true);
    m_table->setColumnCount(7);
    m_summary->setWordWrap(true);
    m_summary->setObjectName(QStringLiteral("comparisonSummary"));

    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_worstTitle);
    leftLayout->addWidget(m_worst);
    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_summary);
    rightLayout->addWidget(m_table);
    auto* bottom = new QSplitter(Qt::Horizontal);
    bottom->addWidget(left);
    bottom->addWidget(right);
    bottom->setStretchFactor(1, 2);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(m_chartView);
    split->addWidget(bottom);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);

    m_timer->setInterval(40);
    connect(m_timer, &QTimer::timeout, this, &ModelQuantView::drain);
    retranslate();
    clear();
}

void ModelQuantView::retranslate()
{
    m_worstTitle->setText(tr("Worst layers (highest rel_err)"));
    m_worst->setHeaderLabels({tr("Tensor"), tr("rel_err"), tr("SQNR dB")});
    const QString a = m_labels.value(0, tr("method A")), b = m_labels.value(1, tr("method B"));
    m_table->setHeaderLabels({tr("Tensor"), tr("rel_err %1").arg(a), tr("rel_err %1").arg(b), tr("Δ rel_err"),
                              tr("bpw %1").arg(a), tr("bpw %1").arg(b), tr("SQNR %1").arg(a)});
    m_chartView->chart()->setTitle(tr("Reconstruction error per quantized tensor (rel_err, log scale)"));
    m_values->setTitleText(tr("rel_err"));
    if (m_rows.empty()) m_summary->setText(tr("Quantize the model (Ctrl+R) or compare two methods (Ctrl+Shift+R)."));
}

void ModelQuantView::clear()
{
    m_timer->stop();
    m_live.reset();
    m_rows.clear();
    m_labels.clear();
    m_dirty = true;
    redraw();
    retranslate();
}

void ModelQuantView::begin(const QStringList& labels, std::shared_ptr<LiveOutcomes> live)
{
    clear();
    m_labels = labels;
    m_live = std::move(live);
    m_timer->start();
    retranslate();
    m_summary->setText(tr("Quantizing…"));
}

void ModelQuantView::drain()
{
    if (!m_live) return;
    for (auto& [run, outcome] : m_live->take()) {
        if (!outcome.quantized || run > 1) continue;
        const QString name = QString::fromStdString(outcome.name);
        auto it = std::find_if(m_rows.begin(), m_rows.end(), [&](const Row& r) { return r.name == name; });
        if (it == m_rows.end()) it = m_rows.insert(m_rows.end(), Row{name, {-1, -1}, {0, 0}, {0, 0}});
        it->relErr[run] = outcome.metrics.relErr;
        it->sqnr[run] = outcome.metrics.sqnrDb;
        it->bpw[run] = outcome.metrics.bpw;
        m_dirty = true;
    }
    if (m_dirty) redraw();
}

void ModelQuantView::finish(const std::vector<ModelQuantRun>& runs)
{
    m_timer->stop();
    m_live.reset();
    m_rows.clear();
    m_labels.clear();
    for (const auto& run : runs) m_labels << run.label;
    std::map<std::string, std::size_t> index;
    for (std::size_t r = 0; r < runs.size() && r < 2; ++r)
        for (const TensorOutcome& o : runs[r].result.tensors) {
            if (!o.quantized) continue;
            auto [it, added] = index.emplace(o.name, m_rows.size());
            if (added) m_rows.push_back(Row{QString::fromStdString(o.name), {-1, -1}, {0, 0}, {0, 0}});
            Row& row = m_rows[it->second];
            row.relErr[r] = o.metrics.relErr;
            row.sqnr[r] = o.metrics.sqnrDb;
            row.bpw[r] = o.metrics.bpw;
        }
    m_dirty = true;
    retranslate();
    redraw();
}

void ModelQuantView::stop()
{
    drain();
    m_timer->stop();
    m_live.reset();
}

int ModelQuantView::barCount(int run) const
{
    const auto sets = m_series->barSets();
    return run < sets.size() ? int(sets[run]->count()) : 0;
}

void ModelQuantView::redraw()
{
    m_dirty = false;
    const QPalette p = palette();
    QStringList names;
    double lo = INFINITY, hi = 0;
    const int runs = std::max<int>(1, int(m_labels.size()));
    // The log axis gets its range before the bars arrive: bars on a default range would make
    // Qt log "Logarithms of zero…" warnings into the log pane.
    for (int r = 0; r < runs && r < 2; ++r)
        for (const Row& row : m_rows)
            if (row.relErr[r] > 0) {
                lo = std::min(lo, row.relErr[r]);
                hi = std::max(hi, row.relErr[r]);
            }
    if (hi > 0) m_values->setRange(lo / 2, hi * 2);
    m_series->clear();
    for (int r = 0; r < runs && r < 2; ++r) {
        auto* set = new QBarSet(m_labels.value(r));
        set->setColor(r == 0 ? chart::dataColor(p) : chart::secondColor(p));
        set->setBorderColor(set->color());
        for (const Row& row : m_rows) {
            if (row.relErr[r] < 0) continue;
            *set << row.relErr[r];
        }
        if (set->count() > 0) m_series->append(set);
        else delete set;
    }
    for (const Row& row : m_rows) names << shortName(row.name);
    m_categories->setCategories(names);
    // Names under the bars only while they fit (Qt elides a label to its bar group's width);
    // otherwise the tables below name the tensors, in the same order.
    m_categories->setLabelsVisible(!names.isEmpty() && m_chartView->width() / names.size() >= 48);

    // Worst layers of the first method.
    std::vector<const Row*> sorted;
    for (const Row& row : m_rows)
        if (row.relErr[0] >= 0) sorted.push_back(&row);
    std::sort(sorted.begin(), sorted.end(), [](const Row* a, const Row* b) { return a->relErr[0] > b->relErr[0]; });
    m_worst->clear();
    const QLocale l;
    for (std::size_t i = 0; i < sorted.size() && i < 10; ++i) {
        auto* item = new QTreeWidgetItem(m_worst, {tableName(sorted[i]->name), l.toString(sorted[i]->relErr[0], 'f', 5),
                                                   l.toString(sorted[i]->sqnr[0], 'f', 2)});
        item->setToolTip(0, sorted[i]->name);
    }

    // Side-by-side table with the difference (B − A; negative: B is better).
    m_table->setSortingEnabled(false);
    m_table->clear();
    int better = 0, both = 0;
    double sumRatio = 0;
    for (const Row& row : m_rows) {
        auto* item = new QTreeWidgetItem(m_table);
        item->setText(0, tableName(row.name));
        item->setToolTip(0, row.name);
        for (int r = 0; r < 2; ++r)
            if (row.relErr[r] >= 0) {
                item->setText(1 + r, l.toString(row.relErr[r], 'f', 5));
                item->setData(1 + r, Qt::UserRole, row.relErr[r]);
                item->setText(4 + r, l.toString(row.bpw[r], 'f', 3));
            }
        if (row.relErr[0] >= 0 && row.relErr[1] >= 0) {
            const double d = row.relErr[1] - row.relErr[0];
            item->setText(3, l.toString(d, 'f', 5));
            ++both;
            better += d < 0;
            if (row.relErr[0] > 0) sumRatio += row.relErr[1] / row.relErr[0];
        }
        item->setText(6, l.toString(row.sqnr[0], 'f', 2));
        for (int c = 1; c < 7; ++c) item->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
    }
    m_table->setSortingEnabled(true);
    if (both > 0)
        m_summary->setText(tr("%1 has a lower rel_err than %2 on %3 of %4 tensors; on average its error is %5 % of %2's.")
                               .arg(m_labels.value(1), m_labels.value(0))
                               .arg(better)
                               .arg(both)
                               .arg(l.toString(100.0 * sumRatio / both, 'f', 1)));
    else if (!m_rows.empty())
        m_summary->setText(tr("%n tensor(s) quantized.", nullptr, int(m_rows.size())));
}

}  // namespace qs::gui
