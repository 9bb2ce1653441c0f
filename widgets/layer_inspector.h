#pragma once
// Everything about the selected tensor: histogram with the quantization grid and ±nσ markers,
// per-channel ranges, the statistics panel. Loading the tensor and building its threshold
// explorer happen in the background; after that every threshold or bit change is answered
// synchronously from the explorer (microseconds), so the readout follows a slider drag.

#include "tensor_summary.h"

#include "quantscope/quant/quant_settings.h"
#include "quantscope/quant/threshold_explorer.h"
#include "quantscope/tensor/matrix.h"

#include <QWidget>

#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;

namespace qs::gui {

class ChannelRangeChart;
class HistogramChart;
class JobRunner;
class ModelDocument;
class StatsPanel;

class LayerInspector : public QWidget {
    Q_OBJECT
public:
    explicit LayerInspector(ModelDocument* document, QWidget* parent = nullptr);
    ~LayerInspector() override;

    /// Loads tensor `index` in the background (cancels a load in progress).
    void showTensor(std::size_t index);
    void clear();
    void setSettings(const QuantSettings& settings);  ///< bits, granularity, method; sigma too
    void setSigma(double sigma);

    std::optional<std::size_t> currentTensor() const noexcept { return m_tensor; }
    std::shared_ptr<const Matrix> matrix() const noexcept { return m_matrix; }
    std::shared_ptr<const ThresholdExplorer> explorer() const noexcept { return m_explorer; }
    const QuantSettings& settings() const noexcept { return m_settings; }
    const TensorSummary* summary() const noexcept { return m_summary ? &*m_summary : nullptr; }
    /// The last answer (for the readout and tests); empty until the explorer exists.
    std::optional<ExplorerAnswer> answer() const noexcept { return m_answer; }

    HistogramChart* histogram() const noexcept { return m_histogram; }
    ChannelRangeChart* channelRanges() const noexcept { return m_channels; }
    StatsPanel* statsPanel() const noexcept { return m_stats; }
    JobRunner* loadRunner() const noexcept { return m_loader; }
    void retranslate();

Q_SIGNALS:
    void tensorLoaded(std::size_t index);
    void answerChanged(const ExplorerAnswer& answer);
    void answerUnavailable(const QString& why);
    void explorerReady();
    void failed(const QString& message);

private:
    void query();
    void updateGrid();

    ModelDocument* m_document;
    JobRunner* m_loader;
    HistogramChart* m_histogram;
    ChannelRangeChart* m_channels;
    StatsPanel* m_stats;
    QComboBox* m_bins;
    QCheckBox* m_logCount;
    QLabel* m_binsLabel;
    QLabel* m_title;

    std::optional<std::size_t> m_tensor;
    std::shared_ptr<const Matrix> m_matrix;
    std::optional<TensorSummary> m_summary;
    std::shared_ptr<const ThresholdExplorer> m_explorer;
    QuantSettings m_settings;
    std::optional<ExplorerAnswer> m_answer;
};

/// Dequantized levels of the symmetric RTN grid with range r at `bits` (restricted range).
std::vector<double> symmetricGridLevels(double range, int bits, IntRange intRange);
/// nl4's levels for a sub-block whose largest |value| is `range` (the ±127 end of the codebook
/// maps onto it, as the encoder's first candidate does).
std::vector<double> nl4GridLevels(double range);

}  // namespace qs::gui
