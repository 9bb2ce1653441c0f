#pragma once
// One 3D view of a point cloud with ground-truth and detection boxes (the OpenPCDet look:
// black background, boxes as wireframes with a heading line; GT blue, detections A green,
// detections B red), a colour bar, score labels, camera presets and box picking.

#include "quantscope/lidar/box3d.h"
#include "quantscope/lidar/detection_eval.h"
#include "quantscope/lidar/point_cloud.h"
#include "quantscope/viewers/vtk_host_widget.h"

#include <memory>
#include <optional>
#include <vector>

namespace qs::viewers {

enum class BoxSet { GroundTruth = 0, DetectionsA = 1, DetectionsB = 2 };
enum class ColorMode { Intensity, Height, Distance, Solid };

/// What the user clicked.
struct PickedBox {
    BoxSet set = BoxSet::GroundTruth;
    int index = -1;               ///< into the set's box list
    qs::Box3D box;
    /// For a detection: its match against the ground truth (gtIndex -1 = false positive).
    /// For a ground-truth box: gtIndex is unused; matchedBy names the matching detection.
    qs::BoxMatch match;
    int matchedBy = -1;           ///< ground truth: index of the detection that matched it
    BoxSet matchedBySet = BoxSet::DetectionsA;
};

struct PointCloudViewImpl;

class PointCloudView : public VtkHostWidget {
    Q_OBJECT

public:
    explicit PointCloudView(QWidget* parent = nullptr);
    ~PointCloudView() override;

    void setPointCloud(const qs::PointCloud& cloud);
    /// Points handed to VTK for drawing (the finite ones of the last cloud).
    std::size_t drawnPointCount() const;
    void setBoxes(BoxSet set, const std::vector<qs::Box3D>& boxes);
    const std::vector<qs::Box3D>& boxes(BoxSet set) const;
    void clearBoxes();

    void setColorMode(ColorMode mode);
    ColorMode colorMode() const;
    void setPointSize(double pixels);
    void setBoxSetVisible(BoxSet set, bool visible);
    bool isBoxSetVisible(BoxSet set) const;
    void setScoreLabelsVisible(bool visible);
    void setColorBarVisible(bool visible);

    /// Camera presets: behind and above the sensor looking forward (+x), or straight down
    /// (orthographic, +x up on screen). Both frame the loaded cloud.
    void showPerspectiveView();
    void showBirdsEyeView();

    /// The box under widget position (logical pixels), or nothing. Boxes are hit by the ray
    /// through the pixel; the nearest hit wins.
    std::optional<PickedBox> pickBox(QPoint position) const;

Q_SIGNALS:
    void boxPicked(const qs::viewers::PickedBox& picked);

private:
    void rebuildBoxes(BoxSet set);
    void recomputeMatches();
    std::unique_ptr<PointCloudViewImpl> m_view;
};

}  // namespace qs::viewers

Q_DECLARE_METATYPE(qs::viewers::PickedBox)
Q_DECLARE_METATYPE(qs::viewers::CameraState)
