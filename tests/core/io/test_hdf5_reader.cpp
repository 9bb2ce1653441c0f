// The HDF5 reader: Keras legacy full-model and weights-only layouts, Keras 3 model.weights.h5,
// generic HDF5 files, all written here with the HDF5 C API; plus broken files.

#include "io/hdf5/hdf5_checkpoint.h"
#include "quantscope/error.h"
#include "zip_builder.h"

#include <hdf5.h>

#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <numeric>

namespace fs = std::filesystem;

namespace {

// Creates intermediate groups, so "dense/kernel:0" under a layer group nests like Keras does.
hid_t linkPlist()
{
    static const hid_t lcpl = [] {
        const hid_t p = H5Pcreate(H5P_LINK_CREATE);
        H5Pset_create_intermediate_group(p, 1);
        return p;
    }();
    return lcpl;
}

void dataset(hid_t loc, const std::string& name, hid_t fileType, std::vector<hsize_t> dims, hid_t memType, const void* data)
{
    const hid_t space = dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    const hid_t ds = H5Dcreate2(loc, name.c_str(), fileType, space, linkPlist(), H5P_DEFAULT, H5P_DEFAULT);
    QVERIFY(ds >= 0);
    if (data) QVERIFY(H5Dwrite(ds, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
    H5Dclose(ds);
    H5Sclose(space);
}

void floats(hid_t loc, const std::string& name, std::vector<hsize_t> dims, hid_t fileType = H5T_IEEE_F32LE)
{
    const hsize_t n = std::accumulate(dims.begin(), dims.end(), hsize_t{1}, std::multiplies<>());
    std::vector<float> v(n);
    std::iota(v.begin(), v.end(), 0.0f);  // value = flat index in the stored layout
    dataset(loc, name, fileType, dims, H5T_NATIVE_FLOAT, v.data());
}

void strings(hid_t obj, const char* name, const std::vector<std::string>& values, bool variable = false)
{
    const hsize_t n = values.size();
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t type = H5Tcopy(H5T_C_S1);
    if (variable) {
        H5Tset_size(type, H5T_VARIABLE);
        std::vector<const char*> ptrs;
        for (const auto& s : values) ptrs.push_back(s.c_str());
        const hid_t a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(a, type, ptrs.data());
        H5Aclose(a);
    } else {
        std::size_t width = 1;
        for (const auto& s : values) width = std::max(width, s.size());
        H5Tset_size(type, width);  // numpy 'S' arrays: fixed width, NUL padded
        std::string buf(width * n, '\0');
        for (std::size_t i = 0; i < n; ++i) buf.replace(i * width, values[i].size(), values[i]);
        const hid_t a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(a, type, buf.data());
        H5Aclose(a);
    }
    H5Tclose(type);
    H5Sclose(space);
}

hid_t group(hid_t loc, const char* name) { return H5Gcreate2(loc, name, linkPlist(), H5P_DEFAULT, H5P_DEFAULT); }

}  // namespace

class TestHdf5Reader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    }
    void kerasLegacyFullModel();
    void kerasWeightsOnlySplitAttributes();
    void keras3WeightsFile();
    void keras3Archive();
    void genericFile();
    void broken_data();
    void broken();

private:
    fs::path file(const char* name) const { return fs::path(m_dir.path().toStdString()) / name; }
    hid_t create(const char* name) const { return H5Fcreate(file(name).c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT); }
    fs::path writeGeneric(const char* name);
    QTemporaryDir m_dir;
};

void TestHdf5Reader::kerasLegacyFullModel()
{
    const hid_t f = create("full.h5");
    strings(f, "keras_version", {"2.13.1"});
    strings(f, "backend", {"tensorflow"});
    const hid_t mw = group(f, "model_weights");
    strings(mw, "layer_names", {"conv2d", "dense", "flatten"});
    const hid_t conv = group(mw, "conv2d");
    strings(conv, "weight_names", {"conv2d/kernel:0", "conv2d/bias:0"});
    floats(conv, "conv2d/kernel:0", {3, 3, 1, 4});  // HWIO
    floats(conv, "conv2d/bias:0", {4});
    const hid_t dense = group(mw, "dense");
    strings(dense, "weight_names", {"dense/kernel:0", "dense/bias:0"});
    floats(dense, "dense/kernel:0", {3, 2});  // [in, out]
    floats(dense, "dense/bias:0", {2});
    const hid_t flat = group(mw, "flatten");
    strings(flat, "weight_names", std::vector<std::string>{""});
    floats(f, "optimizer_weights/Adam/iter:0", {1});
    for (hid_t g : {conv, dense, flat, mw}) H5Gclose(g);
    H5Fclose(f);

    const auto ck = qs::openCheckpoint(file("full.h5"));
    QCOMPARE(ck->format(), std::string_view("keras-h5"));
    QCOMPARE(ck->metadata().at("keras.keras_version"), std::string("2.13.1"));
    QCOMPARE(ck->tensors().size(), std::size_t(4));  // optimizer state and empty names skipped
    const auto& k = ck->tensors()[0];
    QCOMPARE(k.name, std::string("conv2d/kernel:0"));
    QCOMPARE(k.layout, qs::AxisLayout::OutLast);
    QCOMPARE(k.role, qs::TensorRole::Conv);
    const auto c = ck->readMatrix(0);
    QCOMPARE(c.rows, std::int64_t(4));
    QCOMPARE(c.cols, std::int64_t(9));
    // Stored HWIO value at [h][w][0][o] is its flat index (h*3 + w)*4 + o.
    QCOMPARE(c.row(1)[0], 1.0f);
    QCOMPARE(c.row(3)[2 * 3 + 1], float((2 * 3 + 1) * 4 + 3));
    QCOMPARE(ck->tensors()[1].role, qs::TensorRole::Bias);
    const auto d = ck->readMatrix(*ck->find("dense/kernel:0"));
    QCOMPARE(d.rows, std::int64_t(2));
    QCOMPARE(d.values, (std::vector<float>{0, 2, 4, 1, 3, 5}));  // [in,out] transposed to [out,in]
    QCOMPARE(ck->tensors()[*ck->find("dense/kernel:0")].role, qs::TensorRole::Linear);
}

void TestHdf5Reader::kerasWeightsOnlySplitAttributes()
{
    const hid_t f = create("weights.h5");
    // Keras splits attributes over 64 KB into name0, name1, ...; weight names without layer prefix.
    strings(f, "layer_names0", {"embedding"});
    strings(f, "layer_names1", {"dense_1"}, true);
    const hid_t emb = group(f, "embedding");
    strings(emb, "weight_names", {"embeddings"}, true);
    floats(emb, "embeddings", {5, 3});
    const hid_t dense = group(f, "dense_1");
    strings(dense, "weight_names0", {"kernel"});
    strings(dense, "weight_names1", {"bias"});
    floats(dense, "kernel", {2, 3}, H5T_IEEE_F32BE);  // big-endian on disk
    floats(dense, "bias", {3}, H5T_IEEE_F64LE);
    H5Gclose(emb);
    H5Gclose(dense);
    H5Fclose(f);

    const auto ck = qs::openCheckpoint(file("weights.h5"));
    QCOMPARE(ck->tensors().size(), std::size_t(3));
    QCOMPARE(ck->tensors()[0].name, std::string("embedding/embeddings"));
    QCOMPARE(ck->tensors()[0].role, qs::TensorRole::Embedding);
    QCOMPARE(ck->tensors()[0].layout, qs::AxisLayout::OutFirst);  // one row per token
    QCOMPARE(ck->readMatrix(0).row(4)[2], 14.0f);
    QCOMPARE(ck->tensors()[1].name, std::string("dense_1/kernel"));
    QCOMPARE(ck->readMatrix(1).values, (std::vector<float>{0, 3, 1, 4, 2, 5}));
    QCOMPARE(ck->tensors()[2].dtype, qs::DType::F64);
    QCOMPARE(ck->readMatrix(2).values, (std::vector<float>{0, 1, 2}));
}

void TestHdf5Reader::keras3WeightsFile()
{
    const hid_t f = create("model.weights.h5");
    floats(f, "layers/dense/vars/0", {4, 2});
    floats(f, "layers/dense/vars/1", {2});
    floats(f, "optimizer/vars/0", {1});
    H5Fclose(f);
    const auto ck = qs::openCheckpoint(file("model.weights.h5"));
    QCOMPARE(ck->format(), std::string_view("keras-h5"));
    QCOMPARE(ck->tensors().size(), std::size_t(2));
    QCOMPARE(ck->tensors()[0].name, std::string("layers/dense/vars/0"));
    QCOMPARE(ck->tensors()[0].rows(), std::int64_t(2));
    QCOMPARE(ck->readMatrix(0).values, (std::vector<float>{0, 2, 4, 6, 1, 3, 5, 7}));
    QCOMPARE(ck->tensors()[1].role, qs::TensorRole::Bias);
}

void TestHdf5Reader::keras3Archive()
{
    const hid_t f = create("inner.weights.h5");
    floats(f, "layers/dense/vars/0", {4, 2});
    floats(f, "layers/dense/vars/1", {2});
    H5Fclose(f);
    std::ifstream in(file("inner.weights.h5"), std::ios::binary);
    const std::string h5((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto zip = qs::test::buildZip(
        {{"metadata.json", R"({"keras_version": "3.3.3"})"}, {"config.json", R"({"class_name": "Sequential"})"}, {"model.weights.h5", h5}});
    std::ofstream(file("model.keras"), std::ios::binary)
        .write(reinterpret_cast<const char*>(zip.bytes.data()), static_cast<std::streamsize>(zip.bytes.size()));
    const auto ck = qs::openCheckpoint(file("model.keras"));
    QCOMPARE(ck->tensors().size(), std::size_t(2));
    QCOMPARE(ck->readMatrix(0).values, (std::vector<float>{0, 2, 4, 6, 1, 3, 5, 7}));
    QCOMPARE(ck->metadata().at("keras.config"), std::string(R"({"class_name": "Sequential"})"));
    // A .keras without its weights entry is refused clearly.
    const auto empty = qs::test::buildZip({{"metadata.json", "{}"}, {"config.json", "{}"}});
    std::ofstream(file("empty.keras"), std::ios::binary)
        .write(reinterpret_cast<const char*>(empty.bytes.data()), static_cast<std::streamsize>(empty.bytes.size()));
    QVERIFY_THROWS_EXCEPTION(qs::FormatError, qs::openCheckpoint(file("empty.keras")));
}

fs::path TestHdf5Reader::writeGeneric(const char* name)
{
    const hid_t f = create(name);
    floats(f, "a/b/data", {4, 5});
    const std::int32_t ints[3] = {-1, 0, 7};
    dataset(f, "counts", H5T_STD_I32LE, {3}, H5T_NATIVE_INT32, ints);
    const hid_t s = H5Tcopy(H5T_C_S1);
    H5Tset_size(s, 4);
    dataset(f, "label", s, {1}, s, "abcd");
    H5Tclose(s);
    std::vector<float> big(4096, 1.0f);
    dataset(f, "big", H5T_IEEE_F32LE, {4096}, H5T_NATIVE_FLOAT, big.data());
    H5Fclose(f);
    return file(name);
}

void TestHdf5Reader::genericFile()
{
    const auto ck = qs::openCheckpoint(writeGeneric("generic.h5"));
    QCOMPARE(ck->format(), std::string_view("hdf5"));
    QCOMPARE(ck->tensors().size(), std::size_t(3));  // the string dataset is not a tensor
    const auto data = *ck->find("a/b/data");
    QCOMPARE(ck->tensors()[data].layout, qs::AxisLayout::OutFirst);
    QCOMPARE(ck->readMatrix(data).row(3)[4], 19.0f);
    const auto counts = *ck->find("counts");
    QCOMPARE(ck->tensors()[counts].dtype, qs::DType::I32);
    QCOMPARE(ck->readMatrix(counts).values, (std::vector<float>{-1, 0, 7}));
    QVERIFY(ck->metadata().at("hdf5.skipped_datasets").find("label") != std::string::npos);
}

void TestHdf5Reader::broken_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("needle");
    QTest::newRow("truncated file") << 0 << "";
    QTest::newRow("wrong signature") << 1 << "signature";
    QTest::newRow("keras weight of string type") << 2 << "unsupported element type";
    QTest::newRow("layer group missing") << 3 << "does not exist";
    QTest::newRow("weight dataset missing") << 4 << "cannot be opened";
    QTest::newRow("huge unwritten chunked dataset") << 5 << "implausible";
    QTest::newRow("layer_names not strings") << 6 << "not a string";
}

void TestHdf5Reader::broken()
{
    QFETCH(int, kind);
    QFETCH(QString, needle);
    fs::path p = file("broken.h5");
    if (kind == 0) {
        writeGeneric("broken.h5");
        fs::resize_file(p, fs::file_size(p) / 2);
    } else if (kind == 1) {
        std::ofstream(p, std::ios::binary) << "not an hdf5 file at all, just text";
    } else {
        const hid_t f = create("broken.h5");
        if (kind == 6) {
            const int v = 3;
            const hsize_t one = 1;
            const hid_t sp = H5Screate_simple(1, &one, nullptr);
            const hid_t a = H5Acreate2(f, "layer_names", H5T_STD_I32LE, sp, H5P_DEFAULT, H5P_DEFAULT);
            H5Awrite(a, H5T_NATIVE_INT, &v);
            H5Aclose(a);
            H5Sclose(sp);
        } else {
            strings(f, "layer_names", {"dense"});
            const hid_t g = kind == 3 ? group(f, "other") : group(f, "dense");
            strings(g, "weight_names", {"dense/kernel:0"});
            if (kind == 2) {
                const hid_t s = H5Tcopy(H5T_C_S1);
                H5Tset_size(s, 4);
                dataset(g, "dense/kernel:0", s, {1}, s, "abcd");
                H5Tclose(s);
            } else if (kind == 5) {
                const hsize_t dims[2] = {1ull << 20, 1ull << 20}, chunk[2] = {64, 64};
                const hid_t sp = H5Screate_simple(2, dims, nullptr);
                const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
                H5Pset_chunk(dcpl, 2, chunk);
                H5Dclose(H5Dcreate2(g, "dense/kernel:0", H5T_IEEE_F32LE, sp, linkPlist(), dcpl, H5P_DEFAULT));
                H5Pclose(dcpl);
                H5Sclose(sp);
            }
            H5Gclose(g);
        }
        H5Fclose(f);
    }
    try {
        qs::io::openHdf5(p);
        QFAIL("broken HDF5 file accepted");
    } catch (const qs::FormatError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(needle), e.what());
        QCOMPARE(e.file(), p.string());
    }
}

QTEST_APPLESS_MAIN(TestHdf5Reader)
#include "test_hdf5_reader.moc"
