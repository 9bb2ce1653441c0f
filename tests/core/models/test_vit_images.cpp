// Image inputs of the vision models: MNIST IDX (gzip and plain) on the real test set, hostile
// IDX files, PNG/JPEG decoding on real files, list files and preprocessing.

#include "quantscope/error.h"
#include "quantscope/models/image_dataset.h"
#include "test_data.h"

#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

#include <cmath>
#include <fstream>

using namespace qs;

namespace {

std::vector<std::uint8_t> gunzip(const std::filesystem::path& p)
{
    gzFile f = gzopen(p.string().c_str(), "rb");
    std::vector<std::uint8_t> out;
    std::uint8_t buf[65536];
    int n;
    while ((n = gzread(f, buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + n);
    gzclose(f);
    return out;
}

void writeBytes(const std::filesystem::path& p, const std::vector<std::uint8_t>& b)
{
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

void writeGz(const std::filesystem::path& p, const std::vector<std::uint8_t>& b)
{
    gzFile f = gzopen(p.string().c_str(), "wb");
    gzwrite(f, b.data(), static_cast<unsigned>(b.size()));
    gzclose(f);
}

/// Expects a FormatError naming `file` and `field`.
template <typename Fn>
void expectFormatError(Fn fn, const std::filesystem::path& file, const std::string& field)
{
    try {
        fn();
        QFAIL(("no error for " + file.string()).c_str());
    } catch (const FormatError& e) {
        QVERIFY2(e.file() == file.string(), e.what());
        QVERIFY2(e.field().find(field) != std::string::npos, e.what());
    }
}

}  // namespace

class TestVitImages : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void mnistTestSetGz()
    {
        QS_REQUIRE_DATA(images, "vision/t10k-images-idx3-ubyte.gz");
        QS_REQUIRE_DATA(labels, "vision/t10k-labels-idx1-ubyte.gz");
        const auto ds = loadImageDataset(images, labels);
        QCOMPARE(ds.size(), std::size_t(10000));
        QCOMPARE(ds.labels.size(), std::size_t(10000));
        std::array<int, 10> perClass{};
        for (int l : ds.labels) {
            QVERIFY(l >= 0 && l <= 9);
            ++perClass[std::size_t(l)];
        }
        // The well-known class counts of the MNIST test set, and its first labels 7 2 1 0 4.
        QCOMPARE(perClass[0], 980);
        QCOMPARE(perClass[1], 1135);
        QCOMPARE(perClass[9], 1009);
        QCOMPARE(ds.labels[0], 7);
        QCOMPARE(ds.labels[4], 4);
        for (const auto& img : ds.images) {
            QCOMPARE(img.width, 28);
            QCOMPARE(img.height, 28);
            QCOMPARE(img.channels, 1);
        }
        // Real digits: dark background, bright strokes.
        const auto& first = ds.images[0].pixels;
        QCOMPARE(int(first[0]), 0);
        QCOMPARE(int(*std::max_element(first.begin(), first.end())), 255);
    }

    void plainIdxEqualsGz()
    {
        QS_REQUIRE_DATA(images, "vision/t10k-images-idx3-ubyte.gz");
        QS_REQUIRE_DATA(labels, "vision/t10k-labels-idx1-ubyte.gz");
        QTemporaryDir dir;
        const std::filesystem::path raw = dir.filePath("images.idx").toStdString();
        const std::filesystem::path rawLabels = dir.filePath("labels.idx").toStdString();
        writeBytes(raw, gunzip(images));
        writeBytes(rawLabels, gunzip(labels));
        const auto a = readIdxImages(images, 300);
        const auto b = readIdxImages(raw, 300);
        QCOMPARE(a.size(), std::size_t(300));
        for (std::size_t i = 0; i < a.size(); ++i) QVERIFY(a.images[i].pixels == b.images[i].pixels);
        QVERIFY(readIdxLabels(labels) == readIdxLabels(rawLabels));
    }

    void corruptIdxRejected()
    {
        QS_REQUIRE_DATA(images, "vision/t10k-images-idx3-ubyte.gz");
        QS_REQUIRE_DATA(labels, "vision/t10k-labels-idx1-ubyte.gz");
        QTemporaryDir dir;
        const auto good = gunzip(images);
        const auto path = [&](const char* n) { return std::filesystem::path(dir.filePath(n).toStdString()); };

        auto badMagic = good;
        badMagic[3] = 0x01;  // a label file's magic in an image file
        writeBytes(path("magic"), badMagic);
        expectFormatError([&] { readIdxImages(path("magic")); }, path("magic"), "magic");

        auto badType = good;
        badType[2] = 0x0d;  // float elements
        writeBytes(path("type"), badType);
        expectFormatError([&] { readIdxImages(path("type")); }, path("type"), "magic");

        // Truncated: the header promises 10000 images, the data stops half-way (plain and gzip).
        std::vector<std::uint8_t> truncated(good.begin(), good.begin() + 16 + 5000 * 784 + 17);
        writeBytes(path("trunc"), truncated);
        expectFormatError([&] { readIdxImages(path("trunc")); }, path("trunc"), "data");
        writeGz(path("trunc.gz"), truncated);
        expectFormatError([&] { readIdxImages(path("trunc.gz")); }, path("trunc.gz"), "data");

        // A count that would need terabytes is refused before allocating.
        auto huge = std::vector<std::uint8_t>(good.begin(), good.begin() + 16 + 784);
        huge[4] = 0x3f;
        huge[5] = 0xff;
        writeBytes(path("huge"), huge);
        expectFormatError([&] { readIdxImages(path("huge")); }, path("huge"), "dimension");

        auto zeroRows = good;
        zeroRows[8] = zeroRows[9] = zeroRows[10] = zeroRows[11] = 0;
        writeBytes(path("zero"), zeroRows);
        expectFormatError([&] { readIdxImages(path("zero")); }, path("zero"), "dimension 1");

        // Trailing bytes after the announced data.
        auto trailing = gunzip(labels);
        trailing.push_back(3);
        writeBytes(path("trail"), trailing);
        expectFormatError([&] { readIdxLabels(path("trail")); }, path("trail"), "end of data");

        // A gzip stream cut inside the header, and one with garbage after the gzip magic.
        std::ifstream in(images, std::ios::binary);
        std::vector<std::uint8_t> gz(std::istreambuf_iterator<char>(in), {});
        writeBytes(path("cut.gz"), std::vector<std::uint8_t>(gz.begin(), gz.begin() + 12));
        expectFormatError([&] { readIdxImages(path("cut.gz")); }, path("cut.gz"), "magic");
        auto garbled = std::vector<std::uint8_t>(gz.begin(), gz.begin() + 4000);
        for (std::size_t i = 20; i < garbled.size(); i += 7) garbled[i] ^= 0x5a;
        writeBytes(path("garbled.gz"), garbled);
        QVERIFY_THROWS_EXCEPTION(FormatError, readIdxImages(path("garbled.gz")));

        QVERIFY_THROWS_EXCEPTION(IoError, readIdxImages(path("absent")));
        // Label count must match the image count.
        auto fewLabels = std::vector<std::uint8_t>(trailing.begin(), trailing.begin() + 8 + 100);
        fewLabels[4] = fewLabels[5] = fewLabels[6] = 0;
        fewLabels[7] = 100;
        writeBytes(path("few"), fewLabels);
        QCOMPARE(readIdxLabels(path("few")).size(), std::size_t(100));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, loadImageDataset(images, path("few"), 200));
    }

    void pngAndJpegFiles()
    {
        QS_REQUIRE_DATA(jpg, "onnx/yolox_sample_dog.jpg");
        QS_REQUIRE_DATA(png, "lidar/kitti/training/image_2/000000.png");
        const auto dog = readImageFile(jpg);
        QCOMPARE(dog.channels, 3);
        QCOMPARE(dog.width, 768);
        QCOMPARE(dog.height, 576);
        QCOMPARE(dog.pixels.size(), std::size_t(dog.width) * std::size_t(dog.height) * 3);
        const auto kitti = readImageFile(png);
        QCOMPARE(kitti.width, 1224);
        QCOMPARE(kitti.height, 370);
        QCOMPARE(kitti.channels, 3);

        QTemporaryDir dir;
        const std::filesystem::path cut = dir.filePath("cut.png").toStdString();
        std::ifstream in(png, std::ios::binary);
        std::vector<std::uint8_t> bytes(std::istreambuf_iterator<char>(in), {});
        writeBytes(cut, std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + 4000));
        QVERIFY_THROWS_EXCEPTION(FormatError, readImageFile(cut));
        const std::filesystem::path cutJpg = dir.filePath("cut.jpg").toStdString();
        std::ifstream inj(jpg, std::ios::binary);
        std::vector<std::uint8_t> jb(std::istreambuf_iterator<char>(inj), {});
        jb.resize(300);
        writeBytes(cutJpg, jb);
        QVERIFY_THROWS_EXCEPTION(FormatError, readImageFile(cutJpg));
        const std::filesystem::path text = dir.filePath("x.png").toStdString();
        writeBytes(text, {'h', 'e', 'l', 'l', 'o'});
        QVERIFY_THROWS_EXCEPTION(UnsupportedError, readImageFile(text));

        // A list file pairs paths (relative to the list) with labels.
        const std::filesystem::path list = dir.filePath("list.txt").toStdString();
        std::ofstream(list) << "# two images\n" << jpg.string() << " 3\n\n" << png.string() << " 1\n";
        const auto ds = loadImageDataset(list, {});
        QCOMPARE(ds.size(), std::size_t(2));
        QCOMPARE(ds.labels, (std::vector<int>{3, 1}));
        std::ofstream(list) << jpg.string() << " 3\n" << png.string() << "\n";
        expectFormatError([&] { readImageList(list); }, list, "label");
    }

    void preprocessing()
    {
        Image img{2, 2, 1, {0, 255, 255, 0}};
        ImagePreprocess p;
        p.width = 2;
        p.height = 2;
        p.channels = 1;
        p.mean = {0.5f};
        p.std = {0.5f};
        const auto same = preprocessImage(img, p);
        QCOMPARE(same, (std::vector<float>{-1.0f, 1.0f, 1.0f, -1.0f}));
        // Gray to RGB replicates; RGB to gray uses BT.601 luma.
        p.channels = 3;
        p.mean.clear();
        p.std.clear();
        QCOMPARE(preprocessImage(img, p).size(), std::size_t(12));
        Image rgb{1, 1, 3, {255, 0, 0}};
        p.channels = 1;
        p.width = p.height = 1;
        QVERIFY(std::abs(preprocessImage(rgb, p)[0] - 0.299f) < 1e-6f);
        // Bilinear upsampling with half-pixel centres: 2 -> 4 gives 0, .25, .75, 1 of the ramp.
        Image ramp{2, 1, 1, {0, 255}};
        p.width = 4;
        p.height = 1;
        const auto up = preprocessImage(ramp, p);
        QCOMPARE(up.size(), std::size_t(4));
        QVERIFY(std::abs(up[0] - 0.0f) < 1e-6f && std::abs(up[1] - 0.25f) < 1e-6f);
        QVERIFY(std::abs(up[2] - 0.75f) < 1e-6f && std::abs(up[3] - 1.0f) < 1e-6f);
        // Resize the shorter side, then centre-crop (torchvision Resize(n) + CenterCrop).
        Image wide{4, 2, 1, {0, 10, 20, 30, 40, 50, 60, 70}};
        p.width = p.height = 2;
        p.resizeShorter = 2;
        const auto crop = preprocessImage(wide, p);
        QCOMPARE(crop, (std::vector<float>{10 / 255.0f, 20 / 255.0f, 50 / 255.0f, 60 / 255.0f}));
        p.resizeShorter = 4;  // 4x2 -> 8x4, crop the centre 2x2
        QCOMPARE(preprocessImage(wide, p).size(), std::size_t(4));
        p.resizeShorter = 1;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, preprocessImage(wide, p));
        p.resizeShorter = 0;
        p.std = {0.0f};
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, preprocessImage(ramp, p));
    }
};

QTEST_APPLESS_MAIN(TestVitImages)
#include "test_vit_images.moc"
