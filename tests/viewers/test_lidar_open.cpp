// Opening a real KITTI frame in the workbench window as a user would: File ▸ Open LiDAR Frame…
// (the dialog filled and accepted), the command-line/drop entry point (openFile on a .bin
// scan), a drop, and the recent-files menu. Runs under Xvfb (the LiDAR tab needs OpenGL).
#include "isolated_settings.h"
#include "main_window.h"

#include "action_registry.h"
#include "language.h"
#include "lidar_frame_dialog.h"
#include "log_pane.h"
#include "settings.h"

#include "quantscope/lidar/point_cloud.h"
#include "quantscope/viewers/lidar_compare_widget.h"
#include "quantscope/viewers/surface_format.h"
#include "test_data.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QFile>
#include <QLineEdit>
#include <QMenu>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <cmath>

using namespace qs::gui;
using qs::viewers::BoxSet;

namespace {

QString q(const std::filesystem::path& p)
{
    return QFileInfo(QString::fromStdString(p.string())).absoluteFilePath();
}

std::size_t finitePoints(const std::filesystem::path& p)
{
    const qs::PointCloud c = qs::readPointCloud(p);
    std::size_t n = 0;
    for (std::size_t i = 0; i < c.size(); ++i)
        n += std::isfinite(c.x[i]) && std::isfinite(c.y[i]) && std::isfinite(c.z[i]);
    return n;
}

}  // namespace

class TestLidarOpen : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        qs::test::isolateSettings();
    }

    void commandLineEntryRecentFilesAndDrop()
    {
        QS_REQUIRE_DATA(root, "lidar/kitti/training");
        const QString cloud = q(root / "velodyne/000003.bin");
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY2(window.lidarView(), "no LiDAR tab under xcb");
        QVERIFY(window.actions()->openLidarFrame->isEnabled());

        // `quantscope 000003.bin` calls openFile: the scan is recognised and its labels found.
        QSignalSpy opened(&window, &MainWindow::lidarFrameOpened);
        QSignalSpy checkpointOpened(&window, &MainWindow::fileOpened);
        window.openFile(cloud);
        QVERIFY(opened.wait(20000));
        QCOMPARE(checkpointOpened.count(), 0);
        auto* lidar = window.lidarView();
        QCOMPARE(lidar->viewA()->drawnPointCount(), std::size_t{113110});  // 1,809,760 bytes / 16
        QCOMPARE(lidar->viewA()->drawnPointCount(), finitePoints(root / "velodyne/000003.bin"));
        QCOMPARE(lidar->viewB()->drawnPointCount(), std::size_t{113110});
        QCOMPARE(lidar->viewA()->boxes(BoxSet::GroundTruth).size(), std::size_t{1});  // 1 car, 2 DontCare
        QCOMPARE(lidar->viewA()->boxes(BoxSet::DetectionsA).size(), std::size_t{0});
        QCOMPARE(window.findChild<QTabWidget*>(QStringLiteral("viewTabs"))->currentWidget(), lidar);

        // It is in the recent-files menu, and choosing it there opens it again.
        QCOMPARE(settings::recentFiles.get().value(0), QFileInfo(cloud).absoluteFilePath());
        auto* recent = window.findChild<QMenu*>(QStringLiteral("recentMenu"));
        Q_EMIT recent->aboutToShow();
        QAction* entry = recent->actions().value(0);
        QVERIFY(entry);
        QCOMPARE(entry->text(), QStringLiteral("000003.bin"));
        entry->trigger();
        QVERIFY(opened.wait(20000));

        // Dropping another scan on the window opens it.
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(q(root / "velodyne/000001.bin"))});
        QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &drop);
        QVERIFY(opened.wait(20000));
        QCOMPARE(lidar->viewA()->drawnPointCount(), finitePoints(root / "velodyne/000001.bin"));

        // A scan dropped together with a detection file opens as one frame with detections A.
        QS_REQUIRE_DATA(fov, "lidar/kitti_fov");
        QMimeData both;
        both.setUrls({QUrl::fromLocalFile(q(fov / "pred_velo_000003.txt")), QUrl::fromLocalFile(cloud)});
        QDragEnterEvent enterBoth(QPoint(50, 50), Qt::CopyAction, &both, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &enterBoth);  // Qt delivers a drop only after an accepted enter
        QDropEvent dropBoth(QPointF(50, 50), Qt::CopyAction, &both, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &dropBoth);
        QVERIFY(opened.wait(20000));
        QCOMPARE(lidar->viewA()->drawnPointCount(), std::size_t{113110});
        QCOMPARE(lidar->viewA()->boxes(BoxSet::DetectionsA).size(), std::size_t{5});
        QCOMPARE(lidar->metricsTable()->item(0, 1)->text(), QStringLiteral("100.00"));  // Car AP 3D of A
    }

    void openLidarFrameActionComparesTwoDetectionSets()
    {
        QS_REQUIRE_DATA(root, "lidar/kitti/training");
        QS_REQUIRE_DATA(fov, "lidar/kitti_fov");
        // B: PointPillars' detections without its best car (as a worse, quantized detector might).
        QTemporaryDir dir;
        const QString detB = dir.filePath(QStringLiteral("pred_velo_000003.txt"));
        {
            QFile in(q(fov / "pred_velo_000003.txt")), out(detB);
            QVERIFY(in.open(QIODevice::ReadOnly) && out.open(QIODevice::WriteOnly));
            in.readLine();  // the 0.92 car that matches the label
            out.write(in.readAll());
        }
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy opened(&window, &MainWindow::lidarFrameOpened);
        // The dialog is modal: fill it when it appears, as a user would, and press Open.
        bool filled = false;
        QString inferredLabel;
        QTimer::singleShot(0, this, [&] {
            auto* dialog = qobject_cast<LidarFrameDialog*>(QApplication::activeModalWidget());
            if (!dialog) return;
            dialog->setCloud(q(root / "velodyne/000003.bin"));
            inferredLabel = dialog->field(LidarFrameDialog::Field::Label)->text();
            dialog->field(LidarFrameDialog::Field::DetA)->setText(q(fov / "pred_velo_000003.txt"));
            dialog->field(LidarFrameDialog::Field::DetB)->setText(detB);
            filled = true;
            QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("lidarFrameOpen")),
                              Qt::LeftButton);
        });
        window.actions()->openLidarFrame->trigger();
        QVERIFY(filled);
        QCOMPARE(inferredLabel, q(root / "label_2/000003.txt"));
        QVERIFY(opened.wait(20000));

        auto* lidar = window.lidarView();
        QCOMPARE(lidar->viewA()->drawnPointCount(), std::size_t{113110});
        QCOMPARE(lidar->viewA()->boxes(BoxSet::GroundTruth).size(), std::size_t{1});
        QCOMPARE(lidar->viewA()->boxes(BoxSet::DetectionsA).size(), std::size_t{5});
        QCOMPARE(lidar->viewB()->boxes(BoxSet::DetectionsB).size(), std::size_t{4});
        // The AP table shows A, B and the difference per class.
        QTableWidget* t = lidar->metricsTable();
        QCOMPARE(t->rowCount(), 3);
        QCOMPARE(t->item(0, 0)->text(), QStringLiteral("Car"));
        QCOMPARE(t->item(0, 1)->text(), QStringLiteral("100.00"));
        QCOMPARE(t->item(0, 2)->text(), QStringLiteral("0.00"));
        QCOMPARE(t->item(0, 3)->text(), QStringLiteral("-100.00"));
        lidar->grab().save(QStringLiteral(QS_BINARY_DIR "/tests/viewers/lidar_open_frame.png"));

        // The LiDAR tab follows a language change like the rest of the window.
        auto* gt = lidar->findChild<QCheckBox*>(QStringLiteral("lidarShowGroundTruth"));
        const QString english = gt->text();
        QVERIFY(applyLanguage(QStringLiteral("fr")));
        QTRY_COMPARE(gt->text(), QStringLiteral("Vérité terrain"));
        QVERIFY(applyLanguage(QStringLiteral("en")));
        QTRY_COMPARE(gt->text(), english);
    }

    void brokenCloudIsReported()
    {
        QTemporaryDir dir;
        const QString bad = dir.filePath(QStringLiteral("broken.pcd"));
        {
            QFile f(bad);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(
                "VERSION 0.7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nCOUNT 1 1 1\nWIDTH 1000\nHEIGHT 1\n"
                "POINTS 1000\nDATA binary\n");  // promises 1000 points, holds none
        }
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy failed(&window, &MainWindow::openFailed);
        window.openFile(bad);
        QVERIFY(failed.wait(20000));
        QVERIFY2(failed.first().at(0).toString().contains(QLatin1String("broken.pcd")),
                 qPrintable(failed.first().at(0).toString()));
        bool logged = false;
        for (int i = 0; i < window.logPane()->count(); ++i)
            logged |= window.logPane()->text(i).contains(QLatin1String("broken.pcd"));
        QVERIFY(logged);
    }
};

int main(int argc, char** argv)
{
    qs::viewers::setDefaultSurfaceFormat();
    QApplication app(argc, argv);
    TestLidarOpen t;
    return QTest::qExec(&t, argc, argv);
}
#include "test_lidar_open.moc"
