// Smoke test of the `quantscope` executable: `--screenshot` opens a real checkpoint offscreen,
// renders the window and exits 0 with a PNG of the window's size.
#include "test_data.h"

#include <QImage>
#include <QSet>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestGuiSmoke : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void screenshotOfARealFile()
    {
        QS_REQUIRE_DATA(path, "llm/stories260K.bin");
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("window.png"));
        QProcess app;
        app.setProcessChannelMode(QProcess::MergedChannels);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
        app.setProcessEnvironment(env);
        app.start(QStringLiteral(QS_BINARY_DIR "/app/gui/quantscope"),
                  {QStringLiteral("--screenshot"), png, QString::fromStdString(path.string())});
        QVERIFY(app.waitForFinished(60000));
        const QByteArray output = app.readAll();
        QVERIFY2(app.exitStatus() == QProcess::NormalExit && app.exitCode() == 0, output.constData());
        const QImage image(png);
        QVERIFY2(!image.isNull(), output.constData());
        QCOMPARE(image.size(), QSize(1600, 1000));
        // Not a blank frame: a rendered window has many distinct colours.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7) colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 20, qPrintable(QString::number(colours.size())));
    }

    void unknownFileExitsCleanly()
    {
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("window.png"));
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
        app.setProcessEnvironment(env);
        app.start(QStringLiteral(QS_BINARY_DIR "/app/gui/quantscope"),
                  {QStringLiteral("--screenshot"), png, dir.filePath(QStringLiteral("missing.safetensors"))});
        QVERIFY(app.waitForFinished(60000));
        QCOMPARE(app.exitCode(), 0);  // the window (with its error) is still rendered
        QVERIFY(QFile::exists(png));
    }
};

QTEST_MAIN(TestGuiSmoke)
#include "test_gui_smoke.moc"
