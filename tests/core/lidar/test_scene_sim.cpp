// The LiDAR scene simulator: determinism (seed, thread count), a realistic point count, ground
// truth that agrees with the geometry that was ray cast.
#include "quantscope/error.h"
#include "quantscope/lidar/scene_sim.h"

#include <QTest>

#include <tbb/global_control.h>

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace qs;

namespace {

bool sameCloud(const PointCloud& a, const PointCloud& b)
{
    auto same = [](const std::vector<float>& x, const std::vector<float>& y) {
        return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0;
    };
    return same(a.x, b.x) && same(a.y, b.y) && same(a.z, b.z) && same(a.intensity, b.intensity);
}

}  // namespace

class TestSceneSim : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void beamsLikeHdl64()
    {
        const auto e = simulatedBeamElevations(64);
        QCOMPARE(e.size(), std::size_t{64});
        QVERIFY(std::abs(e.front() - 2.0f) < 1e-5f);
        QVERIFY(std::abs(e.back() - -24.33f) < 1e-4f);
        QVERIFY(std::is_sorted(e.rbegin(), e.rend()));
    }

    void sameSeedSameCloud()
    {
        const auto a = simulateScene(42), b = simulateScene(42), c = simulateScene(43);
        QVERIFY(sameCloud(a.cloud, b.cloud));
        QCOMPARE(a.groundTruth.size(), b.groundTruth.size());
        for (std::size_t i = 0; i < a.groundTruth.size(); ++i) {
            QCOMPARE(a.groundTruth[i].x, b.groundTruth[i].x);
            QCOMPARE(a.groundTruth[i].heading, b.groundTruth[i].heading);
        }
        QVERIFY(!sameCloud(a.cloud, c.cloud));
    }

    void identicalAtAnyThreadCount()
    {
        SimulatedScene one, many;
        {
            tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
            one = simulateScene(7);
        }
        {
            tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 4);
            many = simulateScene(7);
        }
        QVERIFY(sameCloud(one.cloud, many.cloud));
    }

    void realisticFrame()
    {
        for (std::uint64_t seed : {1u, 2u, 3u}) {
            const auto s = simulateScene(seed);
            QVERIFY2(s.cloud.size() > 60000 && s.cloud.size() < 140000, qPrintable(QString::number(s.cloud.size())));
            QVERIFY(s.cloud.hasIntensity);
            QVERIFY(*std::max_element(s.cloud.intensity.begin(), s.cloud.intensity.end()) <= 1.0f);
            // The ground: the lowest points near the sensor lie at about -1.73 m.
            std::vector<float> near;
            for (std::size_t i = 0; i < s.cloud.size(); ++i)
                if (std::hypot(s.cloud.x[i], s.cloud.y[i]) < 8.0f) near.push_back(s.cloud.z[i]);
            std::sort(near.begin(), near.end());
            QVERIFY(!near.empty());
            QVERIFY(std::abs(near[near.size() / 10] - -1.73f) < 0.2f);
            int classes[3] = {0, 0, 0};
            for (const auto& b : s.groundTruth) classes[b.className == "Car" ? 0 : b.className == "Pedestrian" ? 1 : 2]++;
            QVERIFY(classes[0] >= 1);
        }
    }

    void groundTruthMatchesGeometry()
    {
        int boxes = 0;
        for (std::uint64_t seed : {11u, 12u}) {
            const auto s = simulateScene(seed);
            QCOMPARE(s.groundTruth.size(), s.groundTruthPoints.size());
            for (std::size_t k = 0; k < s.groundTruth.size(); ++k) {
                const Box3D& b = s.groundTruth[k];
                ++boxes;
                QVERIFY(s.groundTruthPoints[k] >= 5);
                QCOMPARE(static_cast<int>(countPointsInBox(s.cloud, b)), s.groundTruthPoints[k]);
                if (b.className == "Car") QVERIFY(b.dx > 3.4f && b.dx < 4.8f && b.dy > 1.4f && b.dy < 1.9f);
                else QVERIFY(b.dz > 1.4f && b.dz < 2.0f);
                if (s.groundTruthPoints[k] < 40) continue;
                // Well-seen objects: their points reach from near the bottom to near the top.
                float top = -1e9f;
                for (std::size_t i = 0; i < s.cloud.size(); ++i)
                    if (pointInBox(b, s.cloud.x[i], s.cloud.y[i], s.cloud.z[i])) top = std::max(top, s.cloud.z[i]);
                QVERIFY2(top > b.z + b.dz / 2 - 0.35f, qPrintable(QStringLiteral("%1 top %2 box top %3").arg(QString::fromStdString(b.className)).arg(top).arg(b.z + b.dz / 2)));
            }
            // Hidden objects are labelled objects the sensor barely saw.
            for (const auto& b : s.hidden) QVERIFY(countPointsInBox(s.cloud, b) < 5);
        }
        QVERIFY(boxes >= 10);
    }

    void badSettings()
    {
        LidarSimSettings s;
        s.beams = 1;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, simulateScene(1, s));
        s = {};
        s.dropout = 1.0f;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, simulateScene(1, s));
    }
};

QTEST_APPLESS_MAIN(TestSceneSim)
#include "test_scene_sim.moc"
