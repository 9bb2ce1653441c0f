#include "quantscope/io/atomic_file.h"

#include "quantscope/error.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace qs {

namespace {

[[noreturn]] void throwOs(const std::filesystem::path& p, const char* what)
{
    throw IoError(p.string() + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

bool sameFile(const std::filesystem::path& a, const std::filesystem::path& b) noexcept
{
    struct stat sa {}, sb {};
    if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

AtomicFile::AtomicFile(std::filesystem::path target, std::span<const std::filesystem::path> inputs)
    : m_target(std::move(target))
{
    for (const auto& in : inputs) {
        std::error_code ec;
        const bool samePath = std::filesystem::weakly_canonical(in, ec) == std::filesystem::weakly_canonical(m_target, ec);
        if (samePath || sameFile(in, m_target))
            throw InvalidArgument(m_target.string() + ": the output would overwrite the input file; choose another path");
    }
    auto dir = m_target.parent_path();
    if (dir.empty()) dir = ".";
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        throw IoError(m_target.string() + ": the folder " + dir.string() + " does not exist");
    std::string pattern = (dir / ("." + m_target.filename().string() + ".tmp-XXXXXX")).string();
    m_fd = ::mkstemp(pattern.data());
    if (m_fd < 0) throwOs(m_target, "cannot create a file in this folder");
    m_temp = pattern;
    ::fchmod(m_fd, 0644);
}

AtomicFile::~AtomicFile()
{
    if (m_fd >= 0) ::close(m_fd);
    if (!m_committed && !m_temp.empty()) ::unlink(m_temp.c_str());
}

void AtomicFile::write(const void* data, std::size_t size)
{
    writeAt(m_size, data, size);
    m_size += size;
}

void AtomicFile::writeAt(std::uint64_t offset, const void* data, std::size_t size)
{
    const auto* p = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::pwrite(m_fd, p, size, static_cast<off_t>(offset));
        if (n < 0) {
            if (errno == EINTR) continue;
            throwOs(m_target, "cannot write");
        }
        p += n;
        offset += static_cast<std::uint64_t>(n);
        size -= static_cast<std::size_t>(n);
    }
}

void AtomicFile::commit()
{
    if (m_committed) return;
    if (::fsync(m_fd) != 0) throwOs(m_target, "cannot flush to disk");
    if (::close(m_fd) != 0) {
        m_fd = -1;
        throwOs(m_target, "cannot close");
    }
    m_fd = -1;
    if (::rename(m_temp.c_str(), m_target.c_str()) != 0) throwOs(m_target, "cannot move the finished file into place");
    m_committed = true;
}

}  // namespace qs
