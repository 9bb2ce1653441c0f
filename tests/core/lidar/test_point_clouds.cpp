// Point-cloud readers on the real files in shared/data and on small files built in memory.
#include "cloud_builders.h"
#include "lidar/lzf.h"
#include "quantscope/error.h"
#include "quantscope/lidar/point_cloud.h"
#include "test_data.h"

#include <QTest>

#include <filesystem>
#include <set>
#include <string_view>

using namespace qs;
using namespace qs::test;

class TestPointClouds : public QObject {
    Q_OBJECT

private:
    static void checkThreePoints(const PointCloud& c)
    {
        QCOMPARE(c.size(), std::size_t{3});
        QVERIFY(c.hasIntensity);
        for (int p = 0; p < 3; ++p) {
            const auto i = static_cast<std::size_t>(p);
            QCOMPARE(c.x[i] + static_cast<float>(c.origin[0]), coord(p, 0));
            QCOMPARE(c.y[i] + static_cast<float>(c.origin[1]), coord(p, 1));
            QCOMPARE(c.z[i] + static_cast<float>(c.origin[2]), coord(p, 2));
            QCOMPARE(c.intensity[i], inten(p));
        }
    }

private Q_SLOTS:
    void kittiVelodyneFilesLoadWithSizeOver16Points()
    {
        QS_REQUIRE_DATA(dir, "lidar/kitti/training/velodyne");
        int files = 0;
        for (const auto& e : std::filesystem::directory_iterator(dir)) {
            const auto size = std::filesystem::file_size(e.path());
            QCOMPARE(size % 16, std::uintmax_t{0});
            const PointCloud c = readPointCloud(e.path());
            QCOMPARE(c.size(), static_cast<std::size_t>(size / 16));
            QCOMPARE(c.format, std::string("kitti-bin"));
            QVERIFY(c.size() > 100000);  // HDL-64E scans: 113-127K points
            ++files;
        }
        QCOMPARE(files, 6);
    }

    void kittiFovFramesAreCropsOfTheTrainingFrames()
    {
        // kitti_fov (CUDA-PointPillars) frames 0-5 must be the same scans as kitti/training 0-5:
        // every cropped point appears, bit for bit, in the full scan.
        QS_REQUIRE_DATA(full, "lidar/kitti/training/velodyne/000003.bin");
        QS_REQUIRE_DATA(fov, "lidar/kitti_fov/000003.bin");
        const PointCloud a = readPointCloud(full), b = readPointCloud(fov);
        std::set<std::array<float, 4>> all;
        for (std::size_t i = 0; i < a.size(); ++i) all.insert({a.x[i], a.y[i], a.z[i], a.intensity[i]});
        for (std::size_t i = 0; i < b.size(); ++i) QVERIFY(all.count({b.x[i], b.y[i], b.z[i], b.intensity[i]}));
        QVERIFY(b.size() < a.size());
    }

    void rangenetPcdHas124668Points()
    {
        QS_REQUIRE_DATA(path, "lidar/pcd/rangenet_000000.pcd");
        const PointCloud c = readPointCloud(path);
        QCOMPARE(c.size(), std::size_t{124668});
        QCOMPARE(c.format, std::string("pcd"));
        QVERIFY(c.hasIntensity);
        // A KITTI-like scan: points within 120 m, intensity in [0, 1].
        for (std::size_t i = 0; i < c.size(); i += 997) {
            QVERIFY(std::abs(c.x[i]) < 120 && std::abs(c.y[i]) < 120 && std::abs(c.z[i]) < 30);
            QVERIFY(c.intensity[i] >= 0 && c.intensity[i] <= 1);
        }
    }

    void nuscenesPcdBinHas34688PointsAndRing()
    {
        QS_REQUIRE_DATA(dir, "lidar/pcd");
        std::filesystem::path path;
        for (const auto& e : std::filesystem::directory_iterator(dir))
            if (e.path().string().ends_with(".pcd.bin")) path = e.path();
        QVERIFY(!path.empty());
        const PointCloud c = readPointCloud(path);
        QCOMPARE(c.size(), std::size_t{34688});
        QCOMPARE(c.format, std::string("nuscenes-bin"));
        const PointField* ring = c.field("ring");
        QVERIFY(ring);
        float maxRing = 0, maxIntensity = 0;
        for (std::size_t i = 0; i < c.size(); ++i) {
            maxRing = std::max(maxRing, ring->values[i]);
            maxIntensity = std::max(maxIntensity, c.intensity[i]);
        }
        QVERIFY(maxRing <= 31);         // 32-beam sensor
        QVERIFY(maxIntensity > 1.0f);   // 0..255 scale, unlike KITTI
    }

    void pcdAsciiBinaryAndCompressedAgree()
    {
        checkThreePoints(parsePointCloud(pcdAscii(), "t.pcd"));
        checkThreePoints(parsePointCloud(pcdBinary(), "t.pcd"));
        checkThreePoints(parsePointCloud(pcdCompressed(), "t.pcd"));
    }

    void pcdExtraFieldsAndCounts()
    {
        Bytes b;
        append(b, "VERSION .7\nFIELDS x y z rgb normal _\nSIZE 4 4 4 4 4 1\nTYPE F F F U F U\nCOUNT 1 1 1 1 3 1\n"
                  "WIDTH 1\nHEIGHT 1\nPOINTS 1\nDATA ascii\n1 2 3 255 0.1 0.2 0.3 7\n");
        const PointCloud c = parsePointCloud(b, "t.pcd");
        QCOMPARE(c.size(), std::size_t{1});
        QVERIFY(!c.hasIntensity);
        QVERIFY(c.field("rgb") && c.field("rgb")->values[0] == 255.0f);
        QVERIFY(c.field("normal_2") && qFuzzyCompare(c.field("normal_2")->values[0], 0.3f));
        QVERIFY(!c.field("_"));
    }

    void lzfBackReferences()
    {
        const std::string in("\x02" "abc" "\x20\x02" "\x00" "z" "\x40\x00", 10);
        std::vector<std::byte> out(3 + 3 + 1 + 4);
        lidar::lzfDecompress(std::as_bytes(std::span(in.data(), in.size())), out, "t", "lzf", 0);
        QCOMPARE(std::string(reinterpret_cast<const char*>(out.data()), out.size()), std::string("abcabczzzzz"));
    }

    void plyAllEncodings()
    {
        for (const char* f : {"ascii", "binary_little_endian", "binary_big_endian"}) {
            const PointCloud c = parsePointCloud(plyFile(f), "t.ply");
            checkThreePoints(c);
            QCOMPARE(c.format, std::string("ply"));
        }
    }

    void lasPointFormats()
    {
        for (int f : {0, 1, 2, 3, 6}) {
            const PointCloud c = parsePointCloud(lasFile(f), "t.las");
            checkThreePoints(c);
            QCOMPARE(c.origin[0], 100.0);
            QVERIFY(c.field("classification"));
            QCOMPARE(c.field("classification")->values[1], 2.0f);
            QCOMPARE(c.field("return_number")->values[0], 1.0f);
            QCOMPARE(c.field("red") != nullptr, f == 2 || f == 3);
            QCOMPARE(c.field("gps_time") != nullptr, f == 1 || f == 3 || f == 6);
        }
    }

    void kittiBinInMemoryAndSniffing()
    {
        checkThreePoints(parsePointCloud(kittiBin(), "000000.bin"));
        QCOMPARE(sniffPointCloudFormat(kittiBin(), "a.bin"), PointCloudFormat::KittiBin);
        QCOMPARE(sniffPointCloudFormat(kittiBin(), "a.pcd.bin"), PointCloudFormat::NuscenesBin);
        QCOMPARE(sniffPointCloudFormat(pcdBinary(), "noext"), PointCloudFormat::Pcd);
        QCOMPARE(sniffPointCloudFormat(plyFile("ascii"), "x.bin"), PointCloudFormat::Ply);
        QCOMPARE(sniffPointCloudFormat(lasFile(0), "x.ply"), PointCloudFormat::Las);
        QVERIFY_THROWS_EXCEPTION(UnsupportedError, parsePointCloud(kittiBin(), "cloud.xyz"));
    }
};

QTEST_APPLESS_MAIN(TestPointClouds)
#include "test_point_clouds.moc"
