#include "util/mapped_file.h"

#include "quantscope/error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace qs {

namespace {
std::string osError(const std::filesystem::path& p, const char* what)
{
    return p.string() + ": " + what + ": " + std::strerror(errno);
}
}  // namespace

MappedFile::MappedFile(const std::filesystem::path& path) : m_path(path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw IoError(osError(path, "cannot open"));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const auto msg = osError(path, "cannot stat");
        ::close(fd);
        throw IoError(msg);
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw IoError(path.string() + ": not a regular file");
    }
    m_size = static_cast<std::size_t>(st.st_size);
    if (m_size > 0) {
        void* p = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            const auto msg = osError(path, "cannot map");
            ::close(fd);
            throw IoError(msg);
        }
        m_data = static_cast<const std::byte*>(p);
    }
    ::close(fd);
}

MappedFile::~MappedFile()
{
    if (m_data) ::munmap(const_cast<std::byte*>(m_data), m_size);
}

MappedFile::MappedFile(MappedFile&& o) noexcept : m_path(std::move(o.m_path)), m_data(o.m_data), m_size(o.m_size)
{
    o.m_data = nullptr;
    o.m_size = 0;
}

MappedFile& MappedFile::operator=(MappedFile&& o) noexcept
{
    if (this != &o) {
        if (m_data) ::munmap(const_cast<std::byte*>(m_data), m_size);
        m_path = std::move(o.m_path);
        m_data = o.m_data;
        m_size = o.m_size;
        o.m_data = nullptr;
        o.m_size = 0;
    }
    return *this;
}

std::span<const std::byte> MappedFile::slice(std::uint64_t offset, std::uint64_t length, const std::string& field) const
{
    if (offset > m_size || length > m_size - offset)
        throw FormatError(m_path.string(), field, offset,
                          "range of " + std::to_string(length) + " bytes runs past the end of the file (" +
                              std::to_string(m_size) + " bytes)");
    return {m_data + offset, static_cast<std::size_t>(length)};
}

}  // namespace qs
