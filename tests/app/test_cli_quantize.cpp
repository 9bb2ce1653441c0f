// quantscope-cli as a user runs it: help for every subcommand, usage errors (exit 2), the
// quantize report on the real stories260K, a corrupt input (exit 1, naming the file), and the
// demo comparison.

#include "test_data.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run {
    int code = -1;
    QString out;
    QString err;
};

Run cli(const QStringList& args, int timeoutMs = 120000)
{
    QProcess p;
    p.start(QStringLiteral(QS_BINARY_DIR "/app/cli/quantscope-cli"), args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

QString describe(const Run& r)
{
    return QStringLiteral("exit %1\nstdout:\n%2\nstderr:\n%3")
        .arg(r.code)
        .arg(r.out.left(2000), r.err.left(2000));
}

}  // namespace

class TestCliQuantize : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void helpWorksForEverySubcommand()
    {
        const auto top = cli({"--help"});
        QVERIFY2(top.code == 0, qPrintable(describe(top)));
        // CLI11 lists the subcommands under "SUBCOMMANDS:" / "Subcommands:", one per line.
        const auto at =
            top.out.indexOf(QRegularExpression("subcommands:", QRegularExpression::CaseInsensitiveOption));
        QVERIFY2(at >= 0, qPrintable(top.out));
        QStringList names;
        for (const auto& line : top.out.mid(at).split('\n').mid(1)) {
            const auto m = QRegularExpression("^\\s+([a-z][a-z0-9-]*)\\s").match(line);
            if (m.hasMatch()) names << m.captured(1);
        }
        QVERIFY2(names.contains("quantize") && names.contains("demo"), qPrintable(names.join(',')));
        for (const auto& n : names) {
            const auto r = cli({n, "--help"});
            QVERIFY2(r.code == 0 && r.out.contains(n), qPrintable(n + ": " + describe(r)));
        }
        const auto q = cli({"quantize", "--help"});
        for (const char* opt : {"--method", "--bits", "--group", "--sigma", "--solver", "--granularity",
                                "--scheme", "--int-range", "--threads", "--tensor-type",
                                "--quantize-embeddings", "--quantize-head", "--report", "--out"})
            QVERIFY2(q.out.contains(opt), opt);
    }

    void usageErrorsExitWithTwo()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        const auto file = QString::fromStdString(path.string());
        auto r = cli({"quantize", file, "--no-such-option"});
        QVERIFY2(r.code == 2 && r.err.contains("--no-such-option"), qPrintable(describe(r)));
        r = cli({"quantize", file, "--bits", "9"});
        QVERIFY2(r.code == 2 && r.err.contains("--bits"), qPrintable(describe(r)));
        r = cli({"quantize", file, "--method", "gptq"});
        QVERIFY2(r.code == 2 && r.err.contains("gptq"), qPrintable(describe(r)));
        r = cli({"quantize", file, "--tensor-type", "w2=bits=12"});
        QVERIFY2(r.code == 2 && r.err.contains("w2=bits=12"), qPrintable(describe(r)));
        r = cli({"quantize"});
        QVERIFY2(r.code == 2, qPrintable(describe(r)));
        // nl4's layout is fixed: the message names the setting and what works.
        r = cli({"quantize", file, "--method", "nl4"});
        QVERIFY2(r.code == 2 && r.err.contains("granularity") && r.err.contains("--group 16"), qPrintable(describe(r)));
        r = cli({"quantize", file, "--method", "nl4", "--group", "48"});
        QVERIFY2(r.code == 2 && r.err.contains("groupSize") && r.err.contains("256"), qPrintable(describe(r)));
        r = cli({"quantize", file, "--method", "nl4", "--group", "16", "--bits", "3"});
        QVERIFY2(r.code == 2 && r.err.contains("bits"), qPrintable(describe(r)));
    }

    void nl4QuantizesAndWarnsThatGgufReencodes()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        QTemporaryDir dir;
        const auto gguf = dir.filePath("nl4.gguf");
        const auto r = cli({"quantize", QString::fromStdString(path.string()), "--method", "nl4", "--group", "16",
                            "--out", gguf});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        QVERIFY2(r.err.contains("with nl4, 4 bits") && r.err.contains("nl4's non-linear codebook"), qPrintable(describe(r)));
        QVERIFY2(r.err.contains("quantize with --group 32 to export nl4 losslessly as IQ4_XS"), qPrintable(describe(r)));
        QVERIFY2(r.out.contains("4.4") || r.out.contains("4.6"), qPrintable(r.out));  // bpw 4 + 6/16 + 16/B
    }

    void quantizeWritesReport()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        QTemporaryDir dir;
        const auto json = dir.filePath("report.json");
        const auto csv = dir.filePath("report.csv");
        auto r = cli({"quantize", QString::fromStdString(path.string()), "--method", "rtn-mse", "--bits", "4",
                      "--threads", "2", "--tensor-type", "w2=8", "--report", json});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains("layers.4.feed_forward.w2.weight") && r.out.contains("rel_err") &&
                     r.out.contains("totals"),
                 qPrintable(r.out));
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const auto root = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(root["method"].toString(), QStringLiteral("rtn-mse"));
        QCOMPARE(root["bits"].toInt(), 4);
        QCOMPARE(root["source"].toObject()["format"].toString(), QStringLiteral("llama2c"));
        QVERIFY(root["settings"].isObject());
        const auto tensors = root["tensors"].toArray();
        QCOMPARE(tensors.size(), qsizetype(47));
        for (const auto& v : tensors) {
            const auto t = v.toObject();
            QVERIFY(t.contains("name") && t.contains("shape") && t.contains("quantized") &&
                    t.contains("reason"));
            for (const char* m :
                 {"mse", "rel_err", "sqnr_db", "max_abs_err", "cosine", "outlier_frac", "bpw"})
                QVERIFY2(t.contains(m), m);
            if (t["name"].toString().endsWith("w2.weight")) QCOMPARE(t["bits"].toInt(), 8);
        }
        QVERIFY(root["totals"].toObject()["rel_err"].toDouble() > 0);

        r = cli({"quantize", QString::fromStdString(path.string()), "--method", "rtn", "--report", csv});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        QFile c(csv);
        QVERIFY(c.open(QIODevice::ReadOnly));
        QVERIFY(c.readLine().startsWith("name,shape,"));
    }

    void corruptInputExitsWithOneNamingTheFile()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        QTemporaryDir dir;
        // A real header whose weights are cut off after 1000 bytes.
        QFile src(QString::fromStdString(path.string()));
        QVERIFY(src.open(QIODevice::ReadOnly));
        const auto bad = dir.filePath("truncated_stories.bin");
        QFile out(bad);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(src.read(1000));
        out.close();
        const auto r = cli({"quantize", bad, "--method", "rtn"});
        QVERIFY2(r.code == 1 && r.err.contains("truncated_stories.bin"), qPrintable(describe(r)));
        const auto missing = cli({"quantize", dir.filePath("nothing_here.bin")});
        QVERIFY2(missing.code == 1 && missing.err.contains("nothing_here.bin"),
                 qPrintable(describe(missing)));
    }

    void exportWritesEachFormatAndRefusesTheInput()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        QS_REQUIRE_DATA(tok, "llm/tok512.bin");
        QTemporaryDir dir;
        const auto model = QString::fromStdString(path.string());
        for (const char* name : {"q.qs.h5", "q.safetensors"}) {
            const auto r = cli({"quantize", model, "--method", "rtn", "--out", dir.filePath(name)});
            QVERIFY2(r.code == 0 && r.err.contains("exported"), qPrintable(describe(r)));
            const auto again = cli({"inspect", dir.filePath(name), "--json", "--no-stats"});
            QVERIFY2(again.code == 0, qPrintable(describe(again)));
            QCOMPARE(QJsonDocument::fromJson(again.out.toUtf8()).object()["total_params"].toInteger(), 260032);
        }
        const auto g = cli({"quantize", model, "--bits", "8", "--out", dir.filePath("q.gguf"), "--gguf-type", "Q8_0",
                            "--tokenizer", QString::fromStdString(tok.string())});
        QVERIFY2(g.code == 0 && g.out.contains("rel_err written") && g.out.contains("Q8_0"), qPrintable(describe(g)));
        QVERIFY2(g.err.contains("not a multiple of 32"), qPrintable(describe(g)));  // w2: 172 columns -> F16
        QVERIFY2(!g.out.contains("(exact)"), qPrintable(describe(g)));  // 8-bit codes re-encoded as Q8_0
        // Codes that fit Q4_0 are written as they are, and the table says so.
        const auto e = cli({"quantize", model, "--group", "32", "--int-range", "full", "--sigma", "0", "--out",
                            dir.filePath("e.gguf"), "--gguf-type", "Q4_0", "--tokenizer", QString::fromStdString(tok.string())});
        QVERIFY2(e.code == 0 && e.out.contains("Q4_0 (exact)"), qPrintable(describe(e)));
        // The input is never the output, and an unknown extension asks for --format.
        QTemporaryDir other;
        QVERIFY(QFile::copy(model, other.filePath("model.bin")));
        const auto same = cli({"quantize", other.filePath("model.bin"), "--out", other.filePath("model.bin"),
                               "--format", "safetensors"});
        QVERIFY2(same.code == 2 && same.err.contains("overwrite"), qPrintable(describe(same)));
        QCOMPARE(QFileInfo(other.filePath("model.bin")).size(), QFileInfo(model).size());
        const auto unknown = cli({"quantize", model, "--out", other.filePath("x.weird")});
        QVERIFY2(unknown.code == 2 && unknown.err.contains("--format"), qPrintable(describe(unknown)));
        QCOMPARE(QDir(other.path()).entryList(QDir::Files | QDir::Hidden).size(), 1);
    }

    void presetWritesExactBlocksAndExplicitOptionsWin()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        QS_REQUIRE_DATA(tok, "llm/tok512.bin");
        QTemporaryDir dir;
        const auto model = QString::fromStdString(path.string());
        const auto tokenizer = QString::fromStdString(tok.string());
        // One choice, no block type named: every matrix whose rows are whole blocks is Q4_0 as
        // QuantScope quantized it (w2's 172 columns fall back to F16, as ever).
        const auto q4 = cli({"quantize", model, "--preset", "q4_0", "--out", dir.filePath("p.gguf"), "--tokenizer",
                             tokenizer, "--report", dir.filePath("p.json")});
        QVERIFY2(q4.code == 0 && q4.err.contains("preset q4_0"), qPrintable(describe(q4)));
        const auto lines = q4.out.split('\n');
        const auto q4Rows = lines.filter(QRegularExpression("\\bQ4_0\\b"));
        QVERIFY2(q4Rows.size() >= 6, qPrintable(describe(q4)));
        for (const auto& row : q4Rows) QVERIFY2(row.contains("Q4_0 (exact)"), qPrintable(row));
        QVERIFY2(!q4.err.contains("rounded a second time"), qPrintable(describe(q4)));
        QFile report(dir.filePath("p.json"));
        QVERIFY(report.open(QIODevice::ReadOnly));
        const auto root = QJsonDocument::fromJson(report.readAll()).object();
        QCOMPARE(root["method"].toString(), QStringLiteral("easyquant"));
        // An option given beside the preset wins: 3-sigma outliers cannot live in Q4_0 blocks,
        // so the same export now re-encodes, and says so.
        const auto mixed = cli({"quantize", model, "--preset", "q4_0", "--sigma", "3", "--out", dir.filePath("m.gguf"),
                                "--tokenizer", tokenizer});
        QVERIFY2(mixed.code == 0 && !mixed.out.contains("(exact)") && mixed.err.contains("rounded a second time"),
                 qPrintable(describe(mixed)));
        // --gguf-type given explicitly beats the preset's block type.
        const auto q8 = cli({"quantize", model, "--preset", "q8_0", "--out", dir.filePath("e8.gguf"), "--tokenizer",
                             tokenizer});
        QVERIFY2(q8.code == 0 && q8.out.contains("Q8_0 (exact)") && !q8.out.contains("Q4_0"), qPrintable(describe(q8)));
        const auto f16 = cli({"quantize", model, "--preset", "q8_0", "--gguf-type", "F16", "--out",
                              dir.filePath("f.gguf"), "--tokenizer", tokenizer});
        QVERIFY2(f16.code == 0 && !f16.out.contains("Q8_0"), qPrintable(describe(f16)));
        // Without a preset the block type follows the bits: an 8-bit result goes to Q8_0.
        const auto b8 = cli({"quantize", model, "--bits", "8", "--out", dir.filePath("b8.gguf"), "--tokenizer",
                             tokenizer});
        QVERIFY2(b8.code == 0 && b8.out.contains("Q8_0") && !b8.out.contains("Q4_0"), qPrintable(describe(b8)));
        const auto unknown = cli({"quantize", model, "--preset", "q4_k"});
        QVERIFY2(unknown.code != 0 && unknown.err.contains("--preset"), qPrintable(describe(unknown)));
        QVERIFY(!QFile::exists(dir.filePath("x.gguf")));
    }

    void presetWithGroupAloneIsPerGroup()
    {
        // --group beside a per-channel preset means groups of that size; everything else the
        // preset chose stays (the report's settings are what the job ran).
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        QTemporaryDir dir;
        const auto r = cli({"quantize", QString::fromStdString(path.string()), "--preset", "easyquant-paper", "--group",
                            "64", "--report", dir.filePath("r.json")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        auto settingsIn = [&](const char* name) {
            QFile report(dir.filePath(name));
            return report.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(report.readAll()).object()["settings"].toObject()
                                                    : QJsonObject();
        };
        const auto s = settingsIn("r.json");
        QCOMPARE(s["granularity"].toString(), QStringLiteral("group"));
        QCOMPARE(s["group_size"].toInt(), 64);
        QCOMPARE(s["solver"].toString(), QStringLiteral("adam"));
        QCOMPARE(s["int_range"].toString(), QStringLiteral("easyquant"));
        QCOMPARE(s["sigma"].toDouble(), 3.0);
        // With --granularity given too, the explicit choice wins over "--group means groups".
        const auto c = cli({"quantize", QString::fromStdString(path.string()), "--preset", "q4_0", "--granularity",
                            "channel", "--report", dir.filePath("c.json")});
        QVERIFY2(c.code == 0, qPrintable(describe(c)));
        const auto cs = settingsIn("c.json");
        QCOMPARE(cs["granularity"].toString(), QStringLiteral("channel"));
        QCOMPARE(cs["int_range"].toString(), QStringLiteral("either"));
    }

    void demoComparesMethods()
    {
        const auto r = cli({"demo", "--layers", "1", "--threads", "2"});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        for (const char* s : {"rtn", "rtn-mse", "easyquant", "rel_err", "sqnr_db", "bpw", "model.layers."})
            QVERIFY2(r.out.contains(s), s);
        // Same seed, same numbers (the time column aside).
        const auto again = cli({"demo", "--layers", "1", "--threads", "1"});
        const auto strip = [](QString s) {
            return s.remove(QRegularExpression("[0-9.]+ s\\b")).remove(QRegularExpression("\\s+"));
        };
        QCOMPARE(strip(again.out), strip(r.out));
    }

    void demoWritesSafetensorsThatQuantize()
    {
        QTemporaryDir dir;
        const auto file = dir.filePath("demo.safetensors");
        auto r = cli({"demo", "--layers", "1", "--write", file});
        QVERIFY2(r.code == 0 && QFile::exists(file), qPrintable(describe(r)));
        r = cli({"quantize", file, "--method", "rtn", "--quantize-head", "--report", dir.filePath("r.json")});
        QVERIFY2(r.code == 0 && r.out.contains("model.layers.0.mlp.down_proj.weight"),
                 qPrintable(describe(r)));
        QFile f(dir.filePath("r.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const auto root = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(root["source"].toObject()["format"].toString(), QStringLiteral("safetensors"));
        QCOMPARE(root["totals"].toObject()["quantized_tensors"].toInt(), 8);  // 7 projections + lm_head
    }
};

QTEST_GUILESS_MAIN(TestCliQuantize)
#include "test_cli_quantize.moc"
