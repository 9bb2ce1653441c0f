#pragma once
// The model-wide picture after a quantization: one bar per quantized tensor (rel_err), two
// methods side by side when comparing, the difference per tensor, and the worst layers. While
// a job runs, finished tensors are drained from LiveOutcomes on a 40 ms timer, so the chart
// grows without a redraw per signal.

#include "model_quant_job.h"

#include <QWidget>

#include <memory>
#include <vector>

class QBarCategoryAxis;
class QBarSeries;
class QChartView;
class QLabel;
class QLogValueAxis;
class QTimer;
class QTreeWidget;

namespace qs::gui {

class ModelQuantView : public QWidget {
    Q_OBJECT
public:
    explicit ModelQuantView(QWidget* parent = nullptr);

    /// A job starts: `labels` names its runs (one or two methods).
    void begin(const QStringList& labels, std::shared_ptr<LiveOutcomes> live);
    /// The job finished: final results replace the live ones.
    void finish(const std::vector<ModelQuantRun>& runs);
    /// The job stopped early (cancel, error): keep what arrived, stop polling.
    void stop();
    void clear();

    /// Bars drawn for run `run` (one per quantized tensor).
    int barCount(int run) const;
    QChartView* chartView() const noexcept { return m_chartView; }
    QTreeWidget* worstList() const noexcept { return m_worst; }
    QTreeWidget* comparisonTable() const noexcept { return m_table; }
    void retranslate();

private:
    void drain();
    void redraw();

    struct Row {
        QString name;
        double relErr[2] = {-1, -1};
        double sqnr[2] = {0, 0};
        double bpw[2] = {0, 0};
    };
    QStringList m_labels;
    std::vector<Row> m_rows;  ///< quantized tensors, catalog order
    std::shared_ptr<LiveOutcomes> m_live;
    bool m_dirty = false;
    QTimer* m_timer;
    QChartView* m_chartView;
    QBarSeries* m_series;
    QBarCategoryAxis* m_categories;
    QLogValueAxis* m_values;
    QTreeWidget* m_worst;
    QTreeWidget* m_table;
    QLabel* m_summary;
    QLabel* m_worstTitle;
};

}  // namespace qs::gui
