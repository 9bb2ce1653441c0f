#include "io/export/gguf_writer.h"

#include "quantscope/error.h"

#include <algorithm>
#include <cstring>

namespace qs::gguf {

namespace {
using io::GgufType;

std::uint32_t ggmlTypeId(DType t)
{
    if (const auto id = io::dtypeToGgmlType(t)) return *id;
    throw UnsupportedError("GGUF has no type for " + std::string(dtypeName(t)));
}
}  // namespace

Writer::Writer(std::uint32_t alignment) : m_alignment(alignment)
{
    if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment % 8 != 0)
        throw InvalidArgument("GGUF alignment must be a power of two and a multiple of 8");
    if (alignment != 32) addU32("general.alignment", alignment);
}

template <typename T>
void Writer::put(T v)
{
    const auto* p = reinterpret_cast<const std::uint8_t*>(&v);
    m_kv.insert(m_kv.end(), p, p + sizeof(T));
}

void Writer::putString(const std::string& s)
{
    put<std::uint64_t>(s.size());
    m_kv.insert(m_kv.end(), s.begin(), s.end());
}

void Writer::beginKv(const std::string& key, GgufType type)
{
    if (key.empty() || key.size() > 65535) throw InvalidArgument("GGUF key length out of range: " + key);
    if (std::find(m_keys.begin(), m_keys.end(), key) != m_keys.end())
        throw InvalidArgument("GGUF key written twice: " + key);
    m_keys.push_back(key);
    putString(key);
    put<std::uint32_t>(static_cast<std::uint32_t>(type));
    ++m_kvCount;
}

void Writer::addString(const std::string& key, const std::string& value)
{
    beginKv(key, GgufType::String);
    putString(value);
}

void Writer::addU32(const std::string& key, std::uint32_t value)
{
    beginKv(key, GgufType::U32);
    put(value);
}

void Writer::addI32(const std::string& key, std::int32_t value)
{
    beginKv(key, GgufType::I32);
    put(value);
}

void Writer::addF32(const std::string& key, float value)
{
    beginKv(key, GgufType::F32);
    put(value);
}

void Writer::addBool(const std::string& key, bool value)
{
    beginKv(key, GgufType::Bool);
    put<std::uint8_t>(value ? 1 : 0);
}

void Writer::addStringArray(const std::string& key, const std::vector<std::string>& values)
{
    beginKv(key, GgufType::Array);
    put<std::uint32_t>(static_cast<std::uint32_t>(GgufType::String));
    put<std::uint64_t>(values.size());
    for (const auto& v : values) putString(v);
}

void Writer::addF32Array(const std::string& key, const std::vector<float>& values)
{
    beginKv(key, GgufType::Array);
    put<std::uint32_t>(static_cast<std::uint32_t>(GgufType::F32));
    put<std::uint64_t>(values.size());
    for (float v : values) put(v);
}

void Writer::addI32Array(const std::string& key, const std::vector<std::int32_t>& values)
{
    beginKv(key, GgufType::Array);
    put<std::uint32_t>(static_cast<std::uint32_t>(GgufType::I32));
    put<std::uint64_t>(values.size());
    for (auto v : values) put(v);
}

void Writer::declareTensor(const std::string& name, const std::vector<std::int64_t>& shape, DType type)
{
    if (name.empty() || name.size() > 64) throw InvalidArgument("GGUF tensor names are 1..64 bytes: " + name);
    if (shape.empty() || shape.size() > 4) throw InvalidArgument("GGUF tensors have 1..4 dimensions: " + name);
    ggmlTypeId(type);  // throws for types GGUF cannot hold
    std::uint64_t numel = 1;
    for (auto d : shape) {
        if (d <= 0) throw InvalidArgument("GGUF tensor " + name + " has a non-positive dimension");
        numel *= static_cast<std::uint64_t>(d);
    }
    if (shape.back() % traits(type).blockElements != 0)
        throw InvalidArgument("GGUF tensor " + name + ": innermost dimension " + std::to_string(shape.back()) +
                              " is not a multiple of the " + std::string(dtypeName(type)) + " block size");
    const auto bytes = storageBytes(type, numel).value();
    m_tensors.push_back({name, shape, type, bytes, m_dataSize});
    m_dataSize += (bytes + m_alignment - 1) / m_alignment * m_alignment;
}

void Writer::writeHeader(AtomicFile& out)
{
    std::vector<std::uint8_t> head;
    auto put32 = [&](std::uint32_t v) { head.insert(head.end(), reinterpret_cast<std::uint8_t*>(&v), reinterpret_cast<std::uint8_t*>(&v) + 4); };
    auto put64 = [&](std::uint64_t v) { head.insert(head.end(), reinterpret_cast<std::uint8_t*>(&v), reinterpret_cast<std::uint8_t*>(&v) + 8); };
    head.insert(head.end(), {'G', 'G', 'U', 'F'});
    put32(3);
    put64(m_tensors.size());
    put64(m_kvCount);
    head.insert(head.end(), m_kv.begin(), m_kv.end());
    for (const auto& t : m_tensors) {
        put64(t.name.size());
        head.insert(head.end(), t.name.begin(), t.name.end());
        put32(static_cast<std::uint32_t>(t.shape.size()));
        for (auto it = t.shape.rbegin(); it != t.shape.rend(); ++it) put64(static_cast<std::uint64_t>(*it));
        put32(ggmlTypeId(t.type));
        put64(t.offset);
    }
    head.resize((head.size() + m_alignment - 1) / m_alignment * m_alignment, 0);
    out.write(head.data(), head.size());
}

void Writer::writeTensorData(AtomicFile& out, std::span<const std::byte> bytes)
{
    if (m_next >= m_tensors.size()) throw InvalidArgument("GGUF: more tensor data than declared tensors");
    const auto& t = m_tensors[m_next++];
    if (bytes.size() != t.bytes)
        throw InvalidArgument("GGUF tensor " + t.name + ": " + std::to_string(bytes.size()) + " bytes given, " +
                              std::to_string(t.bytes) + " expected");
    out.write(bytes);
    const std::uint64_t pad = (m_alignment - t.bytes % m_alignment) % m_alignment;
    static const std::uint8_t zeros[64] = {};
    out.write(zeros, static_cast<std::size_t>(pad));
}

}  // namespace qs::gguf
