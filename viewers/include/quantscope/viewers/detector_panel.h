#pragma once
// The "Detector" side panel of the LiDAR comparison: which weights, how view B is quantized,
// and a "Run detector" action that runs the FP32 and the quantized pillar detector on the open
// cloud in the background (core's compareDetectors) and shows the AP of both per class.
// The panel computes nothing itself; it owns the job and hands the result to its owner through
// comparisonReady (LidarCompareWidget puts the boxes into views A and B).

#include "quantscope/models/pillar_compare.h"

#include <QFutureWatcher>
#include <QWidget>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace qs::viewers {

/// One run of the detector job: the runtimes it used (kept for the next cloud) and the result.
struct DetectorRun {
    QString key;    ///< weights + quantization: runtimes are rebuilt only when it changes
    QString label;  ///< title of view B for these settings ("W4A8 RTN")
    std::shared_ptr<const qs::DetectorRuntime> reference, quantized;
    qs::DetectorComparison comparison;
    bool hasGroundTruth = false;
    QString error;  ///< non-empty: the job failed (result fields unset)
    double seconds = 0.0;
    std::uint64_t generation = 0;  ///< the panel's generation when the job started
};

class DetectorPanel : public QWidget {
    Q_OBJECT

public:
    explicit DetectorPanel(QWidget* parent = nullptr);
    ~DetectorPanel() override;

    /// The cloud the next run uses. A run in flight for an older cloud is dropped when it ends.
    void setPointCloud(std::shared_ptr<const qs::PointCloud> cloud);
    /// Ground truth scored against (may hold DontCare boxes; empty: no AP).
    void setGroundTruth(std::vector<qs::Box3D> boxes);

    /// Weights file; empty = the bundled model (Qt resource :/models/lidar_pillar_detector.safetensors).
    void setWeights(const QString& path);
    /// Quantization of view B: method "rtn" or "easyquant", weight bits 8 or 4, activation bits 8 or 0.
    void setQuantization(const QString& method, int weightBits, int activationBits);
    /// Title of view B for the current settings, e.g. "W8A8 RTN".
    QString quantizedLabel() const;

    /// A run was started and its result has not been shown (or dropped) yet.
    bool isRunning() const;
    QPushButton* runButton() const { return m_run; }
    QTableWidget* apTable() const { return m_table; }
    QString statusText() const;

public Q_SLOTS:
    /// Starts the job on the current cloud (no-op with a message when none is open).
    void run();

Q_SIGNALS:
    /// The job finished for the cloud still open.
    void comparisonReady(const qs::DetectorComparison& comparison, bool hasGroundTruth, const QString& quantizedLabel);
    /// Emitted after comparisonReady or a failure (tests wait on it).
    void runFinished(bool ok);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void onFinished();
    void showTable(const qs::DetectorComparison& c, bool hasGroundTruth);
    void setStatus(const QString& text);
    QString settingsKey() const;

    QLabel* m_title = nullptr;
    QLabel* m_formLabels[4] = {};  ///< weights, method, weight bits, activations
    QPushButton* m_browse = nullptr;
    QLineEdit* m_weights = nullptr;
    QComboBox* m_method = nullptr;
    QComboBox* m_weightBits = nullptr;
    QComboBox* m_actBits = nullptr;
    QPushButton* m_run = nullptr;
    QLabel* m_status = nullptr;
    QTableWidget* m_table = nullptr;

    std::shared_ptr<const qs::PointCloud> m_cloud;
    std::vector<qs::Box3D> m_groundTruth;
    DetectorRun m_cache;  ///< runtimes of the last successful run
    QFutureWatcher<DetectorRun>* m_watcher = nullptr;
    std::uint64_t m_generation = 0;  ///< bumped by every new cloud and every run
    bool m_pending = false;          ///< a job was started and its result not yet taken
};

}  // namespace qs::viewers
