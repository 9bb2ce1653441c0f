// Hand-made corrupt GGUF files: each must give a FormatError naming the file, the field and the
// byte offset, before any allocation sized by the file.
#include "gguf_builder.h"

#include <QTemporaryDir>
#include <QTest>

using namespace qs;
using namespace qs::test;

namespace {

Bytes f32Data(std::size_t n)
{
    Bytes b;
    appendValues(b, std::vector<float>(n, 1.0f));
    return b;
}

GgufBuilder base()
{
    GgufBuilder g;
    g.str("general.architecture", "test");
    return g;
}

}  // namespace

class TestGgufCorrupt : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_count = 0;

    void expectRefused(const Bytes& bytes, const std::string& field, long long offset, const std::string& text)
    {
        const auto path = std::filesystem::path(m_dir.path().toStdString()) / ("corrupt" + std::to_string(++m_count) + ".gguf");
        writeBytes(path, bytes);
        const auto e = expectFormatError([&] { openCheckpoint(path); });
        QVERIFY(e.has_value());
        const std::string what = e->what();
        QVERIFY2(e->file() == path.string(), what.c_str());
        QVERIFY2(what.find(path.string()) != std::string::npos, what.c_str());
        QVERIFY2(e->field().find(field) != std::string::npos, (e->field() + " | " + what).c_str());
        QVERIFY2(what.find("at byte " + std::to_string(e->offset())) != std::string::npos, what.c_str());
        if (offset >= 0) QCOMPARE(e->offset(), static_cast<std::uint64_t>(offset));
        QVERIFY2(what.find(text) != std::string::npos, what.c_str());
    }

private Q_SLOTS:
    void wrongMagic()
    {
        auto b = base().build();
        b[0] = std::byte{'X'};
        expectRefused(b, "magic", 0, "not a GGUF file");
    }

    void truncatedHeader()
    {
        auto b = base().build();
        b.resize(6);
        expectRefused(b, "version", 4, "only 2 remain");
        b = base().build();
        b.resize(20);
        expectRefused(b, "metadata_kv_count", 16, "needs 8 bytes");
    }

    void unknownVersionAndByteOrder()
    {
        expectRefused(base().version(7).build(), "version", 4, "unsupported GGUF version 7");
        expectRefused(base().version(0x03000000).build(), "version", 4, "big-endian");
    }

    void absurdCounts()
    {
        auto b = base().build();
        const std::uint64_t huge = 1ull << 60;
        std::memcpy(b.data() + 16, &huge, 8);
        expectRefused(b, "metadata_kv_count", 16, "cannot fit");
        b = base().build();
        std::memcpy(b.data() + 8, &huge, 8);
        expectRefused(b, "tensor_count", 8, "cannot fit");
    }

    void hugeStringLengths()
    {
        Bytes key;
        appendU64(key, 1ull << 62);  // key length
        expectRefused(base().rawKV(key).build(), "metadata key", -1, "exceeds the limit");
        Bytes value;
        appendU64(value, (1ull << 62) + 3);  // string value length
        expectRefused(base().kv("x", 8, value).build(), "metadata \"x\"", -1, "runs past the end");
    }

    void nestedArrayAndHugeArray()
    {
        Bytes nested;
        appendU32(nested, 9);  // element type: array
        appendU64(nested, 1);
        expectRefused(base().kv("x", 9, nested).build(), "metadata \"x\"", -1, "nested arrays");
        Bytes huge;
        appendU32(huge, 12);  // f64
        appendU64(huge, 1ull << 61);
        expectRefused(base().kv("x", 9, huge).build(), "metadata \"x\"", -1, "does not fit");
        Bytes strings;
        appendU32(strings, 8);
        appendU64(strings, 1ull << 40);
        expectRefused(base().kv("x", 9, strings).build(), "metadata \"x\"", -1, "does not fit");
    }

    void duplicateKeys()
    {
        auto g = base();
        g.u32("a.b", 1).u32("a.b", 2);
        const auto b = g.build();
        // second KV starts after: header 24, first KV (8+20+4+8+4), "a.b" u32 KV (8+3+4+4)
        const long long second = 24 + (8 + 20 + 4 + 8 + 4) + (8 + 3 + 4 + 4);
        expectRefused(b, "metadata key \"a.b\"", second, "appears twice");
    }

    void badValueTypesAndBools()
    {
        expectRefused(base().kv("x", 13, Bytes(8)).build(), "metadata \"x\"", -1, "unknown value type 13");
        expectRefused(base().kv("x", 7, Bytes{std::byte{2}}).build(), "metadata \"x\"", -1, "0 or 1");
    }

    void badUtf8Names()
    {
        Bytes key;
        GgufBuilder::putString(key, "bad\xC0\xAFkey");  // overlong encoding of '/'
        appendU32(key, 4);
        appendU32(key, 1);
        expectRefused(base().rawKV(key).build(), "metadata key", -1, "not valid UTF-8");
        auto g = base();
        g.tensor("w\xED\xA0\x80", {4}, 0, f32Data(4));  // a UTF-16 surrogate
        const auto b = g.build();
        expectRefused(b, "tensor name", static_cast<long long>(g.tensorInfoAt[0]), "not valid UTF-8");
    }

    void badAlignment()
    {
        expectRefused(base().u32("general.alignment", 48).build(), "general.alignment", -1, "not a power of two");
        expectRefused(base().u64("general.alignment", 64).build(), "general.alignment", -1, "must be a u32");
    }

    void tooManyDims()
    {
        auto g = base();
        g.tensor("w", {1, 1, 1, 1, 4}, 0, f32Data(4));
        expectRefused(g.build(), "tensor \"w\" n_dims", -1, "at most 4");
    }

    void elementCountOverflow()
    {
        auto g = base();
        g.tensor("w", {1ull << 32, 1ull << 32, 1ull << 32}, 0, f32Data(4));
        expectRefused(g.build(), "tensor \"w\" dims", -1, "overflows");
        auto g2 = base();
        g2.tensor("w", {1ull << 63}, 0, f32Data(4));  // above INT64_MAX
        expectRefused(g2.build(), "tensor \"w\" dims", -1, "overflows");
    }

    void unknownTypeAndPartialBlock()
    {
        auto g = base();
        g.tensor("w", {4}, 99, f32Data(4));
        expectRefused(g.build(), "tensor \"w\" type", -1, "unknown ggml type 99");
        auto g2 = base();
        g2.tensor("w", {33, 2}, 8, Bytes(68));  // q8_0 rows must be multiples of 32
        expectRefused(g2.build(), "tensor \"w\" dims", -1, "block size 32");
    }

    void misalignedOffset()
    {
        auto g = base();
        g.tensor({"w", {4}, 0, f32Data(4), 16, {}});
        const auto b = g.build();
        expectRefused(b, "tensor \"w\" offset", static_cast<long long>(g.tensorInfoAt[0]), "not a multiple of the alignment 32");
    }

    void dataPastTheEnd()
    {
        auto g = base();
        g.tensor("w", {1024}, 0, f32Data(4));  // declares 4096 bytes, holds 32
        expectRefused(g.build(), "tensor \"w\" offset", -1, "runs past the end of the data section");
        auto g2 = base();
        g2.tensor({"w", {4}, 0, f32Data(4), ~0ull - 31, {}});  // offset + size overflows
        expectRefused(g2.build(), "tensor \"w\" offset", -1, "runs past the end");
    }

    void overlappingTensors()
    {
        auto g = base();
        g.tensor("a", {16}, 0, f32Data(16)).tensor({"b", {16}, 0, f32Data(16), 32, {}});
        const auto b = g.build();
        expectRefused(b, "tensor \"b\" offset", static_cast<long long>(g.tensorInfoAt[1]), "overlaps tensor \"a\"");
    }

    void duplicateTensorNames()
    {
        auto g = base();
        g.tensor("w", {8}, 0, f32Data(8)).tensor("w", {8}, 0, f32Data(8));
        const auto b = g.build();
        expectRefused(b, "tensor \"w\"", static_cast<long long>(g.tensorInfoAt[1]), "appears twice");
    }

    void truncatedTensorInfos()
    {
        auto g = base();
        g.tensor("w", {8}, 0, f32Data(8));
        auto b = g.build();
        b.resize(g.tensorInfoAt[0] + 8 + 1 + 4 + 8 + 4 + 3);  // cut inside the offset field
        expectRefused(b, "tensor \"w\" offset", static_cast<long long>(g.tensorInfoAt[0] + 25), "only 3 remain");
    }
};

QTEST_APPLESS_MAIN(TestGgufCorrupt)
#include "test_gguf_corrupt.moc"
