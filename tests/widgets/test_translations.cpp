// The .ts files are complete and not stale: lupdate run on today's sources finds exactly the
// strings the committed files hold, and every one of them has a finished translation.
#include "test_data.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

namespace {

struct TsContents {
    QSet<QString> sources;     ///< "context\x1fsource\x1fcomment"
    QStringList unfinished;    ///< sources without a finished translation
};

TsContents readTs(const QString& path)
{
    TsContents ts;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return ts;
    QXmlStreamReader xml(&file);
    QString context, source, comment;
    bool finished = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            const auto name = xml.name();
            if (name == QLatin1String("name")) context = xml.readElementText();
            else if (name == QLatin1String("message")) { source.clear(); comment.clear(); finished = false; }
            else if (name == QLatin1String("source")) source = xml.readElementText();
            else if (name == QLatin1String("comment")) comment = xml.readElementText();
            else if (name == QLatin1String("translation")) {
                const bool unfinishedType = xml.attributes().value(QLatin1String("type")) == QLatin1String("unfinished");
                const QString text = xml.readElementText(QXmlStreamReader::IncludeChildElements);
                finished = !unfinishedType && !text.trimmed().isEmpty();
            }
        } else if (xml.isEndElement() && xml.name() == QLatin1String("message")) {
            ts.sources.insert(context + QChar(0x1f) + source + QChar(0x1f) + comment);
            if (!finished) ts.unfinished << context + QStringLiteral("::") + source;
        }
    }
    return ts;
}

}  // namespace

class TestTranslations : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void upToDateAndComplete_data()
    {
        QTest::addColumn<QString>("language");
        QTest::newRow("fr") << QStringLiteral("fr");
        QTest::newRow("zh_CN") << QStringLiteral("zh_CN");
    }

    void upToDateAndComplete()
    {
        QFETCH(QString, language);
        const QDir src(QString::fromStdString(qs::test::sourceDir().string()));
        const QString committed = src.filePath(QStringLiteral("translations/quantscope_%1.ts").arg(language));
        QVERIFY2(QFile::exists(committed), qPrintable(committed));

        QTemporaryDir tmp;
        const QString fresh = tmp.filePath(QFileInfo(committed).fileName());
        QVERIFY(QFile::copy(committed, fresh));
        QFile::setPermissions(fresh, QFile::ReadOwner | QFile::WriteOwner);
        QProcess lupdate;
        lupdate.setProcessChannelMode(QProcess::MergedChannels);
        lupdate.start(QStringLiteral(QS_LUPDATE),
                      {QStringLiteral("-no-obsolete"), QStringLiteral("-locations"), QStringLiteral("none"),
                       src.filePath(QStringLiteral("widgets")), src.filePath(QStringLiteral("viewers")),
                       src.filePath(QStringLiteral("app/gui")),
                       QStringLiteral("-ts"), fresh});
        QVERIFY(lupdate.waitForFinished(60000));
        QVERIFY2(lupdate.exitCode() == 0, lupdate.readAll().constData());

        const TsContents now = readTs(fresh);
        const TsContents saved = readTs(committed);
        QVERIFY(!now.sources.isEmpty());
        QStringList missing, obsolete;
        for (const QString& s : now.sources)
            if (!saved.sources.contains(s)) missing << QString(s).replace(QChar(0x1f), QLatin1String("::"));
        for (const QString& s : saved.sources)
            if (!now.sources.contains(s)) obsolete << QString(s).replace(QChar(0x1f), QLatin1String("::"));
        QVERIFY2(missing.isEmpty() && obsolete.isEmpty(),
                 qPrintable(QStringLiteral("stale .ts — run the quantscope_translations_lupdate target.\nnew: %1\ngone: %2")
                                .arg(missing.join(QLatin1String("; ")), obsolete.join(QLatin1String("; ")))));
        QVERIFY2(saved.unfinished.isEmpty(),
                 qPrintable(QStringLiteral("%1 untranslated: %2").arg(saved.unfinished.size()).arg(saved.unfinished.mid(0, 10).join(QLatin1String("; ")))));
    }
};

QTEST_MAIN(TestTranslations)
#include "test_translations.moc"
