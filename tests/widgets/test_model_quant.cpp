// Quantizing the whole model from the window: the chart gets one bar per quantized tensor,
// comparing two methods fills both sets and the difference table, cancel stops the job, and
// exports (report JSON/CSV, charts PNG/SVG) produce files that reopen.
#include "isolated_settings.h"
#include "main_window.h"

#include "export_dialog.h"
#include "job_runner.h"
#include "model_document.h"
#include "model_quant_session.h"
#include "model_quant_view.h"
#include "quant_controls.h"
#include "tensor_browser.h"
#include "histogram_chart.h"
#include "layer_inspector.h"
#include "tensor_tree_model.h"

#include "test_data.h"

#include "quantscope/io/checkpoint.h"
#include "quantscope/io/exporter.h"

#include <QApplication>
#include <QComboBox>
#include <QFileInfo>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <QAction>
#include <QElapsedTimer>
#include <QLabel>

using namespace qs::gui;

namespace {
bool openStories(MainWindow& window)
{
    const auto path = qs::test::dataFile("llm/stories260K.bin");
    if (path.empty()) return false;
    QSignalSpy opened(&window, &MainWindow::fileOpened);
    window.openFile(QString::fromStdString(path.string()));
    return opened.wait(10000);
}
}  // namespace

class TestModelQuant : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        qs::test::isolateSettings();
    }

    void chartsExportAsPngAndSvg()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        MainWindow window;
        window.resize(1200, 800);
        window.show();
        QVERIFY(openStories(window));
        QSignalSpy loaded(window.inspector(), &LayerInspector::tensorLoaded);
        window.browser()->selectTensor(*window.document()->checkpoint()->find("layers.0.attention.wq.weight"));
        QVERIFY(loaded.wait(10000));
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("histogram.png"));
        const QString svg = dir.filePath(QStringLiteral("channels.svg"));
        QCOMPARE(window.exportTo(int(ExportDialog::Target::Histogram), png), QString());
        QCOMPARE(window.exportTo(int(ExportDialog::Target::ChannelRanges), svg), QString());
        const QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), window.inspector()->histogram()->size() * window.inspector()->histogram()->devicePixelRatio());
        QSvgRenderer renderer(svg);
        QVERIFY(renderer.isValid());
        // An unwritable place is an error message, not a crash or a partial file.
        QVERIFY(!window.exportTo(int(ExportDialog::Target::Histogram), dir.filePath(QStringLiteral("no/such/dir/x.png"))).isEmpty());
    }

#ifdef QS_HAVE_QUANT_JOB
    void quantizeGivesOneBarPerQuantizedTensor()
    {
        MainWindow window;
        window.show();
        if (!openStories(window)) QSKIP("shared data file missing: llm/stories260K.bin");
        qs::QuantSettings s = window.controls()->settings();
        s.method = qs::QuantMethod::Rtn;
        window.controls()->setSettings(s);
        QSignalSpy done(window.session(), &ModelQuantSession::runsFinished);
        window.quantizeModel(false);
        QVERIFY(done.wait(30000));
        const auto& result = window.session()->lastRuns().back().result;
        int quantized = 0;
        for (const auto& o : result.tensors) quantized += o.quantized;
        QVERIFY(quantized > 0);
        QCOMPARE(window.modelView()->barCount(0), quantized);
        QCOMPARE(window.modelView()->worstList()->topLevelItemCount(), std::min(10, quantized));
        // The tree shows the same numbers as the core's result.
        for (const auto& o : result.tensors) {
            if (!o.quantized) continue;
            const QModelIndex i = window.browser()->model()->indexOfTensor(o.index);
            QCOMPARE(i.siblingAtColumn(TensorTreeModel::RelErr).data(TensorTreeModel::SortRole).toDouble(), o.metrics.relErr);
            QCOMPARE(i.siblingAtColumn(TensorTreeModel::Bpw).data(TensorTreeModel::SortRole).toDouble(), o.metrics.bpw);
        }
    }

    void compareFillsBothMethodsAndTheDifference()
    {
        MainWindow window;
        window.show();
        if (!openStories(window)) QSKIP("shared data file missing: llm/stories260K.bin");
        QSignalSpy done(window.session(), &ModelQuantSession::runsFinished);
        window.quantizeModel(true);
        QVERIFY(done.wait(60000));
        const auto& runs = window.session()->lastRuns();
        QCOMPARE(runs.size(), std::size_t(2));
        int quantized = 0;
        for (const auto& o : runs.back().result.tensors) quantized += o.quantized;
        QCOMPARE(window.modelView()->barCount(0), quantized);
        QCOMPARE(window.modelView()->barCount(1), quantized);
        QCOMPARE(window.modelView()->comparisonTable()->topLevelItemCount(), quantized);
        QVERIFY(!window.modelView()->findChild<QLabel*>(QStringLiteral("comparisonSummary"))->text().isEmpty());
    }

    void nl4FromTheMethodCombosQuantizesTheModel()
    {
        MainWindow window;
        window.show();
        if (!openStories(window)) QSKIP("shared data file missing: llm/stories260K.bin");
        auto* method = window.controls()->findChild<QComboBox*>(QStringLiteral("methodCombo"));
        auto* compare = window.controls()->findChild<QComboBox*>(QStringLiteral("compareCombo"));
        auto* bits = window.controls()->findChild<QWidget*>(QStringLiteral("bitsSpin"));
        const int nl4 = method->findData(int(qs::QuantMethod::Nl4));
        QVERIFY(nl4 >= 0);
        QVERIFY(method->itemText(nl4).startsWith(QLatin1String("NL4")));
        method->setCurrentIndex(nl4);
        window.controls()->findChild<QSpinBox*>(QStringLiteral("groupSizeSpin"))->setValue(16);
        QVERIFY(!bits->isEnabled());  // nl4 is 4-bit per-group by construction
        const qs::QuantSettings s = window.controls()->settings();
        QCOMPARE(s.method, qs::QuantMethod::Nl4);
        QCOMPARE(s.bits, 4);
        QCOMPARE(s.granularity, qs::Granularity::PerGroup);
        // The per-layer readout models the uniform grid: for nl4 it says so instead of numbers.
        QSignalSpy loaded(window.inspector(), &LayerInspector::tensorLoaded);
        window.browser()->selectTensor(*window.document()->checkpoint()->find("layers.0.attention.wq.weight"));
        QVERIFY(loaded.wait(10000));
        QTRY_COMPARE(window.controls()->relErrLabel()->text(), QStringLiteral("—"));
        // The histogram draws nl4's 16 non-uniform levels, then the 15 of the 4-bit RTN grid.
        HistogramChart* hist = window.inspector()->histogram();
        hist->redraw();
        QCOMPARE(hist->gridLevelsDrawn(), std::size_t(16));
        method->setCurrentIndex(method->findData(int(qs::QuantMethod::Rtn)));
        QTRY_VERIFY(window.controls()->relErrLabel()->text() != QStringLiteral("—"));
        hist->redraw();
        QCOMPARE(hist->gridLevelsDrawn(), std::size_t(15));
        method->setCurrentIndex(nl4);
        QTRY_COMPARE(window.controls()->relErrLabel()->text(), QStringLiteral("—"));
        // Compare nl4 (chosen) with rtn per channel, then rtn (chosen) with nl4 (the reference
        // takes nl4's fixed layout whatever the chosen settings are).
        compare->setCurrentIndex(compare->findData(int(qs::QuantMethod::Rtn)));
        QSignalSpy done(window.session(), &ModelQuantSession::runsFinished);
        window.quantizeModel(true);
        QVERIFY(done.wait(60000));
        auto check = [](const qs::ModelQuantResult& r) {
            int quantized = 0;
            for (const auto& o : r.tensors) {
                if (!o.quantized) continue;
                ++quantized;
                QVERIFY(o.metrics.bpw > 4.3 && o.metrics.bpw < 4.7);  // 4 + 6/G + 16 per super-block
                QVERIFY(o.metrics.relErr > 0 && o.metrics.relErr < 0.2);
            }
            QVERIFY(quantized > 0);
        };
        check(window.session()->lastRuns().back().result);
        method->setCurrentIndex(method->findData(int(qs::QuantMethod::Rtn)));
        compare->setCurrentIndex(compare->findData(int(qs::QuantMethod::Nl4)));
        window.quantizeModel(true);
        QVERIFY(done.wait(60000));
        check(window.session()->lastRuns().front().result);
    }

    void cancelStopsTheJob()
    {
        MainWindow window;
        window.show();
        if (!openStories(window)) QSKIP("shared data file missing: llm/stories260K.bin");
        JobRunner* job = window.session()->runner();
        QSignalSpy cancelled(job, &JobRunner::cancelled);
        QSignalSpy done(window.session(), &ModelQuantSession::runsFinished);
        window.quantizeModel(true);
        QVERIFY(job->isRunning());
        QElapsedTimer clock;
        clock.start();
        window.findChild<QAction*>(QStringLiteral("actionCancelJob"))->trigger();  // as Esc would
        QTRY_COMPARE_WITH_TIMEOUT(cancelled.count(), 1, 5000);
        QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
        QVERIFY(!job->isRunning());
        QCOMPARE(done.count(), 0);
        QVERIFY(window.session()->lastRuns().empty());
    }

    void modelExportReopens()
    {
        MainWindow window;
        window.show();
        if (!openStories(window)) QSKIP("shared data file missing: llm/stories260K.bin");
        // The dialog offers every format the core's exporter lists, and a name picks its format.
        {
            ExportDialog dialog(false, true);
            QCOMPARE(dialog.target(), ExportDialog::Target::Model);
            auto* formats = dialog.findChild<QComboBox*>(QStringLiteral("exportFormat"));
            QCOMPARE(formats->count(), qsizetype(qs::exportFormats().size()));
            dialog.setPath(QStringLiteral("/tmp/m.gguf"));
            QCOMPARE(dialog.formatId(), QStringLiteral("gguf"));
            QCOMPARE(dialog.precision(), QStringLiteral("Q4_0"));  // the exporter's default first
            qs::QuantSettings eight;
            eight.bits = 8;
            const std::string_view type = qs::dtypeName(qs::defaultGgufType(eight));
            dialog.setDefaultGgufType(QString::fromLatin1(type.data(), qsizetype(type.size())));
            QCOMPARE(dialog.precision(), QStringLiteral("Q8_0"));  // an 8-bit result is not rounded to 4 bits
            dialog.setDefaultGgufType(QStringLiteral("Q4_0"));
            auto* precision = dialog.findChild<QComboBox*>(QStringLiteral("exportPrecision"));
            QVERIFY(precision->toolTip().contains(QStringLiteral("IQ4_XS")));  // nl4 at group 32 needs no choice
            QVERIFY(precision->toolTip().contains(QStringLiteral("Q8_0 without re-quantizing")));  // nor fitting codes
            formats->setCurrentIndex(formats->findData(QStringLiteral("safetensors")));
            QCOMPARE(dialog.precision(), QStringLiteral("F16"));
            QVERIFY(precision->toolTip().isEmpty());
            formats->setCurrentIndex(formats->findData(QStringLiteral("package")));
            QCOMPARE(dialog.path(), QStringLiteral("/tmp/m.qs.h5"));
            QCOMPARE(dialog.precision(), QString());  // the package keeps its own codes
            dialog.show();
            dialog.grab().save(QStringLiteral(QS_BINARY_DIR "/tests/widgets/export_dialog.png"));  // for reviewers
        }
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("stories-q4.qs.h5"));
        QSignalSpy exported(window.session(), &ModelQuantSession::exported);
        QCOMPARE(window.exportTo(int(ExportDialog::Target::Model), out), QString());
        QVERIFY(exported.wait(60000));
        QCOMPARE(exported.first().at(0).toString(), out);
        QCOMPARE(exported.first().at(1).toLongLong(), QFileInfo(out).size());
        const auto reopened = qs::openCheckpoint(out.toStdString());
        QCOMPARE(std::string(reopened->format()), std::string("quantscope-package"));
        QCOMPARE(reopened->tensors().size(), window.document()->tensorCount());
        // Dequantized safetensors in BF16 reopen with BF16 weights.
        const QString st = dir.filePath(QStringLiteral("stories-q4.safetensors"));
        QCOMPARE(window.exportTo(int(ExportDialog::Target::Model), st, QStringLiteral("BF16")), QString());
        QVERIFY(exported.wait(60000));
        const auto dequantized = qs::openCheckpoint(st.toStdString());
        const auto wq = dequantized->find("layers.0.attention.wq.weight");
        QVERIFY(wq);
        QCOMPARE(dequantized->tensors()[*wq].dtype, qs::DType::BF16);
        QVERIFY(!window.exportTo(int(ExportDialog::Target::Model), st, QStringLiteral("Q9_9")).isEmpty());
        // A name without a model extension is refused up front.
        QVERIFY(!window.exportTo(int(ExportDialog::Target::Model), dir.filePath(QStringLiteral("x.txt"))).isEmpty());
    }

#ifdef QS_HAVE_REPORT
    void reportExportReopens()
    {
        MainWindow window;
        window.show();
        if (!openStories(window)) QSKIP("shared data file missing: llm/stories260K.bin");
        QSignalSpy done(window.session(), &ModelQuantSession::runsFinished);
        window.quantizeModel(false);
        QVERIFY(done.wait(30000));
        QTemporaryDir dir;
        const QString json = dir.filePath(QStringLiteral("report.json"));
        const QString csv = dir.filePath(QStringLiteral("report.csv"));
        QCOMPARE(window.exportTo(int(ExportDialog::Target::Report), json), QString());
        QCOMPARE(window.exportTo(int(ExportDialog::Target::Report), csv), QString());
        QFile jf(json);
        QVERIFY(jf.open(QIODevice::ReadOnly));
        const QJsonObject report = QJsonDocument::fromJson(jf.readAll()).object();
        QCOMPARE(report.value(QLatin1String("format")).toString(), QStringLiteral("quantscope-report"));
        QCOMPARE(report.value(QLatin1String("tensors")).toArray().size(), qsizetype(window.document()->tensorCount()));
        QFile cf(csv);
        QVERIFY(cf.open(QIODevice::ReadOnly));
        const auto lines = cf.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), qsizetype(window.document()->tensorCount()) + 2);  // header + rows + TOTAL
        const QImage chart = window.modelView()->chartView()->grab().toImage();
        const QString png = dir.filePath(QStringLiteral("layers.png"));
        QCOMPARE(window.exportTo(int(ExportDialog::Target::LayerErrorChart), png), QString());
        QVERIFY(!QImage(png).isNull());
    }
#endif
#endif
};

QTEST_MAIN(TestModelQuant)
#include "test_model_quant.moc"
