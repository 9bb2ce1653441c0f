#include "histogram_chart.h"

#include "chart_style.h"
#include "tensor_summary.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QLocale>
#include <QEvent>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QTimer>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace qs::gui {

namespace {
constexpr double kLogBase = 0.5;  // zero counts sit just below the first decade on a log axis
}

HistogramChart::HistogramChart(QWidget* parent)
    : QChartView(parent),
      m_normalUpper(new QLineSeries(this)),
      m_normalLower(new QLineSeries(this)),
      m_normalArea(new QAreaSeries(m_normalUpper, m_normalLower)),
      m_outlierUpper(new QLineSeries(this)),
      m_outlierLower(new QLineSeries(this)),
      m_outlierArea(new QAreaSeries(m_outlierUpper, m_outlierLower)),
      m_grid(new QLineSeries),
      m_thresholds(new QLineSeries),
      m_xAxis(new QCategoryAxis),
      m_yLinear(new QValueAxis),
      m_yLog(new QLogValueAxis),
      m_redrawTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("histogramChart"));
    auto* c = new QChart;
    c->setMargins(QMargins(4, 4, 4, 4));
    c->addSeries(m_normalArea);
    c->addSeries(m_outlierArea);
    c->addSeries(m_grid);
    c->addSeries(m_thresholds);
    c->addAxis(m_xAxis, Qt::AlignBottom);
    c->addAxis(m_yLinear, Qt::AlignLeft);
    c->addAxis(m_yLog, Qt::AlignLeft);
    m_yLog->setBase(10);
    m_yLog->setLabelFormat(QStringLiteral("%g"));
    m_xAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_yLinear->setLabelFormat(QStringLiteral("%.0f"));
    for (QAbstractSeries* s : c->series()) s->attachAxis(m_xAxis);
    c->legend()->setAlignment(Qt::AlignBottom);
    setChart(c);
    setRenderHint(QPainter::Antialiasing, false);
    setMinimumHeight(220);

    m_redrawTimer->setSingleShot(true);
    m_redrawTimer->setInterval(40);
    connect(m_redrawTimer, &QTimer::timeout, this, &HistogramChart::redraw);
    restyle();
    setLogCount(true);
    redraw();
}

void HistogramChart::restyle()
{
    const QPalette p = palette();
    chart::applyPalette(chart(), p);
    QColor fill = chart::dataColor(p);
    m_normalArea->setPen(QPen(fill, 1));
    fill.setAlpha(170);
    m_normalArea->setBrush(fill);
    QColor outlier = chart::outlierColor(p);
    m_outlierArea->setPen(QPen(outlier, 1));
    outlier.setAlpha(200);
    m_outlierArea->setBrush(outlier);
    m_grid->setPen(QPen(chart::gridColor(p), 1, Qt::SolidLine));
    m_thresholds->setPen(QPen(chart::thresholdColor(p), 2, Qt::DashLine));
}

void HistogramChart::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange) restyle();
    QChartView::changeEvent(event);
}

void HistogramChart::setValues(const Matrix& w, double mean, double stddev)
{
    m_lo = +INFINITY;
    m_hi = -INFINITY;
    for (float v : w.values)
        if (std::isfinite(v)) {
            m_lo = std::min(m_lo, double(v));
            m_hi = std::max(m_hi, double(v));
        }
    if (!(m_hi >= m_lo)) m_lo = m_hi = 0;
    if (m_hi == m_lo) {
        m_lo -= 0.5;
        m_hi += 0.5;
    }
    m_fine = histogram(w, kFineBins, m_lo, m_hi);
    m_mean = mean;
    m_std = stddev;
    scheduleRedraw();
}

void HistogramChart::clear()
{
    m_fine.clear();
    m_levels.clear();
    scheduleRedraw();
}

void HistogramChart::setBins(int bins)
{
    int b = 8;
    while (b * 2 <= std::clamp(bins, 8, kFineBins)) b *= 2;
    m_bins = b;
    scheduleRedraw();
}

void HistogramChart::setLogCount(bool log)
{
    m_log = log;
    QAbstractAxis* active = log ? static_cast<QAbstractAxis*>(m_yLog) : m_yLinear;
    QAbstractAxis* inactive = log ? static_cast<QAbstractAxis*>(m_yLinear) : m_yLog;
    for (QAbstractSeries* s : chart()->series()) {
        if (s->attachedAxes().contains(inactive)) s->detachAxis(inactive);
        if (!s->attachedAxes().contains(active)) s->attachAxis(active);
    }
    inactive->setVisible(false);
    active->setVisible(true);
    active->setTitleText(log ? tr("count (log)") : tr("count"));
    scheduleRedraw();
}

void HistogramChart::setSigma(double sigma)
{
    m_sigma = sigma;
    scheduleRedraw();
}

void HistogramChart::setGrid(std::vector<double> levels, const QString& description)
{
    m_levels = std::move(levels);
    m_gridDescription = description;
    scheduleRedraw();
}

void HistogramChart::scheduleRedraw()
{
    if (!m_redrawTimer->isActive()) m_redrawTimer->start();
}

void HistogramChart::redraw()
{
    m_redrawTimer->stop();
    m_normal.assign(std::size_t(m_bins), 0.0);
    m_outlier.assign(std::size_t(m_bins), 0.0);
    const double fineWidth = (m_hi - m_lo) / kFineBins;
    const double threshold = m_sigma > 0 ? m_sigma * m_std : INFINITY;
    if (!m_fine.empty()) {
        const int per = kFineBins / m_bins;
        for (int f = 0; f < kFineBins; ++f) {
            const double centre = m_lo + (f + 0.5) * fineWidth;
            auto& target = std::abs(centre - m_mean) >= threshold ? m_outlier : m_normal;
            target[std::size_t(f / per)] += double(m_fine[std::size_t(f)]);
        }
    }
    const double peak = std::max(1.0, std::max(*std::max_element(m_normal.begin(), m_normal.end()),
                                               *std::max_element(m_outlier.begin(), m_outlier.end())));
    const double base = m_log ? kLogBase : 0.0;
    const double top = m_log ? peak * 2.0 : peak * 1.05;

    auto steps = [&](const std::vector<double>& counts, QList<QPointF>& upper, QList<QPointF>& lower) {
        upper.reserve(2 * m_bins);
        lower.reserve(2 * m_bins);
        const double width = (m_hi - m_lo) / m_bins;
        for (int b = 0; b < m_bins; ++b) {
            const double y = std::max(base, counts[std::size_t(b)]);
            const double x0 = m_lo + b * width, x1 = x0 + width;
            upper << QPointF(x0, y) << QPointF(x1, y);
            lower << QPointF(x0, base) << QPointF(x1, base);
        }
    };
    QList<QPointF> nu, nl, ou, ol;
    if (!m_fine.empty()) {
        steps(m_normal, nu, nl);
        steps(m_outlier, ou, ol);
    }
    m_normalUpper->replace(nu);
    m_normalLower->replace(nl);
    m_outlierUpper->replace(ou);
    m_outlierLower->replace(ol);

    // Vertical lines as one zig-zag series whose horizontal legs lie outside the plot area
    // (clipped away), so hundreds of levels cost one series.
    const double below = m_log ? kLogBase / 10 : -peak;
    const double above = top * 10;
    auto verticals = [&](const std::vector<double>& xs) {
        QList<QPointF> pts;
        pts.reserve(qsizetype(2 * xs.size()));
        bool up = true;
        for (double x : xs) {
            pts << QPointF(x, up ? below : above) << QPointF(x, up ? above : below);
            up = !up;
        }
        return pts;
    };
    m_gridDrawn = m_fine.empty() ? 0 : m_levels.size();
    m_grid->replace(m_fine.empty() ? QList<QPointF>{} : verticals(m_levels));
    std::vector<double> marks;
    if (m_sigma > 0 && !m_fine.empty()) marks = {m_mean - threshold, m_mean + threshold};
    m_thresholds->replace(verticals(marks));

    m_normalArea->setName(tr("weights"));
    m_outlierArea->setName(tr("outliers (|w − mean| ≥ %1σ)").arg(m_sigma, 0, 'f', 2));
    m_grid->setName(m_gridDescription.isEmpty() ? tr("quantization grid") : m_gridDescription);
    m_thresholds->setName(tr("±%1σ").arg(m_sigma, 0, 'f', 2));
    m_xAxis->setRange(m_lo, m_hi);
    // Ticks at round values k·step, each computed (not accumulated) so 0 prints as "0".
    const double rough = (m_hi - m_lo) / 6;
    const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
    const double step = (rough / magnitude < 2 ? 1 : rough / magnitude < 5 ? 2 : 5) * magnitude;
    for (const QString& label : m_xAxis->categoriesLabels()) m_xAxis->remove(label);
    m_xAxis->setStartValue(m_lo);
    const QLocale locale;
    if (m_hi > m_lo && std::isfinite(step) && step > 0)
        for (auto k = std::int64_t(std::ceil(m_lo / step)); double(k) * step <= m_hi; ++k)
            m_xAxis->append(locale.toString(double(k) * step, 'g', 3), double(k) * step);
    m_xAxis->setTitleText(tr("value"));
    m_yLinear->setRange(0, top);
    m_yLog->setRange(kLogBase, top);
}

}  // namespace qs::gui
