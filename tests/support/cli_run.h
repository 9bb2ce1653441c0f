#pragma once
// Runs the built quantscope-cli as a user would, for the tests under tests/app/.

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <filesystem>

namespace qs::test {

struct CliRun {
    int exitCode = -1;     ///< -1 when the process did not finish in time
    bool crashed = false;  ///< ended by a signal
    QByteArray out, err;
};

inline CliRun runCli(const QStringList& args, int timeoutMs = 120000)
{
    QProcess p;
    p.start(QStringLiteral(QS_BINARY_DIR "/app/cli/quantscope-cli"), args);
    CliRun r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitCode();
    r.crashed = p.exitStatus() != QProcess::NormalExit;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

inline QString qpath(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

}  // namespace qs::test
