// The torch.save reader: the real ViT checkpoint from shared/data, hand-built archives that
// exercise strides, shared storages, nesting and dtypes, and hostile archives and pickles.

#include "io/pytorch/pytorch_checkpoint.h"
#include "pickle_builder.h"
#include "quantscope/error.h"
#include "test_data.h"
#include "zip_builder.h"

#include <QTemporaryDir>
#include <QTest>

#include <thread>

#include <cstring>
#include <fstream>
#include <functional>
#include <map>

using qs::test::PickleBuilder;

namespace {

std::string f32(std::initializer_list<float> v)
{
    std::string s(v.size() * 4, '\0');
    std::memcpy(s.data(), std::data(v), s.size());
    return s;
}

std::vector<std::pair<std::string, std::string>> torchEntries(const std::string& pickle,
                                                             const std::map<std::string, std::string>& storages,
                                                             const std::string& byteorder = "little")
{
    std::vector<std::pair<std::string, std::string>> e{{"arch/data.pkl", pickle}, {"arch/byteorder", byteorder}};
    for (const auto& [k, v] : storages) e.emplace_back("arch/data/" + k, v);
    e.emplace_back("arch/version", "3\n");
    return e;
}

std::unique_ptr<qs::Checkpoint> open(const std::vector<unsigned char>& bytes)
{
    return qs::io::openPyTorchBytes(std::as_bytes(std::span(bytes)), "mem.pth");
}

// One F32 tensor "w" of shape [2,3] over storage "0" (6 floats).
std::string simplePickle()
{
    PickleBuilder p;
    p.proto().orderedDict().mark().str("w").tensor("FloatStorage", "0", 6, 0, {2, 3}, {3, 1}).op('u').stop();
    return p.bytes();
}

// Where the first entry's data (data.pkl) starts: after its 30-byte local header, name and extra.
std::uint64_t z_dataStart(const std::vector<unsigned char>& b)
{
    return 30u + (b[26] | (b[27] << 8)) + (b[28] | (b[29] << 8));
}

#define EXPECT_ERROR(Type, expr, needle)                                                          \
    do {                                                                                          \
        bool ok_ = false;                                                                         \
        try {                                                                                     \
            expr;                                                                                 \
        } catch (const Type& e_) {                                                                \
            ok_ = true;                                                                           \
            QVERIFY2(QString::fromUtf8(e_.what()).contains(QStringLiteral(needle)), e_.what());  \
            QVERIFY2(QString::fromUtf8(e_.what()).contains(QStringLiteral("mem.pth")), e_.what()); \
        } catch (const std::exception& e_) {                                                      \
            QFAIL(qPrintable(QStringLiteral("wrong exception type: ") + QString::fromUtf8(e_.what()))); \
        }                                                                                         \
        QVERIFY2(ok_, "expected " #Type);                                                         \
    } while (0)

}  // namespace

class TestPyTorchReader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void realVitCheckpoint();
    void sniffAndRegistry();
    void zip64AndNestedDict();
    void nonContiguousStrides();
    void sharedStorageWithOffsets();
    void dtypes();
    void protocolFourOpcodes();
    void hostileZip_data();
    void hostileZip();
    void forbiddenGlobals();
    void hostilePickles_data();
    void hostilePickles();
    void hostileViews_data();
    void hostileViews();
    void bigEndianAndCompressed();
    void legacyAndTorchScript();
    void concurrentReadsMatch();
};

void TestPyTorchReader::realVitCheckpoint()
{
    QS_REQUIRE_DATA(path, "vision/vit_mnist_model.pth");
    const auto ck = qs::openCheckpoint(path);
    QCOMPARE(ck->format(), std::string_view("pytorch"));
    QCOMPARE(ck->tensors().size(), std::size_t(86));
    std::int64_t total = 0;
    for (const auto& t : ck->tensors()) total += t.numel();
    QCOMPARE(total, std::int64_t(187337));
    // Conv2d 1 -> 49, patch 7: OIHW [49,1,7,7]; values read from the raw storage bytes.
    const auto conv = ck->find("embedding.div_img.weight");
    QVERIFY(conv);
    QCOMPARE(ck->tensors()[*conv].shape, (std::vector<std::int64_t>{49, 1, 7, 7}));
    QCOMPARE(ck->tensors()[*conv].role, qs::TensorRole::Conv);
    const auto m = ck->readMatrix(*conv);
    QCOMPARE(m.rows, std::int64_t(49));
    QCOMPARE(m.cols, std::int64_t(49));
    QCOMPARE(m.row(0)[0], 0.2835325598716736f);
    QCOMPARE(m.row(48)[48], 0.10955098271369934f);
    QCOMPARE(m.row(10)[3 * 7 + 4], -0.0759764239192009f);
    const auto cls = ck->find("classifer.weight");
    QVERIFY(cls);
    QCOMPARE(ck->tensors()[*cls].role, qs::TensorRole::Linear);
    const auto c = ck->readMatrix(*cls);
    QCOMPARE(c.row(0)[0], 0.0523037388920784f);
    QCOMPARE(c.row(9)[48], 0.029067302122712135f);
    QCOMPARE(ck->readMatrix(*ck->find("classifer.bias")).values[9], -0.05209588631987572f);
    QCOMPARE(ck->readMatrix(*ck->find("layers.0.multihead_attention.multihead_attention.in_proj_weight")).row(146)[48],
             -0.033987656235694885f);
    QCOMPARE(ck->tensors()[*ck->find("layers.0.norm.weight")].role, qs::TensorRole::Norm);
}

void TestPyTorchReader::sniffAndRegistry()
{
    const auto zip = qs::test::buildZip(torchEntries(simplePickle(), {{"0", f32({1, 2, 3, 4, 5, 6})}}));
    QVERIFY(qs::io::sniffPyTorch(std::as_bytes(std::span(zip.bytes))));
    // A Keras 3 archive is a ZIP too, but has no data.pkl.
    const auto keras = qs::test::buildZip({{"metadata.json", "{}"}, {"config.json", "{}"}, {"model.weights.h5", "x"}});
    QVERIFY(!qs::io::sniffPyTorch(std::as_bytes(std::span(keras.bytes))));
    QTemporaryDir dir;
    const std::string file = dir.filePath(QStringLiteral("model.unknownext")).toStdString();
    std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(zip.bytes.data()),
                                                static_cast<std::streamsize>(zip.bytes.size()));
    const auto ck = qs::openCheckpoint(file);
    QCOMPARE(ck->format(), std::string_view("pytorch"));
    QCOMPARE(ck->readMatrix(0).values, (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

void TestPyTorchReader::zip64AndNestedDict()
{
    // {'model': {'enc.w': T}, 'epoch': 7, 'opt': [T2]} saved in a ZIP64 archive.
    PickleBuilder p;
    p.proto().op('}').mark().str("model").op('}').mark().str("enc.w");
    p.tensor("FloatStorage", "0", 6, 0, {2, 3}, {3, 1}).op('u');
    p.str("epoch").integer(7).str("opt").op(']').tensor("FloatStorage", "1", 2, 0, {2}, {1}).op('a').op('u').stop();
    const auto zip = qs::test::buildZip(torchEntries(p.bytes(), {{"0", f32({1, 2, 3, 4, 5, 6})}, {"1", f32({8, 9})}}), true);
    const auto ck = open(zip.bytes);
    QCOMPARE(ck->tensors().size(), std::size_t(2));
    QCOMPARE(ck->tensors()[0].name, std::string("model.enc.w"));
    QCOMPARE(ck->tensors()[1].name, std::string("opt.0"));
    QCOMPARE(ck->metadata().at("epoch"), std::string("7"));
    QCOMPARE(ck->readMatrix(1).values, (std::vector<float>{8, 9}));
}

void TestPyTorchReader::nonContiguousStrides()
{
    // Storage 0..11; "t" = transpose of a [3,4] row-major block: shape [4,3], stride [1,4];
    // "s" = every second column starting at offset 1: shape [3,2], stride [4,2].
    PickleBuilder p;
    p.proto().orderedDict().mark();
    p.str("t").tensor("FloatStorage", "0", 12, 0, {4, 3}, {1, 4});
    p.str("s").tensor("FloatStorage", "0", 12, 1, {3, 2}, {4, 2});
    p.op('u').stop();
    const auto zip = qs::test::buildZip(torchEntries(p.bytes(), {{"0", f32({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})}}));
    const auto ck = open(zip.bytes);
    const auto t = ck->readMatrix(0);
    QCOMPARE(t.rows, std::int64_t(4));
    QCOMPARE(t.values, (std::vector<float>{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}));
    QCOMPARE(ck->readMatrix(1).values, (std::vector<float>{1, 3, 5, 7, 9, 11}));
    const auto raw = ck->readRaw(0);
    QCOMPARE(raw.size(), std::size_t(48));
    float second = 0;
    std::memcpy(&second, raw.data() + 4, 4);
    QCOMPARE(second, 4.0f);
}

void TestPyTorchReader::sharedStorageWithOffsets()
{
    PickleBuilder p;
    p.proto().orderedDict().mark();
    p.str("a").tensor("FloatStorage", "0", 5, 0, {2}, {1});
    p.str("b").tensor("FloatStorage", "0", 5, 2, {3}, {1});
    p.str("scalar").tensor("FloatStorage", "0", 5, 4, {}, {});
    p.op('u').stop();
    const auto zip = qs::test::buildZip(torchEntries(p.bytes(), {{"0", f32({10, 11, 12, 13, 14})}}));
    const auto ck = open(zip.bytes);
    QCOMPARE(ck->readMatrix(0).values, (std::vector<float>{10, 11}));
    QCOMPARE(ck->readMatrix(1).values, (std::vector<float>{12, 13, 14}));
    QCOMPARE(ck->readMatrix(2).values, (std::vector<float>{14}));
    QCOMPARE(ck->tensors()[2].numel(), std::int64_t(1));
}

void TestPyTorchReader::dtypes()
{
    const std::uint16_t half[2] = {0x3C00, 0xC000};  // 1, -2
    const std::uint16_t bf16[2] = {0x3F80, 0x4040};  // 1, 3
    const std::int64_t i64[2] = {-5, 1LL << 40};
    const std::string boolBytes("\x01\x00\x01", 3);
    PickleBuilder p;
    p.proto().orderedDict().mark();
    p.str("h").tensor("HalfStorage", "h", 2, 0, {2}, {1});
    p.str("b").tensor("BFloat16Storage", "b", 2, 0, {2}, {1});
    p.str("l").tensor("LongStorage", "l", 2, 0, {2}, {1});
    p.str("q").tensor("BoolStorage", "q", 3, 0, {3}, {1});
    p.str("c").tensor("CharStorage", "c", 2, 0, {2}, {1});
    p.op('u').stop();
    const auto zip = qs::test::buildZip(torchEntries(
        p.bytes(), {{"h", std::string(reinterpret_cast<const char*>(half), 4)},
                    {"b", std::string(reinterpret_cast<const char*>(bf16), 4)},
                    {"l", std::string(reinterpret_cast<const char*>(i64), 16)}, {"q", boolBytes}, {"c", "\xff\x07"}}));
    const auto ck = open(zip.bytes);
    QCOMPARE(ck->tensors()[0].dtype, qs::DType::F16);
    QCOMPARE(ck->readMatrix(0).values, (std::vector<float>{1, -2}));
    QCOMPARE(ck->tensors()[1].dtype, qs::DType::BF16);
    QCOMPARE(ck->readMatrix(1).values, (std::vector<float>{1, 3}));
    QCOMPARE(ck->tensors()[2].dtype, qs::DType::I64);
    QCOMPARE(ck->readMatrix(2).values, (std::vector<float>{-5, 1099511627776.0f}));
    QCOMPARE(ck->tensors()[3].dtype, qs::DType::Bool);
    QCOMPARE(ck->readMatrix(3).values, (std::vector<float>{1, 0, 1}));
    QCOMPARE(ck->readMatrix(4).values, (std::vector<float>{-1, 7}));
    QCOMPARE(ck->tensors()[2].byteSize, std::uint64_t(16));
}

void TestPyTorchReader::protocolFourOpcodes()
{
    // FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL and BINGET as protocol 4 writes them.
    PickleBuilder p;
    p.op(0x80).op(4).op(0x95).le(0, 8);
    p.op(0x8c).op(11).raw("collections").op(0x94).op(0x8c).op(11).raw("OrderedDict").op(0x94).op(0x93).op(0x94);
    p.op(')').op('R').op(0x94).mark().op(0x8c).op(1).raw("w");
    p.tensor("FloatStorage", "0", 6, 0, {2, 3}, {3, 1}).op('u').stop();
    const auto zip = qs::test::buildZip(torchEntries(p.bytes(), {{"0", f32({1, 2, 3, 4, 5, 6})}}));
    const auto ck = open(zip.bytes);
    QCOMPARE(ck->tensors().size(), std::size_t(1));
    QCOMPARE(ck->tensors()[0].name, std::string("w"));
}

void TestPyTorchReader::hostileZip_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("needle");
    QTest::newRow("truncated half") << 0 << "end of central directory";
    QTest::newRow("central offset past end") << 1 << "central directory";
    QTest::newRow("entry size past end") << 2 << "past the end";
    QTest::newRow("local header offset out of range") << 3 << "local header";
    QTest::newRow("entry count lies") << 4 << "entry count";
    QTest::newRow("no data.pkl") << 5 << "data.pkl";
    QTest::newRow("empty file") << 6 << "too small";
    QTest::newRow("zip64 locator points nowhere") << 7 << "zip64";
}

void TestPyTorchReader::hostileZip()
{
    QFETCH(int, kind);
    QFETCH(QString, needle);
    auto z = qs::test::buildZip(torchEntries(simplePickle(), {{"0", f32({1, 2, 3, 4, 5, 6})}}), kind == 7);
    auto& b = z.bytes;
    auto poke32 = [&](std::uint64_t at, std::uint32_t v) { std::memcpy(b.data() + at, &v, 4); };
    switch (kind) {
    case 0: b.resize(b.size() / 2); break;
    case 1: poke32(z.endOffset + 16, 0x7FFFFFF0); break;
    case 2: poke32(z.centralOffset + 20, 0x7FFFFFF0); poke32(z.centralOffset + 24, 0x7FFFFFF0); break;
    case 3: poke32(z.centralOffset + 42, static_cast<std::uint32_t>(b.size() - 10)); break;
    case 4: b[z.endOffset + 10] = 0xF0; b[z.endOffset + 11] = 0x7F; break;
    case 5: b = qs::test::buildZip({{"arch/other.pkl", simplePickle()}}).bytes; break;
    case 6: b.clear(); break;
    case 7: poke32(z.endOffset - 20 + 8, 0x7FFFFFFF); break;
    }
    try {
        open(b);
        QFAIL("corrupt archive was accepted");
    } catch (const qs::FormatError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(needle, Qt::CaseInsensitive), e.what());
        QCOMPARE(e.file(), std::string("mem.pth"));
    }
}

void TestPyTorchReader::forbiddenGlobals()
{
    // GLOBAL os.system, then the STACK_GLOBAL form of builtins.eval: both refused where they stand.
    PickleBuilder g;
    g.proto().global("os", "system").str("echo pwned").op(0x85).op('R').stop();
    const auto zip = qs::test::buildZip(torchEntries(g.bytes(), {}));
    try {
        open(zip.bytes);
        QFAIL("os.system accepted");
    } catch (const qs::SecurityError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("os.system")), e.what());
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("allow-list")), e.what());
        // The GLOBAL opcode sits right after PROTO 2, i.e. 2 bytes into data.pkl's data.
        const auto dataStart = z_dataStart(zip.bytes);
        QCOMPARE(e.offset(), dataStart + 2);
    }
    PickleBuilder s;
    s.proto().str("builtins").str("eval").op(0x93).str("1+1").op(0x85).op('R').stop();
    EXPECT_ERROR(qs::SecurityError, open(qs::test::buildZip(torchEntries(s.bytes(), {})).bytes), "builtins.eval");
    PickleBuilder t;  // a whole nn.Module pickled (torch.save(model)) is refused the same way
    t.proto().global("torch.nn.modules.linear", "Linear").op(')').op(0x81).stop();
    EXPECT_ERROR(qs::SecurityError, open(qs::test::buildZip(torchEntries(t.bytes(), {})).bytes), "torch.nn.modules.linear.Linear");
}

void TestPyTorchReader::hostilePickles_data()
{
    QTest::addColumn<QByteArray>("pickle");
    QTest::addColumn<QString>("needle");
    auto row = [](const char* name, const PickleBuilder& p, const char* needle) {
        QTest::newRow(name) << QByteArray::fromStdString(p.bytes()) << QString::fromUtf8(needle);
    };
    row("stack underflow", PickleBuilder().proto().op('R').stop(), "underflow");
    row("huge memo index", PickleBuilder().proto().op('j').le(0xFFFFFFFF, 4).stop(), "memo index 4294967295");
    row("no STOP", PickleBuilder().proto().orderedDict(), "STOP");
    row("truncated string", PickleBuilder().proto().op('X').le(1000, 4).raw("abc"), "truncated");
    row("BINUNICODE8 length 2^63", PickleBuilder().proto().op(0x8d).le(1ull << 63, 8), "truncated");
    row("INST opcode", PickleBuilder().proto().raw("ios\nsystem\n").stop(), "0x69");
    row("NEWOBJ opcode", PickleBuilder().proto().orderedDict().op(')').op(0x81).stop(), "0x81");
    row("pop past mark", PickleBuilder().proto().integer(1).mark().op('0').stop(), "underflow");
    row("tuple without mark", PickleBuilder().proto().op('t').stop(), "MARK");
    row("two values at STOP", PickleBuilder().proto().integer(1).integer(2).stop(), "expected 1");
    row("protocol 1", PickleBuilder().op(0x80).op(1).stop(), "protocol 1");
    row("LONG1 of 9 bytes", PickleBuilder().proto().op(0x8a).op(9).raw("123456789").stop(), "64 bits");
    row("storage class called", PickleBuilder().proto().global("torch", "FloatStorage").op(')').op('R').stop(), "cannot be called");
    row("persistent id not a tuple", PickleBuilder().proto().integer(3).op('Q').stop(), "5-tuple");
    row("persistent id with wrong class",
        PickleBuilder().proto().mark().str("storage").global("collections", "OrderedDict").str("0").str("cpu").integer(1).op('t').op('Q').stop(),
        "storage class");
    row("APPEND to a dict", PickleBuilder().proto().op('}').integer(1).op('a').stop(), "not a list");
    row("BUILD on an int", PickleBuilder().proto().integer(1).op('}').op('b').stop(), "BUILD");
    row("rebuild with 2 args", PickleBuilder().proto().global("torch._utils", "_rebuild_tensor_v2").ints({1, 2}).op('R').stop(), "6 or 7");
    // list L = [L]: the flattening walk must stop rather than recurse forever.
    row("self-referencing list", PickleBuilder().proto().op(']').op('q').op(0).op('h').op(0).op('a').stop(), "nested too deeply");
    // 40 levels of [x, x] built from the memo: 2^40 leaves from a few hundred bytes.
    PickleBuilder bomb;
    bomb.proto().integer(1);
    for (int i = 0; i < 40; ++i) bomb.op('2').op(0x86);
    row("memo doubling bomb", bomb.stop(), "shared references");
}

void TestPyTorchReader::hostilePickles()
{
    QFETCH(QByteArray, pickle);
    QFETCH(QString, needle);
    const auto zip = qs::test::buildZip(torchEntries(pickle.toStdString(), {{"0", f32({1, 2, 3, 4, 5, 6})}}));
    try {
        open(zip.bytes);
        QFAIL("hostile pickle accepted");
    } catch (const qs::FormatError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(needle), e.what());
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("data.pkl")), e.what());
        QVERIFY(e.offset() >= z_dataStart(zip.bytes) || e.offset() == 0);
    }
}

void TestPyTorchReader::hostileViews_data()
{
    QTest::addColumn<QByteArray>("pickle");
    QTest::addColumn<QString>("needle");
    auto row = [](const char* name, PickleBuilder p, const char* needle) {
        p.op('u').stop();
        QTest::newRow(name) << QByteArray::fromStdString(p.bytes()) << QString::fromUtf8(needle);
    };
    auto sd = [] {
        PickleBuilder p;
        p.proto().orderedDict().mark().str("w");
        return p;
    };
    row("storage key missing", sd().tensor("FloatStorage", "nope", 6, 0, {2, 3}, {3, 1}), "no entry arch/data/nope");
    row("storage entry smaller than numel", sd().tensor("FloatStorage", "0", 7, 0, {7}, {1}), "entry holds 24");
    row("view past storage", sd().tensor("FloatStorage", "0", 6, 1, {2, 3}, {3, 1}), "reaches element 6");
    row("stride past storage", sd().tensor("FloatStorage", "0", 6, 0, {2, 3}, {4, 1}), "reaches element 6");
    row("absurd dims overflow numel", sd().tensor("FloatStorage", "0", 6, 0, {1LL << 40, 1LL << 40}, {0, 0}), "overflows");
    row("stride extent overflow", sd().tensor("FloatStorage", "0", 6, 0, {3}, {1LL << 62}), "overflows");
    row("storage numel overflows bytes", sd().tensor("DoubleStorage", "0", 1LL << 62, 0, {1}, {1}), "byte size overflows");
    row("rank mismatch", sd().tensor("FloatStorage", "0", 6, 0, {2, 3}, {1}), "different ranks");
    row("negative dim", sd().tensor("FloatStorage", "0", 6, 0, {-1}, {1}), "negative");
}

void TestPyTorchReader::hostileViews()
{
    QFETCH(QByteArray, pickle);
    QFETCH(QString, needle);
    const auto zip = qs::test::buildZip(torchEntries(pickle.toStdString(), {{"0", f32({1, 2, 3, 4, 5, 6})}}));
    try {
        open(zip.bytes);
        QFAIL("hostile tensor view accepted");
    } catch (const qs::FormatError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(needle), e.what());
    }
}

void TestPyTorchReader::bigEndianAndCompressed()
{
    const auto big = qs::test::buildZip(torchEntries(simplePickle(), {{"0", f32({1, 2, 3, 4, 5, 6})}}, "big"));
    EXPECT_ERROR(qs::UnsupportedError, open(big.bytes), "byteorder is 'big'");
    // Mark the storage entry (the third) as deflate-compressed in the central directory.
    auto z = qs::test::buildZip(torchEntries(simplePickle(), {{"0", f32({1, 2, 3, 4, 5, 6})}}));
    std::uint64_t pos = z.centralOffset;
    for (int i = 0; i < 2; ++i) pos += 46 + (z.bytes[pos + 28] | (z.bytes[pos + 29] << 8));
    z.bytes[pos + 10] = 8;
    EXPECT_ERROR(qs::UnsupportedError, open(z.bytes), "compressed");
}

void TestPyTorchReader::legacyAndTorchScript()
{
    // Pre-1.6 files start with the pickled magic number 0x1950a86a20f9469cfc6c.
    const std::string legacy("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.", 15);
    const std::vector<unsigned char> bytes(legacy.begin(), legacy.end());
    EXPECT_ERROR(qs::UnsupportedError, open(bytes), "legacy");
    auto entries = torchEntries(simplePickle(), {{"0", f32({1, 2, 3, 4, 5, 6})}});
    entries.emplace_back("arch/constants.pkl", "\x80\x02).");
    EXPECT_ERROR(qs::UnsupportedError, open(qs::test::buildZip(entries).bytes), "TorchScript");
}

void TestPyTorchReader::concurrentReadsMatch()
{
    QS_REQUIRE_DATA(path, "vision/vit_mnist_model.pth");
    const auto ck = qs::openCheckpoint(path);
    std::vector<qs::Matrix> serial;
    for (std::size_t i = 0; i < ck->tensors().size(); ++i) serial.push_back(ck->readMatrix(i));
    std::vector<std::vector<qs::Matrix>> parallel(4);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < parallel.size(); ++t)
        threads.emplace_back([&, t] {
            for (std::size_t i = ck->tensors().size(); i-- > 0;) parallel[t].insert(parallel[t].begin(), ck->readMatrix(i));
        });
    for (auto& th : threads) th.join();
    for (const auto& p : parallel)
        for (std::size_t i = 0; i < serial.size(); ++i) QVERIFY(p[i].values == serial[i].values);
}

QTEST_APPLESS_MAIN(TestPyTorchReader)
#include "test_pytorch_reader.moc"
