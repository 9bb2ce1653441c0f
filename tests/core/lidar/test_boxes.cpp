// 3D boxes: IoU by hand-computed cases, KITTI label/calib conversion, pred_velo, and the real
// KITTI frames (every labelled box contains LiDAR points once the calibration is applied).
#include "quantscope/error.h"
#include "quantscope/lidar/iou.h"
#include "quantscope/lidar/kitti.h"
#include "quantscope/lidar/point_cloud.h"
#include "test_data.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>
#include <numbers>
#include <random>

using namespace qs;

namespace {

constexpr float kPi = std::numbers::pi_v<float>;

Box3D box(float x, float y, float z, float dx, float dy, float dz, float heading, const char* cls = "Car")
{
    Box3D b;
    b.x = x, b.y = y, b.z = z, b.dx = dx, b.dy = dy, b.dz = dz, b.heading = heading;
    b.className = cls;
    return b;
}

std::string frameName(int i)
{
    char id[16];
    std::snprintf(id, sizeof id, "%06d", i);
    return id;
}

}  // namespace

class TestBoxes : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void identicalBoxesHaveIouOne()
    {
        const Box3D a = box(3, -2, 0.5f, 4, 1.8f, 1.5f, 0.3f);
        QCOMPARE(bevIou(a, a), 1.0);
        QVERIFY(std::abs(iou3d(a, a) - 1.0) < 1e-12);
        Box3D flipped = a;  // heading + pi: the same footprint
        flipped.heading = wrapAngle(a.heading + kPi);
        QVERIFY(std::abs(iou3d(a, flipped) - 1.0) < 1e-6);
    }

    void disjointBoxesHaveIouZero()
    {
        QCOMPARE(bevIou(box(0, 0, 0, 2, 2, 2, 0), box(5, 0, 0, 2, 2, 2, 0.7f)), 0.0);
        // Same footprint, no z overlap: BEV 1, 3D 0.
        QCOMPARE(bevIou(box(0, 0, 0, 2, 2, 1, 0), box(0, 0, 3, 2, 2, 1, 0)), 1.0);
        QCOMPARE(iou3d(box(0, 0, 0, 2, 2, 1, 0), box(0, 0, 3, 2, 2, 1, 0)), 0.0);
        // Touching edges: zero area.
        QCOMPARE(bevIou(box(0, 0, 0, 2, 2, 2, 0), box(2, 0, 0, 2, 2, 2, 0)), 0.0);
    }

    void rotatedSquareAndRectangle()
    {
        // A square rotated by 90 degrees is itself.
        QVERIFY(std::abs(bevIou(box(1, 1, 0, 2, 2, 2, 0), box(1, 1, 0, 2, 2, 2, kPi / 2)) - 1.0) < 1e-6);
        // A 4x2 rectangle and the same rotated 90 degrees: 2x2 overlap, union 8 + 8 - 4.
        QVERIFY(std::abs(bevIou(box(0, 0, 0, 4, 2, 1, 0), box(0, 0, 0, 4, 2, 1, kPi / 2)) - 4.0 / 12.0) < 1e-6);
        // Square side 2 and the same rotated 45 degrees: a regular octagon of area 8(sqrt2 - 1).
        const double oct = 8.0 * (std::sqrt(2.0) - 1.0);
        QVERIFY(std::abs(bevIntersectionArea(box(0, 0, 0, 2, 2, 1, 0), box(0, 0, 0, 2, 2, 1, kPi / 4)) - oct) < 1e-5);
        QVERIFY(std::abs(bevIou(box(0, 0, 0, 2, 2, 1, 0), box(0, 0, 0, 2, 2, 1, kPi / 4)) - oct / (8.0 - oct)) < 1e-5);
    }

    void handComputedPartialOverlaps()
    {
        // Shifted by 1 m in x: overlap 1x2 = 2, union 4 + 4 - 2 = 6.
        QVERIFY(std::abs(bevIou(box(0, 0, 0, 2, 2, 2, 0), box(1, 0, 0, 2, 2, 2, 0)) - 2.0 / 6.0) < 1e-9);
        // Shifted diagonally by (1, 1): overlap 1, union 7.
        QVERIFY(std::abs(bevIou(box(0, 0, 0, 2, 2, 2, 0), box(1, 1, 0, 2, 2, 2, 0)) - 1.0 / 7.0) < 1e-9);
        // Same footprint, half the height overlapping: inter 4, union 8 + 8 - 4.
        QVERIFY(std::abs(iou3d(box(0, 0, 0, 2, 2, 2, 0), box(0, 0, 1, 2, 2, 2, 0)) - 4.0 / 12.0) < 1e-9);
        // Both: shifted 1 m in x (BEV inter 2) and 1 m in z (z overlap 1): 2 / (16 - 2).
        QVERIFY(std::abs(iou3d(box(0, 0, 0, 2, 2, 2, 0), box(1, 0, 1, 2, 2, 2, 0)) - 2.0 / 14.0) < 1e-9);
        // Small box inside a big one: IoU = small / big.
        QVERIFY(std::abs(iou3d(box(0, 0, 0, 4, 4, 4, 0.4f), box(0.2f, 0.1f, 0, 1, 1, 1, 1.1f)) - 1.0 / 64.0) < 1e-6);
    }

    void iouIsSymmetric()
    {
        std::mt19937 rng(7);
        std::uniform_real_distribution<float> pos(-2, 2), size(0.5f, 4), ang(-kPi, kPi);
        for (int i = 0; i < 500; ++i) {
            const Box3D a = box(pos(rng), pos(rng), pos(rng), size(rng), size(rng), size(rng), ang(rng));
            const Box3D b = box(pos(rng), pos(rng), pos(rng), size(rng), size(rng), size(rng), ang(rng));
            QVERIFY(std::abs(bevIou(a, b) - bevIou(b, a)) < 1e-9);
            QVERIFY(std::abs(iou3d(a, b) - iou3d(b, a)) < 1e-9);
            QVERIFY(bevIou(a, b) >= 0 && bevIou(a, b) <= 1);
        }
    }

    void pointInRotatedBox()
    {
        const Box3D b = box(10, 5, 0, 4, 2, 2, kPi / 2);  // length along +y
        QVERIFY(pointInBox(b, 10, 6.9f, 0));
        QVERIFY(!pointInBox(b, 11.5f, 5, 0));  // 1.5 m sideways > width/2
        QVERIFY(pointInBox(b, 10.9f, 5, 0.9f));
        QVERIFY(!pointInBox(b, 10, 5, 1.1f));
        const auto c = b.corners();
        QVERIFY(std::abs(c[0][1] - 7.0f) < 1e-5f);  // front face at y = 5 + 2
        QVERIFY(std::abs(c[4][2] - 1.0f) < 1e-6f);  // top
    }

    void cameraLidarRoundTrip()
    {
        QS_REQUIRE_DATA(calibPath, "lidar/kitti/training/calib/000000.txt");
        const KittiCalib calib = readKittiCalib(calibPath);
        const Box3D b = kittiCameraToLidar(calib, 1.84f, 1.47f, 8.41f, 1.89f, 0.48f, 1.20f, 0.01f);
        // Camera z forward -> LiDAR x forward; camera x right -> LiDAR -y; y down -> -z.
        QVERIFY(std::abs(b.x - 8.7f) < 0.1f && std::abs(b.y + 1.86f) < 0.1f);
        QVERIFY(std::abs(b.z - (-1.47f + 0.95f)) < 0.25f);
        QCOMPARE(b.dx, 1.20f);
        QCOMPARE(b.dy, 0.48f);
        QCOMPARE(b.dz, 1.89f);
        QVERIFY(std::abs(b.heading - wrapAngle(-(0.01f + kPi / 2))) < 1e-6f);
        const auto back = lidarToKittiCamera(calib, b);
        const float expect[7] = {1.84f, 1.47f, 8.41f, 1.89f, 0.48f, 1.20f, 0.01f};
        for (int k = 0; k < 7; ++k) QVERIFY(std::abs(back[static_cast<std::size_t>(k)] - expect[k]) < 1e-4f);
    }

    void everyLabelledBoxContainsPoints()
    {
        QS_REQUIRE_DATA(root, "lidar/kitti/training");
        int boxes = 0;
        for (int f = 0; f <= 5; ++f) {
            const std::string id = frameName(f);
            const KittiCalib calib = readKittiCalib(root / "calib" / (id + ".txt"));
            const PointCloud cloud = readPointCloud(root / "velodyne" / (id + ".bin"));
            for (const Box3D& b : readKittiLabels(root / "label_2" / (id + ".txt"), calib)) {
                if (b.isDontCare()) continue;
                const std::size_t n = countPointsInBox(cloud, b);
                QVERIFY2(n > 0, qPrintable(QStringLiteral("frame %1 %2 has no points").arg(f).arg(b.className.c_str())));
                ++boxes;
            }
        }
        QCOMPARE(boxes, 10);  // 1 + 3 + 2 + 1 + 2 + 1 = 10 labelled objects (DontCare excluded)
    }

    void predVeloIsCentreZAndSameHeading()
    {
        // The pred_velo z is the box centre (not the bottom) and yaw follows OpenPCDet: the
        // high-scoring detection of each labelled car/pedestrian overlaps it in 3D.
        QS_REQUIRE_DATA(root, "lidar/kitti/training");
        QS_REQUIRE_DATA(fov, "lidar/kitti_fov");
        int matched = 0;
        double sumCentre = 0, sumBottom = 0;
        for (int f = 0; f <= 5; ++f) {
            const std::string id = frameName(f);
            const KittiCalib calib = readKittiCalib(root / "calib" / (id + ".txt"));
            const auto gt = readKittiLabels(root / "label_2" / (id + ".txt"), calib);
            const auto det = readPredVelo(fov / ("pred_velo_" + id + ".txt"));
            for (const auto& g : gt) {
                for (const auto& d : det) {
                    if (d.className != g.className || bevIou(d, g) < 0.5) continue;
                    Box3D bottom = d;
                    bottom.z += 0.5f * d.dz;  // what the centre would be if z were the bottom
                    sumCentre += iou3d(d, g);
                    sumBottom += iou3d(bottom, g);
                    const float dh = std::abs(wrapAngle(d.heading - g.heading));
                    QVERIFY(std::min(dh, kPi - dh) < 0.3f);  // same yaw (up to front/back)
                    ++matched;
                }
            }
        }
        QCOMPARE(matched, 8);
        QVERIFY(sumCentre / matched > 0.6);
        QVERIFY(sumBottom / matched < 0.4);
    }

    void predVeloFields()
    {
        QS_REQUIRE_DATA(path, "lidar/kitti_fov/pred_velo_000000.txt");
        const auto det = readPredVelo(path);
        QCOMPARE(det.size(), std::size_t{11});
        QCOMPARE(det[0].className, std::string("Pedestrian"));
        QCOMPARE(det[1].className, std::string("Cyclist"));
        QCOMPARE(det[0].x, 8.70356f);
        QCOMPARE(det[0].dx, 1.21956f);
        QCOMPARE(det[0].score, 0.896795f);
        const auto viaSniffer = readDetections(path, nullptr);
        QCOMPARE(viaSniffer.size(), det.size());
    }

    void kittiResultFilesAndErrors()
    {
        QS_REQUIRE_DATA(calibPath, "lidar/kitti/training/calib/000003.txt");
        const KittiCalib calib = readKittiCalib(calibPath);
        QTemporaryDir dir;
        const std::filesystem::path result = dir.filePath("000003.txt").toStdString();
        std::ofstream(result) << "Car 0.00 0 1.55 614.24 181.78 727.31 284.77 1.57 1.73 4.15 1.00 1.75 13.22 1.62 0.93\n";
        const auto det = readDetections(result, &calib);
        QCOMPARE(det.size(), std::size_t{1});
        QCOMPARE(det[0].score, 0.93f);
        QVERIFY(std::abs(det[0].x - 13.5f) < 0.1f);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, readDetections(result, nullptr));

        const std::filesystem::path bad = dir.filePath("bad.txt").toStdString();
        std::ofstream(bad) << "Car 0 0 0 0 0 0 0 1 1 1 0 0 5 0\nCar 0 0 0 0 0 0 0 1 1 1 0 0 5\n";
        try {
            (void)readKittiLabels(bad, calib);
            QFAIL("no error");
        } catch (const FormatError& e) {
            QCOMPARE(e.field(), std::string("line 2"));
            QCOMPARE(e.offset(), std::uint64_t{32});
        }
        std::ofstream(bad) << "Car 0 9e300 0 0 0 0 0 1 1 1 0 0 5 0\n";  // would be UB as an int
        QVERIFY_THROWS_EXCEPTION(FormatError, readKittiLabels(bad, calib));
        std::ofstream(bad) << "Car 0 0 0 0 0 0 0 -1 1 1 0 0 5 0\n";
        QVERIFY_THROWS_EXCEPTION(FormatError, readKittiLabels(bad, calib));
        std::ofstream(bad) << "1 2 3 4 5 6 0.1 0 x\n";
        QVERIFY_THROWS_EXCEPTION(FormatError, readPredVelo(bad));
        std::ofstream(bad) << "P2: 1 2 3\n";
        QVERIFY_THROWS_EXCEPTION(FormatError, readKittiCalib(bad));
    }
};

QTEST_APPLESS_MAIN(TestBoxes)
#include "test_boxes.moc"
