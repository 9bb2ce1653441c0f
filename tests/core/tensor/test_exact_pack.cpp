// Uniform results written as Q4_0 / Q8_0 without re-quantizing (tensor/ggml_exact_pack.h): the
// blocks must decode — through the decoders the GGUF reader uses, which follow ggml's
// dequantize_row_q4_0 / q8_0 — to QuantizedTensor::dequantize() exactly, for every symmetric
// grid the type can hold whose scale units cover whole 32-value blocks; everything else is
// refused.
#include "quantscope/quant/quantize.h"
#include "quantscope/tensor/dtype.h"
#include "tensor/ggml_exact_pack.h"
#include "../quant/quant_test_util.h"

#include <QTest>

#include <cmath>
#include <cstring>

using namespace qs;

namespace {

using test::heavyTailed;

QuantSettings settings(QuantMethod method, int bits, IntRange range, Granularity g, std::int64_t group = 32)
{
    QuantSettings s;
    s.method = method;
    s.bits = bits;
    s.intRange = range;
    s.granularity = g;
    s.groupSize = group;
    s.sigma = 0;  // outliers have no place in a block
    return s;
}

std::size_t blockBytes(DType t) { return t == DType::Q4_0 ? 18 : 34; }

}  // namespace

class TestExactPack : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void decodesToTheQuantizedValuesExactly()
    {
        const Matrix w = heavyTailed(24, 128, 3);
        int packed = 0;
        for (DType type : {DType::Q4_0, DType::Q8_0})
            for (auto method : {QuantMethod::Rtn, QuantMethod::RtnMse, QuantMethod::EasyQuant})
                for (int bits : {2, 4, 8})
                    for (auto range : {IntRange::Restricted, IntRange::Full, IntRange::EasyQuantLiteral})
                        for (auto g : {Granularity::PerTensor, Granularity::PerChannel, Granularity::PerGroup}) {
                            if (type == DType::Q4_0 && bits > 4) continue;
                            const auto q = quantizeMatrix(w, settings(method, bits, range, g, g == Granularity::PerGroup ? 64 : 32));
                            const QString what = QString("%1 method %2 bits %3 range %4 granularity %5")
                                                     .arg(dtypeName(type).data()).arg(int(method)).arg(bits).arg(int(range)).arg(int(g));
                            const auto bytes = ggml::packExactly(q, type);
                            QVERIFY2(bytes.has_value(), qPrintable(what));
                            QCOMPARE(bytes->size(), std::size_t(24 * 128 / 32) * blockBytes(type));
                            std::vector<float> decoded(w.values.size());
                            decodeToFloat(type, bytes->data(), decoded.data(), decoded.size());
                            const auto expected = q.dequantize().values;
                            // Equal as numbers; bit for bit except that a zero code under a negative d
                            // (the literal grid's blocks) decodes to -0.
                            for (std::size_t i = 0; i < decoded.size(); ++i)
                                if (decoded[i] != expected[i] || (std::signbit(decoded[i]) != std::signbit(expected[i]) &&
                                                                 !(range == IntRange::EasyQuantLiteral && expected[i] == 0)))
                                    QFAIL(qPrintable(QString("%1: value %2 decodes to %3, not %4").arg(what).arg(i)
                                                         .arg(decoded[i]).arg(expected[i])));
                            ++packed;
                        }
        QCOMPARE(packed, 54 + 81);
    }

    void theLiteralGridUsesANegativeScale()
    {
        // EasyQuant's paper-literal grids [-7, 8] and [-127, 128] reach +8 / +128, which Q4_0 /
        // Q8_0 hold only as (-8)·(-d) / (-128)·(-d): the block's d must come out negative.
        Matrix w(1, 32);
        for (int c = 0; c < 32; ++c) w.values[std::size_t(c)] = float(c - 12) / 10.0f;  // max at +1.9
        for (auto [type, bits] : {std::pair{DType::Q4_0, 4}, std::pair{DType::Q8_0, 8}}) {
            const auto q = quantizeMatrix(w, settings(QuantMethod::Rtn, bits, IntRange::EasyQuantLiteral, Granularity::PerChannel));
            const auto bytes = ggml::packExactly(q, type);
            QVERIFY(bytes.has_value());
            std::uint16_t d;
            std::memcpy(&d, bytes->data(), 2);
            QVERIFY(halfToFloat(d) < 0);
            std::vector<float> decoded(32);
            decodeToFloat(type, bytes->data(), decoded.data(), 32);
            QVERIFY(decoded == q.dequantize().values);
        }
    }

    void refusesWhatTheBlocksCannotHold()
    {
        const Matrix w = heavyTailed(4, 96, 5);
        const auto rtn4 = settings(QuantMethod::Rtn, 4, IntRange::Full, Granularity::PerChannel);
        QVERIFY(ggml::packExactly(quantizeMatrix(w, rtn4), DType::Q4_0));
        // other types, more bits than the type holds, a zero point, a group that splits blocks
        QVERIFY(!ggml::packExactly(quantizeMatrix(w, rtn4), DType::F16));
        QVERIFY(!ggml::packExactly(quantizeMatrix(w, rtn4), DType::Q4_K));
        QVERIFY(!ggml::packExactly(quantizeMatrix(w, settings(QuantMethod::Rtn, 8, IntRange::Full, Granularity::PerChannel)), DType::Q4_0));
        auto asym = rtn4;
        asym.scheme = Scheme::Asymmetric;
        QVERIFY(!ggml::packExactly(quantizeMatrix(w, asym), DType::Q4_0));
        QVERIFY(!ggml::packExactly(quantizeMatrix(w, settings(QuantMethod::Rtn, 4, IntRange::Full, Granularity::PerGroup, 48)), DType::Q8_0));
        // outliers beside the codes
        auto outliers = settings(QuantMethod::EasyQuant, 4, IntRange::Full, Granularity::PerChannel);
        outliers.sigma = 2;
        const auto withOutliers = quantizeMatrix(w, outliers);
        QVERIFY(!withOutliers.outlierIndex.empty());
        QVERIFY(!ggml::packExactly(withOutliers, DType::Q4_0));
        QVERIFY(!ggml::packExactly(withOutliers, DType::Q8_0));
        // rows that are not whole blocks; a scale that is not an fp16 value
        QVERIFY(!ggml::packExactly(quantizeMatrix(heavyTailed(2, 40, 6), rtn4), DType::Q4_0));
        auto fp32Scales = rtn4;
        fp32Scales.fp16Scales = false;
        QVERIFY(!ggml::packExactly(quantizeMatrix(w, fp32Scales), DType::Q4_0));
    }
};

QTEST_APPLESS_MAIN(TestExactPack)
#include "test_exact_pack.moc"
