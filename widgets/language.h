#pragma once
// The interface languages and switching between them at run time. Translations are compiled
// into the binary (resources), so an installed application finds them without files.

#include <QString>
#include <QStringList>

namespace qs::gui {

struct LanguageInfo {
    QString code;        ///< "en", "fr", "zh_CN"
    QString nativeName;  ///< shown in its own language
};
/// English first; then every language with a .qm file in the resources.
QList<LanguageInfo> availableLanguages();
/// Installs the translators for `code` ("" = the system's language). Widgets receive a
/// LanguageChange event and retranslate. Returns false when no translation exists for it.
bool applyLanguage(const QString& code);
/// The language currently applied.
QString currentLanguage();

}  // namespace qs::gui
