#include "quantscope/io/safetensors_writer.h"

#include "io/safetensors/safetensors_header.h"
#include "quantscope/error.h"
#include "util/byte_reader.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <set>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

namespace qs {

namespace {

std::string osError(const std::filesystem::path& p, const char* what)
{
    return p.string() + ": " + what + ": " + std::strerror(errno);
}

// A hidden temporary file next to `target`, created with mkstemp.
int makeTemp(const std::filesystem::path& target, const char* tag, std::filesystem::path& out)
{
    std::string tmpl = (target.parent_path() / ("." + target.filename().string() + tag + ".XXXXXX")).string();
    const int fd = ::mkstemp(tmpl.data());
    if (fd < 0) throw IoError(osError(target, "cannot create a temporary file"));
    out = tmpl;
    return fd;
}

void writeAll(int fd, const void* data, std::size_t n, const std::filesystem::path& p)
{
    const char* c = static_cast<const char*>(data);
    while (n > 0) {
        const ssize_t w = ::write(fd, c, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            throw IoError(osError(p, "write failed"));
        }
        c += w;
        n -= static_cast<std::size_t>(w);
    }
}

// Appends `length` bytes of `src` (from offset 0) to `dst`, in the kernel where possible.
void copyAll(int src, int dst, std::uint64_t length, const std::filesystem::path& p)
{
    off_t offset = 0;
    while (length > 0) {
        const auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(length, 1u << 30));
        const ssize_t n = ::sendfile(dst, src, &offset, chunk);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw IoError(osError(p, "copy failed"));
        }
        if (n == 0) throw IoError(p.string() + ": copy failed: staged data is shorter than expected");
        length -= static_cast<std::uint64_t>(n);
    }
}

}  // namespace

struct SafetensorsWriter::Impl {
    std::filesystem::path target;
    std::filesystem::path dataPath, finalPath;
    int dataFd = -1, finalFd = -1;
    bool committed = false;
    std::uint64_t dataBytes = 0;
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    nlohmann::ordered_json metadata = nlohmann::ordered_json::object();
    std::set<std::string> names;

    void checkOpen() const
    {
        if (committed) throw InvalidArgument(target.string() + ": writer already committed");
    }

    void closeAll() noexcept
    {
        if (dataFd >= 0) ::close(dataFd);
        if (finalFd >= 0) ::close(finalFd);
        dataFd = finalFd = -1;
    }

    void declare(const std::string& name, DType dtype, const std::vector<std::int64_t>& shape, std::uint64_t bytes)
    {
        checkOpen();
        if (name == "__metadata__" || !isValidUtf8(name))
            throw InvalidArgument("safetensors tensor name \"" + sanitizeUtf8(name) + "\" is not allowed");
        if (names.count(name)) throw InvalidArgument("safetensors tensor \"" + name + "\" added twice");
        const auto dtypeName = io::safetensorsDTypeName(dtype);
        std::uint64_t numel = 1;
        for (auto d : shape) {
            if (d < 0) throw InvalidArgument("tensor \"" + name + "\" has a negative dimension");
            const auto ud = static_cast<std::uint64_t>(d);
            if (ud != 0 && numel > std::numeric_limits<std::uint64_t>::max() / ud)
                throw InvalidArgument("tensor \"" + name + "\" has too many elements");
            numel *= ud;
        }
        const auto need = storageBytes(dtype, numel);
        if (!need || *need != bytes)
            throw InvalidArgument("tensor \"" + name + "\": " + std::to_string(bytes) + " bytes given, shape needs " +
                                  (need ? std::to_string(*need) : std::string("more than 2^64")));
        names.insert(name);
        header[name] = {{"dtype", dtypeName}, {"shape", shape}, {"data_offsets", {dataBytes, dataBytes + bytes}}};
        dataBytes += bytes;
    }
};

SafetensorsWriter::SafetensorsWriter(std::filesystem::path target) : m_impl(std::make_unique<Impl>())
{
    m_impl->target = std::move(target);
    if (m_impl->target.parent_path().empty()) m_impl->target = std::filesystem::path(".") / m_impl->target;
    m_impl->dataFd = makeTemp(m_impl->target, ".data", m_impl->dataPath);
}

SafetensorsWriter::~SafetensorsWriter()
{
    m_impl->closeAll();
    std::error_code ec;
    if (!m_impl->dataPath.empty()) std::filesystem::remove(m_impl->dataPath, ec);
    if (!m_impl->committed && !m_impl->finalPath.empty()) std::filesystem::remove(m_impl->finalPath, ec);
}

void SafetensorsWriter::setMetadata(const std::string& key, const std::string& value)
{
    m_impl->checkOpen();
    if (!isValidUtf8(key) || !isValidUtf8(value)) throw InvalidArgument("safetensors metadata must be UTF-8");
    m_impl->metadata[key] = value;
}

void SafetensorsWriter::addTensor(const std::string& name, DType dtype, const std::vector<std::int64_t>& shape,
                                  std::span<const std::byte> data)
{
    m_impl->declare(name, dtype, shape, data.size());
    writeAll(m_impl->dataFd, data.data(), data.size(), m_impl->dataPath);
}

void SafetensorsWriter::addTensor(const std::string& name, const std::vector<std::int64_t>& shape,
                                  std::span<const float> values, DType storeAs)
{
    if (storeAs != DType::F32 && storeAs != DType::F16 && storeAs != DType::BF16)
        throw InvalidArgument("float tensors are stored as F32, F16 or BF16, not " + std::string(dtypeName(storeAs)));
    const std::size_t width = traits(storeAs).blockBytes;
    m_impl->declare(name, storeAs, shape, static_cast<std::uint64_t>(values.size()) * width);
    constexpr std::size_t kChunk = 1 << 16;
    std::vector<std::uint16_t> half;
    for (std::size_t i = 0; i < values.size(); i += kChunk) {
        const auto part = values.subspan(i, std::min(kChunk, values.size() - i));
        if (storeAs == DType::F32) {
            writeAll(m_impl->dataFd, part.data(), part.size_bytes(), m_impl->dataPath);
            continue;
        }
        half.resize(part.size());
        for (std::size_t k = 0; k < part.size(); ++k)
            half[k] = storeAs == DType::F16 ? floatToHalf(part[k]) : floatToBf16(part[k]);
        writeAll(m_impl->dataFd, half.data(), half.size() * 2, m_impl->dataPath);
    }
}

void SafetensorsWriter::commit()
{
    auto& d = *m_impl;
    d.checkOpen();
    nlohmann::ordered_json full = nlohmann::ordered_json::object();
    if (!d.metadata.empty()) full["__metadata__"] = d.metadata;
    for (auto& [k, v] : d.header.items()) full[k] = v;
    std::string text = full.dump();
    text.append((8 - (text.size() % 8)) % 8, ' ');  // byte buffer starts at a multiple of 8
    const std::uint64_t n = text.size();

    if (d.finalFd >= 0) {  // an earlier commit() failed half-way: start its file afresh
        ::close(d.finalFd);
        d.finalFd = -1;
        std::error_code ignored;
        std::filesystem::remove(d.finalPath, ignored);
    }
    d.finalFd = makeTemp(d.target, ".tmp", d.finalPath);
    writeAll(d.finalFd, &n, 8, d.finalPath);
    writeAll(d.finalFd, text.data(), text.size(), d.finalPath);
    copyAll(d.dataFd, d.finalFd, d.dataBytes, d.finalPath);
    if (::fsync(d.finalFd) != 0) throw IoError(osError(d.finalPath, "flush failed"));
    if (::fchmod(d.finalFd, 0644) != 0) throw IoError(osError(d.finalPath, "cannot set permissions"));
    d.closeAll();
    std::error_code ec;
    std::filesystem::rename(d.finalPath, d.target, ec);
    if (ec) throw IoError(d.target.string() + ": cannot rename the finished file into place: " + ec.message());
    d.committed = true;
}

}  // namespace qs
