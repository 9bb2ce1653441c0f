// The pillar detector: pillarization, targets <-> decoding, folding and quantization of the
// inference path, save/load, determinism, and a few training steps that must reduce the loss.
#include "quantscope/error.h"
#include "quantscope/lidar/iou.h"
#include "quantscope/models/pillar_compare.h"
#include "quantscope/models/pillar_training.h"

#include <QTemporaryDir>
#include <QTest>

#include <tbb/global_control.h>

#include <cmath>
#include <cstring>

using namespace qs;

namespace {

/// A small, fast configuration for tests.
PillarDetectorConfig tinyConfig()
{
    PillarDetectorConfig c;
    c.xMax = 40.96f, c.yMin = -20.48f, c.yMax = 20.48f;
    c.pillarSize = 0.64f;  // 64 x 64 cells, head 32 x 32
    c.pillarChannels = 8, c.backboneChannels = 8, c.backboneBlocks = 1;
    return c;
}

Box3D box(const char* cls, float x, float y, float z, float dx, float dy, float dz, float heading)
{
    Box3D b;
    b.className = cls;
    b.x = x, b.y = y, b.z = z, b.dx = dx, b.dy = dy, b.dz = dz, b.heading = heading;
    return b;
}

float maxAbsDiff(std::span<const float> a, std::span<const float> b)
{
    float m = 0;
    for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
    return m;
}

}  // namespace

class TestPillarDetector : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void pillarization()
    {
        const auto cfg = tinyConfig();
        PointCloud pc;
        pc.hasIntensity = true;
        // Two points in cell (1, 32), one in cell (3, 32), one out of range (x < 0), one too high.
        for (auto p : std::vector<std::array<float, 4>>{{0.7f, 0.1f, -1.0f, 0.5f}, {0.9f, 0.3f, -0.5f, 0.1f}, {2.0f, 0.1f, 0.0f, 0.2f},
                                                         {-1.0f, 0.0f, 0.0f, 0.0f}, {5.0f, 0.0f, 3.0f, 0.0f}}) {
            pc.x.push_back(p[0]), pc.y.push_back(p[1]), pc.z.push_back(p[2]), pc.intensity.push_back(p[3]);
        }
        const PillarBatch b = makePillars(cfg, {&pc});
        QCOMPARE(b.points(), std::int64_t{3});
        QCOMPARE(b.pillars(), std::int64_t{2});
        QCOMPARE(b.pillarCell[0], 32 * 64 + 1);
        QCOMPARE(b.pillarCell[1], 32 * 64 + 3);
        // Second point: offset from the pillar mean (0.8, 0.2, -0.75) and from the cell centre (0.96, 0.32).
        const float* f = b.features.data() + kPillarPointFeatures;
        QVERIFY(std::abs(f[4] - 0.1f) < 1e-5f && std::abs(f[5] - 0.1f) < 1e-5f && std::abs(f[6] - 0.25f) < 1e-5f);
        QVERIFY(std::abs(f[7] - (0.9f - 0.96f)) < 1e-5f && std::abs(f[8] - (0.3f - 0.32f)) < 1e-5f);
        QCOMPARE(f[3], 0.1f);
    }

    void targetsDecodeBackToBoxes()
    {
        const auto cfg = tinyConfig();
        const std::vector<Box3D> gt{box("Car", 12.3f, -4.1f, -0.9f, 4.1f, 1.7f, 1.5f, 0.4f),
                                    box("Pedestrian", 20.05f, 7.7f, -0.85f, 0.7f, 0.6f, 1.75f, -2.0f)};
        const PillarTargets t = makePillarTargets(cfg, gt);
        QCOMPARE(t.centres.size(), std::size_t{2});
        const int hw = cfg.headW() * cfg.headH();
        QCOMPARE(t.heatmap[static_cast<std::size_t>(t.centres[0])], 1.0f);
        QCOMPARE(t.heatmap[static_cast<std::size_t>(hw + t.centres[1])], 1.0f);
        // Perfect head outputs: high logit at the centres, the regression targets there.
        std::vector<float> heat(t.heatmap.size(), -10.0f), reg(static_cast<std::size_t>(kPillarRegChannels * hw), 0.0f);
        heat[static_cast<std::size_t>(t.centres[0])] = 5.0f;
        heat[static_cast<std::size_t>(hw + t.centres[1])] = 4.0f;
        for (std::size_t k = 0; k < 2; ++k)
            for (int c = 0; c < kPillarRegChannels; ++c)
                reg[static_cast<std::size_t>(c * hw + t.centres[k])] = t.regression[k * kPillarRegChannels + static_cast<std::size_t>(c)];
        const HeadOutputs out{ad::Var::constant({1, 3, cfg.headH(), cfg.headW()}, heat),
                              ad::Var::constant({1, kPillarRegChannels, cfg.headH(), cfg.headW()}, reg)};
        const auto dets = decodeDetections(cfg, out, 0);
        QCOMPARE(dets.size(), std::size_t{2});
        for (std::size_t k = 0; k < 2; ++k) {
            QCOMPARE(dets[k].className, gt[k].className);
            QVERIFY2(iou3d(dets[k], gt[k]) > 0.999, qPrintable(QString::number(iou3d(dets[k], gt[k]))));
        }
        QVERIFY(std::abs(dets[0].score - 1.0f / (1.0f + std::exp(-5.0f))) < 1e-6f);
    }

    void runtimeMatchesEvalForward()
    {
        const auto cfg = tinyConfig();
        PillarDetector model(cfg, 3);
        const auto scene = simulateScene(5, PillarTrainSettings::frontSimSettings());
        const auto batch = makePillars(cfg, {&scene.cloud});
        model.forward(batch, true);  // move the running statistics away from 0 / 1
        HeadOutputs ref;
        {
            ad::NoGradGuard g;
            ref = model.forward(batch, false);
        }
        const DetectorRuntime rt(model);
        const HeadOutputs folded = rt.run(scene.cloud);
        QVERIFY(maxAbsDiff(ref.heatmap.value(), folded.heatmap.value()) < 1e-3f);
        QVERIFY(maxAbsDiff(ref.regression.value(), folded.regression.value()) < 1e-3f);

        // 8-bit weights and activations stay close; 2-bit weights do not.
        DetectorRuntime w8a8(model);
        QuantSettings q;
        q.method = QuantMethod::Rtn, q.bits = 8;
        const double bpw = w8a8.quantizeWeights(q);
        QVERIFY(bpw > 8.0 && bpw < 9.0);
        w8a8.calibrateActivations({&scene.cloud}, 8);
        QCOMPARE(w8a8.activationRanges().size(), static_cast<std::size_t>(5 + cfg.backboneBlocks));
        const float d8 = maxAbsDiff(ref.heatmap.value(), w8a8.run(scene.cloud).heatmap.value());
        DetectorRuntime w2(model);
        q.bits = 2;
        w2.quantizeWeights(q);
        const float d2 = maxAbsDiff(ref.heatmap.value(), w2.run(scene.cloud).heatmap.value());
        QVERIFY2(d8 > 0 && d8 < d2, qPrintable(QStringLiteral("%1 vs %2").arg(d8).arg(d2)));
    }

    void saveLoadRoundTrip()
    {
        QTemporaryDir dir;
        const auto path = std::filesystem::path(dir.path().toStdString()) / "det.safetensors";
        PillarDetector model(tinyConfig(), 9);
        model.save(path, {{"note", "test"}});
        const PillarDetector back = PillarDetector::load(path);
        QCOMPARE(back.config().toJson(), model.config().toJson());
        const auto a = model.parameters(), b = back.parameters();
        QCOMPARE(a.size(), b.size());
        for (std::size_t i = 0; i < a.size(); ++i) QVERIFY(std::equal(a[i].value().begin(), a[i].value().end(), b[i].value().begin()));
        QVERIFY_THROWS_EXCEPTION(qs::Error, PillarDetector::load(std::filesystem::path(dir.path().toStdString()) / "missing.safetensors"));
    }

    void identicalAtAnyThreadCount()
    {
        const auto cfg = tinyConfig();
        const DetectorRuntime rt{PillarDetector(cfg, 4)};
        const auto scene = simulateScene(8, PillarTrainSettings::frontSimSettings());
        HeadOutputs one, many;
        {
            tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
            one = rt.run(scene.cloud);
        }
        {
            tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 4);
            many = rt.run(scene.cloud);
        }
        QVERIFY(std::memcmp(one.heatmap.value().data(), many.heatmap.value().data(), one.heatmap.value().size_bytes()) == 0);
        QVERIFY(std::memcmp(one.regression.value().data(), many.regression.value().data(), one.regression.value().size_bytes()) == 0);
    }

    void comparisonForTheViewer()
    {
        // Perfect detections from the targets path are not needed here: the same runtime on
        // both sides must give the same boxes and a zero AP delta; 2-bit weights change them.
        const auto cfg = tinyConfig();
        const PillarDetector model(cfg, 6);
        const DetectorRuntime fp(model);
        DetectorRuntime q2(model);
        QuantSettings q;
        q.method = QuantMethod::Rtn, q.bits = 2;
        q2.quantizeWeights(q);
        const auto scene = simulateScene(9, PillarTrainSettings::frontSimSettings());
        DecodeSettings d;
        d.scoreThreshold = 0.05f;
        const auto same = compareDetectors(fp, fp, scene.cloud, scene.groundTruth, d);
        QCOMPARE(same.reference.size(), same.quantized.size());
        QCOMPARE(same.referenceEval.classes.size(), std::size_t{3});
        QCOMPARE(same.apDelta3d("Car"), 0.0);
        QCOMPARE(same.referenceEval.matches.at(0).size(), same.reference.size());
        const auto diff = compareDetectors(fp, q2, scene.cloud, {}, d);
        QVERIFY(diff.referenceEval.classes.empty());
        bool changed = diff.reference.size() != diff.quantized.size();
        for (std::size_t i = 0; !changed && i < diff.reference.size(); ++i) changed = diff.reference[i].score != diff.quantized[i].score;
        QVERIFY(changed);
    }

    void trainingReducesLoss()
    {
        // One scene seen repeatedly: the loss must fall well below its starting value.
        PillarTrainSettings s;
        s.config = tinyConfig();
        s.scenes = 1, s.epochs = 12, s.batch = 1, s.augment = false, s.learningRate = 1e-2f;
        const auto r = trainPillarDetector(s);
        QCOMPARE(r.history.size(), std::size_t{12});
        const float first = r.history.front().loss, last = r.history.back().loss;
        QVERIFY2(last < 0.75f * first, qPrintable(QStringLiteral("%1 -> %2").arg(first).arg(last)));
    }
};

QTEST_APPLESS_MAIN(TestPillarDetector)
#include "test_pillar_detector.moc"
