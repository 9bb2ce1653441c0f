#pragma once
// File ▸ Open LiDAR Frame…: a point cloud, optional KITTI label_2 + calib, optional detection
// files A and B. Choosing the cloud fills in label, calib and detections when the folder
// layout gives them away (inferLidarFramePaths); fields the user typed are left alone.

#include "lidar_frame_files.h"

#include <QDialog>

#include <array>

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace qs::gui {

class LidarFrameDialog : public QDialog {
    Q_OBJECT
public:
    enum class Field { Cloud, Label, Calib, DetA, DetB };
    explicit LidarFrameDialog(QWidget* parent = nullptr);

    LidarFramePaths paths() const;
    void setPaths(const LidarFramePaths& paths);
    /// Sets the point cloud and fills the other fields from the folder layout.
    void setCloud(const QString& path);
    QLineEdit* field(Field f) const { return m_edits[std::size_t(f)]; }
    /// Why the frame cannot be opened as entered ("" when it can); shown under the fields.
    QString problem() const;

    /// "Point clouds (*.bin *.pcd …);;All files (*)" for file dialogs.
    static QString pointCloudFilter();

private:
    void browse(Field f);
    void inferFromCloud();
    void validate();

    std::array<QLineEdit*, 5> m_edits{};
    std::array<QString, 5> m_inferred;  ///< what inference last wrote per field
    QLabel* m_problem;
    QDialogButtonBox* m_buttons;
};

}  // namespace qs::gui
