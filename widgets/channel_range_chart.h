#pragma once
// Minimum and maximum of every output channel, with the channels that hold values beyond
// ±nσ highlighted. Many channels are aggregated into at most kMaxBuckets columns (min of mins,
// max of maxes) so a 32000-row embedding draws as fast as a 64-row projection.

#include <QChartView>

#include <vector>

class QAreaSeries;
class QLineSeries;
class QScatterSeries;
class QValueAxis;
class QTimer;

namespace qs::gui {

class ChannelRangeChart : public QChartView {
    Q_OBJECT
public:
    static constexpr int kMaxBuckets = 1024;
    explicit ChannelRangeChart(QWidget* parent = nullptr);

    void setRanges(std::vector<float> rowMin, std::vector<float> rowMax, double mean, double stddev);
    void clear();
    void setSigma(double sigma);
    /// Channels with at least one value at or beyond ±nσ at the current sigma.
    int outlierChannels() const noexcept { return m_outlierChannels; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void redraw();
    void restyle();

    std::vector<float> m_min, m_max;
    double m_mean = 0, m_std = 0, m_sigma = 3.0;
    int m_outlierChannels = 0;
    QLineSeries* m_upper;
    QLineSeries* m_lower;
    QAreaSeries* m_band;
    QScatterSeries* m_outliers;
    QLineSeries* m_thresholds;
    QValueAxis* m_x;
    QValueAxis* m_y;
    QTimer* m_redrawTimer;
};

}  // namespace qs::gui
