// ggml blocks: each dequantizer against hand-computed blocks, the reference quantizers against
// bytes derived by hand from ggml's formulas, and quantize -> dequantize error bounds.
#include "quantscope/error.h"
#include "quantscope/tensor/dtype.h"
#include "tensor/ggml_blocks.h"

#include <QTest>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

using namespace qs;
using Bytes = std::vector<std::byte>;

namespace {

void putHalf(Bytes& b, std::size_t at, float v)
{
    const std::uint16_t h = floatToHalf(v);
    std::memcpy(b.data() + at, &h, 2);
}
void putByte(Bytes& b, std::size_t at, unsigned v) { b[at] = static_cast<std::byte>(v & 0xFF); }
unsigned byteAt(const Bytes& b, std::size_t at) { return static_cast<unsigned>(b[at]); }

std::vector<float> decode(DType t, const Bytes& b)
{
    const auto& tr = traits(t);
    std::vector<float> out(b.size() / tr.blockBytes * tr.blockElements);
    ggml::dequantizeBlocks(t, b.data(), out.data(), b.size() / tr.blockBytes);
    return out;
}

Bytes encode(DType t, const std::vector<float>& x)
{
    const auto& tr = traits(t);
    Bytes b(x.size() / tr.blockElements * tr.blockBytes);
    ggml::quantizeBlocks(t, x.data(), b.data(), x.size() / tr.blockElements);
    return b;
}

std::vector<float> gaussian(std::size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    std::vector<float> v(n);
    for (auto& x : v) x = nd(rng);
    v[7] = 6.5f;  // an outlier, as real weights have
    return v;
}

// Packs 8 six-bit scales and mins the way quantize_row_q4_K_ref does.
void packScalesK4(Bytes& b, std::size_t at, const int* sc, const int* m)
{
    std::uint8_t s[12] = {};
    for (int j = 0; j < 8; ++j) {
        if (j < 4) {
            s[j] = static_cast<std::uint8_t>(sc[j]);
            s[j + 4] = static_cast<std::uint8_t>(m[j]);
        } else {
            s[j + 4] = static_cast<std::uint8_t>((sc[j] & 0xF) | ((m[j] & 0xF) << 4));
            s[j - 4] |= static_cast<std::uint8_t>((sc[j] >> 4) << 6);
            s[j] |= static_cast<std::uint8_t>((m[j] >> 4) << 6);
        }
    }
    std::memcpy(b.data() + at, s, 12);
}

// block_iq4_xs, written from ggml-common.h's struct and dequantize_row_iq4_xs's formula, not from
// the project's code: { f16 d; u16 scales_h; u8 scales_l[4]; u8 qs[128]; }.
constexpr int kIq4nl[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

/// One 136-byte block: ls[8] are the unsigned 6-bit sub-block scales, nib[256] the indices.
Bytes iq4xsBlock(float d, const int* ls, const int* nib)
{
    Bytes b(136);
    putHalf(b, 0, d);
    unsigned scalesH = 0;
    for (int ib = 0; ib < 8; ++ib) {
        scalesH |= static_cast<unsigned>(ls[ib] >> 4) << (2 * ib);
        putByte(b, 4 + static_cast<std::size_t>(ib / 2), byteAt(b, 4 + static_cast<std::size_t>(ib / 2)) |
                                                         (static_cast<unsigned>(ls[ib] & 0xF) << (4 * (ib % 2))));
        for (int j = 0; j < 16; ++j)
            putByte(b, 8 + static_cast<std::size_t>(16 * ib + j),
                    static_cast<unsigned>(nib[32 * ib + j] | (nib[32 * ib + j + 16] << 4)));
    }
    putByte(b, 2, scalesH);
    putByte(b, 3, scalesH >> 8);
    return b;
}

/// Value e of a block, read back from the bytes with the struct description's formula.
float iq4xsReference(const Bytes& b, std::size_t at, int e)
{
    std::uint16_t h;
    std::memcpy(&h, b.data() + at, 2);
    const unsigned scalesH = byteAt(b, at + 2) | (byteAt(b, at + 3) << 8);
    const int ib = e / 32, j = e % 32;
    const int ls = static_cast<int>(((byteAt(b, at + 4 + static_cast<std::size_t>(ib / 2)) >> (4 * (ib % 2))) & 0xF) |
                                    (((scalesH >> (2 * ib)) & 3) << 4));
    const unsigned q = byteAt(b, at + 8 + static_cast<std::size_t>(16 * ib + j % 16));
    const unsigned nibble = j < 16 ? q & 0xF : q >> 4;
    return halfToFloat(h) * static_cast<float>(ls - 32) * static_cast<float>(kIq4nl[nibble]);
}

}  // namespace

class TestGgmlBlocks : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void q4_0ByHand()
    {
        Bytes b(18);
        putHalf(b, 0, 0.5f);
        for (unsigned j = 0; j < 16; ++j) putByte(b, 2 + j, j | ((15 - j) << 4));
        const auto y = decode(DType::Q4_0, b);
        for (int j = 0; j < 16; ++j) {
            QCOMPARE(y[static_cast<std::size_t>(j)], (j - 8) * 0.5f);
            QCOMPARE(y[static_cast<std::size_t>(j + 16)], (15 - j - 8) * 0.5f);
        }
    }

    void q4_1ByHand()
    {
        Bytes b(20);
        putHalf(b, 0, 0.25f);
        putHalf(b, 2, -1.0f);
        for (unsigned j = 0; j < 16; ++j) putByte(b, 4 + j, j | ((15 - j) << 4));
        const auto y = decode(DType::Q4_1, b);
        for (int j = 0; j < 16; ++j) {
            QCOMPARE(y[static_cast<std::size_t>(j)], j * 0.25f - 1.0f);
            QCOMPARE(y[static_cast<std::size_t>(j + 16)], (15 - j) * 0.25f - 1.0f);
        }
    }

    void q5_0ByHand()
    {
        // qh bit j is the 5th bit of element j: elements 0..15 get it, 16..31 do not.
        Bytes b(22);
        putHalf(b, 0, 1.0f);
        putByte(b, 2, 0xFF);
        putByte(b, 3, 0xFF);
        for (unsigned j = 0; j < 16; ++j) putByte(b, 6 + j, j | ((15 - j) << 4));
        const auto y = decode(DType::Q5_0, b);
        for (int j = 0; j < 16; ++j) {
            QCOMPARE(y[static_cast<std::size_t>(j)], static_cast<float>((j | 16) - 16));
            QCOMPARE(y[static_cast<std::size_t>(j + 16)], static_cast<float>((15 - j) - 16));
        }
        // Only bit 31 set: element 31 gets the high bit.
        Bytes c(22);
        putHalf(c, 0, 2.0f);
        putByte(c, 5, 0x80);
        const auto z = decode(DType::Q5_0, c);
        QCOMPARE(z[31], 0.0f);  // (0 | 16) - 16
        QCOMPARE(z[30], -32.0f);
    }

    void q5_1ByHand()
    {
        Bytes b(24);
        putHalf(b, 0, 0.5f);
        putHalf(b, 2, 3.0f);
        putByte(b, 6, 0x01);  // bit 16: element 16's high bit
        for (unsigned j = 0; j < 16; ++j) putByte(b, 8 + j, j | (j << 4));
        const auto y = decode(DType::Q5_1, b);
        for (int j = 0; j < 16; ++j) QCOMPARE(y[static_cast<std::size_t>(j)], j * 0.5f + 3.0f);
        QCOMPARE(y[16], 16 * 0.5f + 3.0f);
        QCOMPARE(y[17], 1 * 0.5f + 3.0f);
    }

    void q8_0ByHand()
    {
        Bytes b(34);
        putHalf(b, 0, 2.0f);
        for (int j = 0; j < 32; ++j) b[2 + static_cast<std::size_t>(j)] = static_cast<std::byte>(static_cast<std::int8_t>(j * 8 - 128));
        const auto y = decode(DType::Q8_0, b);
        for (int j = 0; j < 32; ++j) QCOMPARE(y[static_cast<std::size_t>(j)], (j * 8 - 128) * 2.0f);
    }

    void q4_KScalePackingRoundTrips()
    {
        std::mt19937 rng(5);
        for (int rep = 0; rep < 100; ++rep) {
            int sc[8], m[8];
            for (int j = 0; j < 8; ++j) {
                sc[j] = static_cast<int>(rng() % 64);
                m[j] = static_cast<int>(rng() % 64);
            }
            Bytes b(12);
            packScalesK4(b, 0, sc, m);
            for (int j = 0; j < 8; ++j) {
                std::uint8_t d, mm;
                ggml::scaleMinK4(j, reinterpret_cast<const std::uint8_t*>(b.data()), d, mm);
                QCOMPARE(int(d), sc[j]);
                QCOMPARE(int(mm), m[j]);
            }
        }
    }

    void q4_KByHand()
    {
        Bytes b(144);
        putHalf(b, 0, 0.5f);   // d
        putHalf(b, 2, 0.25f);  // dmin
        int sc[8], m[8];
        for (int j = 0; j < 8; ++j) {
            sc[j] = 40 + j;  // > 15: exercises the high bits
            m[j] = 63 - j;
        }
        packScalesK4(b, 4, sc, m);
        for (unsigned l = 0; l < 128; ++l) putByte(b, 16 + l, (l % 16) | ((15 - l % 16) << 4));
        const auto y = decode(DType::Q4_K, b);
        for (int c = 0; c < 4; ++c)
            for (int l = 0; l < 32; ++l) {
                const int lo = l % 16, hi = 15 - l % 16;
                const float e1 = 0.5f * static_cast<float>(sc[2 * c]) * static_cast<float>(lo) - 0.25f * static_cast<float>(m[2 * c]);
                const float e2 =
                    0.5f * static_cast<float>(sc[2 * c + 1]) * static_cast<float>(hi) - 0.25f * static_cast<float>(m[2 * c + 1]);
                QCOMPARE(y[static_cast<std::size_t>(64 * c + l)], e1);
                QCOMPARE(y[static_cast<std::size_t>(64 * c + 32 + l)], e2);
            }
    }

    void q6_KByHand()
    {
        // Codes L[e] = (7e) mod 64 packed as quantize_row_q6_K_ref packs them; scale of element
        // e is scales[e / 16].
        int L[256];
        for (int e = 0; e < 256; ++e) L[e] = (7 * e) % 64;
        Bytes b(210);
        for (int n = 0; n < 2; ++n) {
            const int j = 128 * n;
            for (int l = 0; l < 32; ++l) {
                putByte(b, static_cast<std::size_t>(64 * n + l), static_cast<unsigned>((L[j + l] & 0xF) | ((L[j + l + 64] & 0xF) << 4)));
                putByte(b, static_cast<std::size_t>(64 * n + l + 32),
                        static_cast<unsigned>((L[j + l + 32] & 0xF) | ((L[j + l + 96] & 0xF) << 4)));
                putByte(b, static_cast<std::size_t>(128 + 32 * n + l),
                        static_cast<unsigned>((L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2) | ((L[j + l + 64] >> 4) << 4) |
                                              ((L[j + l + 96] >> 4) << 6)));
            }
        }
        for (int i = 0; i < 16; ++i) b[192 + static_cast<std::size_t>(i)] = static_cast<std::byte>(static_cast<std::int8_t>(i * 9 - 70));
        putHalf(b, 208, 0.125f);
        const auto y = decode(DType::Q6_K, b);
        for (int e = 0; e < 256; ++e)
            QCOMPARE(y[static_cast<std::size_t>(e)], 0.125f * static_cast<float>((e / 16) * 9 - 70) * static_cast<float>(L[e] - 32));
    }

    void iq4_XSByHand()
    {
        // Three blocks: scales at both ends of the 6-bit range (ls 0 and 63) and across the
        // scales_l/scales_h split, every nibble in each half of every sub-block (j*7 mod 16 runs
        // through all 16 for j < 16), a negative d, and d = 0 with negative sub-scales (products are -0, as
        // in ggml: bits are compared, not values).
        const int ls[3][8] = {{0, 63, 32, 1, 31, 33, 47, 16}, {16, 47, 33, 31, 1, 32, 63, 0}, {5, 0, 31, 32, 40, 63, 2, 9}};
        const float d[3] = {0.375f, -1.5f, 0.0f};
        Bytes b;
        std::vector<float> expected;
        for (int k = 0; k < 3; ++k) {
            int nib[256];
            // The high-nibble half is shifted by 5, so a swap of the two halves changes values.
            for (int e = 0; e < 256; ++e) nib[e] = ((e % 32) * 7 + (e % 32 >= 16 ? 5 : 0) + e / 32 + k) % 16;
            const Bytes block = iq4xsBlock(d[k], ls[k], nib);
            b.insert(b.end(), block.begin(), block.end());
            for (int e = 0; e < 256; ++e)
                expected.push_back(halfToFloat(floatToHalf(d[k])) * static_cast<float>(ls[k][e / 32] - 32) *
                                   static_cast<float>(kIq4nl[nib[e]]));
        }
        QCOMPARE(b.size(), std::size_t(3 * 136));
        QCOMPARE(traits(DType::IQ4_XS).blockBytes, 136u);
        QCOMPARE(traits(DType::IQ4_XS).blockElements, 256u);
        // The packing itself, spelled out for block 0: ls 0, 63 -> scales_l[0] = 0xF0, ls 32, 1 ->
        // 0x10; scales_h holds ls >> 4 = 1, 2, 2, 1, 0, 2, 3, 0 of sub-blocks 7..0, two bits each.
        QCOMPARE(byteAt(b, 4), 0xF0u);
        QCOMPARE(byteAt(b, 5), 0x10u);
        QCOMPARE(byteAt(b, 2) | (byteAt(b, 3) << 8), 0b0110100100101100u);
        const auto y = decode(DType::IQ4_XS, b);
        std::vector<float> viaTable(y.size());
        decodeToFloat(DType::IQ4_XS, b.data(), viaTable.data(), viaTable.size());
        for (std::size_t i = 0; i < y.size(); ++i) {
            const float ref = iq4xsReference(b, 136 * (i / 256), static_cast<int>(i % 256));
            QCOMPARE(std::bit_cast<std::uint32_t>(ref), std::bit_cast<std::uint32_t>(expected[i]));
            QVERIFY2(std::bit_cast<std::uint32_t>(y[i]) == std::bit_cast<std::uint32_t>(ref),
                     qPrintable(QStringLiteral("value %1: %2 != %3").arg(i).arg(y[i]).arg(ref)));
            QCOMPARE(std::bit_cast<std::uint32_t>(viaTable[i]), std::bit_cast<std::uint32_t>(y[i]));
        }
        // d = 0, ls 5: dl = -0, times K = 13 (nibble 9) is -0.
        QVERIFY(std::signbit(y[513]) && y[513] == 0.0f);
    }

    void q8_0QuantizerIsBitExact()
    {
        // x = j - 16: amax 16, d = 16/127 -> f16 0x3008, id = 127/16 = 7.9375, q = roundf(x * id).
        std::vector<float> x(32);
        for (int j = 0; j < 32; ++j) x[static_cast<std::size_t>(j)] = static_cast<float>(j - 16);
        const Bytes b = encode(DType::Q8_0, x);
        QCOMPARE(byteAt(b, 0) | (byteAt(b, 1) << 8), 0x3008u);
        const int expect[] = {-127, -119, -111, -103, -95, -87, -79, -71, -64, -56, -48, -40, -32, -24, -16, -8,
                              0,    8,    16,   24,   32,   40,   48,   56,  64,  71,  79,  87,  95,  103, 111, 119};
        for (int j = 0; j < 32; ++j) QCOMPARE(int(static_cast<std::int8_t>(b[2 + static_cast<std::size_t>(j)])), expect[j]);
    }

    void q4_0QuantizerIsBitExact()
    {
        // x = j - 16: the largest |x| is -16, d = -16 / -8 = 2, id = 0.5,
        // q = min(15, (int8)(x * 0.5 + 8.5)); low nibble element j, high nibble element j + 16.
        std::vector<float> x(32);
        for (int j = 0; j < 32; ++j) x[static_cast<std::size_t>(j)] = static_cast<float>(j - 16);
        const Bytes b = encode(DType::Q4_0, x);
        QCOMPARE(byteAt(b, 0) | (byteAt(b, 1) << 8), 0x4000u);  // f16 2.0
        for (unsigned j = 0; j < 16; ++j) {
            const unsigned lo = (j + 1) / 2;                    // trunc(j/2 + 0.5)
            const unsigned hi = std::min(15u, 8 + (j + 1) / 2);  // trunc(j/2 + 8.5)
            QCOMPARE(byteAt(b, 2 + j), lo | (hi << 4));
        }
    }

    void q4_KQuantizerIsBitExactOnAGrid()
    {
        // Every sub-block holds x = k * 63/64 for k = i mod 16: make_qkx2_quants finds the exact
        // grid (error 0, nothing beats it), every scale is the maximum (63), every min 0,
        // d = f16(1/64) = 0x2400, dmin = 0, and the codes are k.
        std::vector<float> x(256);
        for (int i = 0; i < 256; ++i) x[static_cast<std::size_t>(i)] = static_cast<float>(i % 16) * (63.0f / 64.0f);
        const Bytes b = encode(DType::Q4_K, x);
        QCOMPARE(byteAt(b, 0) | (byteAt(b, 1) << 8), 0x2400u);
        QCOMPARE(byteAt(b, 2) | (byteAt(b, 3) << 8), 0u);
        const unsigned scales[12] = {0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0x0F, 0x0F, 0x0F, 0x0F};
        for (int k = 0; k < 12; ++k) QCOMPARE(byteAt(b, 4 + static_cast<std::size_t>(k)), scales[k]);
        for (unsigned l = 0; l < 128; ++l) QCOMPARE(byteAt(b, 16 + l), (l % 16) | ((l % 16) << 4));
        QCOMPARE(decode(DType::Q4_K, b), x);
    }

    void roundTripsStayWithinBounds()
    {
        const auto x = gaussian(256 * 16, 11);
        // Q8_0: |error| <= d/2 plus the f16 rounding of d times |q| <= 127.
        const auto y8 = decode(DType::Q8_0, encode(DType::Q8_0, x));
        // Q4_0: |error| <= |d| (half a step, or one step where the top code is clamped to 15).
        const auto y4 = decode(DType::Q4_0, encode(DType::Q4_0, x));
        for (std::size_t blk = 0; blk < x.size() / 32; ++blk) {
            float amax = 0;
            for (std::size_t j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[blk * 32 + j]));
            const float d8 = amax / 127, d4 = amax / 8;
            for (std::size_t j = 0; j < 32; ++j) {
                const std::size_t i = blk * 32 + j;
                QVERIFY(std::fabs(y8[i] - x[i]) <= d8 * 0.5f + 127 * d8 * 0x1p-11f + 1e-6f);
                QVERIFY(std::fabs(y4[i] - x[i]) <= d4 * (1.0f + 0x1p-10f) + 1e-6f);
            }
        }
        // Q4_K: every sub-block of 32 is within one quantization step of its range, and the
        // overall error is that of a good 4.5-bit format (relative RMSE well under 10 %).
        const auto yk = decode(DType::Q4_K, encode(DType::Q4_K, x));
        double se = 0, sx = 0, se4 = 0;
        for (std::size_t sb = 0; sb < x.size() / 32; ++sb) {
            float lo = 0, hi = 0;
            for (std::size_t j = 0; j < 32; ++j) {
                lo = std::min(lo, x[sb * 32 + j]);
                hi = std::max(hi, x[sb * 32 + j]);
            }
            for (std::size_t j = 0; j < 32; ++j) {
                const std::size_t i = sb * 32 + j;
                QVERIFY2(std::fabs(yk[i] - x[i]) <= (hi - lo) / 15 * 1.5f, qPrintable(QString::number(i)));
                se += double(yk[i] - x[i]) * (yk[i] - x[i]);
                se4 += double(y4[i] - x[i]) * (y4[i] - x[i]);
                sx += double(x[i]) * x[i];
            }
        }
        QVERIFY(std::sqrt(se / sx) < 0.10);
        QVERIFY(se < se4);  // the k-quant beats Q4_0 on the same data
    }

    void quantizersHandleZerosAndNonFinite()
    {
        std::vector<float> zeros(256, 0.0f);
        for (DType t : {DType::Q8_0, DType::Q4_0, DType::Q4_K}) QCOMPARE(decode(t, encode(t, zeros)), zeros);
        std::vector<float> bad(256, std::numeric_limits<float>::quiet_NaN());
        bad[3] = std::numeric_limits<float>::infinity();
        for (DType t : {DType::Q8_0, DType::Q4_0, DType::Q4_K}) (void)encode(t, bad);  // no UB (checked under UBSan)
        QVERIFY_THROWS_EXCEPTION(UnsupportedError, encode(DType::Q6_K, zeros));
    }
};

QTEST_APPLESS_MAIN(TestGgmlBlocks)
#include "test_ggml_blocks.moc"
