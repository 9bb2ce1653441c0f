#include "io/safetensors/safetensors_reader.h"

#include "io/safetensors/safetensors_header.h"
#include "quantscope/error.h"
#include "util/mapped_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <set>
#include <unordered_set>

namespace qs::io {

namespace {

class SafetensorsCheckpoint final : public Checkpoint {
public:
    explicit SafetensorsCheckpoint(std::filesystem::path path) : Checkpoint(std::move(path)) {}

    std::string_view format() const noexcept override { return "safetensors"; }

    /// Maps `file` and adds its tensors; with `only`, just the tensors named there.
    void addFile(const std::filesystem::path& file, const std::set<std::string>* only)
    {
        auto map = std::make_unique<MappedFile>(file);
        const auto header = parseSafetensorsHeader(map->bytes(), file.string());
        const std::size_t fileIndex = m_files.size();
        for (const auto& e : header.entries) {
            if (only && !only->count(e.name)) continue;
            if (!m_names.insert(e.name).second)
                throw FormatError(file.string(), "tensor \"" + e.name + "\"", e.headerOffset,
                                  "also appears in an earlier shard");
            TensorInfo info;
            info.name = e.name;
            info.shape = e.shape;
            info.dtype = e.dtype;
            info.byteSize = e.end - e.begin;
            info.role = guessRole(e.name, e.shape);
            m_tensors.push_back(std::move(info));
            m_locations.push_back({fileIndex, header.dataStart + e.begin});
        }
        for (const auto& [k, v] : header.metadata) m_metadata.emplace(k, v);  // first shard wins
        m_files.push_back(std::move(map));
    }

    bool has(const std::string& name) const { return m_names.count(name) != 0; }

    void addMetadata(std::string key, std::string value) { m_metadata[std::move(key)] = std::move(value); }

    Matrix readMatrix(std::size_t index) const override
    {
        const auto& info = checkedInfo(index);
        Matrix m(info.rows(), info.cols());
        if (info.numel() == 0) return m;  // nothing to decode (and no null-pointer memcpy)
        decodeToFloat(info.dtype, bytesOf(index), m.values.data(), static_cast<std::size_t>(info.numel()));
        return m;
    }

    void readMatrixInto(std::size_t index, Matrix& into) const override
    {
        const auto& info = checkedInfo(index);
        into.rows = info.rows();
        into.cols = info.cols();
        into.values.resize(static_cast<std::size_t>(info.numel()));  // keeps the capacity
        if (info.numel() == 0) return;
        decodeToFloat(info.dtype, bytesOf(index), into.values.data(), static_cast<std::size_t>(info.numel()));
    }

    std::vector<std::byte> readRaw(std::size_t index) const override
    {
        const auto& info = checkedInfo(index);
        const std::byte* p = bytesOf(index);
        return {p, p + info.byteSize};
    }

private:
    struct Location {
        std::size_t file;
        std::uint64_t offset;  ///< absolute file offset of the tensor's bytes
    };

    const TensorInfo& checkedInfo(std::size_t index) const
    {
        if (index >= m_tensors.size())
            throw InvalidArgument("tensor index " + std::to_string(index) + " out of range (" +
                                  std::to_string(m_tensors.size()) + " tensors)");
        return m_tensors[index];
    }

    // The header validation proved offset + byteSize lies inside the file.
    const std::byte* bytesOf(std::size_t index) const
    {
        const auto& loc = m_locations[index];
        return m_files[loc.file]->data() + loc.offset;
    }

    std::vector<std::unique_ptr<MappedFile>> m_files;
    std::vector<Location> m_locations;
    std::unordered_set<std::string> m_names;  // lookups stay O(1) for catalogs of any size
};

// A shard must be a plain file name next to the index: no folders, no way out of the folder.
void checkShardName(const std::string& shard, const std::string& tensor, const std::string& label)
{
    const bool bad = shard.empty() || shard == "." || shard == ".." ||
                     shard.find_first_of("/\\") != std::string::npos || shard.find('\0') != std::string::npos;
    if (bad)
        throw SecurityError(label, "weight_map[\"" + tensor + "\"]", 0,
                            "shard \"" + shard + "\" is not a plain file name in the index's folder; refused");
}

std::unique_ptr<Checkpoint> openIndex(const std::filesystem::path& path)
{
    using json = nlohmann::json;
    const std::string label = path.string();
    MappedFile map(path);
    if (map.size() > kSafetensorsMaxHeaderBytes)
        throw FormatError(label, "index", 0, "larger than 100,000,000 bytes");
    const char* text = reinterpret_cast<const char*>(map.data());
    json doc;
    try {
        doc = json::parse(text, text + map.size());
    } catch (const json::parse_error& e) {
        throw FormatError(label, "index JSON", e.byte ? e.byte - 1 : 0, std::string("not valid JSON: ") + e.what());
    }
    if (!doc.is_object() || !doc.contains("weight_map") || !doc["weight_map"].is_object())
        throw FormatError(label, "weight_map", 0, "the index has no \"weight_map\" object");

    std::map<std::string, std::set<std::string>> shards;  // sorted by file name
    for (const auto& [tensor, shard] : doc["weight_map"].items()) {
        if (!shard.is_string())
            throw FormatError(label, "weight_map[\"" + tensor + "\"]", 0, "is not a file name string");
        const auto name = shard.get<std::string>();
        checkShardName(name, tensor, label);
        shards[name].insert(tensor);
    }
    auto ckpt = std::make_unique<SafetensorsCheckpoint>(path);
    for (const auto& [shard, tensors] : shards) {
        ckpt->addFile(path.parent_path() / shard, &tensors);
        for (const auto& t : tensors)
            if (!ckpt->has(t))
                throw FormatError(label, "weight_map[\"" + t + "\"]", 0, "tensor is not in shard \"" + shard + "\"");
    }
    if (doc.contains("metadata") && doc["metadata"].is_object())
        for (const auto& [k, v] : doc["metadata"].items())
            ckpt->addMetadata(k, v.is_string() ? v.get<std::string>() : v.dump());
    ckpt->addMetadata("shards", std::to_string(shards.size()));
    return ckpt;
}

}  // namespace

bool sniffSafetensors(std::span<const std::byte> head)
{
    if (head.size() < 9) return false;
    std::uint64_t n;
    std::memcpy(&n, head.data(), 8);
    return n >= 2 && n <= kSafetensorsMaxHeaderBytes && head[8] == std::byte{'{'};
}

bool sniffSafetensorsIndex(std::span<const std::byte> head)
{
    const std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
    const auto first = text.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && text[first] == '{' &&
           text.find("\"weight_map\"") != std::string_view::npos;
}

std::unique_ptr<Checkpoint> openSafetensors(const std::filesystem::path& path)
{
    {
        // An index file is JSON text; a safetensors file starts with its 8-byte header length.
        MappedFile probe(path);
        const auto head = probe.bytes().first(std::min<std::size_t>(probe.size(), 4096));
        const std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
        const auto first = text.find_first_not_of(" \t\r\n");
        const bool json = path.extension() == ".json" || (first != std::string_view::npos && text[first] == '{');
        if (!sniffSafetensors(head) && json) return openIndex(path);
    }
    auto ckpt = std::make_unique<SafetensorsCheckpoint>(path);
    ckpt->addFile(path, nullptr);
    return ckpt;
}

}  // namespace qs::io
