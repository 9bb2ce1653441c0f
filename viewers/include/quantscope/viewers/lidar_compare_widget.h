#pragma once
// Two PointCloudViews side by side (A and B, e.g. FP32 and quantized detections) with linked
// cameras, shared display controls, and a table of AP A vs B with deltas.

#include "quantscope/lidar/detection_eval.h"
#include "quantscope/viewers/point_cloud_view.h"

#include <QWidget>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace qs::viewers {

/// One frame read from disk, ready to show: no widgets involved, so it can be loaded off the
/// GUI thread (the window does) and handed to LidarCompareWidget::showFrame.
struct LidarFrame {
    std::string id;                       ///< frame id from the cloud's name ("000003")
    qs::PointCloud cloud;
    std::vector<qs::Box3D> groundTruth;   ///< DontCare boxes removed
    std::vector<qs::Box3D> labels;        ///< every label box, DontCare included (the Detector panel scores against them)
    std::vector<qs::Box3D> detectionsA, detectionsB;
    std::optional<qs::EvalResult> evalA, evalB;  ///< scored when there are labels and that set's file
};

/// Reads a frame: a point cloud (any format readPointCloud knows), label_2 + calib (empty
/// paths skip them), detection files A and B (pred_velo or KITTI results; empty = none); A and
/// B are scored against the labels. Throws qs::Error; InvalidArgument for labels without calib.
LidarFrame loadLidarFrame(const std::filesystem::path& cloud, const std::filesystem::path& label,
                          const std::filesystem::path& calib, const std::filesystem::path& detA,
                          const std::filesystem::path& detB);

class DetectorPanel;

class LidarCompareWidget : public QWidget {
    Q_OBJECT

public:
    explicit LidarCompareWidget(QWidget* parent = nullptr);

    void setPointCloud(const qs::PointCloud& cloud);
    void setGroundTruth(const std::vector<qs::Box3D>& boxes);
    void setDetectionsA(const std::vector<qs::Box3D>& boxes);
    void setDetectionsB(const std::vector<qs::Box3D>& boxes);
    /// Titles over the two views ("FP32", "INT8 EasyQuant", ...).
    void setLabels(const QString& a, const QString& b);
    /// The AP table: per class, moderate AP 3D and BEV for A and B and their difference.
    void setMetrics(const qs::EvalResult& a, const qs::EvalResult& b);

    /// Shows a loaded frame: cloud and boxes in both views, the AP table when it was scored
    /// (emptied otherwise).
    void showFrame(const LidarFrame& frame);
    /// loadLidarFrame + showFrame, on the calling thread. Throws what loadLidarFrame throws.
    void loadFrame(const std::filesystem::path& cloud, const std::filesystem::path& label,
                   const std::filesystem::path& calib, const std::filesystem::path& detA,
                   const std::filesystem::path& detB);

    PointCloudView* viewA() const { return m_viewA; }
    PointCloudView* viewB() const { return m_viewB; }
    QTableWidget* metricsTable() const { return m_table; }
    /// The "Detector" panel: runs the pillar detector (FP32 in A, quantized in B) on the cloud.
    DetectorPanel* detectorPanel() const { return m_detector; }
    /// The text describing the last picked box.
    QString pickedText() const;

Q_SIGNALS:
    void boxPicked(const qs::viewers::PickedBox& picked);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    /// As setMetrics; a missing set shows "—" (no detection file), none at all empties the table.
    void fillMetrics(const qs::EvalResult* a, const qs::EvalResult* b);
    void showPicked(const PickedBox& picked);
    void linkCameras(PointCloudView* from, PointCloudView* to);

    PointCloudView* m_viewA = nullptr;
    PointCloudView* m_viewB = nullptr;
    QLabel* m_titleA = nullptr;
    QLabel* m_titleB = nullptr;
    QComboBox* m_colorMode = nullptr;
    QDoubleSpinBox* m_pointSize = nullptr;
    QCheckBox* m_showGt = nullptr;
    QCheckBox* m_showDet = nullptr;
    QCheckBox* m_showScores = nullptr;
    QTableWidget* m_table = nullptr;
    QLabel* m_picked = nullptr;
    QPushButton* m_perspective = nullptr;
    QPushButton* m_birdsEye = nullptr;
    bool m_havePick = false;
    DetectorPanel* m_detector = nullptr;
};

}  // namespace qs::viewers
