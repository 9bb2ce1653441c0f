#include "language.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include <memory>

namespace qs::gui {

namespace {
std::unique_ptr<QTranslator> g_app;
std::unique_ptr<QTranslator> g_qt;
QString g_current = QStringLiteral("en");
}  // namespace

QList<LanguageInfo> availableLanguages()
{
    return {{QStringLiteral("en"), QStringLiteral("English")},
            {QStringLiteral("fr"), QStringLiteral("Français")},
            {QStringLiteral("zh_CN"), QStringLiteral("简体中文")}};
}

bool applyLanguage(const QString& requested)
{
    QString code = requested;
    if (code.isEmpty()) {
        const QLocale system;
        code = system.language() == QLocale::Chinese ? QStringLiteral("zh_CN")
               : system.language() == QLocale::French ? QStringLiteral("fr")
                                                      : QStringLiteral("en");
    }
    if (g_app) QCoreApplication::removeTranslator(g_app.get());
    if (g_qt) QCoreApplication::removeTranslator(g_qt.get());
    g_app.reset();
    g_qt.reset();
    g_current = QStringLiteral("en");
    if (code == QLatin1String("en")) return true;

    auto app = std::make_unique<QTranslator>();
    if (!app->load(QStringLiteral(":/i18n/quantscope_%1.qm").arg(code))) return false;
    QCoreApplication::installTranslator(app.get());
    g_app = std::move(app);
    // Qt's own strings (standard buttons, file dialog) from the system's Qt translations.
    auto qt = std::make_unique<QTranslator>();
    if (qt->load(QStringLiteral("qtbase_%1").arg(code), QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qt.get());
        g_qt = std::move(qt);
    }
    g_current = code;
    return true;
}

QString currentLanguage()
{
    return g_current;
}

}  // namespace qs::gui
