// quantscope: the workbench window.
#include "main_window.h"
#include "screenshot.h"

#include "language.h"
#include "settings.h"

#include "quantscope/version.h"
#ifdef QS_HAVE_VIEWERS
#include "quantscope/viewers/surface_format.h"
#endif

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

int main(int argc, char** argv)
{
#ifdef QS_HAVE_VIEWERS
    qs::viewers::setDefaultSurfaceFormat();  // VTK's OpenGL 3.2 core profile, before QApplication
#endif
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("QuantScope"));
    QApplication::setApplicationName(QStringLiteral("quantscope"));
    QApplication::setApplicationDisplayName(QStringLiteral("QuantScope"));
    QApplication::setApplicationVersion(QString::fromUtf8(qs::version().data(), qsizetype(qs::version().size())));
    QGuiApplication::setDesktopFileName(QStringLiteral("org.quantscope.QuantScope"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/quantscope.svg")));
    qs::gui::applyLanguage(qs::gui::settings::language.get());

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Post-training quantization workbench"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("file"), QApplication::translate("main", "Checkpoint or point cloud to open"), QStringLiteral("[file]"));
    const QCommandLineOption demo(QStringLiteral("demo"), QApplication::translate("main", "Open the built-in demo model"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QApplication::translate("main", "Render the window to FILE (PNG) and exit"),
                                        QStringLiteral("FILE"));
    const QCommandLineOption view(QStringLiteral("view"),
                                  QApplication::translate("main", "View to show: layer, teaching, model, lidar"),
                                  QStringLiteral("NAME"), QStringLiteral("layer"));
    const QCommandLineOption tensor(QStringLiteral("tensor"), QApplication::translate("main", "Tensor to select"),
                                    QStringLiteral("NAME"));
    const QCommandLineOption quantize(QStringLiteral("quantize"),
                                      QApplication::translate("main", "Quantize the model once it is open"));
    const QCommandLineOption compare(QStringLiteral("compare"),
                                     QApplication::translate("main", "Quantize with the method and the comparison method once the model is open"));
    parser.addOptions({demo, screenshot, view, tensor, quantize, compare});
    parser.process(app);

    MainWindow window;
    if (parser.isSet(quantize) || parser.isSet(compare)) {
        const bool both = parser.isSet(compare);
        QObject::connect(&window, &MainWindow::fileOpened, &window, [&window, both] { window.quantizeModel(both); });
    }
    if (parser.isSet(screenshot)) {
        window.resize(1600, 1000);
        window.setAttribute(Qt::WA_DontShowOnScreen);
        scheduleScreenshot(&window, parser.value(screenshot), parser.value(view), parser.value(tensor));
    }
    window.show();
    if (!parser.isSet(screenshot)) window.showView(parser.value(view));
    const QStringList files = parser.positionalArguments();
    QTimer::singleShot(0, &window, [&] {
        if (!files.isEmpty()) window.openFile(files.first());
#ifdef QS_HAVE_DEMO_MODEL
        else window.openDemo();  // start on the built-in demo model: something to explore at once
#else
        else if (parser.isSet(demo)) window.openDemo();
#endif
    });
    return QApplication::exec();
}
