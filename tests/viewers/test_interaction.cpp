// Linked cameras and box picking, driven with real mouse events on real widgets.
#include "quantscope/viewers/lidar_compare_widget.h"
#include "quantscope/viewers/surface_format.h"
#include "test_data.h"

#include <QApplication>
#include <QLabel>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

using namespace qs;
using namespace qs::viewers;

namespace {

/// A flat 41 x 41 grid of points over [-20, 20]^2: the presets centre on (0, 0).
PointCloud gridCloud()
{
    PointCloud c;
    for (int i = -20; i <= 20; ++i)
        for (int j = -20; j <= 20; ++j) {
            c.x.push_back(static_cast<float>(i));
            c.y.push_back(static_cast<float>(j));
            c.z.push_back(-1.5f);
            c.intensity.push_back(0.5f);
        }
    c.hasIntensity = true;
    return c;
}

Box3D car(float x, float y, float dz = 1.5f, float score = 1.0f)
{
    Box3D b;
    b.x = x, b.y = y, b.z = -0.75f, b.dx = 4, b.dy = 2, b.dz = dz, b.heading = 0.3f;
    b.className = "Car";
    b.score = score;
    return b;
}

void drag(QWidget* w, QPoint from, QPoint to)
{
    QMouseEvent press(QEvent::MouseButtonPress, from, w->mapToGlobal(from), Qt::LeftButton, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(w, &press);
    for (int k = 1; k <= 5; ++k) {
        const QPoint p = from + (to - from) * k / 5;
        QMouseEvent move(QEvent::MouseMove, p, w->mapToGlobal(p), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(w, &move);
    }
    QMouseEvent release(QEvent::MouseButtonRelease, to, w->mapToGlobal(to), Qt::LeftButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(w, &release);
}

}  // namespace

class TestInteraction : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void linkedCamerasFollowEachOther()
    {
        LidarCompareWidget w;
        w.resize(900, 500);
        w.setPointCloud(gridCloud());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const CameraState before = w.viewB()->cameraState();
        QCOMPARE(w.viewA()->cameraState(), before);
        // Orbit in A: B follows.
        drag(w.viewA(), {100, 100}, {160, 120});
        QVERIFY(!(w.viewA()->cameraState() == before));
        QCOMPARE(w.viewB()->cameraState(), w.viewA()->cameraState());
        // Zoom in B: A follows.
        const CameraState orbited = w.viewA()->cameraState();
        QWheelEvent wheel(QPointF(50, 50), w.viewB()->mapToGlobal(QPointF(50, 50)), QPoint(), QPoint(0, 240),
                          Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(w.viewB(), &wheel);
        QVERIFY(!(w.viewB()->cameraState() == orbited));
        QCOMPARE(w.viewA()->cameraState(), w.viewB()->cameraState());
        // The bird's-eye preset reaches both views.
        w.viewA()->showBirdsEyeView();
        QVERIFY(w.viewB()->cameraState().parallel);
        QCOMPARE(w.viewB()->cameraState(), w.viewA()->cameraState());
    }

    void pickingABoxReportsItsMatch()
    {
        LidarCompareWidget w;
        w.resize(900, 500);
        w.setPointCloud(gridCloud());
        w.setGroundTruth({car(0, 0), car(12, 8)});
        // Taller than the GT so its top is nearer to a camera looking down: it is hit first.
        // Shifted 0.2 m: 3D IoU with the GT stays above 0.7.
        Box3D det = car(0.2f, 0, 1.6f, 0.87f);
        w.setDetectionsA({det});
        w.setDetectionsB({});
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.viewA()->showBirdsEyeView();
        QSignalSpy spy(&w, &LidarCompareWidget::boxPicked);
        const QPoint centre(w.viewA()->width() / 2, w.viewA()->height() / 2);
        QTest::mouseClick(w.viewA(), Qt::LeftButton, Qt::NoModifier, centre);
        QCOMPARE(spy.count(), 1);
        const auto picked = spy.at(0).at(0).value<PickedBox>();
        QCOMPARE(picked.set, BoxSet::DetectionsA);
        QCOMPARE(picked.index, 0);
        QCOMPARE(picked.box.score, 0.87f);
        QVERIFY(picked.match.truePositive);
        QCOMPARE(picked.match.gtIndex, 0);
        QVERIFY(picked.match.iou3d > 0.7 && picked.match.iou3d < 1.0);
        QVERIFY(w.pickedText().contains(QStringLiteral("True positive")));

        // In B (no detections) the same click picks the ground truth, reported as missed.
        const QPoint centreB(w.viewB()->width() / 2, w.viewB()->height() / 2);
        QTest::mouseClick(w.viewB(), Qt::LeftButton, Qt::NoModifier, centreB);
        QCOMPARE(spy.count(), 2);
        const auto gt = spy.at(1).at(0).value<PickedBox>();
        QCOMPARE(gt.set, BoxSet::GroundTruth);
        QCOMPARE(gt.index, 0);
        QVERIFY(w.pickedText().contains(QStringLiteral("Missed")));

        // A corner of the view holds no box: no signal.
        QTest::mouseClick(w.viewA(), Qt::LeftButton, Qt::NoModifier, QPoint(5, 5));
        QCOMPARE(spy.count(), 2);
        // Hidden sets cannot be picked: with A hidden the GT under it is picked instead.
        w.viewA()->setBoxSetVisible(BoxSet::DetectionsA, false);
        QTest::mouseClick(w.viewA(), Qt::LeftButton, Qt::NoModifier, centre);
        QCOMPARE(spy.count(), 3);
        const auto underneath = spy.at(2).at(0).value<PickedBox>();
        QCOMPARE(underneath.set, BoxSet::GroundTruth);
        QCOMPARE(underneath.matchedBy, 0);  // matched by detection A #0
    }

    void loadFrameFillsTheApTable()
    {
        QS_REQUIRE_DATA(root, "lidar/kitti/training");
        QS_REQUIRE_DATA(fov, "lidar/kitti_fov");
        LidarCompareWidget w;
        w.resize(900, 600);
        w.loadFrame(root / "velodyne/000003.bin", root / "label_2/000003.txt", root / "calib/000003.txt",
                    fov / "pred_velo_000003.txt", {});
        QCOMPARE(w.viewA()->boxes(BoxSet::GroundTruth).size(), std::size_t{1});  // DontCare dropped
        QCOMPARE(w.viewA()->boxes(BoxSet::DetectionsA).size(), std::size_t{5});
        QTableWidget* t = w.metricsTable();
        QCOMPARE(t->rowCount(), 3);
        QCOMPARE(t->item(0, 0)->text(), QStringLiteral("Car"));
        QCOMPARE(t->item(0, 1)->text(), QStringLiteral("100.00"));  // A: the car is found
        QCOMPARE(t->item(0, 2)->text(), QStringLiteral("—"));       // B: no detection file, nothing scored
        QCOMPARE(t->item(0, 3)->text(), QStringLiteral("—"));
        QCOMPARE(t->item(2, 1)->text(), QStringLiteral("n/a"));     // no cyclist labelled
        // A screenshot of the whole widget for people reviewing the build (not compared).
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.grab().save(QStringLiteral(QS_BINARY_DIR "/tests/viewers/lidar_compare_widget.png"));
    }
};

int main(int argc, char** argv)
{
    qs::viewers::setDefaultSurfaceFormat();
    QApplication app(argc, argv);
    TestInteraction t;
    return QTest::qExec(&t, argc, argv);
}
#include "test_interaction.moc"
