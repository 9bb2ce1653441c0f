// Renders real KITTI frames with boxes at a fixed size and compares with baseline PNGs.
#include "image_compare.h"
#include "quantscope/lidar/kitti.h"
#include "quantscope/viewers/point_cloud_view.h"
#include "quantscope/viewers/surface_format.h"
#include "test_data.h"

#include <QApplication>
#include <QTest>

using namespace qs;
using namespace qs::viewers;

class TestRender : public QObject {
    Q_OBJECT

private:
    /// A 400x300 view of KITTI frame `id` with its labels (GT) and PointPillars boxes (A).
    static void loadFrame(PointCloudView& view, const std::string& id)
    {
        const auto root = test::dataDir() / "lidar";
        const KittiCalib calib = readKittiCalib(root / "kitti/training/calib" / (id + ".txt"));
        std::vector<Box3D> gt;
        for (const auto& b : readKittiLabels(root / "kitti/training/label_2" / (id + ".txt"), calib))
            if (!b.isDontCare()) gt.push_back(b);
        view.setPointCloud(readPointCloud(root / "kitti/training/velodyne" / (id + ".bin")));
        view.setBoxes(BoxSet::GroundTruth, gt);
        view.setBoxes(BoxSet::DetectionsA, readPredVelo(root / ("kitti_fov/pred_velo_" + id + ".txt")));
    }

    static QImage render(PointCloudView& view)
    {
        view.resize(400, 300);
        view.show();
        if (!QTest::qWaitForWindowExposed(&view)) return {};
        return view.grabFramebuffer();
    }

private Q_SLOTS:
    void birdsEyeFrameWithBoxes()
    {
        QS_REQUIRE_DATA(dir, "lidar/kitti/training/velodyne/000004.bin");
        PointCloudView view;
        loadFrame(view, "000004");
        view.resize(400, 300);
        view.showBirdsEyeView();
        // Zoom onto the two labelled cars (x 38-52 m, y 16 m) so the boxes are legible.
        CameraState cam = view.cameraState();
        cam.focalPoint = {45, 12, -1};
        cam.position = {45, 12, 100};
        cam.parallelScale = 14;
        view.setCameraState(cam);
        const QImage img = render(view);
        QCOMPARE(img.size(), QSize(400, 300));
        // Sanity independent of the baseline: black background, points drawn, green boxes.
        int green = 0, bright = 0, black = 0;
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x) {
                const QRgb p = img.pixel(x, y);
                green += qGreen(p) > 200 && qRed(p) < 100 && qBlue(p) < 100;
                bright += qRed(p) > 90 && qGreen(p) > 90 && qBlue(p) > 90;
                black += qRed(p) < 10 && qGreen(p) < 10 && qBlue(p) < 10;
            }
        QVERIFY2(black > img.width() * img.height() / 2, "background is not black");
        QVERIFY2(bright > 500, "too few points drawn");
        QVERIFY2(green > 100, "no detection boxes drawn");
        int blue = 0;
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x)
                blue += qBlue(img.pixel(x, y)) > 200 && qRed(img.pixel(x, y)) < 120 && qGreen(img.pixel(x, y)) < 160;
        QVERIFY2(blue > 50, "no ground-truth boxes drawn");
        const QString why = test::checkAgainstBaseline(img, QStringLiteral("kitti_000004_bev"));
        QVERIFY2(why.isEmpty(), qPrintable(why));
    }

    void perspectiveFrameWithBoxes()
    {
        QS_REQUIRE_DATA(dir, "lidar/kitti/training/velodyne/000003.bin");
        PointCloudView view;
        loadFrame(view, "000003");
        view.setColorMode(ColorMode::Height);
        view.setPointSize(2);
        const QImage img = render(view);
        const QString why = test::checkAgainstBaseline(img, QStringLiteral("kitti_000003_perspective_height"));
        QVERIFY2(why.isEmpty(), qPrintable(why));
    }

    void hiddenSetsAreNotDrawn()
    {
        QS_REQUIRE_DATA(dir, "lidar/kitti/training/velodyne/000004.bin");
        PointCloudView view;
        loadFrame(view, "000004");
        view.resize(400, 300);
        view.showBirdsEyeView();
        view.setBoxSetVisible(BoxSet::DetectionsA, false);
        const QImage img = render(view);
        int green = 0;
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x) {
                const QRgb p = img.pixel(x, y);
                green += qGreen(p) > 200 && qRed(p) < 100 && qBlue(p) < 100;
            }
        QCOMPARE(green, 0);
    }
};

int main(int argc, char** argv)
{
    qs::viewers::setDefaultSurfaceFormat();
    QApplication app(argc, argv);
    TestRender t;
    return QTest::qExec(&t, argc, argv);
}
#include "test_render.moc"
