#include "io/hdf5/hdf5_checkpoint.h"

#include "io/hdf5/hdf5_support.h"
#include "io/layout_transpose.h"
#include "io/zip/zip_directory.h"
#include "util/mapped_file.h"
#include "quantscope/error.h"

#include <algorithm>
#include <cstring>

namespace qs::io {

namespace {

using h5::Handle;

constexpr std::size_t kMaxRank = 32;
constexpr std::size_t kMaxDatasets = 1'000'000;

// Keras 3 names variables "<object path>/vars/<i>".
bool isKerasVarPath(std::string_view p)
{
    const auto slash = p.rfind('/');
    if (slash == std::string_view::npos || slash + 1 == p.size()) return false;
    if (p.substr(slash + 1).find_first_not_of("0123456789") != std::string_view::npos) return false;
    const auto parent = p.substr(0, slash);
    return parent == "vars" || parent.ends_with("/vars");
}

class Hdf5Checkpoint final : public Checkpoint {
public:
    /// Opens `path`, or `image` (a whole HDF5 file in memory, e.g. from a .keras ZIP) when given.
    explicit Hdf5Checkpoint(const std::filesystem::path& path, std::span<const std::byte> image = {});
    ~Hdf5Checkpoint() override
    {
        const auto lock = h5::hdf5Lock();
        m_h5.reset();
    }
    std::string_view format() const noexcept override { return m_keras ? "keras-h5" : "hdf5"; }
    void setMetadata(const std::string& key, std::string value) { m_metadata[key] = std::move(value); }
    Matrix readMatrix(std::size_t index) const override;
    std::vector<std::byte> readRaw(std::size_t index) const override;

private:
    void catalogKerasLegacy(hid_t group, const std::string& prefix, const std::vector<std::string>& layers);
    void catalogWalk();
    void addDataset(const std::string& path, const std::string& name, bool kerasWeight);
    void readRootMetadata();

    std::string m_file;
    std::uint64_t m_fileSize = 0;
    Handle m_h5;
    bool m_keras = false;
    std::vector<std::string> m_paths;  ///< dataset path of each tensor
    std::string m_skipped;
};

Hdf5Checkpoint::Hdf5Checkpoint(const std::filesystem::path& path, std::span<const std::byte> image)
    : Checkpoint(path), m_file(path.string())
{
    std::error_code ec;
    m_fileSize = image.empty() ? std::filesystem::file_size(path, ec) : image.size();
    if (ec) throw IoError(m_file + ": cannot read the file size: " + ec.message());
    const auto lock = h5::hdf5Lock();
    h5::silenceErrors();
    if (image.empty()) {
        if (H5Fis_hdf5(m_file.c_str()) <= 0) throw FormatError(m_file, "HDF5 signature", 0, "no HDF5 signature at 0, 512, 1024, ...");
        m_h5 = Handle(H5Fopen(m_file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), &H5Fclose);
    } else {
        if (!sniffHdf5(image)) throw FormatError(m_file, "model.weights.h5 signature", 0, "the weights entry is not an HDF5 file");
        // The core driver serves the file from memory; HDF5 copies the image it is given.
        Handle fapl(H5Pcreate(H5P_FILE_ACCESS), &H5Pclose);
        if (!fapl.valid() || H5Pset_fapl_core(fapl.get(), 1 << 20, 0) < 0 ||
            H5Pset_file_image(fapl.get(), const_cast<std::byte*>(image.data()), image.size()) < 0)
            throw FormatError(m_file, "model.weights.h5", 0, "HDF5 cannot take the in-memory image");
        m_h5 = Handle(H5Fopen((m_file + "#model.weights.h5").c_str(), H5F_ACC_RDONLY, fapl.get()), &H5Fclose);
    }
    if (!m_h5.valid()) throw FormatError(m_file, "superblock", 0, "HDF5 cannot open the file (truncated or corrupt)");
    readRootMetadata();
    // Legacy full model: weights under /model_weights; weights-only save: at the root.
    const bool hasModelWeights = H5Lexists(m_h5.get(), "model_weights", H5P_DEFAULT) > 0;
    Handle group(H5Gopen2(m_h5.get(), hasModelWeights ? "model_weights" : "/", H5P_DEFAULT), &H5Gclose);
    if (!group.valid()) throw FormatError(m_file, hasModelWeights ? "/model_weights" : "/", 0, "HDF5 cannot open the group");
    if (const auto layers = h5::readKerasList(group.get(), "layer_names", m_file, hasModelWeights ? "/model_weights" : "/")) {
        m_keras = true;
        catalogKerasLegacy(group.get(), hasModelWeights ? "model_weights/" : "", *layers);
    } else {
        catalogWalk();
    }
    if (!m_skipped.empty()) m_metadata["hdf5.skipped_datasets"] = m_skipped;
}

void Hdf5Checkpoint::readRootMetadata()
{
    for (const char* key : {"keras_version", "backend", "model_config"}) {
        const auto v = h5::readStringsAttribute(m_h5.get(), key, m_file, "/");
        if (v && v->size() == 1) m_metadata[std::string("keras.") + key] = v->front();
    }
}

void Hdf5Checkpoint::catalogKerasLegacy(hid_t group, const std::string& prefix, const std::vector<std::string>& layers)
{
    for (const auto& layer : layers) {
        Handle lg(H5Gopen2(group, layer.c_str(), H5P_DEFAULT), &H5Gclose);
        if (!lg.valid()) throw FormatError(m_file, "/" + prefix + layer, 0, "layer_names lists a layer group that does not exist");
        const auto weights = h5::readKerasList(lg.get(), "weight_names", m_file, "/" + prefix + layer);
        if (!weights) continue;
        for (const auto& w : *weights) {
            if (w.empty()) continue;  // padding some writers leave for weightless layers
            // tf.keras 2 writes "dense/kernel:0" (layer included); others write just "kernel".
            const std::string name = w.starts_with(layer + "/") ? w : layer + "/" + w;
            addDataset(prefix + layer + "/" + w, name, true);
        }
    }
}

void Hdf5Checkpoint::catalogWalk()
{
    struct Walk {
        std::vector<std::string> datasets;
        bool tooMany = false;
    } walk;
    auto visit = [](hid_t g, const char* name, const H5L_info_t* info, void* data) -> herr_t {
        auto& w = *static_cast<Walk*>(data);
        if (info->type != H5L_TYPE_HARD) return 0;  // soft/external links could point anywhere
        Handle obj(H5Oopen(g, name, H5P_DEFAULT), &H5Oclose);
        if (obj.valid() && H5Iget_type(obj.get()) == H5I_DATASET) w.datasets.emplace_back(name);
        if (w.datasets.size() > kMaxDatasets) {
            w.tooMany = true;
            return 1;
        }
        return 0;
    };
    if (H5Lvisit(m_h5.get(), H5_INDEX_NAME, H5_ITER_INC, visit, &walk) < 0)
        throw FormatError(m_file, "/", 0, "HDF5 cannot walk the file's groups");
    if (walk.tooMany) throw FormatError(m_file, "/", 0, "more than a million datasets");
    // Keras 3 model.weights.h5: variables at <object path>/vars/<i>; optimizer state skipped.
    for (const auto& d : walk.datasets)
        if (isKerasVarPath(d)) m_keras = true;
    for (const auto& d : walk.datasets) {
        if (m_keras && d.starts_with("optimizer/")) continue;
        addDataset(d, d, m_keras);
    }
}

void Hdf5Checkpoint::addDataset(const std::string& path, const std::string& name, bool kerasWeight)
{
    const std::string where = "/" + path;
    Handle ds(H5Dopen2(m_h5.get(), path.c_str(), H5P_DEFAULT), &H5Dclose);
    if (!ds.valid()) throw FormatError(m_file, where, 0, "weight_names lists a dataset that cannot be opened");
    Handle type(H5Dget_type(ds.get()), &H5Tclose);
    Handle space(H5Dget_space(ds.get()), &H5Sclose);
    if (!type.valid() || !space.valid()) throw FormatError(m_file, where, 0, "dataset type or dataspace unreadable");
    const auto dtype = h5::dtypeOf(type.get());
    if (!dtype) {
        if (kerasWeight)
            throw FormatError(m_file, where, 0, "unsupported element type (HDF5 class " + std::to_string(H5Tget_class(type.get())) +
                                                    ", " + std::to_string(H5Tget_size(type.get())) + " bytes)");
        m_skipped += (m_skipped.empty() ? "" : ", ") + path;  // strings, compounds: not weights
        return;
    }
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 0 || static_cast<std::size_t>(rank) > kMaxRank) throw FormatError(m_file, where, 0, "dataspace rank unreadable or above 32");
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    if (rank > 0 && H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) < 0)
        throw FormatError(m_file, where, 0, "dataspace dims unreadable");
    TensorInfo info;
    info.name = name;
    info.dtype = *dtype;
    std::uint64_t numel = 1;
    for (const hsize_t d : dims) {
        if (d > 0 && numel > (std::uint64_t{1} << 56) / d) throw FormatError(m_file, where, 0, "element count overflows");
        numel *= d;
        info.shape.push_back(static_cast<std::int64_t>(d));
    }
    info.byteSize = numel * traits(*dtype).blockBytes;
    // Chunked datasets may be compressed or never written (fill value), so the logical size
    // can exceed the file; cap it so a forged dataspace cannot trigger a huge allocation.
    if (info.byteSize > 64 * m_fileSize + (1u << 20))
        throw FormatError(m_file, where, 0, "declares " + std::to_string(info.byteSize) + " bytes, implausible for a file of " +
                                                std::to_string(m_fileSize));
    info.role = guessRole(name, info.shape);
    if (kerasWeight) {
        // Keras Dense kernels are [in, out] and Conv kernels HWIO: the channel is the last axis.
        if (info.shape.size() >= 2 && info.role != TensorRole::Embedding) info.layout = AxisLayout::OutLast;
        if (info.shape.size() == 1 && info.role == TensorRole::Other) info.role = TensorRole::Bias;
    }
    m_tensors.push_back(std::move(info));
    m_paths.push_back(path);
}

std::vector<std::byte> Hdf5Checkpoint::readRaw(std::size_t index) const
{
    if (index >= m_tensors.size()) throw InvalidArgument("tensor index " + std::to_string(index) + " out of range");
    const auto& info = m_tensors[index];
    const std::string where = "/" + m_paths[index];
    std::vector<std::byte> out(static_cast<std::size_t>(info.byteSize));
    const auto lock = h5::hdf5Lock();
    h5::silenceErrors();
    Handle ds(H5Dopen2(m_h5.get(), m_paths[index].c_str(), H5P_DEFAULT), &H5Dclose);
    Handle fileType(ds.valid() ? H5Dget_type(ds.get()) : -1, &H5Tclose);
    if (!fileType.valid()) throw FormatError(m_file, where, 0, "dataset cannot be opened");
    // Same type as stored, little-endian in memory: HDF5 swaps big-endian data for us.
    Handle memType(H5Tcopy(fileType.get()), &H5Tclose);
    if (!memType.valid() || H5Tset_order(memType.get(), H5T_ORDER_LE) < 0)
        throw FormatError(m_file, where, 0, "cannot build a little-endian memory type");
    if (info.byteSize > 0 && H5Dread(ds.get(), memType.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
        throw FormatError(m_file, where, 0, "HDF5 cannot read the dataset (truncated or corrupt data)");
    return out;
}

Matrix Hdf5Checkpoint::readMatrix(std::size_t index) const
{
    const auto raw = readRaw(index);  // checks the index
    return matrixFromRaw(m_tensors[index], raw);
}

}  // namespace

bool sniffHdf5(std::span<const std::byte> head)
{
    static constexpr unsigned char kSig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    for (std::size_t at : {0u, 512u, 1024u, 2048u})
        if (head.size() >= at + 8 && std::memcmp(head.data() + at, kSig, 8) == 0) return true;
    return false;
}

std::unique_ptr<Checkpoint> openHdf5(const std::filesystem::path& path) { return std::make_unique<Hdf5Checkpoint>(path); }

bool sniffKeras(std::span<const std::byte> head)
{
    if (!ZipDirectory::looksLikeZip(head) || head.size() < 30) return false;
    const auto nameLen = std::to_integer<std::size_t>(head[26]) | (std::to_integer<std::size_t>(head[27]) << 8);
    if (30 + nameLen > head.size()) return false;
    const std::string_view name(reinterpret_cast<const char*>(head.data() + 30), nameLen);
    return name == "metadata.json" || name == "config.json" || name == "model.weights.h5";
}

std::unique_ptr<Checkpoint> openKeras(const std::filesystem::path& path)
{
    const MappedFile map(path);
    const std::string file = path.string();
    const ZipDirectory zip(map.bytes(), file);
    const ZipEntry* weights = zip.find("model.weights.h5");
    if (!weights) {
        if (zip.find("model.weights.npz")) throw UnsupportedError(file + ": Keras archive with .npz weights is not supported");
        throw FormatError(file, "zip entries", 0, "no model.weights.h5: not a Keras 3 archive");
    }
    // Keras stores entries uncompressed; a deflated one is inflated, within a sane bound.
    std::vector<std::byte> inflated;
    std::span<const std::byte> image;
    if (weights->method == 0) {
        image = zip.storedData(*weights);
    } else {
        inflated = zip.readSmall(*weights, std::min<std::uint64_t>(64 * map.size() + (1u << 20), 1ull << 34));
        image = inflated;
    }
    auto ck = std::make_unique<Hdf5Checkpoint>(path, image);
    if (const ZipEntry* config = zip.find("config.json"); config && config->uncompressedSize <= (1u << 20)) {
        const auto text = zip.readSmall(*config, 1u << 20);
        ck->setMetadata("keras.config", std::string(reinterpret_cast<const char*>(text.data()), text.size()));
    }
    return ck;
}

}  // namespace qs::io
