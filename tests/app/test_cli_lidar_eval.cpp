// quantscope-cli lidar-eval as a user runs it: folders and single files, table and JSON.
#include "cli_run.h"
#include "test_data.h"

#include <QJsonDocument>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

namespace {

using Run = qs::test::CliRun;
using qs::test::runCli;

QString str(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

}  // namespace

class TestCliLidarEval : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void foldersGiveTheDocumentedTable()
    {
        QS_REQUIRE_DATA(root, "lidar/kitti/training");
        QS_REQUIRE_DATA(fov, "lidar/kitti_fov");
        const Run r = runCli({"lidar-eval", "--gt", str(root / "label_2"), "--calib", str(root / "calib"), "--det",
                              str(fov), "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject classes = QJsonDocument::fromJson(r.out).object().value("classes").toObject();
        QCOMPARE(classes.keys(), (QStringList{"Car", "Cyclist", "Pedestrian"}));
        const QJsonObject car = classes.value("Car").toObject();
        for (const char* key : {"ap_bev", "ap_3d", "tp", "fp", "fn"}) QVERIFY(car.contains(key));
        QCOMPARE(car.value("ap_3d").toDouble(), 1.0);
        QCOMPARE(car.value("tp").toInt(), 3);
        QCOMPARE(car.value("fp").toInt(), 14);
        QCOMPARE(classes.value("Pedestrian").toObject().value("tp").toInt(), 2);
        QVERIFY(r.err.contains("frame 000006: detections without ground truth"));

        const Run table = runCli({"lidar-eval", "--gt", str(root / "label_2"), "--calib", str(root / "calib"),
                                  "--det", str(fov)});
        QCOMPARE(table.exitCode, 0);
        QVERIFY(table.out.contains("Car         0.7    100.00"));
    }

    void singleFilesAndPerBoxMatches()
    {
        QS_REQUIRE_DATA(label, "lidar/kitti/training/label_2/000003.txt");
        QS_REQUIRE_DATA(calib, "lidar/kitti/training/calib/000003.txt");
        QS_REQUIRE_DATA(det, "lidar/kitti_fov/pred_velo_000003.txt");
        const Run r = runCli({"lidar-eval", "--gt", str(label), "--calib", str(calib), "--det", str(det), "--json",
                              "--per-box"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject j = QJsonDocument::fromJson(r.out).object();
        const auto frame = j.value("per_frame").toArray().at(0).toObject();
        QCOMPARE(frame.value("id").toString(), QStringLiteral("000003"));
        const auto first = frame.value("detections").toArray().at(0).toObject();
        QCOMPARE(first.value("matched_gt").toInt(), 0);
        QVERIFY(first.value("true_positive").toBool());
        QVERIFY(first.value("iou_3d").toDouble() > 0.85);
    }

    void badInputsFailWithAMessage()
    {
        QS_REQUIRE_DATA(label, "lidar/kitti/training/label_2/000003.txt");
        QS_REQUIRE_DATA(calib, "lidar/kitti/training/calib/000003.txt");
        Run r = runCli({"lidar-eval", "--gt", str(label), "--calib", str(calib), "--det", "/nonexistent/dets"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("no such file"));
        // A label file given as detections is a KITTI result without scores: fine; a calib
        // file given as labels is not.
        r = runCli({"lidar-eval", "--gt", str(calib), "--calib", str(calib), "--det", str(label)});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("line 1"));
        r = runCli({"lidar-eval", "--gt", str(label)});
        QCOMPARE(r.exitCode, 2);
    }
};

QTEST_APPLESS_MAIN(TestCliLidarEval)
#include "test_cli_lidar_eval.moc"
