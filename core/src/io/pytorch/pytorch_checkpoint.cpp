#include "io/pytorch/pytorch_checkpoint.h"

#include "io/pytorch/restricted_unpickler.h"
#include "io/pytorch/strided_gather.h"
#include "io/zip/zip_directory.h"
#include "quantscope/error.h"
#include "util/mapped_file.h"

#include <cstring>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace qs::io {

namespace {

using pickle::Kind;
using pickle::Object;

constexpr std::uint64_t kMaxPickleBytes = 1ull << 30;
constexpr int kMaxNesting = 64;
// Memo sharing lets a tiny pickle describe an exponentially large tree; cap the walk.
constexpr std::uint64_t kMaxVisits = 2'000'000;
// Scalars beside the weights (epoch, step, config values) become metadata, within reason.
constexpr std::size_t kMaxMetadata = 10'000;

class PyTorchCheckpoint final : public Checkpoint {
public:
    PyTorchCheckpoint(std::filesystem::path path, std::optional<MappedFile> map, std::span<const std::byte> bytes)
        : Checkpoint(std::move(path)), m_map(std::move(map))
    {
        parse(bytes);
    }
    std::string_view format() const noexcept override { return "pytorch"; }
    Matrix readMatrix(std::size_t index) const override;
    std::vector<std::byte> readRaw(std::size_t index) const override;

private:
    void parse(std::span<const std::byte> bytes);
    std::string findTopFolder(const ZipDirectory& zip) const;
    void flatten(const Object* o, std::string& name, int depth);
    void addTensor(const Object* t, const std::string& name);
    const StridedView& view(std::size_t index) const;

    std::optional<MappedFile> m_map;
    std::string m_file;
    const ZipDirectory* m_zip = nullptr;
    std::string m_folder;
    std::unordered_map<std::string, const ZipEntry*> m_entryByName;
    std::unordered_set<std::string> m_names;
    std::uint64_t m_visits = 0;
    std::vector<StridedView> m_views;
};

std::string PyTorchCheckpoint::findTopFolder(const ZipDirectory& zip) const
{
    // torch.save puts every entry under one folder whose name is arbitrary (the file stem).
    for (const auto& e : zip.entries()) {
        const auto slash = e.name.find('/');
        if (slash != std::string::npos && slash > 0 && e.name.substr(slash + 1) == "data.pkl") return e.name.substr(0, slash + 1);
    }
    throw FormatError(m_file, "zip entries", 0, "no '<folder>/data.pkl' entry: not a torch.save archive");
}

void PyTorchCheckpoint::parse(std::span<const std::byte> bytes)
{
    m_file = m_path.string();
    // Before torch 1.6, torch.save wrote a bare pickle stream starting with a pickled magic
    // number (LONG1 0x1950a86a20f9469cfc6c); say so instead of "not a ZIP".
    static constexpr unsigned char kLegacyMagic[] = {0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20};
    if (bytes.size() >= sizeof kLegacyMagic && std::memcmp(bytes.data(), kLegacyMagic, sizeof kLegacyMagic) == 0)
        throw UnsupportedError(m_file + ": a legacy (pre-1.6) torch.save file; re-save it with a current torch.save");
    const ZipDirectory zip(bytes, m_file);
    m_zip = &zip;
    m_folder = findTopFolder(zip);
    for (const auto& e : zip.entries()) m_entryByName.emplace(e.name, &e);

    if (m_entryByName.count(m_folder + "constants.pkl") || m_entryByName.count(m_folder + "code/"))
        throw UnsupportedError(m_file + ": a TorchScript archive (torch.jit.save); save a state_dict with torch.save instead");
    if (const auto it = m_entryByName.find(m_folder + "byteorder"); it != m_entryByName.end()) {
        const auto order = zip.readSmall(*it->second, 16);
        const std::string text(reinterpret_cast<const char*>(order.data()), order.size());
        if (text != "little")
            throw UnsupportedError(m_file + ": byteorder is '" + text.substr(0, 16) + "'; only little-endian archives are supported");
    }
    const ZipEntry& pkl = *m_entryByName.at(m_folder + "data.pkl");
    std::vector<std::byte> inflated;
    std::span<const std::byte> pickleBytes;
    std::uint64_t base = 0;
    if (pkl.method == 0) {
        pickleBytes = zip.storedData(pkl);
        base = pkl.dataOffset;
    } else {
        inflated = zip.readSmall(pkl, kMaxPickleBytes);
        pickleBytes = inflated;
    }
    pickle::RestrictedUnpickler unpickler(pickleBytes, m_file, pkl.name, base);
    std::string path;
    flatten(unpickler.load(), path, 0);
    m_zip = nullptr;
    m_entryByName.clear();
    m_names.clear();
    m_metadata["pytorch.archive_folder"] = m_folder.substr(0, m_folder.size() - 1);
}

void PyTorchCheckpoint::flatten(const Object* o, std::string& name, int depth)
{
    if (depth > kMaxNesting || ++m_visits > kMaxVisits)
        throw FormatError(m_file, "data.pkl structure", 0, "nested too deeply or too many shared references near '" + name.substr(0, 200) + "'");
    // One growing path buffer, trimmed back after each child: no string built per visit.
    auto visitChild = [&](const Object* child, std::string_view key) {
        const std::size_t keep = name.size();
        if (keep) name += '.';
        name += key;
        flatten(child, name, depth + 1);
        name.resize(keep);
    };
    switch (o->kind) {
    case Kind::Tensor: addTensor(o, name); return;
    case Kind::Dict:
        for (const auto& [k, v] : o->entries) {
            if (k->kind == Kind::String) visitChild(v, k->text);
            else if (k->kind == Kind::Int) visitChild(v, std::to_string(k->integer));
        }
        return;
    case Kind::List:
    case Kind::Tuple:
        for (std::size_t i = 0; i < o->items.size(); ++i) visitChild(o->items[i], std::to_string(i));
        return;
    default: break;
    }
    if (m_metadata.size() >= kMaxMetadata || name.size() > 256) return;
    switch (o->kind) {
    case Kind::Int: m_metadata[name] = std::to_string(o->integer); return;
    case Kind::Float: m_metadata[name] = std::to_string(o->real); return;
    case Kind::Bool: m_metadata[name] = o->boolean ? "True" : "False"; return;
    case Kind::String:
        if (o->text.size() <= 1024) m_metadata[name] = o->text;
        return;
    default: return;  // None, bytes, bare storages and globals carry no weights
    }
}

void PyTorchCheckpoint::addTensor(const Object* t, const std::string& name)
{
    if (!m_names.insert(name).second) throw FormatError(m_file, "data.pkl tensor '" + name + "'", 0, "duplicate tensor name");
    const Object& s = *t->storage;
    const std::string key = m_folder + "data/" + s.text;
    const auto it = m_entryByName.find(key);
    if (it == m_entryByName.end())
        throw FormatError(m_file, "storage '" + s.text + "' of tensor '" + name + "'", 0, "archive has no entry " + key);
    const ZipEntry& e = *it->second;
    const std::uint64_t elem = traits(s.dtype).blockBytes;
    std::uint64_t need = 0;
    if (__builtin_mul_overflow(static_cast<std::uint64_t>(s.numel), elem, &need))
        throw FormatError(m_file, "storage '" + s.text + "' of tensor '" + name + "'", e.dataOffset, "byte size overflows 64 bits");
    if (need > e.compressedSize)
        throw FormatError(m_file, "storage '" + s.text + "' of tensor '" + name + "'", e.dataOffset,
                          std::to_string(s.numel) + " elements of " + std::string(dtypeName(s.dtype)) + " need " +
                              std::to_string(need) + " bytes, entry holds " + std::to_string(e.compressedSize));
    StridedView v{m_zip->storedData(e).first(static_cast<std::size_t>(need)), s.dtype, t->storageOffset, t->shape, t->stride};
    TensorInfo info;
    info.name = name;
    info.shape = t->shape;
    info.dtype = s.dtype;
    info.byteSize = static_cast<std::uint64_t>(t->numel) * elem;
    info.role = guessRole(name, info.shape);
    // A 4-D PyTorch weight is a Conv2d kernel (OIHW) even inside a module named "embedding"
    // (ViT patch embeddings are convolutions).
    if (info.shape.size() == 4) info.role = TensorRole::Conv;
    info.layout = AxisLayout::OutFirst;
    m_tensors.push_back(std::move(info));
    m_views.push_back(std::move(v));
}

const StridedView& PyTorchCheckpoint::view(std::size_t index) const
{
    if (index >= m_views.size()) throw InvalidArgument("tensor index " + std::to_string(index) + " out of range");
    return m_views[index];
}

Matrix PyTorchCheckpoint::readMatrix(std::size_t index) const
{
    const TensorInfo& info = (view(index), m_tensors[index]);
    Matrix m(info.rows(), info.cols());
    gatherToFloat(view(index), m.values.data());
    return m;
}

std::vector<std::byte> PyTorchCheckpoint::readRaw(std::size_t index) const { return gatherBytes(view(index)); }

}  // namespace

bool sniffPyTorch(std::span<const std::byte> head)
{
    if (!ZipDirectory::looksLikeZip(head) || head.size() < 30) return false;
    const auto nameLen = std::to_integer<std::size_t>(head[26]) | (std::to_integer<std::size_t>(head[27]) << 8);
    if (30 + nameLen > head.size()) return false;
    const std::string_view name(reinterpret_cast<const char*>(head.data() + 30), nameLen);
    return name.ends_with("/data.pkl");
}

std::unique_ptr<Checkpoint> openPyTorch(const std::filesystem::path& path)
{
    MappedFile map(path);
    const auto bytes = map.bytes();
    return std::make_unique<PyTorchCheckpoint>(path, std::move(map), bytes);
}

std::unique_ptr<Checkpoint> openPyTorchBytes(std::span<const std::byte> bytes, const std::string& name)
{
    return std::make_unique<PyTorchCheckpoint>(name, std::nullopt, bytes);
}

}  // namespace qs::io
