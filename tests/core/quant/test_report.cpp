// The JSON/CSV report of a model job: required keys and metric names (METHODS.md §4), nulls for
// tensors left in full precision, CSV quoting, atomic writing that never hits the source.

#include "quantscope/error.h"
#include "quantscope/models/demo_model.h"
#include "quantscope/quant/report.h"
#include "quantscope/quant/tensor_rules.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <sstream>

namespace {

struct Job {
    std::unique_ptr<qs::Checkpoint> ckpt;
    qs::ModelQuantSettings settings;
    qs::ModelQuantResult result;
};

Job smallJob()
{
    qs::DemoModelConfig c;
    c.dim = 32;
    c.hiddenDim = 86;
    c.layers = 1;
    c.heads = 4;
    c.kvHeads = 4;
    c.vocabSize = 64;
    Job j;
    j.ckpt = qs::makeDemoCheckpoint(c);
    j.settings.defaults.method = qs::QuantMethod::Rtn;
    j.settings.rules = {qs::parseTensorRule("down_proj=bits=8,rtn-mse")};
    j.result = qs::quantizeModel(*j.ckpt, j.settings);
    return j;
}

const QStringList kMetrics{"mse", "rel_err", "sqnr_db", "max_abs_err", "cosine", "outlier_frac", "bpw"};

std::string readFile(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

}  // namespace

class TestReport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void jsonHasEveryRequiredKey()
    {
        const auto job = smallJob();
        const auto text = qs::reportToJson(job.result, job.settings, *job.ckpt);
        QJsonParseError err;
        const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(text), &err);
        QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
        const auto root = doc.object();
        QCOMPARE(root["method"].toString(), QStringLiteral("rtn"));
        QCOMPARE(root["bits"].toInt(), 4);
        const auto settings = root["settings"].toObject();
        for (const char* k :
             {"method", "bits", "scheme", "int_range", "granularity", "group_size", "sigma", "outlier_stats",
              "solver", "adam_lr", "adam_steps", "quantize_embeddings", "quantize_head", "rules"})
            QVERIFY2(settings.contains(k), k);
        QCOMPARE(settings["rules"].toArray()[0].toObject()["spec"].toString(),
                 QStringLiteral("method=rtn-mse,bits=8"));
        QCOMPARE(root["source"].toObject()["format"].toString(), QStringLiteral("demo"));
        QCOMPARE(root["source"].toObject()["path"].toString(), QStringLiteral("demo:seed=42"));

        const auto tensors = root["tensors"].toArray();
        QCOMPARE(tensors.size(), qsizetype(job.ckpt->tensors().size()));
        int quantized = 0;
        for (const auto& v : tensors) {
            const auto t = v.toObject();
            for (const char* k : {"name", "shape", "quantized", "reason", "bits", "elements"})
                QVERIFY2(t.contains(k), k);
            for (const auto& m : kMetrics) QVERIFY2(t.contains(m), qPrintable(m));
            if (t["quantized"].toBool()) {
                ++quantized;
                for (const auto& m : kMetrics) QVERIFY2(t[m].isDouble(), qPrintable(m));
            } else {
                QVERIFY(t["rel_err"].isNull());  // a kept tensor has no quantization error to report
                QVERIFY(!t["reason"].toString().isEmpty());
            }
        }
        QCOMPARE(quantized, 7);
        const auto down = tensors[job.ckpt->find("model.layers.0.mlp.down_proj.weight").value()].toObject();
        QCOMPARE(down["bits"].toInt(), 8);
        QCOMPARE(down["method"].toString(), QStringLiteral("rtn-mse"));
        QCOMPARE(down["shape"].toArray(), (QJsonArray{32, 86}));

        const auto totals = root["totals"].toObject();
        for (const auto& m : kMetrics) QVERIFY2(totals[m].isDouble(), qPrintable(m));
        QCOMPARE(totals["rel_err"].toDouble(), job.result.totals.relErr);  // full precision round-trips
        QCOMPARE(totals["quantized_params"].toInteger(), job.result.quantizedParams);
        QCOMPARE(totals["total_params"].toInteger(), job.result.totalParams);
    }

    void nonFiniteNumbersBecomeNull()
    {
        auto job = smallJob();
        job.result.totals.sqnrDb = std::numeric_limits<double>::infinity();  // an exact reconstruction
        const auto doc = QJsonDocument::fromJson(
            QByteArray::fromStdString(qs::reportToJson(job.result, job.settings, *job.ckpt)));
        QVERIFY(doc.object()["totals"].toObject()["sqnr_db"].isNull());
    }

    void csvHasOneRowPerTensorAndTotals()
    {
        const auto job = smallJob();
        const auto csv = QString::fromStdString(qs::reportToCsv(job.result, *job.ckpt));
        auto lines = csv.split('\n');
        QCOMPARE(lines.takeLast(), QString());  // ends with a newline
        QCOMPARE(lines.size(), qsizetype(job.ckpt->tensors().size() + 2));
        const auto header = lines.front().split(',');
        for (const auto& m : kMetrics) QVERIFY2(header.contains(m), qPrintable(m));
        QCOMPARE(header.front(), QStringLiteral("name"));
        QVERIFY(lines.back().startsWith("TOTAL,"));
        // The rule's reason contains commas, so it is quoted; every row has as many fields.
        const auto down =
            lines[1 + static_cast<qsizetype>(job.ckpt->find("model.layers.0.mlp.down_proj.weight").value())];
        QVERIFY2(down.endsWith("bits=8\""), qPrintable(down));
        for (const auto& line : lines) {
            QString unquoted = line;
            unquoted.remove(QRegularExpression("\"[^\"]*\""));
            QCOMPARE(unquoted.count(','), header.size() - 1);
        }
    }

    void writeReportPicksFormatByExtension()
    {
        const auto job = smallJob();
        QTemporaryDir dir;
        const auto json = dir.filePath("r.json").toStdString();
        const auto csv = dir.filePath("r.CSV").toStdString();
        qs::writeReport(json, job.result, job.settings, *job.ckpt);
        qs::writeReport(csv, job.result, job.settings, *job.ckpt);
        QCOMPARE(readFile(json), qs::reportToJson(job.result, job.settings, *job.ckpt));
        QCOMPARE(readFile(csv), qs::reportToCsv(job.result, *job.ckpt));
        QVERIFY_THROWS_EXCEPTION(qs::IoError, qs::writeReport(dir.filePath("missing/r.json").toStdString(),
                                                              job.result, job.settings, *job.ckpt));
    }
};

QTEST_APPLESS_MAIN(TestReport)
#include "test_report.moc"
