// nl4 (core/src/quant/nl4_codec.h): the fast nearest-level table and encoder against their
// plain references, the format's exactness and bits per weight, settings validation, thread
// independence, the package round trip, the lossless IQ4_XS packing at group 32, and the issue-11 property: below Q4_K's error at
// fewer bits on heavy-tailed weights.

#include "quant/nl4_codec.h"
#include "quant_test_util.h"
#include "quantscope/error.h"
#include "quantscope/io/checkpoint.h"
#include "quantscope/io/package.h"
#include "quantscope/quant/metrics.h"
#include "quantscope/quant/quantize.h"
#include "quantscope/quant/threshold_explorer.h"
#include "quantscope/tensor/dtype.h"
#include "tensor/ggml_blocks.h"
#include "tensor/ggml_iq4_xs.h"
#include "test_data.h"

#include <hdf5.h>
#include <tbb/global_control.h>

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>

using namespace qs;
namespace nl4 = qs::quant::nl4;

namespace {

QuantSettings nl4Settings(std::int64_t group = 16)
{
    QuantSettings s;
    s.method = QuantMethod::Nl4;
    s.granularity = Granularity::PerGroup;
    s.groupSize = group;
    return s;
}

/// The catalog entry of an F32 linear weight of `rows` x `cols`, as a package writer wants it.
TensorInfo linearWeight(const char* name, std::int64_t rows, std::int64_t cols)
{
    TensorInfo info;
    info.name = name;
    info.shape = {rows, cols};
    info.dtype = DType::F32;
    info.role = TensorRole::Linear;
    info.byteSize = static_cast<std::uint64_t>(rows * cols * 4);
    return info;
}

/// Sub-blocks that stress the encoder: heavy tails, one spike, all zeros, one sign only,
/// values near fp16's limits, exact ties in |x|.
std::vector<std::vector<float>> awkwardBlocks(std::size_t n, std::mt19937& rng)
{
    std::student_t_distribution<float> t(4.0f);
    std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
    std::vector<std::vector<float>> out(8, std::vector<float>(n));
    for (std::size_t i = 0; i < n; ++i) {
        out[0][i] = 0.02f * t(rng);
        out[1][i] = i == n / 2 ? 5.0f : 0.001f * uni(rng);
        out[2][i] = 0.0f;
        out[3][i] = std::abs(uni(rng)) + 0.1f;
        out[4][i] = -std::abs(uni(rng));
        out[5][i] = 1e-6f * uni(rng);  // super-scale in fp16's subnormal range
        out[6][i] = 2000.0f * t(rng);
        out[7][i] = (i % 2 ? 1.0f : -1.0f) * (i % 3 == 0 ? 0.5f : 0.25f);  // ties in |x|
    }
    return out;
}

}  // namespace

class TestNl4 : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void nearestLevelMatchesTheScan()
    {
        std::mt19937 rng(11);
        std::uniform_real_distribution<float> wide(-300.0f, 300.0f), narrow(-2.0f, 2.0f);
        std::vector<float> ys;
        for (int i = 0; i < 200000; ++i) ys.push_back(i % 2 ? wide(rng) : 64.0f * narrow(rng));
        // Every half-integer in range and its float neighbours: every midpoint, every cell edge.
        for (int h = -600; h <= 600; ++h) {
            const float y = 0.5f * static_cast<float>(h);
            ys.insert(ys.end(), {y, std::nextafter(y, -1e9f), std::nextafter(y, 1e9f)});
        }
        const float extremes[] = {0.0f,
                                  -0.0f,
                                  std::numeric_limits<float>::denorm_min(),
                                  -std::numeric_limits<float>::denorm_min(),
                                  std::numeric_limits<float>::max(),
                                  std::numeric_limits<float>::lowest(),
                                  127.5f,
                                  -128.0f,
                                  std::nextafter(127.5f, 1e9f),
                                  std::nextafter(-128.0f, -1e9f),
                                  1e30f,
                                  -1e30f};
        ys.insert(ys.end(), std::begin(extremes), std::end(extremes));
        for (const float y : ys)
            if (nl4::nearestLevel(y) != nl4::nearestLevelRef(y))
                QFAIL(qPrintable(QString("y = %1: fast %2, scan %3")
                                     .arg(double(y), 0, 'g', 9)
                                     .arg(nl4::nearestLevel(y))
                                     .arg(nl4::nearestLevelRef(y))));
    }

    void tiesGoAwayFromZero()
    {
        const auto& k = nl4::kCodebook;
        for (std::size_t i = 0; i + 1 < k.size(); ++i) {
            const float mid = (k[i] + k[i + 1]) / 2;
            const std::size_t expected = std::abs(k[i]) > std::abs(k[i + 1]) ? i : i + 1;
            QCOMPARE(nl4::nearestLevel(mid), int(expected));
            QCOMPARE(nl4::nearestLevelRef(mid), int(expected));
        }
        QCOMPARE(nl4::nearestLevel(7.0f), 9);   // between 1 and 13: up to 13
        QCOMPARE(nl4::nearestLevel(-4.5f), 7);  // between -10 and 1: down to -10
        QCOMPARE(nl4::nearestLevel(-1e6f), 0);  // clamped onto the ends
        QCOMPARE(nl4::nearestLevel(1e6f), 15);
    }

    void encoderMatchesTheReference()
    {
        std::mt19937 rng(5);
        const nl4::Search searches[] = {nl4::Search{},
                                        nl4::Search{{-127.0f, 113.0f, 127.0f, -113.0f}, true, 2},
                                        nl4::Search{{-127.0f, 113.0f}, false, 1},
                                        nl4::Search{{-127.0f, 127.0f, 113.0f, -113.0f}, false, 0},  // ± pairs
                                        nl4::Search{{113.0f, -113.0f, -127.0f}, false, 2},
                                        nl4::Search{{-120.0f}, true, 0}};
        for (const int g : {1, 2, 4, 8, 16, 32, 256})
            for (const std::size_t n : {std::size_t(256), std::size_t(250), std::size_t(19), std::size_t(3)})
                for (const auto& block : awkwardBlocks(n, rng))
                    for (const auto& search : searches) {
                        std::vector<std::int8_t> lf(256), lr(256);
                        std::vector<std::uint8_t> cf(n), cr(n);
                        const auto hf = nl4::encodeSuperBlock(block, g, search, lf.data(), cf.data());
                        const auto hr = nl4::encodeSuperBlockRef(block, g, search, lr.data(), cr.data());
                        const auto what =
                            QString("g %1, n %2, block[0] %3").arg(g).arg(n).arg(double(block[0]));
                        QVERIFY2(hf == hr, qPrintable(what));
                        QVERIFY2(lf == lr, qPrintable(what));
                        QVERIFY2(cf == cr, qPrintable(what));
                        for (std::size_t j = 0; j < (n + std::size_t(g) - 1) / std::size_t(g); ++j)
                            QVERIFY(lf[j] >= nl4::kSubScaleMin && lf[j] <= nl4::kSubScaleMax);
                        for (const auto c : cf) QVERIFY(c < 16);
                    }
    }

    void subBlockStepMatchesTheReference()
    {
        std::mt19937 rng(9);
        for (const std::size_t n : {std::size_t(16), std::size_t(13), std::size_t(1)})
            for (const auto& block : awkwardBlocks(n, rng)) {
                for (const bool rescore : {true, false}) {
                    const nl4::Search s{{-127.0f, 127.0f, 113.0f, -113.0f}, rescore, 0};
                    const float fast = nl4::subBlockStep(block, s), ref = nl4::subBlockStepRef(block, s);
                    QCOMPARE(std::memcmp(&fast, &ref, sizeof fast), 0);
                }
            }
    }

    void dequantizedValuesAreExactlyDTimesLTimesK()
    {
        const Matrix w = test::heavyTailed(5, 600, 3);  // 600 = 2 full super-blocks + 88: short tail
        const auto q = quantizeMatrix(w, nl4Settings(16));
        QCOMPARE(q.levels.size(), std::size_t(16));
        QCOMPARE(q.superBlock, std::int64_t(256));
        QCOMPARE(q.groupsPerRow(), std::int64_t(38));
        QCOMPARE(q.superBlocksPerRow(), std::int64_t(3));
        QCOMPARE(q.superScales.size(), std::size_t(15));
        const Matrix d = q.dequantize();
        for (std::int64_t r = 0; r < w.rows; ++r)
            for (std::int64_t c = 0; c < w.cols; ++c) {
                const float dd = halfToFloat(q.superScales[static_cast<std::size_t>(r * 3 + c / 256)]);
                const float s = q.scales[static_cast<std::size_t>(q.scaleIndex(r, c))];
                const float l = s / dd;
                QVERIFY(l == std::nearbyint(l) && l >= -32 && l <= 31);
                const auto i = static_cast<std::size_t>(r * w.cols + c);
                QCOMPARE(d.values[i], dd * l * nl4::kCodebook[q.codes[i]]);
            }
        // Honest bits: 4 per code, 6 per group code, 16 per super-block scale.
        const double expected = (3000.0 * 4 + 5 * 38 * 6 + 5 * 3 * 16) / 3000.0;
        QCOMPARE(q.bitsPerWeight(), expected);
        const auto full = quantizeMatrix(test::heavyTailed(2, 4096, 4), nl4Settings(16));
        QCOMPARE(full.bitsPerWeight(), 4.4375);
        QCOMPARE(quantizeMatrix(test::heavyTailed(2, 4096, 4), nl4Settings(32)).bitsPerWeight(), 4.25);
    }

    void settingsAreValidatedWithClearMessages()
    {
        QCOMPARE(methodName(QuantMethod::Nl4), std::string_view("nl4"));
        QCOMPARE(methodFromName("nl4"), std::optional<QuantMethod>(QuantMethod::Nl4));
        const Matrix w = test::heavyTailed(2, 64, 1);
        auto expectError = [&](QuantSettings s, const char* field) {
            try {
                quantizeMatrix(w, s);
                QFAIL("no error");
            } catch (const InvalidArgument& e) {
                QVERIFY2(std::string(e.what()).find(field) != std::string::npos, e.what());
                QVERIFY2(std::string(e.what()).find("nl4") != std::string::npos, e.what());
            }
        };
        auto s = nl4Settings();
        s.bits = 3;
        expectError(s, "bits");
        s = nl4Settings();
        s.granularity = Granularity::PerChannel;
        expectError(s, "granularity");
        expectError(nl4Settings(48), "groupSize");
        expectError(nl4Settings(512), "groupSize");
        s = nl4Settings();
        s.scheme = Scheme::Asymmetric;
        expectError(s, "scheme");
        Matrix huge(1, 16);
        huge.values.assign(16, 3e9f);  // its super-scale exceeds fp16
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, quantizeMatrix(huge, nl4Settings()));
        s = nl4Settings();
        s.sigma = 3.0;  // ignored: nl4 keeps no outliers
        QVERIFY(quantizeMatrix(w, s).outlierIndex.empty());
    }

    void thresholdExplorerIgnoresTheMethod()
    {
        // The GUI builds the explorer from the chosen settings and sweeps bits 2..8: with nl4
        // chosen that must not throw (the explorer models the uniform grid).
        const Matrix w = test::heavyTailed(8, 256, 6);
        const ThresholdExplorer ex(w, nl4Settings(16));
        for (int bits = 2; bits <= 8; ++bits) QVERIFY(ex.query(3.0, bits).relErr > 0);
    }

    void sameBytesAtAnyThreadCount()
    {
        const Matrix w = test::heavyTailed(97, 1000, 8);
        QuantizedTensor one;
        {
            tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
            one = quantizeMatrix(w, nl4Settings());
        }
        const auto many = quantizeMatrix(w, nl4Settings());
        QCOMPARE(many.codes, one.codes);
        QCOMPARE(many.superScales, one.superScales);
        QCOMPARE(std::memcmp(many.scales.data(), one.scales.data(), one.scales.size() * 4), 0);
    }

    void cancelStops()
    {
        const Matrix w = test::heavyTailed(400, 256, 2);
        QVERIFY_THROWS_EXCEPTION(
            Cancelled, quantizeMatrix(w, nl4Settings(), [](double, std::string_view) { return false; }));
    }

    void packageRoundTripIsByteIdentical()
    {
        QTemporaryDir tmp;
        const auto path = std::filesystem::path(tmp.path().toStdString()) / "nl4.qs.h5";
        const Matrix w = test::heavyTailed(6, 600, 12);
        const auto q = quantizeMatrix(w, nl4Settings(16));
        const TensorInfo info = linearWeight("layers.0.feed_forward.w1.weight", 6, 600);
        {
            PackageWriter writer(path);
            writer.setProvenance(
                {"src.safetensors", std::string(64, 'b'), "safetensors", R"({"method":"nl4"})", ""});
            const auto m = measure(w, q);
            writer.addQuantized(info, q, m);
            // codes 4 bits + 16 levels x 4 B + 18 super-scales x 2 B + 228 6-bit codes
            QCOMPARE(writer.payloadBytes(), std::uint64_t(1800 + 64 + 36 + 171));
            writer.commit({3600, 3600, m.bpw, 14400, writer.payloadBytes()});
        }
        const auto back = readPackagedTensor(path, info.name);
        QCOMPARE(back.codes, q.codes);
        QCOMPARE(back.levels, q.levels);
        QCOMPARE(back.superBlock, q.superBlock);
        QCOMPARE(back.superScales, q.superScales);
        QCOMPARE(std::memcmp(back.scales.data(), q.scales.data(), q.scales.size() * 4), 0);
        QCOMPARE(back.bitsPerWeight(), q.bitsPerWeight());
        const auto expected = q.dequantize();
        const auto got = openCheckpoint(path)->readMatrix(0);
        QCOMPARE(std::memcmp(got.values.data(), expected.values.data(), expected.values.size() * 4), 0);

        // A scale that is not its super-scale times a 6-bit code cannot be written as nl4.
        auto bad = q;
        bad.scales[5] = std::nextafter(bad.scales[5], 1.0f);
        PackageWriter refused(std::filesystem::path(tmp.path().toStdString()) / "bad.qs.h5");
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, refused.addQuantized(info, bad, measure(w, bad)));
        // A truncated nl4 package is refused with an error, never a crash.
        std::ifstream in(path, std::ios::binary);
        const std::string bytes{std::istreambuf_iterator<char>(in), {}};
        const auto cut = std::filesystem::path(tmp.path().toStdString()) / "cut.qs.h5";
        std::ofstream(cut, std::ios::binary)
            .write(bytes.data(), static_cast<std::streamsize>(bytes.size() - 200));
        QVERIFY_THROWS_EXCEPTION(Error, openCheckpoint(cut)->readMatrix(0));
    }

    void packageFormatVersionNamesTheNl4Encoding()
    {
        // A package holding an nl4 tensor is format version 2, any other stays 1 (version-1
        // readers open it); a version this reader does not know is refused by number.
        QTemporaryDir tmp;
        const Matrix w = test::heavyTailed(4, 256, 5);
        const TensorInfo info = linearWeight("layers.0.attention.wq.weight", 4, 256);
        auto write = [&](const char* name, const QuantSettings& s) {
            const auto path = std::filesystem::path(tmp.path().toStdString()) / name;
            const auto q = quantizeMatrix(w, s);
            PackageWriter writer(path);
            writer.setProvenance({"src.safetensors", std::string(64, 'c'), "safetensors", "{}", ""});
            const auto m = measure(w, q);
            writer.addQuantized(info, q, m);
            writer.commit({1024, 1024, m.bpw, 4096, writer.payloadBytes()});
            return path;
        };
        auto version = [](const std::filesystem::path& path, std::int64_t* set = nullptr) {
            const hid_t f = H5Fopen(path.c_str(), set ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT);
            const hid_t a = H5Aopen(f, "format_version", H5P_DEFAULT);
            std::int64_t v = -1;
            if (set) H5Awrite(a, H5T_NATIVE_INT64, set);
            H5Aread(a, H5T_NATIVE_INT64, &v);
            H5Aclose(a);
            H5Fclose(f);
            return v;
        };
        QuantSettings rtn;
        rtn.method = QuantMethod::Rtn;
        const auto uniform = write("uniform.qs.h5", rtn);
        const auto nl4 = write("nl4.qs.h5", nl4Settings(16));
        QCOMPARE(version(uniform), std::int64_t(1));
        QCOMPARE(version(nl4), std::int64_t(2));
        QCOMPARE(openCheckpoint(nl4)->readMatrix(0).values.size(), std::size_t(1024));
        std::int64_t future = 3;
        QCOMPARE(version(nl4, &future), std::int64_t(3));
        try {
            openCheckpoint(nl4);
            QFAIL("a version-3 package was opened");
        } catch (const UnsupportedError& e) {
            QVERIFY2(std::string(e.what()).find("version 3") != std::string::npos, e.what());
        }
    }

    void iq4xsPackingIsLosslessOnStoriesWeights()
    {
        // stories260K's embedding (512 x 64) read as 128 rows of 256: real weights in rows of
        // whole super-blocks. The IQ4_XS blocks must decode to dequantize() bit for bit.
        QS_REQUIRE_DATA(model, "llm/stories260K.bin");
        const auto ckpt = openCheckpoint(model);
        Matrix w = ckpt->readMatrix(*ckpt->find("tok_embeddings.weight"));
        QCOMPARE(w.values.size(), std::size_t(512 * 64));
        w.rows = 128;
        w.cols = 256;
        const auto q = quantizeMatrix(w, nl4Settings(32));
        QCOMPARE(ggml::iq4xsMismatch(q), std::string());
        const auto bytes = ggml::packIq4Xs(q, "tok_embeddings.weight");
        QCOMPARE(bytes.size(), std::size_t(128 * 136));
        Matrix decoded(w.rows, w.cols);
        ggml::dequantizeBlocks(DType::IQ4_XS, bytes.data(), decoded.values.data(), 128);
        const Matrix expected = q.dequantize();
        QCOMPARE(std::memcmp(decoded.values.data(), expected.values.data(), expected.values.size() * 4), 0);
        // d is copied, not recomputed: the first block starts with row 0's fp16 super-scale.
        std::uint16_t d0;
        std::memcpy(&d0, bytes.data(), 2);
        QCOMPARE(d0, q.superScales[0]);
    }

    void iq4xsRefusesWhatItCannotHoldExactly()
    {
        const Matrix w = test::heavyTailed(3, 512, 8);
        const auto g16 = quantizeMatrix(w, nl4Settings(16));
        QVERIFY(ggml::iq4xsMismatch(g16).find("--group 32") != std::string::npos);
        const auto shortTail = quantizeMatrix(test::heavyTailed(3, 300, 8), nl4Settings(32));
        QVERIFY(ggml::iq4xsMismatch(shortTail).find("256-value super-blocks") != std::string::npos);
        QuantSettings rtn;
        rtn.method = QuantMethod::Rtn;
        rtn.granularity = Granularity::PerGroup;
        rtn.groupSize = 32;
        QVERIFY(ggml::iq4xsMismatch(quantizeMatrix(w, rtn)).find("not an nl4 tensor") != std::string::npos);
        try {
            (void)ggml::packIq4Xs(shortTail, "layers.0.feed_forward.w2.weight");
            QFAIL("a tensor with a short super-block was packed");
        } catch (const InvalidArgument& e) {
            QVERIFY2(std::string(e.what()).find("layers.0.feed_forward.w2.weight") != std::string::npos, e.what());
        }
        // A scale that is not d * l would change a value: refused, never rounded.
        auto bad = quantizeMatrix(w, nl4Settings(32));
        bad.scales[3] = std::nextafter(bad.scales[3], 1.0f);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, ggml::packIq4Xs(bad, "t"));
        // d = 0 with a negative code: the products are -0, and the code that keeps the sign is found.
        auto zero = quantizeMatrix(Matrix(1, 256), nl4Settings(32));
        QCOMPARE(zero.superScales[0], std::uint16_t(0));
        zero.scales[2] = -0.0f;
        zero.codes[64] = 9;  // level 13: -0 * 13 = -0
        const auto zeroBytes = ggml::packIq4Xs(zero, "zero");
        float got[256];
        ggml::dequantizeBlocks(DType::IQ4_XS, zeroBytes.data(), got, 1);
        const Matrix want = zero.dequantize();
        QCOMPARE(std::memcmp(got, want.values.data(), sizeof got), 0);
        QVERIFY(std::signbit(got[64]));
    }

    void beatsQ4KAtFewerBitsOnHeavyTails()
    {
        // Issue 11's equal-bits target on a seeded Student-t(4) sample (256 x 4096).
        const Matrix w = test::heavyTailed(256, 4096, 2024);
        const auto q = quantizeMatrix(w, nl4Settings(16));
        const TensorMetrics mine = measure(w, q);
        const auto& tr = traits(DType::Q4_K);
        const std::size_t blocks = w.values.size() / tr.blockElements;
        std::vector<std::byte> packed(blocks * tr.blockBytes);
        ggml::quantizeBlocks(DType::Q4_K, w.values.data(), packed.data(), blocks);
        Matrix d(w.rows, w.cols);
        ggml::dequantizeBlocks(DType::Q4_K, packed.data(), d.values.data(), blocks);
        const TensorMetrics q4k = compareMatrices(w, d);
        const double q4kBpw = 8.0 * double(tr.blockBytes) / double(tr.blockElements);
        qInfo("nl4 rel_err %.5f at %.4f bpw; Q4_K %.5f at %.4f bpw", mine.relErr, mine.bpw, q4k.relErr,
              q4kBpw);
        QVERIFY(mine.bpw <= 4.5);
        QVERIFY(mine.bpw <= q4kBpw);
        QVERIFY(mine.relErr < q4k.relErr);
        QVERIFY(mine.relErr < 0.95 * q4k.relErr);  // a clear margin, not a coin flip
    }
};

QTEST_APPLESS_MAIN(TestNl4)
#include "test_nl4.moc"
