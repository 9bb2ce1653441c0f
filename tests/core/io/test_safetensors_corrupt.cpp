// Hand-made corrupt safetensors files: each must give a FormatError that names the file, the
// field and the byte offset (never a crash, never a huge allocation).
#include "io_test_util.h"

#include <QTemporaryDir>
#include <QTest>

using namespace qs;
using namespace qs::test;

namespace {

Bytes withHeader(const std::string& json, std::size_t dataBytes, std::optional<std::uint64_t> declared = {})
{
    Bytes b;
    appendU64(b, declared.value_or(json.size()));
    appendText(b, json);
    b.resize(b.size() + dataBytes, std::byte{0x11});
    return b;
}

std::string tensor(const std::string& name, const std::string& dtype, const std::string& shape, std::uint64_t begin,
                   std::uint64_t end)
{
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" +
           std::to_string(begin) + "," + std::to_string(end) + "]}";
}

}  // namespace

class TestSafetensorsCorrupt : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_count = 0;

    // Writes `bytes`, opens it, and checks the error names the file, `field` and `offset`
    // (offset < 0: anywhere inside the header).
    void expectRefused(const Bytes& bytes, const std::string& field, long long offset, const std::string& text = {})
    {
        const auto path = std::filesystem::path(m_dir.path().toStdString()) /
                          ("corrupt" + std::to_string(++m_count) + ".safetensors");
        writeBytes(path, bytes);
        const auto e = expectFormatError([&] { openCheckpoint(path); });
        QVERIFY(e.has_value());
        const std::string what = e->what();
        QVERIFY2(e->file() == path.string(), what.c_str());
        QVERIFY2(what.find(path.string()) != std::string::npos, what.c_str());
        QVERIFY2(e->field().find(field) != std::string::npos, (e->field() + " | " + what).c_str());
        QVERIFY2(what.find("at byte " + std::to_string(e->offset())) != std::string::npos, what.c_str());
        if (offset >= 0) QCOMPARE(e->offset(), static_cast<std::uint64_t>(offset));
        else QVERIFY2(e->offset() >= 8 && e->offset() < bytes.size(), what.c_str());
        if (!text.empty()) QVERIFY2(what.find(text) != std::string::npos, what.c_str());
    }

private Q_SLOTS:
    void truncatedBeforeHeaderLength() { expectRefused(Bytes(5), "header length", 0, "shorter than"); }

    void headerLengthPastEndOfFile()
    {
        expectRefused(withHeader("{}", 0, 1000), "header length", 0, "past the end");
    }

    void headerLengthOverLimit()
    {
        expectRefused(withHeader("{}", 0, 100'000'001), "header length", 0, "limit");
        expectRefused(withHeader("{}", 0, ~0ull), "header length", 0, "limit");
    }

    void headerNotAnObject() { expectRefused(withHeader("[1,2]   ", 0), "header", 8, "'{'"); }

    void truncatedJson()
    {
        const std::string json = "{" + tensor("a", "F32", "[2]", 0, 8);  // no closing brace
        expectRefused(withHeader(json, 8), "header JSON", -1, "not valid JSON");
    }

    void badUtf8Name()
    {
        std::string json = "{" + tensor("a\xC3\x28", "F32", "[1]", 0, 4) + "}";
        expectRefused(withHeader(json, 4), "header JSON", -1, "UTF-8");
    }

    void duplicateTensorName()
    {
        const std::string json = "{" + tensor("a", "F32", "[1]", 0, 4) + "," + tensor("a", "F32", "[1]", 4, 8) + "}";
        // The offset points just after the second key.
        const auto second = json.rfind("\"a\"") + 3;
        expectRefused(withHeader(json, 8), "header key \"a\"", static_cast<long long>(8 + second), "twice");
    }

    void duplicateFieldInsideTensor()
    {
        const std::string json = R"({"a":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}})";
        expectRefused(withHeader(json, 4), "key \"dtype\"", -1, "twice");
    }

    void offsetsPastTheBuffer()
    {
        const std::string json = "{" + tensor("a", "F32", "[4]", 0, 16) + "}";
        expectRefused(withHeader(json, 8), "byte buffer", static_cast<long long>(8 + json.size()), "holds 8");
    }

    void overlappingTensors()
    {
        const std::string json = "{" + tensor("a", "F32", "[2]", 0, 8) + "," + tensor("b", "F32", "[2]", 4, 12) + "}";
        expectRefused(withHeader(json, 12), "tensor \"b\" data_offsets", -1, "overlap");
    }

    void gapBetweenTensors()
    {
        const std::string json = "{" + tensor("a", "F32", "[2]", 0, 8) + "," + tensor("b", "F32", "[2]", 12, 20) + "}";
        expectRefused(withHeader(json, 20), "tensor \"b\" data_offsets", -1, "gap");
    }

    void sizeDisagreesWithShape()
    {
        const std::string json = "{" + tensor("a", "F32", "[3]", 0, 8) + "}";
        expectRefused(withHeader(json, 8), "tensor \"a\" data_offsets", -1, "need 12");
    }

    void elementCountOverflow()
    {
        const std::string json = "{" + tensor("a", "F32", "[4294967296,4294967296,4294967296]", 0, 8) + "}";
        expectRefused(withHeader(json, 8), "tensor \"a\" shape", -1, "overflows");
        // numel fits in 64 bits but numel × 4 bytes does not
        const std::string json2 = "{" + tensor("a", "F32", "[4611686018427387904]", 0, 8) + "}";
        expectRefused(withHeader(json2, 8), "tensor \"a\" data_offsets", -1, "2^64");
    }

    void absurdDims()
    {
        std::string shape = "[";
        for (int k = 0; k < 65; ++k) shape += k ? ",1" : "1";
        shape += "]";
        expectRefused(withHeader("{" + tensor("a", "F32", shape, 0, 4) + "}", 4), "field \"shape\"", -1, "more than 64");
        expectRefused(withHeader("{" + tensor("a", "F32", "[-1]", 0, 4) + "}", 4), "field \"shape\"", -1, "negative");
        expectRefused(withHeader("{" + tensor("a", "F32", "[1.5]", 0, 4) + "}", 4), "field \"shape\"", -1, "non-integer");
        expectRefused(withHeader("{" + tensor("a", "F32", "[[1]]", 0, 4) + "}", 4), "field \"shape\"", -1, "array");
    }

    void unknownDType() { expectRefused(withHeader("{" + tensor("a", "F33", "[1]", 0, 4) + "}", 4), "dtype", -1, "F33"); }

    void endBeforeBegin()
    {
        expectRefused(withHeader("{" + tensor("a", "F32", "[0]", 8, 4) + "}", 8), "data_offsets", -1, "before begin");
    }

    void wrongOffsetsArity()
    {
        const std::string json = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}})";
        expectRefused(withHeader(json, 4), "data_offsets", -1, "exactly two");
    }

    void missingField()
    {
        const std::string json = R"({"a":{"shape":[1],"data_offsets":[0,4]}})";
        expectRefused(withHeader(json, 4), "tensor \"a\"", -1, "no \"dtype\"");
    }

    void metadataMustBeStrings()
    {
        const std::string json = R"({"__metadata__":{"epoch":3}})";
        expectRefused(withHeader(json, 0), "__metadata__", -1, "number");
    }

    void trailingBytesAfterTheData()
    {
        const std::string json = "{" + tensor("a", "F32", "[1]", 0, 4) + "}";
        expectRefused(withHeader(json, 5), "byte buffer", static_cast<long long>(8 + json.size()), "holds 5");
    }

    void garbageAfterTheJson() { expectRefused(withHeader("{}x", 0), "header JSON", -1, "not valid JSON"); }

    void deepNestingDoesNotRecurse()
    {
        // An unknown field nested a million levels deep: skipped iteratively, then refused for
        // the missing dtype, without exhausting the stack.
        std::string deep(1'000'000, '[');
        deep += std::string(1'000'000, ']');
        const std::string json = R"({"a":{"x":)" + deep + R"(,"shape":[1],"data_offsets":[0,4]}})";
        expectRefused(withHeader(json, 4), "tensor \"a\"", -1, "no \"dtype\"");
    }
};

QTEST_APPLESS_MAIN(TestSafetensorsCorrupt)
#include "test_safetensors_corrupt.moc"
