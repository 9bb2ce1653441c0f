// quantscope-cli lidar-train and lidar-detect as a user runs them: a tiny training run, FP32 and
// W4A8 detections on a real KITTI frame that lidar-eval then scores, held-out simulated scenes.
#include "cli_run.h"
#include "test_data.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>

using qs::test::CliRun;
using qs::test::qpath;
using qs::test::runCli;

namespace {
std::filesystem::path committedModel() { return qs::test::sourceDir() / "resources/models/lidar_pillar_detector.safetensors"; }

int lineCount(const std::filesystem::path& p)
{
    std::ifstream in(p);
    int n = 0;
    for (std::string line; std::getline(in, line);) n += !line.empty();
    return n;
}
}  // namespace

class TestCliLidarDetect : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tinyTrainingWritesWeights()
    {
        QTemporaryDir dir;
        const auto out = std::filesystem::path(dir.path().toStdString()) / "tiny.safetensors";
        const CliRun r = runCli({"lidar-train", "--out", qpath(out), "--scenes", "2", "--epochs", "1", "--batch", "1",
                                 "--pillar-size", "0.64", "--channels", "8", "--pillar-channels", "8", "--blocks", "1", "--log-every", "1"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("step     2/2"));
        QVERIFY(std::filesystem::file_size(out) > 1000);
        // The tiny model runs (detections may be empty after two steps).
        const CliRun d = runCli({"lidar-detect", qpath(out), "--simulate", "1"});
        QCOMPARE(d.exitCode, 0);
        QVERIFY(d.out.contains("Pedestrian"));
    }

    void committedModelOnKitti()
    {
        QS_REQUIRE_DATA(root, "lidar/kitti/training");
        if (!std::filesystem::exists(committedModel())) QSKIP("resources/models/lidar_pillar_detector.safetensors missing");
        QTemporaryDir dir;
        const auto fp = std::filesystem::path(dir.path().toStdString()) / "fp32.txt";
        const auto q = std::filesystem::path(dir.path().toStdString()) / "w4a8.txt";
        const auto frame = root / "velodyne/000003.bin";
        QCOMPARE(runCli({"lidar-detect", qpath(committedModel()), "--points", qpath(frame), "--out", qpath(fp)}).exitCode, 0);
        const CliRun rq = runCli({"lidar-detect", qpath(committedModel()), "--points", qpath(frame), "--out", qpath(q), "--method",
                                  "rtn", "--bits", "4", "--act-bits", "8", "--calib-sim", "1"});
        QCOMPARE(rq.exitCode, 0);
        QVERIFY(lineCount(fp) > 0);
        for (const auto& det : {fp, q}) {
            const CliRun e = runCli({"lidar-eval", "--gt", qpath(root / "label_2/000003.txt"), "--calib",
                                     qpath(root / "calib/000003.txt"), "--det", qpath(det), "--json"});
            QCOMPARE(e.exitCode, 0);
            QVERIFY(QJsonDocument::fromJson(e.out).object().value("classes").toObject().contains("Car"));
        }
    }

    void usageErrors()
    {
        QCOMPARE(runCli({"lidar-detect", "missing.safetensors"}).exitCode, 2);
        QCOMPARE(runCli({"lidar-detect", "missing.safetensors", "--simulate", "1"}).exitCode, 1);
    }
};

QTEST_APPLESS_MAIN(TestCliLidarDetect)
#include "test_cli_lidar_detect.moc"
