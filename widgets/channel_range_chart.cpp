#include "channel_range_chart.h"

#include "chart_style.h"

#include <QAreaSeries>
#include <QChart>
#include <QEvent>
#include <QLegend>
#include <QLineSeries>
#include <QScatterSeries>
#include <QTimer>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace qs::gui {

ChannelRangeChart::ChannelRangeChart(QWidget* parent)
    : QChartView(parent),
      m_upper(new QLineSeries(this)),
      m_lower(new QLineSeries(this)),
      m_band(new QAreaSeries(m_upper, m_lower)),
      m_outliers(new QScatterSeries),
      m_thresholds(new QLineSeries),
      m_x(new QValueAxis),
      m_y(new QValueAxis),
      m_redrawTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("channelRangeChart"));
    auto* c = new QChart;
    c->setMargins(QMargins(4, 4, 4, 4));
    c->addSeries(m_band);
    c->addSeries(m_outliers);
    c->addSeries(m_thresholds);
    c->addAxis(m_x, Qt::AlignBottom);
    c->addAxis(m_y, Qt::AlignLeft);
    for (QAbstractSeries* s : c->series()) {
        s->attachAxis(m_x);
        s->attachAxis(m_y);
    }
    m_x->setLabelFormat(QStringLiteral("%.0f"));
    m_y->setLabelFormat(QStringLiteral("%.3g"));
    m_outliers->setMarkerSize(6);
    c->legend()->setAlignment(Qt::AlignBottom);
    setChart(c);
    setMinimumHeight(180);
    m_redrawTimer->setSingleShot(true);
    m_redrawTimer->setInterval(40);
    connect(m_redrawTimer, &QTimer::timeout, this, &ChannelRangeChart::redraw);
    restyle();
    redraw();
}

void ChannelRangeChart::restyle()
{
    const QPalette p = palette();
    chart::applyPalette(chart(), p);
    QColor fill = chart::dataColor(p);
    m_band->setPen(QPen(fill, 1));
    fill.setAlpha(140);
    m_band->setBrush(fill);
    m_outliers->setColor(chart::outlierColor(p));
    m_outliers->setBorderColor(chart::outlierColor(p));
    m_thresholds->setPen(QPen(chart::thresholdColor(p), 1.5, Qt::DashLine));
}

void ChannelRangeChart::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange) restyle();
    QChartView::changeEvent(event);
}

void ChannelRangeChart::setRanges(std::vector<float> rowMin, std::vector<float> rowMax, double mean, double stddev)
{
    m_min = std::move(rowMin);
    m_max = std::move(rowMax);
    m_mean = mean;
    m_std = stddev;
    m_redrawTimer->start();
}

void ChannelRangeChart::clear()
{
    m_min.clear();
    m_max.clear();
    m_redrawTimer->start();
}

void ChannelRangeChart::setSigma(double sigma)
{
    m_sigma = sigma;
    if (!m_redrawTimer->isActive()) m_redrawTimer->start();
}

void ChannelRangeChart::redraw()
{
    const int rows = int(m_min.size());
    const double t = m_sigma > 0 ? m_sigma * m_std : INFINITY;
    const int buckets = std::min(rows, kMaxBuckets);
    QList<QPointF> upper, lower, marks;
    m_outlierChannels = 0;
    for (int r = 0; r < rows; ++r)
        if (m_max[std::size_t(r)] - m_mean >= t || m_mean - m_min[std::size_t(r)] >= t) ++m_outlierChannels;
    double lo = 0, hi = 0;
    for (int b = 0; b < buckets; ++b) {
        const int r0 = int(std::int64_t(b) * rows / buckets), r1 = int(std::int64_t(b + 1) * rows / buckets);
        float mn = m_min[std::size_t(r0)], mx = m_max[std::size_t(r0)];
        for (int r = r0 + 1; r < r1; ++r) {
            mn = std::min(mn, m_min[std::size_t(r)]);
            mx = std::max(mx, m_max[std::size_t(r)]);
        }
        const double x = 0.5 * (r0 + r1 - 1);
        upper << QPointF(x, mx);
        lower << QPointF(x, mn);
        if (mx - m_mean >= t) marks << QPointF(x, mx);
        if (m_mean - mn >= t) marks << QPointF(x, mn);
        lo = std::min(lo, double(mn));
        hi = std::max(hi, double(mx));
    }
    m_upper->replace(upper);
    m_lower->replace(lower);
    m_outliers->replace(marks);
    QList<QPointF> th;
    if (rows > 0 && m_sigma > 0) {
        // Two horizontal lines joined outside the plot (clipped), as one series.
        th << QPointF(-rows, m_mean + t) << QPointF(2.0 * rows, m_mean + t) << QPointF(2.0 * rows, m_mean - t)
           << QPointF(-rows, m_mean - t);
    }
    m_thresholds->replace(th);
    m_band->setName(tr("channel min … max"));
    m_outliers->setName(tr("outlier channels: %1").arg(m_outlierChannels));
    m_thresholds->setName(tr("mean ± %1σ").arg(m_sigma, 0, 'f', 2));
    m_x->setRange(-0.5, std::max(1, rows) - 0.5);
    m_x->setTitleText(tr("output channel"));
    const double pad = 0.05 * std::max(1e-12, hi - lo);
    m_y->setRange(lo - pad, hi + pad);
    m_y->applyNiceNumbers();  // round tick labels; the range only grows
}

}  // namespace qs::gui
