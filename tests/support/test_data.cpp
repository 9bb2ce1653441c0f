#include "test_data.h"

#include <cstdlib>

namespace qs::test {

std::filesystem::path dataDir()
{
    const char* env = std::getenv("QS_TEST_DATA");
    std::filesystem::path p = env && *env ? env : std::filesystem::path(QS_SOURCE_DIR) / ".." / "shared" / "data";
    std::error_code ec;
    return std::filesystem::is_directory(p, ec) ? p : std::filesystem::path{};
}

std::filesystem::path dataFile(const std::filesystem::path& relative)
{
    const auto dir = dataDir();
    if (dir.empty()) return {};
    auto p = dir / relative;
    std::error_code ec;
    return std::filesystem::exists(p, ec) ? p : std::filesystem::path{};
}

std::filesystem::path sourceDir()
{
    const char* env = std::getenv("QS_SOURCE_DIR");
    return env && *env ? std::filesystem::path(env) : std::filesystem::path(QS_SOURCE_DIR);
}

}  // namespace qs::test
