#pragma once
// Where the tests find real files (shared/data) and scratch space.

#include <QString>
#include <QTest>

#include <filesystem>

namespace qs::test {

/// The shared data folder (QS_TEST_DATA), or an empty path when it is absent.
std::filesystem::path dataDir();
/// dataDir() / relative, or an empty path when that file is absent.
std::filesystem::path dataFile(const std::filesystem::path& relative);
/// The source tree (for files the repository ships, e.g. resources/).
std::filesystem::path sourceDir();

}  // namespace qs::test

/// Skips the current test (reported as SKIP, not PASS) when a shared/data file is missing.
#define QS_REQUIRE_DATA(var, relative)                                                       \
    const std::filesystem::path var = ::qs::test::dataFile(relative);                        \
    if (var.empty())                                                                         \
        QSKIP(qPrintable(QStringLiteral("shared data file missing: %1").arg(QString::fromStdString( \
            std::filesystem::path(relative).string()))))
