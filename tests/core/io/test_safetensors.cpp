// safetensors: the writer's output read back byte for byte and value for value, every dtype
// decoded, sharded checkpoints through the index file, thread-safe lazy reads.
#include "io/safetensors/safetensors_header.h"
#include "io_test_util.h"
#include "quantscope/io/checkpoint.h"
#include "quantscope/io/safetensors_writer.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <nlohmann/json.hpp>
#include <thread>

using namespace qs;
using namespace qs::test;

namespace {

std::vector<float> ramp(std::size_t n, float scale)
{
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = scale * std::sin(0.37f * static_cast<float>(i) + 0.1f);
    return v;
}

template <typename T>
Bytes asBytes(const std::vector<T>& v)
{
    Bytes b;
    appendValues(b, v);
    return b;
}

}  // namespace

class TestSafetensors : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::filesystem::path file(const char* name) const { return std::filesystem::path(m_dir.path().toStdString()) / name; }

private Q_SLOTS:
    void writerRoundTripsBytesAndValues()
    {
        const auto path = file("roundtrip.safetensors");
        const auto w32 = ramp(6 * 5, 2.0f);
        const auto w16 = ramp(4 * 8, 0.5f);
        const auto wbf = ramp(3 * 7, 100.0f);
        {
            SafetensorsWriter w(path);
            w.setMetadata("format", "pt");
            w.addTensor("layer.weight", {6, 5}, w32, DType::F32);
            w.addTensor("layer.half", {4, 8}, w16, DType::F16);
            w.addTensor("layer.bf16", {3, 7}, wbf, DType::BF16);
            w.commit();
        }
        const Bytes file = readBytes(path);
        std::uint64_t n;
        std::memcpy(&n, file.data(), 8);
        QCOMPARE((8 + n) % 8, 0ull);  // buffer starts on an 8-byte boundary
        QCOMPARE(static_cast<char>(file[8]), '{');

        const auto c = openCheckpoint(path);
        QCOMPARE(c->format(), std::string_view("safetensors"));
        QCOMPARE(c->tensors().size(), std::size_t{3});
        QCOMPARE(c->metadata().at("format"), std::string("pt"));
        // Insertion order with contiguous offsets: the F32 bytes come first, unchanged.
        const auto i32 = *c->find("layer.weight");
        QCOMPARE(c->tensors()[i32].shape, (std::vector<std::int64_t>{6, 5}));
        QCOMPARE(c->tensors()[i32].role, TensorRole::Linear);
        QVERIFY(c->readRaw(i32) == asBytes(w32));
        QVERIFY(std::memcmp(file.data() + 8 + n, w32.data(), w32.size() * 4) == 0);
        QVERIFY(c->readMatrix(i32).values == w32);

        const auto i16 = *c->find("layer.half");
        const Matrix m16 = c->readMatrix(i16);
        QCOMPARE(m16.rows, 4);
        QCOMPARE(m16.cols, 8);
        std::vector<std::uint16_t> halves;
        for (float v : w16) halves.push_back(floatToHalf(v));
        QVERIFY(c->readRaw(i16) == asBytes(halves));
        for (std::size_t k = 0; k < w16.size(); ++k) QCOMPARE(m16.values[k], halfToFloat(halves[k]));

        const auto ibf = *c->find("layer.bf16");
        const Matrix mbf = c->readMatrix(ibf);
        for (std::size_t k = 0; k < wbf.size(); ++k) {
            QCOMPARE(mbf.values[k], bf16ToFloat(floatToBf16(wbf[k])));
            QVERIFY(std::fabs(mbf.values[k] - wbf[k]) <= std::fabs(wbf[k]) * 0x1p-8f);
        }

        // readMatrixInto (the model job's reused buffer) gives readMatrix's matrices whatever
        // the buffer held before: larger (6x5 into 4x8's storage and back) or smaller.
        Matrix into;
        for (const auto i : {i16, i32, ibf, i16, i32}) {
            c->readMatrixInto(i, into);
            const Matrix fresh = c->readMatrix(i);
            QCOMPARE(into.rows, fresh.rows);
            QCOMPARE(into.cols, fresh.cols);
            QVERIFY(into.values == fresh.values);
        }
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, c->readMatrixInto(99, into));
    }

    void everyDTypeDecodes()
    {
        const auto path = file("dtypes.safetensors");
        {
            SafetensorsWriter w(path);
            w.addTensor("f64", DType::F64, {2}, asBytes(std::vector<double>{1.5, -2.25}));
            w.addTensor("i64", DType::I64, {2}, asBytes(std::vector<std::int64_t>{-7, 1LL << 40}));
            w.addTensor("i32", DType::I32, {2}, asBytes(std::vector<std::int32_t>{-3, 70000}));
            w.addTensor("i16", DType::I16, {2}, asBytes(std::vector<std::int16_t>{-300, 12}));
            w.addTensor("i8", DType::I8, {2}, asBytes(std::vector<std::int8_t>{-128, 127}));
            w.addTensor("u64", DType::U64, {1}, asBytes(std::vector<std::uint64_t>{123456789}));
            w.addTensor("u32", DType::U32, {1}, asBytes(std::vector<std::uint32_t>{4000000000u}));
            w.addTensor("u16", DType::U16, {1}, asBytes(std::vector<std::uint16_t>{65535}));
            w.addTensor("u8", DType::U8, {2}, asBytes(std::vector<std::uint8_t>{0, 255}));
            w.addTensor("bool", DType::Bool, {3}, asBytes(std::vector<std::uint8_t>{1, 0, 1}));
            // E4M3: 0x38 = 1.0, 0x7E = 448 (max), 0xB0 = -0.5; E5M2: 0x3C = 1.0, 0x7B = 57344 (max)
            w.addTensor("e4m3", DType::F8_E4M3, {3}, asBytes(std::vector<std::uint8_t>{0x38, 0x7E, 0xB0}));
            w.addTensor("e5m2", DType::F8_E5M2, {2}, asBytes(std::vector<std::uint8_t>{0x3C, 0x7B}));
            w.addTensor("scalar", DType::F32, {}, asBytes(std::vector<float>{3.0f}));
            w.addTensor("empty", DType::F32, {0, 4}, Bytes{});
            w.commit();
        }
        const auto c = openCheckpoint(path);
        const auto values = [&](const char* name) { return c->readMatrix(*c->find(name)).values; };
        QCOMPARE(values("f64"), (std::vector<float>{1.5f, -2.25f}));
        QCOMPARE(values("i64"), (std::vector<float>{-7.0f, 1099511627776.0f}));
        QCOMPARE(values("i32"), (std::vector<float>{-3.0f, 70000.0f}));
        QCOMPARE(values("i16"), (std::vector<float>{-300.0f, 12.0f}));
        QCOMPARE(values("i8"), (std::vector<float>{-128.0f, 127.0f}));
        QCOMPARE(values("u64"), (std::vector<float>{123456789.0f}));
        QCOMPARE(values("u32"), (std::vector<float>{4000000000.0f}));
        QCOMPARE(values("u16"), (std::vector<float>{65535.0f}));
        QCOMPARE(values("u8"), (std::vector<float>{0.0f, 255.0f}));
        QCOMPARE(values("bool"), (std::vector<float>{1.0f, 0.0f, 1.0f}));
        QCOMPARE(values("e4m3"), (std::vector<float>{1.0f, 448.0f, -0.5f}));
        QCOMPARE(values("e5m2"), (std::vector<float>{1.0f, 57344.0f}));
        QCOMPARE(values("scalar"), (std::vector<float>{3.0f}));
        QVERIFY(values("empty").empty());
        QCOMPARE(c->tensors()[*c->find("i8")].dtype, DType::I8);
        QCOMPARE(c->tensors()[*c->find("bool")].dtype, DType::Bool);
        QCOMPARE(c->tensors()[*c->find("scalar")].shape.size(), std::size_t{0});
    }

    void headerFromAnotherWriterIsRead()
    {
        // Unaligned header (as MLX writes), unknown tensor fields ignored (as the reference's
        // serde does), tensors listed out of data order, metadata null.
        const std::string json =
            R"({"b":{"data_offsets":[8,16],"shape":[2],"dtype":"F32","extra":{"x":[1,2]}},)"
            R"("__metadata__":null,"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
        Bytes b;
        appendU64(b, json.size());
        appendText(b, json);
        appendValues(b, std::vector<float>{1, 2, 3, 4});
        const auto path = file("foreign.safetensors");
        writeBytes(path, b);
        const auto c = openCheckpoint(path);
        QCOMPARE(c->tensors()[0].name, std::string("a"));  // catalog in file (offset) order
        QCOMPARE(c->readMatrix(*c->find("b")).values, (std::vector<float>{3, 4}));
    }

    void readsAreThreadSafe()
    {
        const auto path = file("threads.safetensors");
        std::vector<std::vector<float>> data;
        {
            SafetensorsWriter w(path);
            for (int t = 0; t < 8; ++t) {
                data.push_back(ramp(64 * 33, static_cast<float>(t + 1)));
                w.addTensor("t" + std::to_string(t), {64, 33}, data.back(), DType::BF16);
            }
            w.commit();
        }
        const auto c = openCheckpoint(path);
        std::vector<Matrix> serial;
        for (std::size_t t = 0; t < 8; ++t) serial.push_back(c->readMatrix(t));
        std::atomic<int> mismatches{0};
        std::vector<std::thread> threads;
        for (int k = 0; k < 4; ++k)
            threads.emplace_back([&, k] {
                for (int rep = 0; rep < 20; ++rep)
                    for (std::size_t t = 0; t < 8; ++t)
                        if (c->readMatrix((t + static_cast<std::size_t>(k)) % 8).values !=
                            serial[(t + static_cast<std::size_t>(k)) % 8].values)
                            ++mismatches;
            });
        for (auto& th : threads) th.join();
        QCOMPARE(mismatches.load(), 0);
    }

    void writerWithoutCommitLeavesNothing()
    {
        const auto path = file("abandoned.safetensors");
        {
            SafetensorsWriter w(path);
            w.addTensor("x", {4}, std::vector<float>{1, 2, 3, 4});
        }
        QVERIFY(!std::filesystem::exists(path));
        for (const auto& e : std::filesystem::directory_iterator(path.parent_path()))
            QVERIFY2(e.path().filename().string().find("abandoned") == std::string::npos, e.path().c_str());
    }

    void writerRefusesBadInput()
    {
        SafetensorsWriter w(file("refused.safetensors"));
        w.addTensor("x", {2}, std::vector<float>{1, 2});
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, w.addTensor("x", {2}, std::vector<float>{1, 2}));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, w.addTensor("__metadata__", {1}, std::vector<float>{1}));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, w.addTensor("y", {3}, std::vector<float>{1, 2}));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, w.addTensor("bad\xff", {1}, std::vector<float>{1}));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, w.addTensor("q", DType::Q8_0, {32}, Bytes(34)));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, w.addTensor("z", {1}, std::vector<float>{1}, DType::F64));
    }

    void shardedCheckpointOpensAsOne()
    {
        const auto dir = file("sharded");
        std::filesystem::create_directories(dir);
        {
            SafetensorsWriter a(dir / "model-00001-of-00002.safetensors");
            a.addTensor("embed.weight", {4, 3}, ramp(12, 1.0f));
            a.addTensor("layers.0.weight", {3, 3}, ramp(9, 2.0f), DType::F16);
            a.setMetadata("format", "pt");
            a.commit();
            SafetensorsWriter b(dir / "model-00002-of-00002.safetensors");
            b.addTensor("layers.1.weight", {3, 3}, ramp(9, 3.0f));
            b.addTensor("unlisted", {1}, std::vector<float>{9});
            b.commit();
        }
        nlohmann::json index = {{"metadata", {{"total_size", 12 * 4 + 9 * 2 + 9 * 4}}},
                                {"weight_map",
                                 {{"embed.weight", "model-00001-of-00002.safetensors"},
                                  {"layers.0.weight", "model-00001-of-00002.safetensors"},
                                  {"layers.1.weight", "model-00002-of-00002.safetensors"}}}};
        const auto indexPath = dir / "model.safetensors.index.json";
        const std::string text = index.dump(2);
        Bytes ib;
        appendText(ib, text);
        writeBytes(indexPath, ib);

        const auto c = openCheckpoint(indexPath);
        QCOMPARE(c->format(), std::string_view("safetensors"));
        QCOMPARE(c->tensors().size(), std::size_t{3});  // only what weight_map lists
        QVERIFY(!c->find("unlisted"));
        QCOMPARE(c->metadata().at("total_size"), std::string("102"));
        QCOMPARE(c->metadata().at("format"), std::string("pt"));
        QCOMPARE(c->readMatrix(*c->find("layers.1.weight")).values, ramp(9, 3.0f));
        QCOMPARE(c->readMatrix(*c->find("embed.weight")).values, ramp(12, 1.0f));
        QCOMPARE(c->tensors()[*c->find("embed.weight")].role, TensorRole::Embedding);

        // A weight_map entry pointing at a tensor its shard does not hold is a FormatError.
        index["weight_map"]["ghost"] = "model-00002-of-00002.safetensors";
        Bytes bad;
        appendText(bad, index.dump());
        writeBytes(indexPath, bad);
        const auto e = expectFormatError([&] { openCheckpoint(indexPath); });
        QVERIFY(e && std::string(e->what()).find("ghost") != std::string::npos);

        // A shard name that leaves the folder is refused for safety.
        index["weight_map"].erase("ghost");
        index["weight_map"]["layers.1.weight"] = "../outside.safetensors";
        Bytes evil;
        appendText(evil, index.dump());
        writeBytes(indexPath, evil);
        QVERIFY_THROWS_EXCEPTION(SecurityError, openCheckpoint(indexPath));
    }

    void unsupportedDTypeIsNamed()
    {
        const std::string json = R"({"w":{"dtype":"F8_E8M0","shape":[2],"data_offsets":[0,2]}})";
        Bytes b;
        appendU64(b, json.size());
        appendText(b, json);
        b.resize(b.size() + 2);
        const auto path = file("e8m0.safetensors");
        writeBytes(path, b);
        try {
            openCheckpoint(path);
            QFAIL("expected UnsupportedError");
        } catch (const UnsupportedError& e) {
            QVERIFY(std::string(e.what()).find("F8_E8M0") != std::string::npos);
        }
    }
};

QTEST_APPLESS_MAIN(TestSafetensors)
#include "test_safetensors.moc"
