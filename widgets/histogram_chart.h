#pragma once
// Histogram of one tensor's values with the quantization grid drawn over it, the ±nσ outlier
// thresholds marked and the bins beyond them coloured. Counts are binned once at a fine
// resolution when the tensor arrives; changing the display bins, the log toggle, the
// threshold or the grid only re-aggregates those counts (no pass over the weights).

#include "quantscope/tensor/matrix.h"

#include <QChartView>

#include <cstdint>
#include <vector>

class QAreaSeries;
class QLineSeries;
class QValueAxis;
class QCategoryAxis;
class QTimer;
class QLogValueAxis;

namespace qs::gui {

class HistogramChart : public QChartView {
    Q_OBJECT
public:
    /// Fine bins computed once per tensor; display bins must divide it.
    static constexpr int kFineBins = 4096;

    explicit HistogramChart(QWidget* parent = nullptr);

    /// New tensor: bins its values once (O(n)); mean and std place the ±nσ markers.
    void setValues(const Matrix& w, double mean, double stddev);
    void clear();
    void setBins(int bins);          ///< rounded to a divisor of kFineBins
    void setLogCount(bool log);
    void setSigma(double sigma);     ///< <= 0 hides the markers
    /// Dequantized levels to draw, and what they are (shown in the legend).
    void setGrid(std::vector<double> levels, const QString& description);

    /// Rebuilds the series now (the setters above schedule it on a 40 ms timer).
    void redraw();

    int bins() const noexcept { return m_bins; }
    bool logCount() const noexcept { return m_log; }
    /// Counts of the current display bins split into normal values and outliers (tests).
    const std::vector<double>& normalCounts() const noexcept { return m_normal; }
    const std::vector<double>& outlierCounts() const noexcept { return m_outlier; }
    std::size_t gridLevelsDrawn() const noexcept { return m_gridDrawn; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void scheduleRedraw();
    void restyle();

    std::vector<std::int64_t> m_fine;
    double m_lo = 0, m_hi = 0, m_mean = 0, m_std = 0;
    int m_bins = 128;
    bool m_log = true;
    double m_sigma = 3.0;
    std::vector<double> m_levels;
    QString m_gridDescription;
    std::vector<double> m_normal, m_outlier;
    std::size_t m_gridDrawn = 0;

    QLineSeries* m_normalUpper;
    QLineSeries* m_normalLower;
    QAreaSeries* m_normalArea;
    QLineSeries* m_outlierUpper;
    QLineSeries* m_outlierLower;
    QAreaSeries* m_outlierArea;
    QLineSeries* m_grid;
    QLineSeries* m_thresholds;
    QCategoryAxis* m_xAxis;  ///< labels placed at round values we format ourselves
    QValueAxis* m_yLinear;
    QLogValueAxis* m_yLog;
    QTimer* m_redrawTimer;
};

}  // namespace qs::gui
