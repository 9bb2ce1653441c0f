// quantscope-cli eval-vit as a user runs it: JSON keys, exit codes, and the table mode.
#include "cli_run.h"
#include "test_data.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

namespace {

using qs::test::runCli;

QString path(const std::filesystem::path& p)
{
    return QString::fromStdString(p.string());
}

}  // namespace

class TestCliEvalVit : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void jsonHasFpAndQuantized()
    {
        QS_REQUIRE_DATA(pth, "vision/vit_mnist_model.pth");
        QS_REQUIRE_DATA(images, "vision/t10k-images-idx3-ubyte.gz");
        QS_REQUIRE_DATA(labels, "vision/t10k-labels-idx1-ubyte.gz");
        const auto arch = path(qs::test::sourceDir() / "resources/models/mnist_vit.arch.json");
        const auto r = runCli({"eval-vit", path(pth), "--arch", arch, "--images", path(images), "--labels",
                               path(labels), "--method", "rtn", "--bits", "8", "--limit", "200", "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto j = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(j["fp"].toObject()["total"].toInt(), 200);
        QVERIFY(j["fp"].toObject()["correct"].toInt() > 190);
        QVERIFY(j["quantized"].toObject().contains("top1"));
        QVERIFY(j["quantized"].toObject()["bpw"].toDouble() > 8.0);
        QCOMPARE(j["quantized"].toObject()["method"].toString(), QStringLiteral("rtn"));

        // Usage errors exit with 2 and name the problem; a missing tensor pattern exits 1.
        const auto bad = runCli({"eval-vit", path(pth), "--arch", arch, "--images", path(images), "--labels",
                                 path(labels), "--method", "nope", "--limit", "10"});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.err.contains("nope"));
    }

    void tableMode()
    {
        QS_REQUIRE_DATA(pth, "vision/vit_mnist_model.pth");
        QS_REQUIRE_DATA(images, "vision/t10k-images-idx3-ubyte.gz");
        QS_REQUIRE_DATA(labels, "vision/t10k-labels-idx1-ubyte.gz");
        const auto arch = path(qs::test::sourceDir() / "resources/models/mnist_vit.arch.json");
        const auto r =
            runCli({"eval-vit", path(pth), "--arch", arch, "--images", path(images), "--labels", path(labels),
                    "--limit", "100", "--table", "--table-methods", "rtn", "--table-bits", "8,4"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto lines = QString::fromUtf8(r.out).trimmed().split('\n');
        QCOMPARE(lines.size(), 5);  // header, separator, FP32, rtn 8, rtn 4
        QVERIFY(lines[2].startsWith("| FP32 |"));
        QVERIFY(lines[4].startsWith("| rtn | 4 | channel |"));
    }
};

QTEST_APPLESS_MAIN(TestCliEvalVit)
#include "test_cli_eval_vit.moc"
