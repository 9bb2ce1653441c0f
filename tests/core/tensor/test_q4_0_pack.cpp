// Uniform results written as Q4_0 without re-quantizing (tensor/ggml_q4_0_pack.h): the blocks
// must decode — through the same Q4_0 decoder the GGUF reader uses, which follows ggml's
// dequantize_row_q4_0 — to QuantizedTensor::dequantize() bit for bit, for every symmetric grid
// of at most 4 bits whose scale units cover whole 32-value blocks; everything else is refused.
#include "quantscope/quant/quantize.h"
#include "quantscope/tensor/dtype.h"
#include "tensor/ggml_q4_0_pack.h"
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
    s.sigma = 0;  // outliers have no place in a Q4_0 block
    return s;
}

}  // namespace

class TestQ4_0Pack : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void decodesToTheQuantizedValuesExactly()
    {
        const Matrix w = heavyTailed(24, 128, 3);
        int packed = 0;
        for (auto method : {QuantMethod::Rtn, QuantMethod::RtnMse, QuantMethod::EasyQuant})
            for (int bits : {2, 3, 4})
                for (auto range : {IntRange::Restricted, IntRange::Full, IntRange::EasyQuantLiteral})
                    for (auto g : {Granularity::PerTensor, Granularity::PerChannel, Granularity::PerGroup}) {
                        const auto q = quantizeMatrix(w, settings(method, bits, range, g, g == Granularity::PerGroup ? 64 : 32));
                        const auto bytes = ggml::packQ4_0Exactly(q);
                        QVERIFY2(bytes.has_value(), qPrintable(QString("method %1 bits %2 range %3 granularity %4")
                                                                   .arg(int(method)).arg(bits).arg(int(range)).arg(int(g))));
                        QCOMPARE(bytes->size(), std::size_t(24 * 128 / 32 * 18));
                        std::vector<float> decoded(w.values.size());
                        decodeToFloat(DType::Q4_0, bytes->data(), decoded.data(), decoded.size());
                        const auto expected = q.dequantize().values;
                        // Equal as numbers; bit for bit except that a zero code under a negative d
                        // (the literal grid's blocks) decodes to -0.
                        for (std::size_t i = 0; i < decoded.size(); ++i)
                            if (decoded[i] != expected[i] || (std::signbit(decoded[i]) != std::signbit(expected[i]) &&
                                                             !(range == IntRange::EasyQuantLiteral && expected[i] == 0)))
                                QFAIL(qPrintable(QString("method %1 bits %2 range %3 granularity %4: value %5 decodes to %6, not %7")
                                                     .arg(int(method)).arg(bits).arg(int(range)).arg(int(g)).arg(i)
                                                     .arg(decoded[i]).arg(expected[i])));
                        ++packed;
                    }
        QCOMPARE(packed, 81);
    }

    void theLiteralGridUsesANegativeScale()
    {
        // EasyQuant's paper-literal 4-bit grid [-7, 8] reaches +8, which Q4_0 has only as
        // (-8)·(-d): the block's d must come out negative.
        Matrix w(1, 32);
        for (int c = 0; c < 32; ++c) w.values[std::size_t(c)] = float(c - 12) / 10.0f;  // max at +1.9
        const auto q = quantizeMatrix(w, settings(QuantMethod::Rtn, 4, IntRange::EasyQuantLiteral, Granularity::PerChannel));
        const auto bytes = ggml::packQ4_0Exactly(q);
        QVERIFY(bytes.has_value());
        std::uint16_t d;
        std::memcpy(&d, bytes->data(), 2);
        QVERIFY(halfToFloat(d) < 0);
        std::vector<float> decoded(32);
        decodeToFloat(DType::Q4_0, bytes->data(), decoded.data(), 32);
        QVERIFY(decoded == q.dequantize().values);
    }

    void refusesWhatQ4_0CannotHold()
    {
        const Matrix w = heavyTailed(4, 96, 5);
        QVERIFY(ggml::packQ4_0Exactly(quantizeMatrix(w, settings(QuantMethod::Rtn, 4, IntRange::Full, Granularity::PerChannel))));
        // more than 4 bits, a zero point, a group that splits blocks, outliers beside the codes
        QVERIFY(!ggml::packQ4_0Exactly(quantizeMatrix(w, settings(QuantMethod::Rtn, 8, IntRange::Full, Granularity::PerChannel))));
        auto asym = settings(QuantMethod::Rtn, 4, IntRange::Full, Granularity::PerChannel);
        asym.scheme = Scheme::Asymmetric;
        QVERIFY(!ggml::packQ4_0Exactly(quantizeMatrix(w, asym)));
        QVERIFY(!ggml::packQ4_0Exactly(quantizeMatrix(w, settings(QuantMethod::Rtn, 4, IntRange::Full, Granularity::PerGroup, 48))));
        auto outliers = settings(QuantMethod::EasyQuant, 4, IntRange::Full, Granularity::PerChannel);
        outliers.sigma = 2;
        const auto withOutliers = quantizeMatrix(w, outliers);
        QVERIFY(!withOutliers.outlierIndex.empty());
        QVERIFY(!ggml::packQ4_0Exactly(withOutliers));
        // rows that are not whole blocks; a scale that is not an fp16 value
        QVERIFY(!ggml::packQ4_0Exactly(quantizeMatrix(heavyTailed(2, 40, 6), settings(QuantMethod::Rtn, 4, IntRange::Full, Granularity::PerChannel))));
        auto fp32Scales = settings(QuantMethod::Rtn, 4, IntRange::Full, Granularity::PerChannel);
        fp32Scales.fp16Scales = false;
        QVERIFY(!ggml::packQ4_0Exactly(quantizeMatrix(w, fp32Scales)));
    }
};

QTEST_APPLESS_MAIN(TestQ4_0Pack)
#include "test_q4_0_pack.moc"
