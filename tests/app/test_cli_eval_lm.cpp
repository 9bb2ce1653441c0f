// `quantscope-cli eval-lm` as a user runs it on stories260K: the JSON objects the issue names,
// the reference figures on the first 40 paragraphs, a quantized run, and usage errors.
#include "cli_run.h"
#include "test_data.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

namespace {

using Run = qs::test::CliRun;
using qs::test::runCli;

QString q(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

}  // namespace

class TestCliEvalLm : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fpOnlyJson()
    {
        QS_REQUIRE_DATA(model, "llm/stories260K.bin");
        QS_REQUIRE_DATA(text, "text/tinystories_val.txt");
        // No --tokenizer: tok512.bin next to the model is the default.
        const Run r = runCli({"eval-lm", q(model), "--text", q(text), "--max-paragraphs", "40", "--json"});
        QVERIFY2(r.exitCode == 0 && !r.crashed, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        const QJsonObject fp = o.value("fp").toObject();
        QCOMPARE(fp.value("tokens").toInteger(), qint64(4059));
        QVERIFY(std::abs(fp.value("nll").toDouble() - 1.3565) <= 0.0005);
        QVERIFY(std::abs(fp.value("ppl").toDouble() - std::exp(fp.value("nll").toDouble())) < 1e-9);
        QVERIFY(!o.contains("quantized"));
    }

    void quantizedRun()
    {
        QS_REQUIRE_DATA(model, "llm/stories260K.bin");
        QS_REQUIRE_DATA(tok, "llm/tok512.bin");
        QS_REQUIRE_DATA(text, "text/tinystories_val.txt");
        const Run r = runCli({"eval-lm", q(model), "--text", q(text), "--tokenizer", q(tok), "--max-paragraphs", "20",
                              "--method", "rtn", "--bits", "4", "--json"});
        QVERIFY2(r.exitCode == 0 && !r.crashed, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        const QJsonObject fp = o.value("fp").toObject(), qz = o.value("quantized").toObject();
        QCOMPARE(qz.value("tokens").toInteger(), fp.value("tokens").toInteger());
        QVERIFY(qz.value("nll").toDouble() > fp.value("nll").toDouble());  // 4-bit RTN costs something
        QVERIFY(qz.value("bpw").toDouble() > 4.0 && qz.value("bpw").toDouble() < 4.5);
        QVERIFY(std::abs(o.value("delta").toObject().value("nll").toDouble() -
                         (qz.value("nll").toDouble() - fp.value("nll").toDouble())) < 1e-12);
        // Human-readable form names both rows and the difference.
        const Run h = runCli({"eval-lm", q(model), "--text", q(text), "--max-paragraphs", "5", "--bits", "3"});
        QVERIFY2(h.exitCode == 0, h.err.constData());
        QVERIFY(h.out.contains("fp32") && h.out.contains("easyquant 3-bit") && h.out.contains("difference"));
    }

    void sharesQuantizeOptions()
    {
        // eval-lm takes quantize's per-tensor options from one definition: --solver minmax (the
        // paper's "outlier isolation only" ablation) was once silently read as search here.
        QS_REQUIRE_DATA(model, "llm/stories260K.bin");
        QS_REQUIRE_DATA(text, "text/tinystories_val.txt");
        auto nllWith = [&](const char* solver) {
            const Run r = runCli({"eval-lm", q(model), "--text", q(text), "--max-paragraphs", "5", "--solver", solver,
                                  "--json"});
            if (r.exitCode != 0) qWarning("%s", r.err.constData());
            return QJsonDocument::fromJson(r.out).object().value("quantized").toObject().value("nll").toDouble(-1);
        };
        const double search = nllWith("search"), minmax = nllWith("minmax");
        QVERIFY(search > 0 && minmax > 0);
        QVERIFY2(search != minmax, "--solver minmax must change the quantized model");
        QCOMPARE(runCli({"eval-lm", q(model), "--text", q(text), "--solver", "newton"}).exitCode, 2);
    }

    void presetChoosesTheQuantizer()
    {
        // --preset reaches eval-lm through the same options: q4_0 is EasyQuant per 32-value
        // block with no outliers (bpw 4 + 16/32, a little more where w2's 172 columns end in a
        // short group), and an unknown preset is refused.
        QS_REQUIRE_DATA(model, "llm/stories260K.bin");
        QS_REQUIRE_DATA(text, "text/tinystories_val.txt");
        const Run r = runCli({"eval-lm", q(model), "--text", q(text), "--max-paragraphs", "5", "--preset", "q4_0",
                              "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject qz = QJsonDocument::fromJson(r.out).object().value("quantized").toObject();
        QVERIFY2(qz.value("bpw").toDouble() >= 4.5 && qz.value("bpw").toDouble() < 4.52, r.out.constData());
        const Run paper = runCli({"eval-lm", q(model), "--text", q(text), "--max-paragraphs", "5", "--preset",
                                  "q4_0", "--sigma", "3", "--json"});
        QVERIFY2(paper.exitCode == 0, paper.err.constData());
        const QJsonObject qs = QJsonDocument::fromJson(paper.out).object().value("quantized").toObject();
        QVERIFY2(qs.value("bpw").toDouble() > qz.value("bpw").toDouble() + 0.1,
                 "--sigma beside the preset keeps fp16 outliers");
        QVERIFY(runCli({"eval-lm", q(model), "--text", q(text), "--preset", "q5_k"}).exitCode != 0);
    }

    void usageErrors()
    {
        QS_REQUIRE_DATA(model, "llm/stories260K.bin");
        QS_REQUIRE_DATA(text, "text/tinystories_val.txt");
        Run r = runCli({"eval-lm", q(model), "--text", q(text), "--bits", "4", "--quantized", q(model)});
        QCOMPARE(r.exitCode, 2);
        r = runCli({"eval-lm", q(model), "--text", q(text), "--bits", "1"});
        QCOMPARE(r.exitCode, 2);
        // Not a LLaMA checkpoint: a clean error naming the file, not a crash.
        r = runCli({"eval-lm", q(text), "--text", q(text), "--tokenizer", q(model)});
        QVERIFY(!r.crashed);
        QVERIFY(r.exitCode != 0);
    }
};

QTEST_APPLESS_MAIN(TestCliEvalLm)
#include "test_cli_eval_lm.moc"
