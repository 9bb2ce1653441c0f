// The workbench as a user meets it: open a file and the tree fills; pick a tensor and the
// inspector shows its histogram and statistics; move the outlier slider and the readout
// follows; a broken file says what is wrong without blocking; the language can be switched.
#include "isolated_settings.h"
#include "main_window.h"

#include "action_registry.h"
#include "histogram_chart.h"
#include "job_runner.h"
#include "language.h"
#include "layer_inspector.h"
#include "log_pane.h"
#include "model_document.h"
#include "quant_controls.h"
#include "stats_panel.h"
#include "tensor_browser.h"
#include "teaching_view.h"
#include "tensor_tree_model.h"

#include "test_data.h"

#include "quantscope/quant/quant_presets.h"
#include "quantscope/quant/range_trace.h"
#include "quantscope/quant/threshold_explorer.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QMessageBox>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QSettings>
#include <QStandardPaths>

#include <filesystem>
#include <fstream>
#include <optional>
#include <numeric>

using namespace qs::gui;

namespace {

/// Shows the window, opens `file` and selects `tensor` as a user would; the tensor's index once
/// the inspector's threshold explorer is built, nullopt if either step does not finish.
std::optional<std::size_t> openAndExplore(MainWindow& window, const std::filesystem::path& file, const char* tensor)
{
    window.show();
    QSignalSpy opened(&window, &MainWindow::fileOpened);
    window.openFile(QString::fromStdString(file.string()));
    if (!opened.wait(10000)) return std::nullopt;
    const auto index = window.document()->checkpoint()->find(tensor);
    if (!index) return std::nullopt;
    QSignalSpy ready(window.inspector(), &LayerInspector::explorerReady);
    window.browser()->selectTensor(*index);
    if (!ready.wait(10000)) return std::nullopt;
    return index;
}

}  // namespace

class TestWorkbench : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        qs::test::isolateSettings();
    }

    void openFileFillsTheTree()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        MainWindow window;
        window.show();
        QSignalSpy opened(&window, &MainWindow::fileOpened);
        window.openFile(QString::fromStdString(path.string()));
        QVERIFY(opened.wait(10000));
        QTreeView* tree = window.browser()->view();
        QCOMPARE(tree->model()->rowCount(), 7);
        QVERIFY(window.logPane()->text(window.logPane()->count() - 1).contains(QLatin1String("47")));
        QTRY_VERIFY_WITH_TIMEOUT(window.document()->summariesDone() == 47, 20000);
        QCOMPARE(window.windowFilePath(), QString::fromStdString(path.string()));
    }

    void selectTensorShowsHistogramAndStatistics()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        MainWindow window;
        window.show();
        QSignalSpy opened(&window, &MainWindow::fileOpened);
        window.openFile(QString::fromStdString(path.string()));
        QVERIFY(opened.wait(10000));
        const std::size_t w1 = *window.document()->checkpoint()->find("layers.2.feed_forward.w1.weight");

        QSignalSpy loaded(window.inspector(), &LayerInspector::tensorLoaded);
        // As a user: the tensor's row in the tree becomes current.
        window.browser()->selectTensor(w1);
        QVERIFY(loaded.wait(10000));
        QCOMPARE(window.browser()->selectedTensor(), std::optional<std::size_t>(w1));
        QCOMPARE(window.inspector()->statsPanel()->value(QStringLiteral("name")),
                 QStringLiteral("layers.2.feed_forward.w1.weight"));
        QCOMPARE(window.inspector()->statsPanel()->value(QStringLiteral("shape")), QStringLiteral("[172, 64]"));

        HistogramChart* hist = window.inspector()->histogram();
        hist->redraw();
        auto total = [hist] {
            return std::accumulate(hist->normalCounts().begin(), hist->normalCounts().end(), 0.0) +
                   std::accumulate(hist->outlierCounts().begin(), hist->outlierCounts().end(), 0.0);
        };
        QCOMPARE(total(), 172.0 * 64.0);  // every value lands in a bin
        QVERIFY(hist->gridLevelsDrawn() == 15);  // 4-bit restricted grid: -7..7
        const double outliersAt3 = std::accumulate(hist->outlierCounts().begin(), hist->outlierCounts().end(), 0.0);

        // Bins and log toggle, through the widgets.
        auto* bins = window.inspector()->findChild<QComboBox*>(QStringLiteral("binsCombo"));
        bins->setCurrentIndex(bins->findData(32));
        QTRY_COMPARE(int(hist->normalCounts().size()), 32);
        QCOMPARE(total(), 172.0 * 64.0);
        auto* log = window.inspector()->findChild<QCheckBox*>(QStringLiteral("logCountCheck"));
        log->setChecked(false);
        QVERIFY(!hist->logCount());

        // A lower threshold colours more of the histogram as outliers.
        window.controls()->setSigma(2.0);
        hist->redraw();
        const double outliersAt2 = std::accumulate(hist->outlierCounts().begin(), hist->outlierCounts().end(), 0.0);
        QVERIFY2(outliersAt2 > outliersAt3, qPrintable(QStringLiteral("%1 vs %2").arg(outliersAt2).arg(outliersAt3)));
    }

    void sliderUpdatesTheReadoutWhileDragging()
    {
#ifndef QS_HAVE_QUANT_CORE
        QSKIP("the threshold explorer (core quant) is not in this build");
#else
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        MainWindow window;
        const auto found = openAndExplore(window, path, "layers.1.attention.wq.weight");
        QVERIFY(found);
        const std::size_t wq = *found;

        QSlider* slider = window.controls()->sigmaSlider();
        window.controls()->setSigma(3.0);
        const QString before = window.controls()->outliersLabel()->text();
        const QString relBefore = window.controls()->relErrLabel()->text();
        // Each key press is one valueChanged, as during a drag; no release event is sent.
        slider->setFocus();
        for (int i = 0; i < 10; ++i) QTest::keyClick(slider, Qt::Key_Left);
        QCOMPARE(slider->value(), int(std::lround(2.5 / QuantControls::kSigmaStep)));
        QVERIFY(window.controls()->outliersLabel()->text() != before);
        QVERIFY(window.controls()->relErrLabel()->text() != relBefore);

        // The readout is the core's answer for this tensor and settings.
        const qs::Matrix w = window.document()->checkpoint()->readMatrix(wq);
        const qs::ThresholdExplorer explorer(w, window.controls()->settings());
        const qs::ExplorerAnswer expected = explorer.query(2.5, window.controls()->settings().bits);
        const auto shown = window.inspector()->answer();
        QVERIFY(shown.has_value());
        QCOMPARE(shown->outliers, expected.outliers);
        QCOMPARE(shown->relErr, expected.relErr);
        QVERIFY(window.controls()->outliersLabel()->text().startsWith(QLocale().toString(qlonglong(expected.outliers))));
        QCOMPARE(window.controls()->relErrLabel()->text(), QLocale().toString(expected.relErr, 'f', 5));
#endif
    }

    void presetsAndIntegerRangeReachTheViews()
    {
#ifndef QS_HAVE_QUANT_CORE
        QSKIP("the threshold explorer (core quant) is not in this build");
#else
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        MainWindow window;
        const auto found = openAndExplore(window, path, "layers.1.attention.wq.weight");
        QVERIFY(found);
        const std::size_t wq = *found;
        QSignalSpy ready(window.inspector(), &LayerInspector::explorerReady);
        QuantControls* controls = window.controls();
        QCOMPARE(controls->presetName(), QString());  // the defaults are no preset

        // Choosing a preset fills every control with the core's preset.
        QComboBox* preset = controls->presetCombo();
        const qs::QuantPreset* q4 = qs::findQuantPreset("q4_0");
        for (int i = 0; i < preset->count(); ++i)
            if (preset->itemText(i) == QStringLiteral("llama.cpp Q4_0")) preset->setCurrentIndex(i);
        QCOMPARE(controls->presetName(), QStringLiteral("q4_0"));
        const qs::QuantSettings s = controls->settings();
        QCOMPARE(s.method, q4->settings.method);
        QCOMPARE(s.granularity, qs::Granularity::PerGroup);
        QCOMPARE(s.groupSize, std::int64_t(32));
        QCOMPARE(s.intRange, qs::IntRange::Either);
        QCOMPARE(s.sigma, 0.0);
        QCOMPARE(controls->intRangeCombo()->currentText(), QStringLiteral("[-8, 7] or [-7, 8], per unit"));

        // Changing any control makes the settings custom; the range names follow the bits.
        controls->intRangeCombo()->setCurrentIndex(int(qs::IntRange::Full));
        QCOMPARE(controls->presetName(), QString());
        QCOMPARE(preset->currentIndex(), 0);
        controls->findChild<QSpinBox*>(QStringLiteral("bitsSpin"))->setValue(3);
        QCOMPARE(controls->intRangeCombo()->currentText(), QStringLiteral("full [-4, 3]"));
        QCOMPARE(controls->settings().intRange, qs::IntRange::Full);

        // The teaching view traces with the integer range chosen: under Either, some channel of
        // this tensor takes the mirrored grid, and the trace is the core's for that channel.
        controls->findChild<QSpinBox*>(QStringLiteral("bitsSpin"))->setValue(4);
        TeachingView* teaching = window.teachingView();
        QVERIFY(ready.wait(10000));  // the explorer rebuilt for Full's grid
        teaching->channelSpin()->setValue(5);
        ready.clear();
        controls->intRangeCombo()->setCurrentIndex(int(qs::IntRange::Either));
        QVERIFY(ready.wait(10000));  // the same tensor reloaded: the traced channel stays
        QCOMPARE(teaching->channelSpin()->value(), 5);
        const qs::Matrix w = window.document()->checkpoint()->readMatrix(wq);
        const auto* summary = window.inspector()->summary();
        QVERIFY(summary);
        int mirroredChannel = -1;
        for (int c = 0; c < int(w.rows) && mirroredChannel < 0; ++c) {
            teaching->channelSpin()->setValue(c);
            QTRY_VERIFY_WITH_TIMEOUT(!teaching->traceRunner()->isRunning(), 10000);
            QTRY_VERIFY_WITH_TIMEOUT(!teaching->trace().range.empty(), 10000);
            const qs::RangeTrace expect =
                qs::traceChannelRange(w.row(c), summary->stats.mean, summary->stats.std, controls->settings());
            QTRY_COMPARE_WITH_TIMEOUT(teaching->trace().range, expect.range, 10000);
            QCOMPARE(teaching->trace().mirrored, expect.mirrored);
            QCOMPARE(teaching->trace().searchRange, expect.searchRange);
            if (expect.mirrored) mirroredChannel = c;
        }
        QVERIFY(mirroredChannel >= 0);
        QCOMPARE(teaching->landscapePoints(), 401);
        QVERIFY2(teaching->traceNote().contains(QLatin1String("mirrored grid")), qPrintable(teaching->traceNote()));
        // Back to the restricted grid: the same channel is traced unmirrored.
        controls->intRangeCombo()->setCurrentIndex(int(qs::IntRange::Restricted));
        QTRY_VERIFY_WITH_TIMEOUT(!teaching->trace().mirrored && !teaching->traceRunner()->isRunning(), 10000);
        QVERIFY(!teaching->traceNote().contains(QLatin1String("mirrored grid")));
        // Opening a file again starts the trace on the widest channel, not the one kept above.
        int widest = 0;
        float widestMax = -1;
        for (std::int64_t r = 0; r < w.rows; ++r) {
            float m = 0;
            for (const float v : w.row(r)) m = std::max(m, std::abs(v));
            if (m > widestMax) {
                widestMax = m;
                widest = int(r);
            }
        }
        teaching->channelSpin()->setValue(widest == 0 ? 1 : 0);
        QVERIFY(openAndExplore(window, path, "layers.1.attention.wq.weight"));
        QTRY_COMPARE_WITH_TIMEOUT(teaching->channelSpin()->value(), widest, 10000);
#endif
    }

    void brokenFileIsReportedWithoutBlocking()
    {
        QTemporaryDir dir;
        const QString bad = dir.filePath(QStringLiteral("broken.safetensors"));
        {
            std::ofstream out(bad.toStdString(), std::ios::binary);
            out << "\xff\xff\xff\xff\xff\xff\xff\x7fnot a header";
        }
        MainWindow window;
        window.show();
        QSignalSpy failed(&window, &MainWindow::openFailed);
        window.openFile(bad);
        QVERIFY(failed.wait(10000));
        QVERIFY(!failed.first().at(0).toString().isEmpty());
        // Logged as an error, and a window-modal box that does not block the event loop.
        bool logged = false;
        for (int i = 0; i < window.logPane()->count(); ++i)
            logged |= window.logPane()->text(i).contains(failed.first().at(0).toString());
        QVERIFY(logged);
        auto* box = window.findChild<QMessageBox*>(QStringLiteral("errorBox"));
        QVERIFY(box);
        box->close();
        QCOMPARE(window.document()->tensorCount(), std::size_t(0));
    }

    void everyActionIsNamedAndTranslated()
    {
        MainWindow window;
        const auto actions = window.actions()->findChildren<QAction*>();
        QVERIFY(actions.size() >= 10);
        for (QAction* a : actions) {
            QVERIFY2(!a->objectName().isEmpty(), qPrintable(a->text()));
            QVERIFY2(!a->text().isEmpty(), qPrintable(a->objectName()));
        }
        const QString english = window.actions()->open->text();
        QVERIFY(applyLanguage(QStringLiteral("fr")));
        QTRY_COMPARE(window.actions()->open->text(), QStringLiteral("&Ouvrir…"));  // LanguageChange is posted
        QVERIFY(applyLanguage(QStringLiteral("zh_CN")));
        QTRY_COMPARE(window.actions()->open->text(), QStringLiteral("打开(&O)…"));
        QVERIFY(applyLanguage(QStringLiteral("en")));
        QTRY_COMPARE(window.actions()->open->text(), english);
    }
};

QTEST_MAIN(TestWorkbench)
#include "test_workbench.moc"
