#include "quantscope/error.h"
#include "quantscope/io/atomic_file.h"

#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>
#include <vector>
#include <unistd.h>

using namespace qs;
namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}
std::size_t entries(const fs::path& dir)
{
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}
}  // namespace

class TestAtomicFile : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void commitReplacesTheTargetWhole()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        const auto target = dir / "out.bin";
        std::ofstream(target) << "old contents";
        {
            AtomicFile f(target);
            f.write("hello world", 11);
            f.writeAt(0, "J", 1);
            QCOMPARE(slurp(target), std::string("old contents"));  // untouched until commit
            f.commit();
        }
        QCOMPARE(slurp(target), std::string("Jello world"));
        QCOMPARE(entries(dir), std::size_t(1));  // no temporary file left behind
    }

    void abandonedWriteLeavesNothing()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        {
            AtomicFile f(dir / "partial.bin");
            f.write("abc", 3);
        }
        QCOMPARE(entries(dir), std::size_t(0));
    }

    void refusesToOverwriteTheInput()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        const auto input = dir / "model.safetensors";
        std::ofstream(input) << "precious";
        const fs::path inputs[] = {input};
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, AtomicFile(input, inputs));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, AtomicFile(dir / "." / "model.safetensors", inputs));
        fs::create_hard_link(input, dir / "alias.safetensors");
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, AtomicFile(dir / "alias.safetensors", inputs));
        QCOMPARE(slurp(input), std::string("precious"));
    }

    void unwritableOrMissingFolderIsAClearError()
    {
        QVERIFY_THROWS_EXCEPTION(IoError, AtomicFile("/nonexistent-folder/x.bin"));
        if (::geteuid() == 0) QSKIP("root can write into read-only folders");
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        ::chmod(dir.c_str(), 0555);
        try {
            AtomicFile f(dir / "x.bin");
            QFAIL("expected IoError");
        } catch (const IoError& e) {
            QVERIFY(std::string(e.what()).find("x.bin") != std::string::npos);
        }
        ::chmod(dir.c_str(), 0755);
    }

    void failedWriteIsAClearErrorAndLeavesNothing()
    {
        // A file-size limit makes write() fail the way a full disk does (EFBIG instead of
        // ENOSPC): the error must name the target and the temporary file must disappear.
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        struct rlimit old {};
        ::getrlimit(RLIMIT_FSIZE, &old);
        auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        struct rlimit small = old;
        small.rlim_cur = 4096;
        ::setrlimit(RLIMIT_FSIZE, &small);
        bool threw = false;
        try {
            AtomicFile f(dir / "big.bin");
            const std::vector<char> block(8192, 'x');
            f.write(block.data(), block.size());
        } catch (const IoError& e) {
            threw = std::string(e.what()).find("big.bin") != std::string::npos;
        }
        ::setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, oldHandler);
        QVERIFY(threw);
        QCOMPARE(entries(dir), std::size_t(0));
    }
};

QTEST_APPLESS_MAIN(TestAtomicFile)
#include "test_atomic_file.moc"
