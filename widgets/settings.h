#pragma once
// Typed settings, each declared once with its key, type and default (CONVENTIONS.md #13).
// Only user preferences and window state live here; what is needed to re-run a quantization
// belongs in a session/recipe file, not in QSettings.

#include <QByteArray>
#include <QSettings>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace qs::gui {

template <typename T>
class Setting {
public:
    Setting(const char* key, T defaultValue) : m_key(key), m_default(std::move(defaultValue)) {}
    T get() const
    {
        const QVariant v = QSettings().value(QString::fromLatin1(m_key));
        return v.isValid() && v.canConvert<T>() ? v.value<T>() : m_default;
    }
    void set(const T& value) const { QSettings().setValue(QString::fromLatin1(m_key), QVariant::fromValue(value)); }
    void reset() const { QSettings().remove(QString::fromLatin1(m_key)); }
    const char* key() const noexcept { return m_key; }
    const T& defaultValue() const noexcept { return m_default; }

private:
    const char* m_key;
    T m_default;
};

/// Every setting the application keeps, in one place.
namespace settings {
inline const Setting<QStringList> recentFiles{"files/recent", {}};
inline const Setting<QString> lastOpenDir{"files/lastDir", {}};
inline const Setting<QString> lastLidarDir{"files/lastLidarDir", {}};
inline const Setting<QByteArray> windowGeometry{"window/geometry", {}};
inline const Setting<QByteArray> windowState{"window/state", {}};
inline const Setting<QString> language{"ui/language", {}};
inline const Setting<QString> hiddenTreeColumns{"ui/hiddenTreeColumns", {}};  ///< "2,3": columns hidden by the user  ///< "", "en", "fr", "zh_CN"; "" = system
inline const Setting<int> histogramBins{"inspector/bins", 128};
inline const Setting<bool> histogramLogCount{"inspector/logCount", true};
inline const Setting<double> outlierSigma{"quant/sigma", 3.0};
inline const Setting<int> bits{"quant/bits", 4};
inline const Setting<QString> method{"quant/method", QStringLiteral("easyquant")};
inline const Setting<QString> granularity{"quant/granularity", QStringLiteral("channel")};
inline const Setting<int> groupSize{"quant/groupSize", 128};
inline const Setting<QString> solver{"quant/solver", QStringLiteral("search")};
inline const Setting<QString> intRange{"quant/intRange", QStringLiteral("restricted")};
inline const Setting<QString> compareMethod{"quant/compareMethod", QStringLiteral("rtn")};
}  // namespace settings

/// Keeps the ten most recent paths, newest first.
void addRecentFile(const QString& path);
constexpr int kMaxRecentFiles = 10;

}  // namespace qs::gui
