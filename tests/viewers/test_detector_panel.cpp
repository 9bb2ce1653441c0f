// The LiDAR comparison's Detector panel on a real KITTI frame: "Run detector" runs off the UI
// thread, view A gets the FP32 detections, view B the quantized ones, and the panel's AP table
// shows what core's compareDetectors computes for the same runtimes.
#include "quantscope/lidar/kitti.h"
#include "quantscope/lidar/scene_sim.h"
#include "quantscope/models/pillar_compare.h"
#include "quantscope/models/pillar_training.h"
#include "quantscope/viewers/detector_panel.h"
#include "quantscope/viewers/lidar_compare_widget.h"
#include "quantscope/viewers/surface_format.h"
#include "test_data.h"

#include <QApplication>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>
#include <QTranslator>

using namespace qs;
using namespace qs::viewers;

namespace {

std::filesystem::path committedModel() { return qs::test::sourceDir() / "resources/models/lidar_pillar_detector.safetensors"; }

/// What the panel builds for "W4A8 RTN", built here independently from the committed file:
/// 4-bit per-channel RTN weights, 8-bit activations calibrated on 4 simulated scenes of seed 999
/// (what `quantscope-cli lidar-detect --method rtn --bits 4 --act-bits 8` runs).
DetectorRuntime w4a8Rtn()
{
    std::vector<PointCloud> calib;
    for (int i = 0; i < 4; ++i)
        calib.push_back(simulateScene(sceneSeed(999, i), PillarTrainSettings::frontSimSettings()).cloud);
    std::vector<const PointCloud*> ptrs;
    for (const auto& c : calib) ptrs.push_back(&c);
    QuantSettings s;
    s.method = QuantMethod::Rtn;
    s.bits = 4;
    s.granularity = Granularity::PerChannel;
    RuntimeQuantization q;
    q.weights = s;
    q.activationBits = 8;
    return makeRuntime(committedModel(), q, ptrs);
}

QString pct(double v) { return QString::number(100.0 * v, 'f', 2); }

}  // namespace

class TestDetectorPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void runDetectorFillsBothViewsAndTheApTable()
    {
        QS_REQUIRE_DATA(root, "lidar/kitti/training");
        QS_REQUIRE_DATA(fov, "lidar/kitti_fov");
        // The camera field-of-view crop: the detector's range is the front half anyway.
        const auto cloudPath = fov / "000003.bin";
        const auto labelPath = root / "label_2/000003.txt", calibPath = root / "calib/000003.txt";
        LidarCompareWidget w;
        w.resize(1400, 700);
        w.loadFrame(cloudPath, labelPath, calibPath, {}, {});
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        DetectorPanel* panel = w.detectorPanel();
        QVERIFY(panel);
        panel->setQuantization(QStringLiteral("rtn"), 4, 8);
        QCOMPARE(panel->quantizedLabel(), QStringLiteral("W4A8 RTN"));

        QSignalSpy done(panel, &DetectorPanel::runFinished);
        QTest::mouseClick(panel->runButton(), Qt::LeftButton);
        // The click returned before any result: the detector runs off the UI thread.
        QVERIFY(panel->isRunning());
        QVERIFY(!panel->runButton()->isEnabled());
        QVERIFY(w.viewA()->boxes(BoxSet::DetectionsA).empty());
        QVERIFY(done.wait(120000));
        QCOMPARE(done.at(0).at(0).toBool(), true);

        // The same comparison computed directly with core.
        const PointCloud cloud = readPointCloud(cloudPath);
        const auto gt = readKittiLabels(labelPath, readKittiCalib(calibPath));
        const DetectorRuntime fp32 = makeRuntime(committedModel(), {}, {});
        const DetectorComparison expect = compareDetectors(fp32, w4a8Rtn(), cloud, gt);
        QVERIFY(!expect.reference.empty());  // the real frame gives the detector something to find
        qInfo("FP32 %zu boxes, W4A8 %zu, Car AP 3D delta %.4f", expect.reference.size(), expect.quantized.size(),
              expect.apDelta3d("Car"));

        QCOMPARE(w.viewA()->boxes(BoxSet::DetectionsA).size(), expect.reference.size());
        QCOMPARE(w.viewB()->boxes(BoxSet::DetectionsB).size(), expect.quantized.size());
        for (std::size_t i = 0; i < expect.reference.size(); ++i)
            QCOMPARE(w.viewA()->boxes(BoxSet::DetectionsA)[i].score, expect.reference[i].score);
        for (std::size_t i = 0; i < expect.quantized.size(); ++i)
            QCOMPARE(w.viewB()->boxes(BoxSet::DetectionsB)[i].score, expect.quantized[i].score);
        // Ground truth stays in both views (DontCare dropped, as loadFrame shows it).
        QCOMPARE(w.viewA()->boxes(BoxSet::GroundTruth).size(), std::size_t{1});
        QCOMPARE(w.viewB()->boxes(BoxSet::GroundTruth).size(), std::size_t{1});
        QVERIFY(panel->statusText().contains(QString::number(expect.reference.size())));

        // The panel's table: per class a BEV and a 3D row, FP32 / quantized / delta.
        QTableWidget* t = panel->apTable();
        QCOMPARE(t->rowCount(), 2 * static_cast<int>(expect.referenceEval.classes.size()));
        int row = 0;
        for (std::size_t k = 0; k < expect.referenceEval.classes.size(); ++k) {
            const auto& a = expect.referenceEval.classes[k];
            const auto& b = expect.quantizedEval.classes[k];
            QCOMPARE(b.name, a.name);
            for (const bool bev : {true, false}) {
                QCOMPARE(t->item(row, 0)->text(), QString::fromStdString(a.name) + (bev ? QStringLiteral(" BEV") : QStringLiteral(" 3D")));
                if (a.numGt[1] == 0) {
                    QCOMPARE(t->item(row, 1)->text(), QStringLiteral("n/a"));
                } else {
                    const double fa = bev ? a.bev[1].ap : a.d3[1].ap, fb = bev ? b.bev[1].ap : b.d3[1].ap;
                    QCOMPARE(t->item(row, 1)->text(), pct(fa));
                    QCOMPARE(t->item(row, 2)->text(), pct(fb));
                    QCOMPARE(t->item(row, 3)->text().toDouble(), pct(fb - fa).toDouble());
                }
                ++row;
            }
        }
        QCOMPARE(t->item(0, 0)->text(), QStringLiteral("Car BEV"));
        QCOMPARE(t->item(1, 3)->text().toDouble(), pct(expect.apDelta3d("Car")).toDouble());
        // The widget's A/B table agrees (it shows the same two sets).
        QCOMPARE(w.metricsTable()->item(0, 1)->text(), t->item(1, 1)->text());

        // A new cloud drops the shown AP and a second run reuses the runtimes.
        w.loadFrame(cloudPath, labelPath, calibPath, {}, {});
        QCOMPARE(t->rowCount(), 0);
        QTest::mouseClick(panel->runButton(), Qt::LeftButton);
        QVERIFY(done.wait(120000));
        QCOMPARE(w.viewB()->boxes(BoxSet::DetectionsB).size(), expect.quantized.size());

        // A screenshot for people reviewing the build (docs/lidar-detector-gui.png came from it).
        w.viewA()->showBirdsEyeView();
        w.grab().save(QStringLiteral(QS_BINARY_DIR "/tests/viewers/lidar_detector_panel.png"));
    }

    void theViewerIsTranslated()
    {
        // lupdate must file viewers' strings under their runtime context (qs::viewers::...).
#ifndef QS_HAVE_TRANSLATIONS
        QSKIP("built without QS_BUILD_GUI: no embedded translations");
#endif
        QTranslator fr;
        QVERIFY(fr.load(QStringLiteral(":/i18n/quantscope_fr.qm")));
        LidarCompareWidget w;
        QCOMPARE(w.detectorPanel()->runButton()->text(), QStringLiteral("Run detector"));
        // Switching the language at run time retranslates the panel (LanguageChange).
        QCoreApplication::installTranslator(&fr);
        QTRY_COMPARE(w.detectorPanel()->runButton()->text(), QStringLiteral("Lancer le détecteur"));
        QCOMPARE(w.detectorPanel()->apTable()->horizontalHeaderItem(2)->text(), QStringLiteral("Quantifié"));
        QCoreApplication::removeTranslator(&fr);
        QTRY_COMPARE(w.detectorPanel()->runButton()->text(), QStringLiteral("Run detector"));
    }

    void badWeightsAreReportedNotThrown()
    {
        QS_REQUIRE_DATA(fov, "lidar/kitti_fov");
        LidarCompareWidget w;
        w.loadFrame(fov / "000001.bin", {}, {}, {}, {});
        DetectorPanel* panel = w.detectorPanel();
        panel->setWeights(QStringLiteral("/nonexistent/detector.safetensors"));
        QSignalSpy done(panel, &DetectorPanel::runFinished);
        panel->run();
        QVERIFY(done.wait(60000));
        QCOMPARE(done.at(0).at(0).toBool(), false);
        QVERIFY2(panel->statusText().contains(QStringLiteral("/nonexistent/detector.safetensors")), qPrintable(panel->statusText()));
        QVERIFY(panel->runButton()->isEnabled());
        QVERIFY(w.viewA()->boxes(BoxSet::DetectionsA).empty());
    }

    void aNewCloudDropsTheRunningJob()
    {
        QS_REQUIRE_DATA(root, "lidar/kitti/training");
        LidarCompareWidget w;
        w.loadFrame(root / "velodyne/000003.bin", {}, {}, {}, {});
        DetectorPanel* panel = w.detectorPanel();
        panel->setQuantization(QStringLiteral("rtn"), 8, 0);  // no calibration: quick
        QSignalSpy done(panel, &DetectorPanel::runFinished);
        panel->run();
        QVERIFY(panel->isRunning());
        w.loadFrame(root / "velodyne/000001.bin", {}, {}, {}, {});  // replaces the cloud mid-run
        QVERIFY(panel->runButton()->isEnabled());
        QTest::qWait(100);
        // The old result never reaches the views; running again detects on the new cloud.
        panel->run();
        QVERIFY(done.wait(120000));
        QCOMPARE(done.size(), 1);
        const DetectorRuntime fp32 = makeRuntime(committedModel(), {}, {});
        QCOMPARE(w.viewA()->boxes(BoxSet::DetectionsA).size(), fp32.detect(readPointCloud(root / "velodyne/000001.bin")).size());
        QCOMPARE(panel->apTable()->rowCount(), 0);  // no labels: no AP
    }
};

int main(int argc, char** argv)
{
    qs::viewers::setDefaultSurfaceFormat();
    QApplication app(argc, argv);
    TestDetectorPanel t;
    return QTest::qExec(&t, argc, argv);
}
#include "test_detector_panel.moc"
