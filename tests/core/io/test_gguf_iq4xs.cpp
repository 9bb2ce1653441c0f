// GGUF export of nl4: at group 32 with rows of whole 256-value super-blocks a tensor is written as
// IQ4_XS and reads back (through QuantScope's GGUF reader) exactly as QuantizedTensor::dequantize()
// gave it; every other nl4 tensor keeps the re-encoding fallback, with a warning that names the
// tensor and the reason, or (group 16) says that --group 32 makes the export lossless.
#include "io/gguf/gguf_file.h"
#include "llama2c_model.h"
#include "quantscope/io/checkpoint.h"
#include "quantscope/io/exporter.h"
#include "quantscope/quant/quantize.h"
#include "quantscope/tensor/dtype.h"
#include "test_data.h"
#include "util/mapped_file.h"

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cstring>

using namespace qs;
namespace fs = std::filesystem;

namespace {

ModelQuantSettings nl4(std::int64_t group)
{
    ModelQuantSettings s;
    s.defaults.method = QuantMethod::Nl4;
    s.defaults.granularity = Granularity::PerGroup;
    s.defaults.groupSize = group;
    return s;
}

ExportOptions ggufQ4_0(const fs::path& tokenizer)
{
    ExportOptions o;
    o.format = ExportFormat::Gguf;
    o.ggufType = DType::Q4_0;
    o.tokenizer = tokenizer;
    return o;
}

std::size_t countContaining(const std::vector<std::string>& lines, const std::string& a, const std::string& b = "")
{
    return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [&](const std::string& l) {
        return l.find(a) != std::string::npos && l.find(b) != std::string::npos;
    }));
}

std::uint64_t fileType(const fs::path& gguf)
{
    const MappedFile f(gguf);
    return io::parseGguf(f.bytes(), gguf.string()).find("general.file_type")->asUInt().value();
}

}  // namespace

class TestGgufIq4Xs : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    fs::path m_tokenizer, m_wide;

private Q_SLOTS:
    void initTestCase()
    {
        QS_REQUIRE_DATA(stories, "llm/stories260K.bin");
        QS_REQUIRE_DATA(tok, "llm/tok512.bin");
        QVERIFY(m_tmp.isValid());
        m_tokenizer = tok;
        // dim 256, hidden 288: wq wk wv wo w1 w3 have rows of 256 (IQ4_XS), w2 rows of 288 (not).
        m_wide = fs::path(m_tmp.path().toStdString()) / "wide256.bin";
        test::writeLlama2cModel(m_wide, {}, test::llama2cWeights(stories));
    }

    void group32IsWrittenAsIq4XsBitForBit()
    {
        const auto ckpt = openCheckpoint(m_wide);
        const fs::path out = fs::path(m_tmp.path().toStdString()) / "g32.gguf";
        const auto settings = nl4(32);
        const auto r = exportQuantized(*ckpt, settings, out, ggufQ4_0(m_tokenizer));
        const auto back = openCheckpoint(out);
        QCOMPARE(back->tensors().size(), ckpt->tensors().size());  // same catalog order
        int lossless = 0;
        for (std::size_t i = 0; i < ckpt->tensors().size(); ++i) {
            const auto& info = ckpt->tensors()[i];
            if (info.role != TensorRole::Linear || info.cols() % 256 != 0) continue;
            QCOMPARE(back->tensors()[i].dtype, DType::IQ4_XS);
            QCOMPARE(back->tensors()[i].byteSize, std::uint64_t(info.numel() / 256 * 136));
            const Matrix expected = quantizeMatrix(ckpt->readMatrix(i), settings.defaults).dequantize();
            const Matrix got = back->readMatrix(i);
            QCOMPARE(got.values.size(), expected.values.size());
            QVERIFY2(std::memcmp(got.values.data(), expected.values.data(), got.values.size() * 4) == 0,
                     info.name.c_str());
            QCOMPARE(countContaining(r.warnings, info.name), std::size_t(0));  // lossless: nothing to say
            ++lossless;
        }
        QCOMPARE(lossless, 6);  // wq wk wv wo w1 w3
        const auto w2 = *ckpt->find("layers.0.feed_forward.w2.weight");
        QCOMPARE(back->tensors()[w2].dtype, DType::Q4_0);
        QCOMPARE(countContaining(r.warnings, "layers.0.feed_forward.w2.weight", "not whole 256-value super-blocks"),
                 std::size_t(1));
        const auto stored = std::count_if(r.written.begin(), r.written.end(),
                                          [](const WrittenTensorError& w) { return w.storedAs == "IQ4_XS"; });
        QCOMPARE(stored, 6);
        QCOMPARE(fileType(out), std::uint64_t(30));  // LLAMA_FTYPE_MOSTLY_IQ4_XS
    }

    void group16KeepsTheFallbackAndPointsToGroup32()
    {
        const auto ckpt = openCheckpoint(m_wide);
        const fs::path out = fs::path(m_tmp.path().toStdString()) / "g16.gguf";
        const auto r = exportQuantized(*ckpt, nl4(16), out, ggufQ4_0(m_tokenizer));
        const auto back = openCheckpoint(out);
        for (const auto& t : back->tensors()) QVERIFY2(t.dtype != DType::IQ4_XS, t.name.c_str());
        QCOMPARE(back->tensors()[*ckpt->find("layers.0.attention.wq.weight")].dtype, DType::Q4_0);
        QCOMPARE(countContaining(r.warnings, "nl4's non-linear codebook", "--group 32"), std::size_t(1));
        QCOMPARE(countContaining(r.warnings, "7 tensors were re-encoded as Q4_0"), std::size_t(1));
        QCOMPARE(fileType(out), std::uint64_t(2));  // MOSTLY_Q4_0
    }

    void storiesRowsAreTooShortAndEachTensorSaysSo()
    {
        // stories260K's rows hold 64 or 172 values: no nl4 tensor fits IQ4_XS, each is re-encoded
        // (Q4_0, or F16 for rows that are not whole Q4_0 blocks) with a warning naming it.
        QS_REQUIRE_DATA(stories, "llm/stories260K.bin");
        const auto ckpt = openCheckpoint(stories);
        const fs::path out = fs::path(m_tmp.path().toStdString()) / "stories.gguf";
        const auto r = exportQuantized(*ckpt, nl4(32), out, ggufQ4_0(m_tokenizer));
        const auto back = openCheckpoint(out);
        std::size_t quantized = 0;
        for (const auto& t : r.quant.tensors) {
            if (!t.quantized) continue;
            ++quantized;
            const auto type = back->tensors()[t.index].dtype;
            QCOMPARE(type, ckpt->tensors()[t.index].cols() % 32 == 0 ? DType::Q4_0 : DType::F16);
            QCOMPARE(countContaining(r.warnings, t.name + ": nl4 rows of", "re-encoded as " + std::string(dtypeName(type))),
                     std::size_t(1));
        }
        QCOMPARE(quantized, std::size_t(35));
        QCOMPARE(countContaining(r.warnings, "--group 32"), std::size_t(0));  // the group is not the problem
    }
};

QTEST_APPLESS_MAIN(TestGgufIq4Xs)
#include "test_gguf_iq4xs.moc"
