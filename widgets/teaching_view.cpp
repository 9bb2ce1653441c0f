#include "teaching_view.h"

#include "chart_style.h"
#include "job_runner.h"

#include "quantscope/error.h"

#include <QChart>
#include <QChartView>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QLocale>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QSpinBox>
#include <QTimer>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace qs::gui {

namespace {

QChartView* makeChart(const char* name)
{
    auto* view = new QChartView(new QChart);
    view->setObjectName(QString::fromLatin1(name));
    view->setMinimumHeight(200);
    view->chart()->legend()->setAlignment(Qt::AlignBottom);
    view->chart()->setMargins(QMargins(4, 4, 4, 4));
    return view;
}

/// Ticks at round values (1, 2 or 5 × 10^k apart, counted from 0) instead of splitting the range
/// into equal parts: bits read 2, 3, 4…, not 3.5; steps 0, 100, 200….
void roundTicks(QValueAxis* axis)
{
    const double span = axis->max() - axis->min();
    if (!(span > 0)) return;
    const double raw = span / 6.0;
    const double decade = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10 * decade;
    for (double f : {1.0, 2.0, 5.0})
        if (f * decade >= raw) {
            step = f * decade;
            break;
        }
    axis->setTickInterval(step);  // interval and anchor first: switching the type lays ticks out
    axis->setTickAnchor(0.0);
    axis->setTickType(QValueAxis::TicksDynamic);
}

/// Replaces the chart's content: a curve, marked points, and an optional horizontal reference
/// line at `refY`. Axes are rebuilt (cheap: a few hundred points).
/// A marked point: its position, legend name and colour.
struct Mark {
    QPointF at;
    QString name;
    QColor color;
};

void plot(QChartView* view, const QList<QPointF>& curve, const QString& curveName, bool logY,
          const QString& xTitle, const QString& yTitle, const QList<Mark>& marks, std::optional<double> refY = {},
          const QString& refName = {})
{
    QChart* c = view->chart();
    c->removeAllSeries();
    for (QAbstractAxis* a : c->axes()) {
        c->removeAxis(a);
        delete a;
    }
    const QPalette p = view->palette();
    auto* x = new QValueAxis;
    x->setTitleText(xTitle);
    x->setLabelFormat(QStringLiteral("%.3g"));
    QAbstractAxis* y = nullptr;
    if (logY) {
        auto* ly = new QLogValueAxis;
        ly->setLabelFormat(QStringLiteral("%.2g"));
        y = ly;
    } else {
        auto* vy = new QValueAxis;
        vy->setLabelFormat(QStringLiteral("%.3g"));
        y = vy;
    }
    y->setTitleText(yTitle);
    c->addAxis(x, Qt::AlignBottom);
    c->addAxis(y, Qt::AlignLeft);
    auto* line = new QLineSeries;
    line->setName(curveName);
    line->replace(curve);
    line->setPen(QPen(chart::dataColor(p), 2));
    c->addSeries(line);
    line->attachAxis(x);
    line->attachAxis(y);
    if (refY && !curve.isEmpty()) {
        auto* ref = new QLineSeries;
        ref->setName(refName);
        ref->append(curve.first().x(), *refY);
        ref->append(curve.last().x(), *refY);
        ref->setPen(QPen(chart::outlierColor(p), 1.5, Qt::DashLine));
        c->addSeries(ref);
        ref->attachAxis(x);
        ref->attachAxis(y);
    }
    for (const Mark& mark : marks) {
        auto* m = new QScatterSeries;
        m->setName(mark.name);
        m->append(mark.at);
        m->setMarkerSize(11);
        m->setColor(mark.color);
        m->setBorderColor(mark.color);
        c->addSeries(m);
        m->attachAxis(x);
        m->attachAxis(y);
    }
    // Explicit ranges: the reference line and the marker must be inside, not only the curve.
    if (!curve.isEmpty()) {
        double lo = INFINITY, hi = -INFINITY;
        for (const QPointF& pt : curve) {
            lo = std::min(lo, pt.y());
            hi = std::max(hi, pt.y());
        }
        if (refY) {
            lo = std::min(lo, *refY);
            hi = std::max(hi, *refY);
        }
        for (const Mark& mark : marks) {
            lo = std::min(lo, mark.at.y());
            hi = std::max(hi, mark.at.y());
        }
        if (logY) {
            y->setRange(lo / 1.5, hi * 1.5);
        } else {
            const double pad = 0.08 * std::max(hi - lo, 1e-9 * std::max(1.0, std::abs(hi)));
            y->setRange(lo - pad, hi + pad);
            roundTicks(static_cast<QValueAxis*>(y));
        }
        x->setRange(curve.first().x(), curve.last().x());
        roundTicks(x);
    }
    chart::applyPalette(c, p);
}

double positive(double v)
{
    return std::max(v, 1e-12);  // log axes cannot show 0 (an exact reconstruction)
}

}  // namespace

TeachingView::TeachingView(QWidget* parent)
    : QWidget(parent),
      m_traceRunner(new JobRunner(this)),
      m_redraw(new QTimer(this)),
      m_sigmaChart(makeChart("errorVsSigmaChart")),
      m_bitsChart(makeChart("errorVsBitsChart")),
      m_rangeChart(makeChart("rangeOverStepsChart")),
      m_lossChart(makeChart("lossOverStepsChart")),
      m_landscapeChart(makeChart("lossOverRangeChart")),
      m_channel(new QSpinBox),
      m_channelLabel(new QLabel),
      m_traceNote(new QLabel)
{
    setObjectName(QStringLiteral("teachingView"));
    setProperty("viewName", QStringLiteral("teaching"));
    m_channel->setObjectName(QStringLiteral("traceChannelSpin"));
    m_traceNote->setWordWrap(true);
    auto* channelRow = new QHBoxLayout;
    channelRow->addWidget(m_channelLabel);
    channelRow->addWidget(m_channel);
    channelRow->addWidget(m_traceNote, 1);
    auto* grid = new QGridLayout;
    grid->addWidget(m_sigmaChart, 0, 0);
    grid->addWidget(m_bitsChart, 0, 1);
    grid->addLayout(channelRow, 1, 0, 1, 2);
    grid->addWidget(m_rangeChart, 2, 0);
    grid->addWidget(m_lossChart, 2, 1);
    grid->addWidget(m_landscapeChart, 3, 0, 1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(grid);

    m_redraw->setSingleShot(true);
    m_redraw->setInterval(40);
    connect(m_redraw, &QTimer::timeout, this, &TeachingView::redrawCurves);
    connect(m_channel, &QSpinBox::valueChanged, this, &TeachingView::startTrace);
    retranslate();
    redrawCurves();
    drawTrace();
}

void TeachingView::retranslate()
{
    m_channelLabel->setText(tr("EasyQuant range optimisation of channel"));
    m_sigmaChart->chart()->setTitle(tr("Error vs outlier threshold"));
    m_bitsChart->chart()->setTitle(tr("Error vs bits"));
    m_rangeChart->chart()->setTitle(tr("Range over Adam steps"));
    m_lossChart->chart()->setTitle(tr("Loss over Adam steps"));
    m_landscapeChart->chart()->setTitle(tr("Loss over the range r"));
}

void TeachingView::setTensor(std::shared_ptr<const Matrix> w, std::shared_ptr<const ThresholdExplorer> explorer,
                             double mean, double stddev, bool keepChannel)
{
    m_matrix = std::move(w);
    m_explorer = std::move(explorer);
    m_mean = mean;
    m_std = stddev;
    m_redraw->start();
    const QSignalBlocker block(m_channel);
    const int kept = m_channel->value();
    m_channel->setRange(0, m_matrix ? int(m_matrix->rows - 1) : 0);
    if (keepChannel && m_matrix && kept < m_matrix->rows) {
        m_channel->setValue(kept);
    } else if (m_matrix) {
        // Default: the channel with the widest range, where the range choice matters most.
        int widest = 0;
        float best = -1;
        for (std::int64_t r = 0; r < m_matrix->rows; ++r) {
            float m = 0;
            for (float v : m_matrix->row(r)) m = std::max(m, std::abs(v));
            if (m > best) {
                best = m;
                widest = int(r);
            }
        }
        m_channel->setValue(widest);
    }
    startTrace();
}

void TeachingView::setSettings(const QuantSettings& s)
{
    const bool retrace = s.bits != m_settings.bits || s.sigma != m_settings.sigma || s.intRange != m_settings.intRange ||
                         s.adamLr != m_settings.adamLr || s.adamSteps != m_settings.adamSteps;
    m_settings = s;
    if (!m_redraw->isActive()) m_redraw->start();
    if (retrace) startTrace();
}

void TeachingView::redrawCurves()
{
    QList<QPointF> sigmaCurve, bitsCurve;
    std::optional<QPointF> sigmaMark, bitsMark;
#ifdef QS_HAVE_QUANT_CORE
    if (m_explorer) {
        for (int i = 0; i <= 110; ++i) {
            const double s = 0.5 + 0.05 * i;
            sigmaCurve << QPointF(s, positive(m_explorer->query(s, m_settings.bits).relErr));
        }
        for (int b = 2; b <= 8; ++b) bitsCurve << QPointF(b, positive(m_explorer->query(m_settings.sigma, b).relErr));
        sigmaMark = QPointF(m_settings.sigma, positive(m_explorer->query(m_settings.sigma, m_settings.bits).relErr));
        bitsMark = QPointF(m_settings.bits, sigmaMark->y());
    }
#endif
    const QColor markColor = chart::thresholdColor(palette());
    auto current = [&](const std::optional<QPointF>& at) {
        return at ? QList<Mark>{{*at, tr("current choice"), markColor}} : QList<Mark>{};
    };
    plot(m_sigmaChart, sigmaCurve, tr("rel_err at %1 bits").arg(m_settings.bits), true, tr("outlier threshold nσ"),
         tr("rel_err"), current(sigmaMark));
    plot(m_bitsChart, bitsCurve, tr("rel_err at %1σ").arg(m_settings.sigma, 0, 'f', 2), true, tr("bits"), tr("rel_err"),
         current(bitsMark));
}

void TeachingView::startTrace()
{
    if (!m_matrix) return;
    const auto w = m_matrix;
    const int channel = std::clamp(m_channel->value(), 0, int(w->rows - 1));
    const double mean = m_mean, sd = m_std;
    const QuantSettings s = m_settings;
    m_traceNote->setText(tr("Computing…"));
    m_traceRunner->start(tr("EasyQuant trace"), [this, w, channel, mean, sd, s](const qs::ProgressFn& progress) -> JobRunner::Deliver {
        if (!progress(0.0, "trace")) throw qs::Cancelled();
        auto trace = std::make_shared<RangeTrace>(traceChannelRange(w->row(channel), mean, sd, s));
        return [this, trace] {
            m_trace = std::move(*trace);
            drawTrace();
        };
    });
}

void TeachingView::drawTrace()
{
    QList<QPointF> range, loss, landscape;
    for (std::size_t i = 0; i < m_trace.range.size(); ++i) {
        range << QPointF(double(i), m_trace.range[i]);
        loss << QPointF(double(i), positive(m_trace.loss[i]));
    }
    for (std::size_t i = 0; i < m_trace.curveRange.size(); ++i)
        landscape << QPointF(m_trace.curveRange[i], positive(m_trace.curveLoss[i]));
    std::optional<double> searchRange, searchLoss;
    QList<Mark> landscapeMarks;
    if (!m_trace.range.empty()) {
        searchRange = m_trace.searchRange;
        searchLoss = positive(m_trace.searchLoss);
        const QPalette p = palette();
        landscapeMarks = {{QPointF(m_trace.range.back(), positive(m_trace.loss.back())), tr("Adam's last step"),
                           chart::thresholdColor(p)},
                          {QPointF(m_trace.searchRange, *searchLoss), tr("exact search optimum"), chart::outlierColor(p)}};
    }
    plot(m_rangeChart, range, tr("Adam: range r"), false, tr("step"), tr("range r"), {}, searchRange,
         tr("exact search optimum"));
    plot(m_lossChart, loss, tr("Adam: loss Σ(Q(x) − x)²"), false, tr("step"), tr("loss"), {}, searchLoss,
         tr("exact search optimum"));
    // Log scale: the loss grows a hundredfold towards small r; the minima, where Adam and the
    // search part ways, are what matters.
    plot(m_landscapeChart, landscape, tr("loss Σ(Q(x) − x)² at range r"), true, tr("range r"), tr("loss"),
         landscapeMarks);
    if (m_trace.range.empty()) {
        m_traceNote->setText(m_matrix ? tr("No normal values in this channel.") : tr("Select a tensor."));
        return;
    }
    const QLocale l;
    QString note = tr("%1 normal values; Adam (lr %2, %3 steps) ends at r = %4, loss %5; exact search: r = %6, loss %7.")
                       .arg(m_trace.normals)
                       .arg(m_settings.adamLr)
                       .arg(m_settings.adamSteps)
                       .arg(l.toString(m_trace.range.back(), 'g', 5), l.toString(m_trace.loss.back(), 'g', 5),
                            l.toString(m_trace.searchRange, 'g', 5), l.toString(m_trace.searchLoss, 'g', 5));
    if (m_trace.mirrored)
        note += QLatin1Char(' ') + tr("Adam's path is on the mirrored grid, which this channel fits better.");
    m_traceNote->setText(note);
}

int TeachingView::landscapePoints() const
{
    const auto series = m_landscapeChart->chart()->series();
    return series.isEmpty() ? 0 : int(static_cast<QLineSeries*>(series.first())->count());
}

QString TeachingView::traceNote() const
{
    return m_traceNote->text();
}

int TeachingView::sigmaCurvePoints() const
{
    const auto series = m_sigmaChart->chart()->series();
    return series.isEmpty() ? 0 : int(static_cast<QLineSeries*>(series.first())->count());
}

int TeachingView::bitsCurvePoints() const
{
    const auto series = m_bitsChart->chart()->series();
    return series.isEmpty() ? 0 : int(static_cast<QLineSeries*>(series.first())->count());
}

}  // namespace qs::gui
