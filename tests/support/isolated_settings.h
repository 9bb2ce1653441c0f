#pragma once
// GUI tests run with Qt's test-mode standard paths and their own organization name, starting
// from empty settings, so they never read or change a user's QuantScope settings (window
// layout, recent files, last quantization settings).

#include <QCoreApplication>
#include <QSettings>
#include <QStandardPaths>

namespace qs::test {

inline void isolateSettings()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("QuantScopeTests"));
    QSettings().clear();
}

}  // namespace qs::test
