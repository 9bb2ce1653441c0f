#pragma once
// Teaching views for the selected layer: the error as a function of the outlier threshold nσ
// and of the bit-width (from the threshold explorer, the current choice marked), and
// EasyQuant's range optimisation for one channel (the core's range trace: the quantizer's own
// Adam and search): range and loss over the Adam steps with the search's optimum as a
// reference, and the loss over the range r with both solvers' results marked — where a person
// sees Adam settle in a local minimum that the search steps over.

#include "quantscope/quant/range_trace.h"
#include "quantscope/quant/threshold_explorer.h"
#include "quantscope/tensor/matrix.h"

#include <QWidget>

#include <memory>

class QChartView;
class QLabel;
class QLineSeries;
class QScatterSeries;
class QSpinBox;
class QTimer;

namespace qs::gui {

class JobRunner;

class TeachingView : public QWidget {
    Q_OBJECT
public:
    explicit TeachingView(QWidget* parent = nullptr);

    /// New tensor (explorer may be null: the curves then say why they are empty). The trace
    /// starts on the widest channel, or stays on the current one when `keepChannel` (the same
    /// tensor reloaded for new settings).
    void setTensor(std::shared_ptr<const Matrix> w, std::shared_ptr<const ThresholdExplorer> explorer, double mean,
                   double stddev, bool keepChannel = false);
    void setSettings(const QuantSettings& s);
    void retranslate();

    /// Points of the curves (tests).
    int sigmaCurvePoints() const;
    int bitsCurvePoints() const;
    /// Points of the loss-over-range curve and the note under the channel box (tests).
    int landscapePoints() const;
    QString traceNote() const;
    const RangeTrace& trace() const noexcept { return m_trace; }
    JobRunner* traceRunner() const noexcept { return m_traceRunner; }
    QSpinBox* channelSpin() const noexcept { return m_channel; }

private:
    void redrawCurves();
    void startTrace();
    void drawTrace();

    std::shared_ptr<const Matrix> m_matrix;
    std::shared_ptr<const ThresholdExplorer> m_explorer;
    double m_mean = 0, m_std = 0;
    QuantSettings m_settings;
    RangeTrace m_trace;
    JobRunner* m_traceRunner;
    QTimer* m_redraw;
    QChartView* m_sigmaChart;
    QChartView* m_bitsChart;
    QChartView* m_rangeChart;
    QChartView* m_lossChart;
    QChartView* m_landscapeChart;
    QSpinBox* m_channel;
    QLabel* m_channelLabel;
    QLabel* m_traceNote;
};

}  // namespace qs::gui
