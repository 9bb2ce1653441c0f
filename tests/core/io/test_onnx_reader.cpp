// The ONNX initializer reader: the two real models from shared/data, models built here with
// the protobuf API (every data field, external data, node-derived axes) and hostile models.

#include "io/onnx/onnx_checkpoint.h"
#include "quantscope/error.h"
#include "test_data.h"

#include <onnx/onnx_pb.h>

#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <fstream>

namespace fs = std::filesystem;

namespace {

onnx::TensorProto* addInit(onnx::ModelProto& m, const std::string& name, int type, std::initializer_list<std::int64_t> dims)
{
    auto* t = m.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(type);
    for (auto d : dims) t->add_dims(d);
    return t;
}

void addNode(onnx::ModelProto& m, const std::string& op, std::initializer_list<std::string> inputs, int transB = -1)
{
    auto* n = m.mutable_graph()->add_node();
    n->set_op_type(op);
    for (const auto& i : inputs) n->add_input(i);
    n->add_output(op + "_out_" + std::to_string(m.graph().node_size()));
    if (transB >= 0) {
        auto* a = n->add_attribute();
        a->set_name("transB");
        a->set_type(onnx::AttributeProto::INT);
        a->set_i(transB);
    }
}

std::string rawF32(std::initializer_list<float> v) { return {reinterpret_cast<const char*>(std::data(v)), v.size() * 4}; }

void writeFile(const fs::path& p, const std::string& bytes)
{
    std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A model with one valid F32 initializer "w" [2,2] in raw_data; tests break it in one place.
onnx::ModelProto validModel()
{
    onnx::ModelProto m;
    m.set_ir_version(8);
    m.mutable_graph()->set_name("g");
    addInit(m, "w", 1, {2, 2})->set_raw_data(rawF32({1, 2, 3, 4}));
    return m;
}

}  // namespace

class TestOnnxReader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void mnist8();
    void yoloxNano();
    void typedFieldsAndDtypes();
    void externalData();
    void axesFromNodes();
    void hostile_data();
    void hostile();
    void externalEscapesFolder_data();
    void externalEscapesFolder();

private:
    fs::path save(const onnx::ModelProto& m, const std::string& name)
    {
        const fs::path p = fs::path(m_dir.path().toStdString()) / name;
        writeFile(p, m.SerializeAsString());
        return p;
    }
    QTemporaryDir m_dir;
};

void TestOnnxReader::mnist8()
{
    QS_REQUIRE_DATA(path, "onnx/mnist-8.onnx");
    const auto ck = qs::openCheckpoint(path);
    QCOMPARE(ck->format(), std::string_view("onnx"));
    QCOMPARE(ck->tensors().size(), std::size_t(8));
    std::int64_t total = 0;
    for (const auto& t : ck->tensors()) total += t.numel();
    QCOMPARE(total, std::int64_t(5998));
    // Values below were read from the file's float_data with an independent wire-format walk.
    const auto conv = *ck->find("Parameter5");
    QCOMPARE(ck->tensors()[conv].shape, (std::vector<std::int64_t>{8, 1, 5, 5}));
    QCOMPARE(ck->tensors()[conv].role, qs::TensorRole::Conv);
    const auto c = ck->readMatrix(conv);
    QCOMPARE(c.rows, std::int64_t(8));
    QCOMPARE(c.values.front(), -0.008905669674277306f);
    QCOMPARE(c.values[1], -0.23690743744373322f);
    QCOMPARE(c.values.back(), -0.19034995138645172f);
    QCOMPARE(ck->tensors()[*ck->find("Parameter6")].role, qs::TensorRole::Bias);
    // Parameter193 [16,4,4,10] is reshaped to [256,10] and used as MatMul's B: output last.
    const auto fc = *ck->find("Parameter193");
    QCOMPARE(ck->tensors()[fc].role, qs::TensorRole::Linear);
    QCOMPARE(ck->tensors()[fc].layout, qs::AxisLayout::OutLast);
    const auto f = ck->readMatrix(fc);
    QCOMPARE(f.rows, std::int64_t(10));
    QCOMPARE(f.cols, std::int64_t(256));
    QCOMPARE(f.row(0)[0], 0.09163288027048111f);
    QCOMPARE(f.row(1)[0], 0.12143590301275253f);
    QCOMPARE(f.row(9)[255], 0.122023805975914f);
    const auto shape = *ck->find("Pooling160_Output_0_reshape0_shape");
    QCOMPARE(ck->tensors()[shape].dtype, qs::DType::I64);
    QCOMPARE(ck->tensors()[shape].role, qs::TensorRole::Other);
    QCOMPARE(ck->readMatrix(shape).values, (std::vector<float>{-1, 256}));
}

void TestOnnxReader::yoloxNano()
{
    QS_REQUIRE_DATA(path, "onnx/yolox_nano.onnx");
    const auto ck = qs::openCheckpoint(path);
    QCOMPARE(ck->tensors().size(), std::size_t(234));
    std::int64_t total = 0;
    for (const auto& t : ck->tensors()) total += t.numel();
    QCOMPARE(total, std::int64_t(889460));
    const auto w = *ck->find("head.cls_preds.0.weight");
    const auto m = ck->readMatrix(w);
    QCOMPARE(m.rows, std::int64_t(3));
    QCOMPARE(m.cols, std::int64_t(64));
    QCOMPARE(m.row(0)[0], -0.08172247558832169f);
    QCOMPARE(m.row(0)[2], 0.08710180222988129f);
    QCOMPARE(m.row(2)[63], -0.04010681062936783f);
    QCOMPARE(ck->readMatrix(*ck->find("head.cls_preds.0.bias")).values[0], -4.506368160247803f);
}

void TestOnnxReader::typedFieldsAndDtypes()
{
    onnx::ModelProto m;
    auto* f = addInit(m, "f", 1, {3});
    for (float v : {1.5f, -2.f, 3.f}) f->add_float_data(v);
    auto* h = addInit(m, "h", 10, {2});  // F16 bit patterns in int32_data
    h->add_int32_data(0x3C00);
    h->add_int32_data(0xC000);
    auto* b = addInit(m, "b", 16, {1});
    b->add_int32_data(0x4040);  // bf16 3.0
    auto* l = addInit(m, "l", 7, {2});
    l->add_int64_data(-7);
    l->add_int64_data(1LL << 33);
    auto* d = addInit(m, "d", 11, {1});
    d->add_double_data(0.25);
    auto* i8 = addInit(m, "i8", 3, {2});
    i8->add_int32_data(-3);
    i8->add_int32_data(100);
    addInit(m, "empty", 1, {0, 4});
    auto* s = addInit(m, "names", 8, {1});  // strings are listed in metadata, not as tensors
    s->add_string_data("x");
    const auto ck = qs::openCheckpoint(save(m, "typed.onnx"));
    QCOMPARE(ck->tensors().size(), std::size_t(7));
    QCOMPARE(ck->readMatrix(0).values, (std::vector<float>{1.5f, -2.f, 3.f}));
    QCOMPARE(ck->readMatrix(1).values, (std::vector<float>{1.f, -2.f}));
    QCOMPARE(ck->tensors()[1].dtype, qs::DType::F16);
    const auto hraw = ck->readRaw(1);
    QCOMPARE(hraw.size(), std::size_t(4));
    QCOMPARE(std::to_integer<int>(hraw[3]), 0xC0);
    QCOMPARE(ck->readMatrix(2).values, (std::vector<float>{3.f}));
    QCOMPARE(ck->readMatrix(3).values, (std::vector<float>{-7.f, 8589934592.f}));
    QCOMPARE(ck->readMatrix(4).values, (std::vector<float>{0.25f}));
    QCOMPARE(ck->readMatrix(5).values, (std::vector<float>{-3.f, 100.f}));
    QCOMPARE(ck->readMatrix(6).values.size(), std::size_t(0));
    QVERIFY(ck->metadata().at("onnx.unsupported_initializers").find("names") != std::string::npos);
}

void TestOnnxReader::externalData()
{
    const fs::path dir = fs::path(m_dir.path().toStdString()) / "ext";
    fs::create_directories(dir / "weights");
    writeFile(dir / "weights" / "w.bin", std::string(8, 'x') + rawF32({5, 6, 7, 8, 9, 10}));
    onnx::ModelProto m;
    auto* t = addInit(m, "w", 1, {2, 3});
    t->set_data_location(onnx::TensorProto::EXTERNAL);
    auto add = [&](const char* k, const char* v) {
        auto* kv = t->add_external_data();
        kv->set_key(k);
        kv->set_value(v);
    };
    add("location", "weights/w.bin");
    add("offset", "8");
    add("length", "24");
    writeFile(dir / "model.onnx", m.SerializeAsString());
    const auto ck = qs::openCheckpoint(dir / "model.onnx");
    QCOMPARE(ck->readMatrix(0).values, (std::vector<float>{5, 6, 7, 8, 9, 10}));
    QCOMPARE(ck->tensors()[0].byteSize, std::uint64_t(24));
}

void TestOnnxReader::axesFromNodes()
{
    onnx::ModelProto m;
    addInit(m, "gemm_t", 1, {2, 3})->set_raw_data(rawF32({1, 2, 3, 4, 5, 6}));  // [out=2, in=3]
    addInit(m, "gemm_n", 1, {3, 2})->set_raw_data(rawF32({1, 2, 3, 4, 5, 6}));  // [in=3, out=2]
    addInit(m, "mm", 1, {3, 2})->set_raw_data(rawF32({1, 2, 3, 4, 5, 6}));      // MatMul B [in, out]
    addInit(m, "emb", 1, {4, 2})->set_raw_data(rawF32({0, 0, 0, 0, 0, 0, 0, 0}));
    addNode(m, "Gemm", {"x", "gemm_t"}, 1);
    addNode(m, "Gemm", {"x", "gemm_n"}, 0);
    addNode(m, "MatMul", {"x", "mm"});
    addNode(m, "Gather", {"emb", "ids"});
    const auto ck = qs::openCheckpoint(save(m, "axes.onnx"));
    QCOMPARE(ck->tensors()[0].layout, qs::AxisLayout::OutFirst);
    QCOMPARE(ck->readMatrix(0).values, (std::vector<float>{1, 2, 3, 4, 5, 6}));
    QCOMPARE(ck->tensors()[1].layout, qs::AxisLayout::OutLast);
    const auto n = ck->readMatrix(1);
    QCOMPARE(n.rows, std::int64_t(2));
    QCOMPARE(n.values, (std::vector<float>{1, 3, 5, 2, 4, 6}));
    QCOMPARE(ck->tensors()[2].role, qs::TensorRole::Linear);
    QCOMPARE(ck->readMatrix(2).values, (std::vector<float>{1, 3, 5, 2, 4, 6}));
    QCOMPARE(ck->tensors()[3].role, qs::TensorRole::Embedding);
}

void TestOnnxReader::hostile_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("needle");
    QTest::newRow("truncated protobuf") << 0 << "does not parse";
    QTest::newRow("random bytes") << 1 << "does not parse";
    QTest::newRow("negative dim") << 2 << "negative dimension";
    QTest::newRow("raw_data size mismatch") << 3 << "raw_data";
    QTest::newRow("typed count mismatch") << 4 << "typed values";
    QTest::newRow("numel overflow") << 5 << "overflows";
    QTest::newRow("external past EOF") << 6 << "run past the end of";
    QTest::newRow("external length mismatch") << 7 << "external length";
    QTest::newRow("external offset not a number") << 8 << "not a non-negative integer";
    QTest::newRow("duplicate name") << 9 << "duplicate";
    QTest::newRow("no graph") << 10 << "no graph";
    QTest::newRow("rank 40") << 11 << "32 dimensions";
    QTest::newRow("external without location") << 12 << "location";
}

void TestOnnxReader::hostile()
{
    QFETCH(int, kind);
    QFETCH(QString, needle);
    auto m = validModel();
    auto* t = m.mutable_graph()->mutable_initializer(0);
    auto external = [&](const std::string& loc, const std::string& off, const std::string& len) {
        t->clear_raw_data();
        t->set_data_location(onnx::TensorProto::EXTERNAL);
        for (auto [k, v] : {std::pair{"location", loc}, {"offset", off}, {"length", len}}) {
            if (v.empty()) continue;
            auto* kv = t->add_external_data();
            kv->set_key(k);
            kv->set_value(v);
        }
    };
    writeFile(fs::path(m_dir.path().toStdString()) / "small.bin", rawF32({1, 2, 3, 4}));
    std::string bytes;
    switch (kind) {
    case 0: bytes = m.SerializeAsString(); bytes.resize(bytes.size() - 5); break;
    case 1: bytes = "\x0a\xff\xff\xff\xff\x0f garbage"; break;
    case 2: t->set_dims(0, -2); break;
    case 3: t->set_raw_data(rawF32({1, 2, 3})); break;
    case 4: t->clear_raw_data(); t->add_float_data(1); break;
    case 5: t->set_dims(0, 1LL << 40); t->set_dims(1, 1LL << 40); break;
    case 6: external("small.bin", "8", "16"); break;
    case 7: external("small.bin", "0", "12"); break;
    case 8: external("small.bin", "-4", ""); break;
    case 9: *m.mutable_graph()->add_initializer() = *t; break;
    case 10: m.clear_graph(); break;
    case 11: for (int i = 0; i < 38; ++i) t->add_dims(1); break;
    case 12: external("", "0", "16"); break;
    }
    if (bytes.empty()) bytes = m.SerializeAsString();
    const fs::path p = fs::path(m_dir.path().toStdString()) / "hostile.onnx";
    writeFile(p, bytes);
    try {
        qs::io::openOnnx(p);
        QFAIL("hostile model accepted");
    } catch (const qs::FormatError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(needle), e.what());
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("hostile.onnx")), e.what());
        if (kind >= 2 && kind != 10) QVERIFY2(e.field().find("initializer 'w'") != std::string::npos, e.what());
    }
}

void TestOnnxReader::externalEscapesFolder_data()
{
    QTest::addColumn<QString>("location");
    QTest::newRow("parent folder") << "../outside.bin";
    QTest::newRow("nested escape") << "sub/../../outside.bin";
    QTest::newRow("absolute") << "/etc/passwd";
    QTest::newRow("symlink out") << "link.bin";
}

void TestOnnxReader::externalEscapesFolder()
{
    QFETCH(QString, location);
    const fs::path root = fs::path(m_dir.path().toStdString()) / "escape";
    fs::create_directories(root / "model");
    writeFile(root / "outside.bin", rawF32({1, 2, 3, 4}));
    std::error_code ec;
    fs::create_symlink(root / "outside.bin", root / "model" / "link.bin", ec);
    auto m = validModel();
    auto* t = m.mutable_graph()->mutable_initializer(0);
    t->clear_raw_data();
    t->set_data_location(onnx::TensorProto::EXTERNAL);
    auto* kv = t->add_external_data();
    kv->set_key("location");
    kv->set_value(location.toStdString());
    writeFile(root / "model" / "m.onnx", m.SerializeAsString());
    try {
        qs::io::openOnnx(root / "model" / "m.onnx");
        QFAIL("external data outside the model folder accepted");
    } catch (const qs::SecurityError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("model's folder")), e.what());
    }
}

QTEST_APPLESS_MAIN(TestOnnxReader)
#include "test_onnx_reader.moc"
