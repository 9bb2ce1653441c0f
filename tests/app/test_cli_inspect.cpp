// `quantscope-cli inspect` as a user runs it: JSON contents, totals, and corrupt files giving a
// clean nonzero exit (never a signal) with the file named on stderr.
#include "gguf_builder.h"
#include "quantscope/io/safetensors_writer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include "cli_run.h"

#include <QTest>

using namespace qs;
using namespace qs::test;

namespace {

using Run = qs::test::CliRun;
using qs::test::runCli;

}  // namespace

class TestCliInspect : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString path(const char* name) const { return m_dir.filePath(QString::fromLatin1(name)); }

private Q_SLOTS:
    void safetensorsJson()
    {
        const QString file = path("model.safetensors");
        {
            SafetensorsWriter w(file.toStdString());
            w.addTensor("layers.0.weight", {2, 3}, std::vector<float>{1, 2, 3, 4, 5, 6});
            w.addTensor("layers.0.bias", {2}, std::vector<float>{-1, 1}, DType::F16);
            Bytes ids;
            appendValues(ids, std::vector<std::int64_t>{7, 8, 9, 10});
            w.addTensor("position_ids", DType::I64, {1, 4}, ids);
            w.commit();
        }
        const Run r = runCli({"inspect", file, "--json"});
        QVERIFY2(r.exitCode == 0 && !r.crashed, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value("format").toString(), QString("safetensors"));
        QCOMPARE(o.value("total_params").toInteger(), 12);  // integer tensors count too
        const QJsonArray tensors = o.value("tensors").toArray();
        QCOMPARE(tensors.size(), 3);
        const QJsonObject w = tensors[0].toObject();
        QCOMPARE(w.value("name").toString(), QString("layers.0.weight"));
        QCOMPARE(w.value("shape").toArray(), (QJsonArray{2, 3}));
        QCOMPARE(w.value("dtype").toString(), QString("F32"));
        QCOMPARE(w.value("params").toInteger(), 6);
        QCOMPARE(w.value("role").toString(), QString("linear"));
        const QJsonObject s = w.value("stats").toObject();
        QCOMPARE(s.value("mean").toDouble(), 3.5);
        QCOMPARE(s.value("max").toDouble(), 6.0);
        QVERIFY(std::fabs(s.value("std").toDouble() - 1.707825127659933) < 1e-12);
        QVERIFY(s.contains("kurtosis") && s.contains("absmax_over_std") && s.contains("fraction_beyond_3sigma"));
        QCOMPARE(tensors[1].toObject().value("role").toString(), QString("bias"));
        // Integer tensors decode to float and get statistics too.
        QCOMPARE(tensors[2].toObject().value("stats").toObject().value("mean").toDouble(), 8.5);
    }

    void noStatsAndTextOutput()
    {
        const QString file = path("small.safetensors");
        {
            SafetensorsWriter w(file.toStdString());
            w.addTensor("x", {4}, std::vector<float>{1, 2, 3, 4});
            w.commit();
        }
        const Run j = runCli({"inspect", file, "--json", "--no-stats"});
        QCOMPARE(j.exitCode, 0);
        QVERIFY(QJsonDocument::fromJson(j.out).object().value("tensors").toArray()[0].toObject().value("stats").isNull());
        const Run t = runCli({"inspect", file});
        QCOMPARE(t.exitCode, 0);
        QVERIFY(t.out.contains("absmax/std"));
        QVERIFY(t.out.contains("total: 1 tensors, 4 parameters"));
    }

    void ggufJson()
    {
        GgufBuilder g;
        Bytes w, ids;
        appendValues(w, std::vector<float>(4 * 8, 0.5f));
        appendValues(ids, std::vector<std::int32_t>{1, 2, 3});
        g.str("general.architecture", "llama").tensor("blk.0.ffn_up.weight", {8, 4}, 0, w).tensor("ids", {3}, 26, ids);
        const QString file = path("model.gguf");
        writeBytes(file.toStdString(), g.build());
        const Run r = runCli({"inspect", file, "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value("format").toString(), QString("gguf"));
        QCOMPARE(o.value("total_params").toInteger(), 35);
        QCOMPARE(o.value("tensors").toArray()[0].toObject().value("shape").toArray(), (QJsonArray{4, 8}));
        QCOMPARE(o.value("metadata").toObject().value("general.architecture").toString(), QString("llama"));
    }

    void corruptFilesExitCleanly_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("bytes");
        QByteArray st(8, '\0');
        st[0] = 60;  // header length 60, but the file ends after 10 bytes
        st += "{\"";
        QTest::newRow("safetensors truncated") << "bad.safetensors" << st;
        QByteArray gg("GGUF\x03\0\0\0", 8);
        gg += QByteArray(8, '\0') + QByteArray("\xff\xff\xff\xff\xff\xff\xff\x0f", 8);  // absurd KV count
        QTest::newRow("gguf absurd count") << "bad.gguf" << gg;
    }
    void corruptFilesExitCleanly()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, bytes);
        const QString file = path(qPrintable(name));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
        f.close();
        const Run r = runCli({"inspect", file});
        QVERIFY(!r.crashed);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(file.toUtf8()), r.err.constData());
        QVERIFY2(r.err.contains("at byte"), r.err.constData());
    }

    void missingFile()
    {
        const Run r = runCli({"inspect", path("nope.safetensors")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("nope.safetensors"));
    }
};

QTEST_APPLESS_MAIN(TestCliInspect)
#include "test_cli_inspect.moc"
