// File ▸ Open LiDAR Frame… as a user meets it: choosing a KITTI scan fills in its labels and
// calibration, PointPillars' pred_velo files become detections A, typed fields survive a new
// cloud, and the dialog says why it cannot open a frame. Plus the rule that tells a point
// cloud from a checkpoint when both end in .bin (drag and drop, command line, recent files).
#include "lidar_frame_dialog.h"
#include "lidar_frame_files.h"

#include "test_data.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>

using namespace qs::gui;
using Field = LidarFrameDialog::Field;

namespace {

QString q(const std::filesystem::path& p)
{
    return QFileInfo(QString::fromStdString(p.string())).absoluteFilePath();
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

/// `n` KITTI points (x, y, z, reflectance) as float32: a real scan's first values.
QByteArray kittiPoints(int n)
{
    QByteArray b(n * 16, Qt::Uninitialized);
    for (int i = 0; i < n; ++i) {
        const float p[4] = {10.5f + float(i), -3.25f, -1.5f, 0.3f};
        std::memcpy(b.data() + 16 * i, p, sizeof(p));
    }
    return b;
}

}  // namespace

class TestLidarFrameDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void kittiLayoutGivesLabelAndCalib()
    {
        QS_REQUIRE_DATA(root, "lidar/kitti/training");
        const LidarFramePaths p = inferLidarFramePaths(q(root / "velodyne/000003.bin"));
        QCOMPARE(p.cloud, q(root / "velodyne/000003.bin"));
        QCOMPARE(p.label, q(root / "label_2/000003.txt"));
        QCOMPARE(p.calib, q(root / "calib/000003.txt"));
        QVERIFY(p.detA.isEmpty());
        QVERIFY(p.detB.isEmpty());
    }

    void pointPillarsLayoutGivesDetections()
    {
        QS_REQUIRE_DATA(fov, "lidar/kitti_fov");
        const LidarFramePaths p = inferLidarFramePaths(q(fov / "000007.bin"));
        QCOMPARE(p.detA, q(fov / "pred_velo_000007.txt"));
        QVERIFY(p.label.isEmpty());
        QVERIFY(p.calib.isEmpty());
    }

    void flatLayoutAndMissingFiles()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("label_2")));
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("calib")));
        writeFile(dir.filePath(QStringLiteral("000042.bin")), kittiPoints(4));
        writeFile(dir.filePath(QStringLiteral("label_2/000042.txt")), "Car 0 0 0 0 0 0 0 1 1 1 0 0 0 0\n");
        // calib/000042.txt is missing: the field stays empty rather than naming a file that is not there.
        const LidarFramePaths p = inferLidarFramePaths(dir.filePath(QStringLiteral("000042.bin")));
        QCOMPARE(p.label, dir.filePath(QStringLiteral("label_2/000042.txt")));
        QVERIFY(p.calib.isEmpty());
        // No layout at all: only the cloud.
        const LidarFramePaths none = inferLidarFramePaths(QStringLiteral("/nonexistent/folder/scan.pcd"));
        LidarFramePaths only;
        only.cloud = QStringLiteral("/nonexistent/folder/scan.pcd");
        QCOMPARE(none, only);
    }

    void droppedFilesMakeOneFrame()
    {
        QS_REQUIRE_DATA(root, "lidar/kitti/training");
        QS_REQUIRE_DATA(fov, "lidar/kitti_fov");
        // Detections first, then the scan: the order of a multi-file drop does not matter.
        const LidarFramePaths p =
            lidarFrameFromFiles({q(fov / "pred_velo_000003.txt"), q(root / "velodyne/000003.bin"),
                                 q(fov / "pred_velo_000004.txt")});
        QCOMPARE(p.cloud, q(root / "velodyne/000003.bin"));
        QCOMPARE(p.label, q(root / "label_2/000003.txt"));  // from the layout
        QCOMPARE(p.calib, q(root / "calib/000003.txt"));
        QCOMPARE(p.detA, q(fov / "pred_velo_000003.txt"));
        QCOMPARE(p.detB, q(fov / "pred_velo_000004.txt"));
        // Explicit label and calib files win over the layout; no point cloud, no frame.
        const LidarFramePaths q2 = lidarFrameFromFiles(
            {q(fov / "000005.bin"), q(root / "label_2/000005.txt"), q(root / "calib/000005.txt")});
        QCOMPARE(q2.label, q(root / "label_2/000005.txt"));
        QCOMPARE(q2.calib, q(root / "calib/000005.txt"));
        QCOMPARE(q2.detA, q(fov / "pred_velo_000005.txt"));  // inferred beside the cloud
        QVERIFY(lidarFrameFromFiles({q(fov / "pred_velo_000003.txt")}).cloud.isEmpty());
    }

    void pointCloudsAndCheckpointsAreToldApart()
    {
        QS_REQUIRE_DATA(data, "lidar");
        QS_REQUIRE_DATA(llm, "llm");
        QCOMPARE(classifyFile(q(data / "kitti/training/velodyne/000000.bin")), DroppedFileKind::PointCloud);
        QCOMPARE(classifyFile(q(data / "kitti_fov/000009.bin")), DroppedFileKind::PointCloud);
        QCOMPARE(classifyFile(q(data / "pcd/rangenet_000000.pcd")), DroppedFileKind::PointCloud);
        QCOMPARE(classifyFile(q(data / "pcd/nuscenes_LIDAR_TOP_1532402927647951.pcd.bin")),
                 DroppedFileKind::PointCloud);
        // llama2.c checkpoints end in .bin too: legacy (no magic) and v1.
        QCOMPARE(classifyFile(q(llm / "stories260K.bin")), DroppedFileKind::Checkpoint);
        QCOMPARE(classifyFile(q(llm / "stories260K_v1.bin")), DroppedFileKind::Checkpoint);
        QCOMPARE(classifyFile(q(llm / "tok512.bin")),
                 DroppedFileKind::Checkpoint);  // 6227 bytes: not whole points

        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("scan.bin")), kittiPoints(64));
        QCOMPARE(classifyFile(dir.filePath(QStringLiteral("scan.bin"))), DroppedFileKind::PointCloud);
        writeFile(dir.filePath(QStringLiteral("pytorch_model.bin")),
                  QByteArray("PK\x03\x04", 4) + QByteArray(60, '\0'));
        QCOMPARE(classifyFile(dir.filePath(QStringLiteral("pytorch_model.bin"))),
                 DroppedFileKind::Checkpoint);
        writeFile(dir.filePath(QStringLiteral("cloud.ply")), "ply\nformat ascii 1.0\nend_header\n");
        QCOMPARE(classifyFile(dir.filePath(QStringLiteral("cloud.ply"))), DroppedFileKind::PointCloud);
        QCOMPARE(classifyFile(dir.filePath(QStringLiteral("missing.safetensors"))),
                 DroppedFileKind::Checkpoint);
    }

    void choosingACloudFillsTheDialog()
    {
        QS_REQUIRE_DATA(root, "lidar/kitti/training");
        QS_REQUIRE_DATA(fov, "lidar/kitti_fov");
        LidarFrameDialog dialog;
        dialog.show();
        auto* open = dialog.findChild<QPushButton*>(QStringLiteral("lidarFrameOpen"));
        auto* problem = dialog.findChild<QLabel*>(QStringLiteral("lidarFrameProblem"));
        QVERIFY(open && problem);
        QVERIFY(!open->isEnabled());  // nothing chosen yet
        // Every field has a label whose Alt+letter reaches it (a literal "&" would show otherwise).
        for (Field f : {Field::Cloud, Field::Label, Field::Calib, Field::DetA, Field::DetB}) {
            bool labelled = false;
            for (QLabel* l : dialog.findChildren<QLabel*>()) labelled |= l->buddy() == dialog.field(f);
            QVERIFY(labelled);
        }
        QVERIFY(!dialog.problem().isEmpty());

        // Typed as a user would: the other fields fill in once the path names a file.
        QLineEdit* cloud = dialog.field(Field::Cloud);
        QTest::keyClicks(cloud, q(root / "velodyne/000003.bin"));
        QCOMPARE(dialog.field(Field::Label)->text(), q(root / "label_2/000003.txt"));
        QCOMPARE(dialog.field(Field::Calib)->text(), q(root / "calib/000003.txt"));
        QVERIFY(open->isEnabled());
        QVERIFY(problem->isHidden());

        // Labels without calibration cannot be placed in the LiDAR frame: the dialog says so.
        dialog.field(Field::Calib)->clear();
        QVERIFY(!open->isEnabled());
        QVERIFY(problem->text().contains(QLatin1String("calibration")));
        QVERIFY(problem->isVisible());

        // A detection file the user typed survives choosing another frame; inferred fields follow it.
        QTest::keyClicks(dialog.field(Field::DetA), q(fov / "pred_velo_000003.txt"));
        dialog.setCloud(q(root / "velodyne/000004.bin"));
        QCOMPARE(dialog.field(Field::Label)->text(), q(root / "label_2/000004.txt"));
        QCOMPARE(dialog.field(Field::Calib)->text(), q(root / "calib/000004.txt"));
        QCOMPARE(dialog.field(Field::DetA)->text(), q(fov / "pred_velo_000003.txt"));
        QVERIFY(open->isEnabled());
        const LidarFramePaths p = dialog.paths();
        QCOMPARE(p.cloud, q(root / "velodyne/000004.bin"));
        QCOMPARE(p.detA, q(fov / "pred_velo_000003.txt"));
        QVERIFY(p.detB.isEmpty());

        // For people reviewing the build (not compared).
        dialog.grab().save(QStringLiteral(QS_BINARY_DIR "/tests/widgets/lidar_frame_dialog.png"));

        // A file that does not exist is named.
        dialog.field(Field::DetB)->setText(QStringLiteral("/nonexistent/det.txt"));
        QVERIFY(!open->isEnabled());
        QVERIFY(problem->text().contains(QLatin1String("/nonexistent/det.txt")));
    }

    void filterListsEveryPointCloudFormat()
    {
        const QString f = LidarFrameDialog::pointCloudFilter();
        for (const char* ext : {"*.bin", "*.pcd", "*.ply", "*.las"})
            QVERIFY2(f.contains(QLatin1String(ext)), qPrintable(f));
        QVERIFY(f.endsWith(QLatin1String("(*)")));
    }
};

QTEST_MAIN(TestLidarFrameDialog)
#include "test_lidar_frame_dialog.moc"
