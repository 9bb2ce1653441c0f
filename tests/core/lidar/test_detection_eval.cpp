// KITTI AP|R40 on synthetic cases with known answers, and the reference PointPillars
// detections against the real labels of KITTI frames 0-5.
#include "quantscope/lidar/detection_eval.h"
#include "test_data.h"

#include <QTest>

using namespace qs;

namespace {

/// A ground-truth car that counts in every difficulty (tall image box, visible, untruncated).
Box3D gtBox(float x, float y, const char* cls = "Car", float bboxHeight = 100.f)
{
    Box3D b;
    b.x = x, b.y = y, b.z = -0.8f, b.dx = 4, b.dy = 1.8f, b.dz = 1.5f;
    b.className = cls;
    b.hasKittiInfo = true;
    b.kitti.bbox = {100, 100, 200, 100 + bboxHeight};
    return b;
}

Box3D det(const Box3D& near, float score, float shift = 0.0f)
{
    Box3D d = near;
    d.hasKittiInfo = false;
    d.x += shift;
    d.score = score;
    return d;
}

const ClassEvaluation& cls(const EvalResult& r, const std::string& name)
{
    for (const auto& c : r.classes)
        if (c.name == name) return c;
    throw std::logic_error("no class " + name);
}

}  // namespace

class TestDetectionEval : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void perfectDetectionsScoreOne()
    {
        EvalFrame f{"a", {gtBox(10, 0), gtBox(20, 5), gtBox(30, -5, "Pedestrian")}, {}};
        f.groundTruth[2].dx = 0.8f, f.groundTruth[2].dy = 0.6f, f.groundTruth[2].dz = 1.7f;
        for (const auto& g : f.groundTruth) f.detections.push_back(det(g, 0.9f));
        const auto r = evaluateDetections({f, f});
        for (int d = 0; d < 3; ++d) {
            QCOMPARE(cls(r, "Car").d3[static_cast<std::size_t>(d)].ap, 1.0);
            QCOMPARE(cls(r, "Car").bev[static_cast<std::size_t>(d)].ap, 1.0);
            QCOMPARE(cls(r, "Pedestrian").d3[static_cast<std::size_t>(d)].ap, 1.0);
        }
        QCOMPARE(cls(r, "Car").tp, 4);
        QCOMPARE(cls(r, "Car").fp, 0);
        QCOMPARE(cls(r, "Car").fn, 0);
        QCOMPARE(cls(r, "Cyclist").numGt[1], 0);
        QCOMPARE(cls(r, "Cyclist").d3[1].ap, 0.0);
    }

    void noDetectionsScoreZero()
    {
        const auto r = evaluateDetections({EvalFrame{"a", {gtBox(10, 0), gtBox(20, 5)}, {}}});
        QCOMPARE(cls(r, "Car").d3[1].ap, 0.0);
        QCOMPARE(cls(r, "Car").fn, 2);
        QCOMPARE(cls(r, "Car").tp, 0);
    }

    void knownPrecisionRecallCurve()
    {
        // 4 cars; detections by score: TP, FP, TP, TP; one car missed.
        // PR points (0.25, 1), (0.5, 2/3), (0.75, 3/4): interpolated precision is 1 for
        // r <= 0.25 (10 of the 40 positions), 3/4 for 0.25 < r <= 0.75 (20), 0 above.
        EvalFrame f{"a", {gtBox(10, 0), gtBox(20, 0), gtBox(30, 0), gtBox(40, 0)}, {}};
        f.detections = {det(f.groundTruth[0], 0.9f), det(gtBox(10, 20), 0.8f), det(f.groundTruth[1], 0.7f),
                        det(f.groundTruth[2], 0.6f)};
        const auto r = evaluateDetections({f});
        const auto& car = cls(r, "Car");
        QVERIFY(std::abs(car.d3[0].ap - (10 * 1.0 + 20 * 0.75) / 40.0) < 1e-12);
        QCOMPARE(car.d3[0].precision[10], 1.0);   // recall 0.25
        QCOMPARE(car.d3[0].precision[11], 0.75);  // recall 0.275
        QCOMPARE(car.d3[0].precision[31], 0.0);
        QCOMPARE(car.tp, 3);
        QCOMPARE(car.fp, 1);
        QCOMPARE(car.fn, 1);
    }

    void iouThresholdIsStrictPerClass()
    {
        // Shifted 0.8 m along a 4 m car: 3D IoU = 3.2/4.8 = 0.667 < 0.7 -> miss for Car, but the
        // same overlap is a hit for a class with threshold 0.5.
        EvalFrame f{"a", {gtBox(10, 0)}, {}};
        f.detections = {det(f.groundTruth[0], 0.9f, 0.8f)};
        auto r = evaluateDetections({f});
        QCOMPARE(cls(r, "Car").d3[1].ap, 0.0);
        QCOMPARE(cls(r, "Car").fp, 1);
        QVERIFY(std::abs(r.matches[0][0].iou3d - 3.2 / 4.8) < 1e-6);
        QCOMPARE(r.matches[0][0].gtIndex, -1);
        f.groundTruth[0].className = f.detections[0].className = "Cyclist";
        r = evaluateDetections({f});
        QCOMPARE(cls(r, "Cyclist").d3[1].ap, 1.0);
    }

    void difficultyRulesAndIgnoredClasses()
    {
        // 30 px tall: Moderate and Hard, not Easy. A Van matched by a Car detection is ignored
        // (neither TP nor FP). DontCare never matches.
        EvalFrame f{"a", {gtBox(10, 0, "Car", 30.f), gtBox(20, 0, "Van"), gtBox(0, 0, "DontCare")}, {}};
        f.detections = {det(f.groundTruth[0], 0.9f), det(f.groundTruth[1], 0.8f)};
        f.detections[1].className = "Car";
        const auto r = evaluateDetections({f});
        const auto& car = cls(r, "Car");
        QCOMPARE(car.numGt[0], 0);
        QCOMPARE(car.numGt[1], 1);
        QCOMPARE(car.d3[1].ap, 1.0);
        QCOMPARE(car.fp, 0);  // the Van detection is ignored
        f.groundTruth[0].kitti.occlusion = 2;  // largely occluded: Hard only
        const auto r2 = evaluateDetections({f});
        QCOMPARE(cls(r2, "Car").numGt[1], 0);
        QCOMPARE(cls(r2, "Car").numGt[2], 1);
    }

    void greedyMatchingKeepsHigherScore()
    {
        const std::vector<Box3D> gt{gtBox(10, 0)};
        const std::vector<Box3D> dets{det(gt[0], 0.5f, 0.1f), det(gt[0], 0.9f, 0.3f)};
        std::vector<int> gtMatched;
        const auto m = matchBoxes(gt, dets, EvalSettings{}, &gtMatched);
        QCOMPARE(m[1].gtIndex, 0);  // higher score wins even with the lower IoU
        QVERIFY(m[1].truePositive);
        QCOMPARE(m[0].gtIndex, -1);
        QVERIFY(m[0].iou3d > m[1].iou3d);  // still reports its overlap with the nearest car
        QCOMPARE(gtMatched[0], 1);
    }

    void frameIds()
    {
        QCOMPARE(frameIdOf("/x/pred_velo_000003.txt"), std::string("000003"));
        QCOMPARE(frameIdOf("000003.txt"), std::string("000003"));
        QCOMPARE(frameIdOf("scan.pcd.bin"), std::string("scan"));
    }

    void pointPillarsOnKittiFrames0to5()
    {
        QS_REQUIRE_DATA(root, "lidar/kitti/training");
        QS_REQUIRE_DATA(fov, "lidar/kitti_fov");
        std::vector<std::string> warnings;
        const auto frames = loadEvalFrames(root / "label_2", root / "calib", fov, &warnings);
        QCOMPARE(frames.size(), std::size_t{6});
        QCOMPARE(warnings.size(), std::size_t{4});  // pred_velo 6-9 have no labels here
        const auto r = evaluateDetections(frames);
        const auto& car = cls(r, "Car");
        const auto& ped = cls(r, "Pedestrian");
        // The documented table (docs/lidar-eval.md): the top-scoring box of each moderate car
        // and pedestrian overlaps it above the KITTI threshold.
        QCOMPARE(car.numGt[1], 3);
        QCOMPARE(car.tp, 3);
        QCOMPARE(car.fn, 0);
        QVERIFY(car.d3[1].ap > 0.9);
        QVERIFY(car.bev[1].ap >= car.d3[1].ap);
        QCOMPARE(ped.numGt[1], 2);
        QVERIFY(ped.d3[1].ap > 0.9);
        QCOMPARE(cls(r, "Cyclist").numGt[1], 0);
        // Per-box matching: frame 3's 0.92 car matches its label at 3D IoU ~0.88.
        QCOMPARE(r.matches[3][0].gtIndex, 0);
        QVERIFY(r.matches[3][0].iou3d > 0.85 && r.matches[3][0].iou3d < 0.9);
        // Same answer in any frame order (accumulation is order independent).
        auto reversed = frames;
        std::reverse(reversed.begin(), reversed.end());
        QCOMPARE(cls(evaluateDetections(reversed), "Car").d3[1].ap, car.d3[1].ap);
    }
};

QTEST_APPLESS_MAIN(TestDetectionEval)
#include "test_detection_eval.moc"
