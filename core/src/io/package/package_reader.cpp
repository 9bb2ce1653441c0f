#include "io/package/package_reader.h"

#include "io/package/bit_packing.h"
#include "io/package/h5_attributes.h"
#include "io/package/package_layout.h"
#include "quantscope/error.h"
#include "quantscope/io/package.h"

#include "quantscope/tensor/dtype.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>

namespace qs {

namespace {

using package::tensorGroupName;

constexpr std::uint64_t kMaxElements = std::uint64_t(1) << 40;

std::optional<Scheme> schemeFromName(std::string_view s)
{
    if (s == "symmetric") return Scheme::Symmetric;
    if (s == "asymmetric") return Scheme::Asymmetric;
    return std::nullopt;
}

std::optional<Granularity> granularityFromName(std::string_view s)
{
    for (auto g : {Granularity::PerTensor, Granularity::PerChannel, Granularity::PerGroup})
        if (granularityName(g) == s) return g;
    return std::nullopt;
}

std::optional<TensorRole> roleFromName(std::string_view s)
{
    for (auto r : {TensorRole::Linear, TensorRole::Conv, TensorRole::Embedding, TensorRole::Norm, TensorRole::Bias,
                   TensorRole::Other})
        if (roleName(r) == s) return r;
    return std::nullopt;
}

class PackageFile {
public:
    explicit PackageFile(const std::filesystem::path& path) : m_path(path.string())
    {
        m_file = io::h5::Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
        if (!m_file.valid()) throw FormatError(m_path, "HDF5 superblock", 0, "not a readable HDF5 file");
        if (!io::h5::hasAttr(m_file.get(), package::kFormatAttr) ||
            io::h5::readStringAttr(m_file.get(), package::kFormatAttr, m_path) != package::kFormatValue)
            throw FormatError(m_path, "/@format", 0, "not a QuantScope package");
        const auto version = io::h5::readIntAttr(m_file.get(), package::kVersionAttr, m_path);
        if (version < package::kVersion || version > package::kVersionNl4)
            throw UnsupportedError(m_path + ": package format version " + std::to_string(version) +
                                   " (this QuantScope reads versions 1 and 2)");
        m_tensors = io::h5::Handle(H5Gopen2(m_file.get(), package::kTensorsGroup, H5P_DEFAULT), H5Gclose);
        if (!m_tensors.valid()) throw FormatError(m_path, "/tensors", 0, "group missing");
    }

    const std::string& path() const { return m_path; }
    hid_t root() const { return m_file.get(); }

    std::size_t tensorCount() const
    {
        const auto n = io::h5::readIntAttr(m_file.get(), "tensor_count", m_path);
        if (n < 0 || n > 10'000'000) throw FormatError(m_path, "/@tensor_count", 0, "out of range");
        return static_cast<std::size_t>(n);
    }

    io::h5::Handle group(std::size_t index) const
    {
        const auto name = tensorGroupName(index);
        if (H5Lexists(m_tensors.get(), name.c_str(), H5P_DEFAULT) <= 0)
            throw FormatError(m_path, "/tensors/" + name, 0, "group missing");
        return io::h5::Handle(H5Gopen2(m_tensors.get(), name.c_str(), H5P_DEFAULT), H5Gclose);
    }

    TensorInfo info(std::size_t index) const
    {
        const auto g = group(index);
        const auto obj = "/tensors/" + tensorGroupName(index);
        TensorInfo t;
        t.name = io::h5::readStringAttr(g.get(), "name", m_path);
        t.shape = io::h5::readIntArrayAttr(g.get(), "shape", m_path);
        std::uint64_t numel = 1;
        for (auto d : t.shape) {
            if (d < 0 || (d > 0 && numel > kMaxElements / static_cast<std::uint64_t>(d)))
                throw FormatError(m_path, obj + "@shape", 0, "dimension out of range");
            numel *= static_cast<std::uint64_t>(d);
        }
        const auto dt = dtypeFromName(io::h5::readStringAttr(g.get(), "source_dtype", m_path));
        if (!dt) throw FormatError(m_path, obj + "@source_dtype", 0, "unknown dtype");
        t.dtype = *dt;
        const auto role = roleFromName(io::h5::readStringAttr(g.get(), "role", m_path));
        t.role = role.value_or(TensorRole::Other);
        t.layout = io::h5::readStringAttr(g.get(), "layout", m_path) == "out_last" ? AxisLayout::OutLast : AxisLayout::OutFirst;
        if (isQuantized(g.get())) {
            t.byteSize = io::h5::datasetLength(g.get(), "codes", m_path, obj);
        } else {
            t.byteSize = io::h5::datasetLength(g.get(), "raw", m_path, obj);
            const auto expected = storageBytes(t.dtype, numel);
            if (!expected || *expected != t.byteSize)
                throw FormatError(m_path, obj + "/raw", 0, "size does not match shape and dtype");
        }
        return t;
    }

    bool isQuantized(hid_t g) const { return io::h5::readIntAttr(g, "quantized", m_path) != 0; }

    std::vector<std::byte> raw(std::size_t index, std::uint64_t bytes) const
    {
        const auto g = group(index);
        std::vector<std::byte> out(bytes);
        io::h5::readDataset(g.get(), "raw", H5T_NATIVE_UINT8, out.data(), bytes, m_path, "/tensors/" + tensorGroupName(index));
        return out;
    }

    QuantizedTensor quantized(std::size_t index) const;

private:
    void readNl4Scales(hid_t gid, const std::string& obj, QuantizedTensor& q) const;

    std::string m_path;
    io::h5::Handle m_file;
    io::h5::Handle m_tensors;
};

/// nl4: codebook levels, fp16 super-scales and 6-bit sub-scale codes; scales = d * l (exact).
void PackageFile::readNl4Scales(hid_t gid, const std::string& obj, QuantizedTensor& q) const
{
    if (q.granularity != Granularity::PerGroup || q.scheme != Scheme::Symmetric)
        throw FormatError(m_path, obj + "@granularity", 0, "nl4 needs symmetric per-group scales");
    q.superBlock = io::h5::readIntAttr(gid, "super_block", m_path);
    if (q.groupSize < 1 || q.superBlock < 1 || q.superBlock > (1 << 20) || q.groupSize > q.superBlock ||
        q.superBlock % q.groupSize != 0)
        throw FormatError(m_path, obj + "@super_block", 0, "must be a multiple of group_size (at most 2^20)");
    if (io::h5::readIntAttr(gid, "sub_scale_bits", m_path) != package::kSubScaleBits)
        throw FormatError(m_path, obj + "@sub_scale_bits", 0, "must be 6");
    q.levels.resize(std::size_t(1) << q.bits);
    io::h5::readDataset(gid, "levels", H5T_NATIVE_FLOAT, q.levels.data(), q.levels.size(), m_path, obj);
    for (std::size_t i = 0; i < q.levels.size(); ++i)
        if (!std::isfinite(q.levels[i]))
            throw FormatError(m_path, obj + "/levels", i * 4, "codebook level is not finite");
    const auto groups = static_cast<std::uint64_t>(q.rows * q.groupsPerRow());
    const auto spr = q.superBlocksPerRow();
    q.superScales.resize(static_cast<std::size_t>(q.rows * spr));
    const auto half = io::h5::halfType();
    io::h5::readDataset(gid, "super_scales", half.get(), q.superScales.data(), q.superScales.size(), m_path, obj);
    std::vector<std::uint8_t> packed((groups * package::kSubScaleBits + 7) / 8);
    io::h5::readDataset(gid, "sub_scales", H5T_NATIVE_UINT8, packed.data(), packed.size(), m_path, obj);
    const auto codes = package::unpackBits(packed, package::kSubScaleBits, groups);
    q.scales.resize(groups);
    q.offsets.assign(groups, 0);
    const std::int64_t gpr = q.groupsPerRow();
    for (std::size_t u = 0; u < groups; ++u) {
        const auto r = static_cast<std::int64_t>(u) / gpr, k = static_cast<std::int64_t>(u) % gpr;
        const float d = halfToFloat(q.superScales[static_cast<std::size_t>(r * spr + k * q.groupSize / q.superBlock)]);
        if (!std::isfinite(d)) throw FormatError(m_path, obj + "/super_scales", 0, "a super-scale is not finite");
        q.scales[u] = d * static_cast<float>(int(codes[u]) + package::kSubScaleMin);
    }
}

QuantizedTensor PackageFile::quantized(std::size_t index) const
{
    const auto g = group(index);
    const auto obj = "/tensors/" + tensorGroupName(index);
    const hid_t gid = g.get();
    QuantizedTensor q;
    q.bits = static_cast<int>(io::h5::readIntAttr(gid, "bits", m_path));
    if (q.bits < 2 || q.bits > 8) throw FormatError(m_path, obj + "@bits", 0, "must be 2..8");
    const auto scheme = schemeFromName(io::h5::readStringAttr(gid, "scheme", m_path));
    const auto gran = granularityFromName(io::h5::readStringAttr(gid, "granularity", m_path));
    if (!scheme) throw FormatError(m_path, obj + "@scheme", 0, "unknown scheme");
    if (!gran) throw FormatError(m_path, obj + "@granularity", 0, "unknown granularity");
    q.scheme = *scheme;
    q.granularity = *gran;
    q.rows = io::h5::readIntAttr(gid, "rows", m_path);
    q.cols = io::h5::readIntAttr(gid, "cols", m_path);
    q.groupSize = io::h5::readIntAttr(gid, "group_size", m_path);
    if (q.rows < 0 || q.cols < 0 || (q.cols > 0 && static_cast<std::uint64_t>(q.rows) > kMaxElements / static_cast<std::uint64_t>(q.cols)))
        throw FormatError(m_path, obj + "@rows", 0, "rows x cols out of range");
    if (q.groupSize < 0 || (q.granularity != Granularity::PerTensor && q.cols > 0 && q.groupSize == 0))
        throw FormatError(m_path, obj + "@group_size", 0, "out of range");
    const auto n = static_cast<std::uint64_t>(q.rows * q.cols);
    const std::uint64_t scaleCount =
        q.granularity == Granularity::PerTensor ? 1 : static_cast<std::uint64_t>(q.rows * q.groupsPerRow());
    std::vector<std::uint8_t> packed((n * static_cast<std::uint64_t>(q.bits) + 7) / 8);
    io::h5::readDataset(gid, "codes", H5T_NATIVE_UINT8, packed.data(), packed.size(), m_path, obj);
    q.codes = package::unpackBits(packed, q.bits, n);
    const std::string encoding = io::h5::hasAttr(gid, "encoding") ? io::h5::readStringAttr(gid, "encoding", m_path)
                                                                   : std::string(package::kUniformEncoding);
    if (encoding == package::kNl4Encoding) {
        readNl4Scales(gid, obj, q);
    } else if (encoding == package::kUniformEncoding) {
        q.scales.resize(scaleCount);
        io::h5::readDataset(gid, "scales", H5T_NATIVE_FLOAT, q.scales.data(), scaleCount, m_path, obj);
        q.offsets.resize(scaleCount);
        io::h5::readDataset(gid, "offsets", H5T_NATIVE_INT32, q.offsets.data(), scaleCount, m_path, obj);
    } else {
        throw FormatError(m_path, obj + "@encoding", 0, "unknown encoding '" + encoding + "' (expected uniform or nl4)");
    }
    const auto outliers = io::h5::datasetLength(gid, "outlier_index", m_path, obj);
    if (outliers > n) throw FormatError(m_path, obj + "/outlier_index", 0, "more outliers than elements");
    q.outlierIndex.resize(outliers);
    io::h5::readDataset(gid, "outlier_index", H5T_NATIVE_UINT64, q.outlierIndex.data(), outliers, m_path, obj);
    for (std::size_t i = 0; i < q.outlierIndex.size(); ++i)
        if (q.outlierIndex[i] >= n || (i && q.outlierIndex[i] <= q.outlierIndex[i - 1]))
            throw FormatError(m_path, obj + "/outlier_index", i * 8, "indices must be ascending and inside the tensor");
    q.outlierHalf.resize(outliers);
    const auto half = io::h5::halfType();
    io::h5::readDataset(gid, "outlier_value", half.get(), q.outlierHalf.data(), outliers, m_path, obj);
    return q;
}

class PackageCheckpoint final : public Checkpoint {
public:
    // Callers hold hdf5Lock() (see openPackage / readPackagedTensor).
    explicit PackageCheckpoint(const std::filesystem::path& path) : Checkpoint(path), m_file(std::make_unique<PackageFile>(path))
    {
        const auto n = m_file->tensorCount();
        m_tensors.reserve(n);
        for (std::size_t i = 0; i < n; ++i) m_tensors.push_back(m_file->info(i));
        readGroupAttributes("provenance", "provenance.");
        readGroupAttributes("metadata", "");
    }

    ~PackageCheckpoint() override
    {
        const auto lock = io::h5::hdf5Lock();
        m_file.reset();  // closes the HDF5 handles under the lock
    }

    std::string_view format() const noexcept override { return "quantscope-package"; }

    Matrix readMatrix(std::size_t index) const override
    {
        const auto& info = m_tensors.at(index);
        const auto lock = io::h5::hdf5Lock();
        const auto g = m_file->group(index);
        if (m_file->isQuantized(g.get())) {
            auto m = m_file->quantized(index).dequantize();
            if (m.rows != info.rows() || m.cols != info.cols())
                throw FormatError(m_file->path(), info.name, 0, "rows/cols do not match the shape");
            return m;
        }
        const auto bytes = m_file->raw(index, info.byteSize);
        Matrix m(info.rows(), info.cols());
        if (info.layout == AxisLayout::OutFirst) {
            decodeToFloat(info.dtype, bytes.data(), m.values.data(), m.values.size());
        } else {  // stored [.., out]: transpose to [out, rest]
            std::vector<float> flat(m.values.size());
            decodeToFloat(info.dtype, bytes.data(), flat.data(), flat.size());
            for (std::int64_t i = 0; i < m.cols; ++i)
                for (std::int64_t o = 0; o < m.rows; ++o) m.values[o * m.cols + i] = flat[i * m.rows + o];
        }
        return m;
    }

    std::vector<std::byte> readRaw(std::size_t index) const override
    {
        const auto lock = io::h5::hdf5Lock();
        return m_file->raw(index, m_tensors.at(index).byteSize);
    }

    QuantizedTensor quantized(std::string_view name) const
    {
        const auto i = find(name);
        if (!i) throw InvalidArgument(m_file->path() + ": no tensor named " + std::string(name));
        const auto lock = io::h5::hdf5Lock();
        const auto g = m_file->group(*i);
        if (!m_file->isQuantized(g.get()))
            throw InvalidArgument(m_file->path() + ": tensor " + std::string(name) + " is stored unquantized");
        return m_file->quantized(*i);
    }

private:
    void readGroupAttributes(const char* groupName, const std::string& prefix)
    {
        if (H5Lexists(m_file->root(), groupName, H5P_DEFAULT) <= 0) return;
        io::h5::Handle g(H5Gopen2(m_file->root(), groupName, H5P_DEFAULT), H5Gclose);
        H5O_info_t oinfo;
        if (H5Oget_info2(g.get(), &oinfo, H5O_INFO_NUM_ATTRS) < 0) return;
        for (hsize_t i = 0; i < oinfo.num_attrs && i < 10'000; ++i) {
            char name[1024];
            if (H5Aget_name_by_idx(g.get(), ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT) < 0 &&
                H5Aget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT) < 0)
                continue;
            m_metadata[prefix + name] = io::h5::readStringAttr(g.get(), name, m_file->path());
        }
    }

    std::unique_ptr<PackageFile> m_file;
};

}  // namespace

QuantizedTensor readPackagedTensor(const std::filesystem::path& path, std::string_view name)
{
    const auto lock = io::h5::hdf5Lock();
    io::h5::silenceErrors();
    const PackageCheckpoint ckpt(path);
    return ckpt.quantized(name);
}

namespace io {

bool sniffPackage(std::span<const std::byte> head)
{
    static constexpr unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    if (head.size() < 8 || std::memcmp(head.data(), sig, 8) != 0) return false;
    const std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
    return text.find(package::kFormatValue) != std::string_view::npos;
}

std::unique_ptr<Checkpoint> openPackage(const std::filesystem::path& path)
{
    const auto lock = h5::hdf5Lock();
    h5::silenceErrors();
    return std::make_unique<PackageCheckpoint>(path);
}

}  // namespace io
}  // namespace qs
