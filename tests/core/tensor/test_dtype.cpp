#include "quantscope/error.h"
#include "quantscope/tensor/dtype.h"

#include <QTest>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

using namespace qs;

class TestDType : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tableIsConsistent()
    {
        for (const auto& t : dtypeTable()) {
            QCOMPARE(dtypeFromName(t.name), std::optional<DType>(t.type));
            QVERIFY(t.blockElements >= 1);
            QVERIFY(t.blockBytes >= 1);
        }
        QCOMPARE(traits(DType::Q4_K).blockBytes, 144u);
        QCOMPARE(traits(DType::Q6_K).blockBytes, 210u);
        QVERIFY(!dtypeFromName("f32").has_value());
    }

    void storageBytesChecksBlocksAndOverflow()
    {
        QCOMPARE(storageBytes(DType::F16, 10).value(), 20ull);
        QCOMPARE(storageBytes(DType::Q4_0, 64).value(), 36ull);
        QVERIFY(!storageBytes(DType::Q4_0, 33).has_value());
        QVERIFY(!storageBytes(DType::F64, std::numeric_limits<std::uint64_t>::max() / 4).has_value());
    }

    void halfRoundTripsEveryValue()
    {
        // Every finite half converts to float and back to the same bits.
        for (std::uint32_t h = 0; h < 0x10000; ++h) {
            const auto bits = static_cast<std::uint16_t>(h);
            if ((bits & 0x7C00) == 0x7C00 && (bits & 0x3FF)) continue;  // NaN payloads
            QCOMPARE(floatToHalf(halfToFloat(bits)), bits);
        }
    }

    void f16DecodeMatchesHalfToFloatBitForBit()
    {
        // decodeToFloat converts F16 runs branch-free and, above 256 Ki values, in parallel
        // chunks: every half (NaN payloads, subnormals, ±0, ±inf included), repeated so both
        // paths run, must give exactly halfToFloat's bits.
        for (const std::size_t copies : {std::size_t{1}, std::size_t{9}}) {
            std::vector<std::uint16_t> halfs(0x10000 * copies);
            for (std::size_t i = 0; i < halfs.size(); ++i) halfs[i] = static_cast<std::uint16_t>(i * 40503u);
            std::vector<float> out(halfs.size());
            decodeToFloat(DType::F16, reinterpret_cast<const std::byte*>(halfs.data()), out.data(), out.size());
            for (std::size_t i = 0; i < halfs.size(); ++i)
                if (std::bit_cast<std::uint32_t>(out[i]) != std::bit_cast<std::uint32_t>(halfToFloat(halfs[i])))
                    QFAIL(qPrintable(QStringLiteral("half 0x%1 decoded wrongly").arg(halfs[i], 4, 16, QLatin1Char('0'))));
        }
    }

    void halfRoundsToNearestEven()
    {
        QCOMPARE(halfToFloat(floatToHalf(1.0f + 0x1p-11f)), 1.0f);           // tie -> even (down)
        QCOMPARE(halfToFloat(floatToHalf(1.0f + 3 * 0x1p-11f)), 1.0f + 0x1p-9f);  // tie -> even (up)
        QCOMPARE(halfToFloat(floatToHalf(65504.0f)), 65504.0f);
        QVERIFY(std::isinf(halfToFloat(floatToHalf(65520.0f))));
        QCOMPARE(halfToFloat(floatToHalf(0x1p-24f)), 0x1p-24f);  // smallest subnormal
        QCOMPARE(halfToFloat(floatToHalf(0x1p-26f)), 0.0f);
        QVERIFY(std::isnan(halfToFloat(floatToHalf(std::numeric_limits<float>::quiet_NaN()))));
    }

    void bf16MatchesTheSpecFormula()
    {
        QCOMPARE(floatToBf16(1.0f), std::uint16_t(0x3F80));
        QCOMPARE(bf16ToFloat(0x3F80), 1.0f);
        // Round to nearest even: 1 + 2^-8 is a tie between 1 and 1 + 2^-7 -> 1.
        QCOMPARE(bf16ToFloat(floatToBf16(1.0f + 0x1p-8f)), 1.0f);
        QCOMPARE(bf16ToFloat(floatToBf16(1.0f + 0x1p-8f + 0x1p-12f)), 1.0f + 0x1p-7f);
    }

    void fp8Formats()
    {
        QCOMPARE(e4m3ToFloat(0x7E), 448.0f);  // max E4M3FN
        QVERIFY(std::isnan(e4m3ToFloat(0x7F)));
        QCOMPARE(e4m3ToFloat(0x38), 1.0f);
        QCOMPARE(e4m3ToFloat(0x01), 0x1p-9f);
        QCOMPARE(e5m2ToFloat(0x7B), 57344.0f);  // max E5M2
        QVERIFY(std::isinf(e5m2ToFloat(0x7C)));
        QCOMPARE(e5m2ToFloat(0x3C), 1.0f);
    }

    void decodePlainTypes()
    {
        const std::int16_t src[3] = {-3, 0, 7};
        float dst[3];
        decodeToFloat(DType::I16, reinterpret_cast<const std::byte*>(src), dst, 3);
        QCOMPARE(dst[0], -3.0f);
        QCOMPARE(dst[2], 7.0f);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, decodeToFloat(DType::Q8_0, reinterpret_cast<const std::byte*>(src), dst, 3));
    }
};

QTEST_APPLESS_MAIN(TestDType)
#include "test_dtype.moc"
