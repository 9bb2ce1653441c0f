#include "quantscope/io/safetensors_writer.h"

#include "io/safetensors/safetensors_header.h"
#include "quantscope/io/atomic_file.h"
#include "quantscope/error.h"
#include "util/byte_reader.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <set>
#include <unistd.h>

namespace qs {

namespace {

std::string osError(const std::filesystem::path& p, const char* what)
{
    return p.string() + ": " + what + ": " + std::strerror(errno);
}

// The hidden staging file for tensor data, next to `target` (mkstemp).
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

// Appends the `length` staged bytes of `src` to `out`.
void copyStaged(int src, AtomicFile& out, std::uint64_t length, const std::filesystem::path& staged)
{
    std::vector<char> buffer(std::size_t{4} << 20);
    std::uint64_t offset = 0;
    while (offset < length) {
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), length - offset));
        const ssize_t n = ::pread(src, buffer.data(), want, static_cast<off_t>(offset));
        if (n < 0) {
            if (errno == EINTR) continue;
            throw IoError(osError(staged, "cannot read staged tensor data"));
        }
        if (n == 0) throw IoError(staged.string() + ": staged tensor data is shorter than expected");
        out.write(buffer.data(), static_cast<std::size_t>(n));
        offset += static_cast<std::uint64_t>(n);
    }
}

}  // namespace

struct SafetensorsWriter::Impl {
    std::filesystem::path target;
    std::filesystem::path dataPath;
    int dataFd = -1;
    bool committed = false;
    std::uint64_t dataBytes = 0;
    std::string entries;  // the header's tensor entries, already serialised, in insertion order
    nlohmann::ordered_json metadata = nlohmann::ordered_json::object();
    std::set<std::string> names;

    void checkOpen() const
    {
        if (committed) throw InvalidArgument(target.string() + ": writer already committed");
    }

    void closeAll() noexcept
    {
        if (dataFd >= 0) ::close(dataFd);
        dataFd = -1;
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
        // Serialised now, so building the header stays linear in the number of tensors.
        const nlohmann::json entry = {
            {"dtype", dtypeName}, {"shape", shape}, {"data_offsets", {dataBytes, dataBytes + bytes}}};
        entries += (entries.empty() ? "" : ",") + nlohmann::json(name).dump() + ":" + entry.dump();
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
    std::string text = "{";
    if (!d.metadata.empty()) text += "\"__metadata__\":" + d.metadata.dump() + (d.entries.empty() ? "" : ",");
    text += d.entries + "}";
    text.append((8 - (text.size() % 8)) % 8, ' ');  // byte buffer starts at a multiple of 8
    const std::uint64_t n = text.size();

    AtomicFile out(d.target);  // removed again if anything below throws
    out.write(&n, 8);
    out.write(text.data(), text.size());
    copyStaged(d.dataFd, out, d.dataBytes, d.dataPath);
    out.commit();
    d.closeAll();
    d.committed = true;
}

}  // namespace qs
