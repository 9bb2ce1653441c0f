#pragma once
// The open checkpoint and everything computed about it so far: per-tensor summaries (filled
// progressively in the background) and the latest whole-model quantization results. Views
// observe it through signals; it owns no widgets.

#include "tensor_summary.h"

#include "quantscope/io/checkpoint.h"
#include "quantscope/quant/metrics.h"

#include <QObject>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

namespace qs::gui {

class JobRunner;

/// Metrics of one tensor after a whole-model quantization.
struct TensorQuantMetrics {
    TensorMetrics metrics;
    QString method;
};

class ModelDocument : public QObject {
    Q_OBJECT
public:
    explicit ModelDocument(QObject* parent = nullptr);
    ~ModelDocument() override;

    /// Replaces the open checkpoint (nullptr closes it) and starts filling the summaries.
    void setCheckpoint(std::shared_ptr<const Checkpoint> checkpoint, const QString& displayName);
    const std::shared_ptr<const Checkpoint>& checkpoint() const noexcept { return m_checkpoint; }
    QString displayName() const { return m_displayName; }
    std::size_t tensorCount() const noexcept;
    const TensorInfo* tensor(std::size_t index) const noexcept;

    const TensorSummary* summary(std::size_t index) const noexcept;
    std::size_t summariesDone() const noexcept { return m_summariesDone; }
    /// Threshold used for the summaries' outlier fields.
    double summarySigma() const noexcept { return m_summarySigma; }

    /// Per-tensor metrics of the last model quantization (empty entries: not quantized).
    void setQuantMetrics(std::vector<std::optional<TensorQuantMetrics>> metrics);
    const TensorQuantMetrics* quantMetrics(std::size_t index) const noexcept;

    /// The runner filling the summaries (tests wait on it).
    JobRunner* summaryRunner() const noexcept { return m_summaryRunner; }

Q_SIGNALS:
    void checkpointChanged();
    void summaryReady(std::size_t index);
    void summariesFinished();
    void quantMetricsChanged();
    void warning(const QString& message);

private:
    void summarizeNext();

    std::shared_ptr<const Checkpoint> m_checkpoint;
    QString m_displayName;
    std::vector<std::optional<TensorSummary>> m_summaries;
    std::vector<std::optional<TensorQuantMetrics>> m_quant;
    std::size_t m_nextSummary = 0;
    std::size_t m_summariesDone = 0;
    double m_summarySigma = 3.0;
    JobRunner* m_summaryRunner = nullptr;
};

}  // namespace qs::gui
