#include "io/package/bit_packing.h"
#include "io/package/h5_attributes.h"
#include "io/package/package_layout.h"
#include "quant/nl4_codec.h"
#include "quantscope/error.h"
#include "quantscope/io/atomic_file.h"
#include "quantscope/io/package.h"
#include "quantscope/tensor/dtype.h"
#include "quantscope/version.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace qs {

namespace package {

std::string tensorGroupName(std::size_t index)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "t%06zu", index);
    return buf;
}

std::string_view schemeName(Scheme s) noexcept { return s == Scheme::Symmetric ? "symmetric" : "asymmetric"; }

}  // namespace package

namespace {

std::string utcNow()
{
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

bool allExactInHalf(const std::vector<float>& v)
{
    for (float x : v)
        if (halfToFloat(floatToHalf(x)) != x) return false;
    return true;
}

}  // namespace

struct PackageWriter::Impl {
    AtomicFile out;
    io::h5::Handle file;
    io::h5::Handle tensors;
    io::h5::Handle half = io::h5::halfType();
    std::size_t count = 0;
    std::uint64_t payload = 0;
    bool hasNl4 = false;  ///< the package needs format version 2

    Impl(const std::filesystem::path& target, std::span<const std::filesystem::path> inputs) : out(target, inputs)
    {
        file = io::h5::Handle(H5Fcreate(out.temporaryPath().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
        if (!file.valid()) throw IoError(target.string() + ": cannot create the HDF5 package");
        // The format attributes come first so they sit in the root object header near the start
        // of the file, where openCheckpoint's sniffing finds them.
        io::h5::writeAttr(file.get(), package::kFormatAttr, std::string(package::kFormatValue));
        io::h5::writeAttr(file.get(), package::kVersionAttr, package::kVersion);
        tensors = io::h5::Handle(H5Gcreate2(file.get(), package::kTensorsGroup, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                             H5Gclose);
        if (!tensors.valid()) throw IoError(target.string() + ": cannot create the tensors group");
    }

    io::h5::Handle newTensorGroup(const TensorInfo& source, bool quantized)
    {
        const auto name = package::tensorGroupName(count++);
        io::h5::Handle g(H5Gcreate2(tensors.get(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
        if (!g.valid()) throw IoError(out.target().string() + ": cannot create group for " + source.name);
        io::h5::writeAttr(g.get(), "name", source.name);
        io::h5::writeAttr(g.get(), "shape", std::vector<std::int64_t>(source.shape.begin(), source.shape.end()));
        io::h5::writeAttr(g.get(), "source_dtype", std::string(dtypeName(source.dtype)));
        io::h5::writeAttr(g.get(), "role", std::string(roleName(source.role)));
        io::h5::writeAttr(g.get(), "layout", std::string(source.layout == AxisLayout::OutFirst ? "out_first" : "out_last"));
        io::h5::writeAttr(g.get(), "quantized", std::int64_t(quantized ? 1 : 0));
        return g;
    }
};

// HDF5 keeps global state: every entry point holds the process-wide HDF5 lock.
PackageWriter::PackageWriter(const std::filesystem::path& target, std::span<const std::filesystem::path> inputs)
{
    const auto lock = io::h5::hdf5Lock();
    io::h5::silenceErrors();
    m_impl = std::make_unique<Impl>(target, inputs);
}

PackageWriter::~PackageWriter()
{
    const auto lock = io::h5::hdf5Lock();
    m_impl.reset();  // closes the file, then AtomicFile removes it unless committed
}

std::uint64_t PackageWriter::payloadBytes() const noexcept { return m_impl->payload; }

void PackageWriter::setProvenance(const PackageProvenance& p)
{
    const auto lock = io::h5::hdf5Lock();
    io::h5::Handle g(H5Gcreate2(m_impl->file.get(), package::kProvenanceGroup, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                 H5Gclose);
    if (!g.valid()) throw IoError(m_impl->out.target().string() + ": cannot create the provenance group");
    io::h5::writeAttr(g.get(), "quantscope_version", std::string(version()));
    io::h5::writeAttr(g.get(), "source_file", p.sourceFile);
    io::h5::writeAttr(g.get(), "source_sha256", p.sourceSha256);
    io::h5::writeAttr(g.get(), "source_format", p.sourceFormat);
    io::h5::writeAttr(g.get(), "config_json", p.configJson);
    io::h5::writeAttr(g.get(), "created_utc", p.createdUtc.empty() ? utcNow() : p.createdUtc);
}

void PackageWriter::setMetadata(const std::map<std::string, std::string>& metadata)
{
    const auto lock = io::h5::hdf5Lock();
    io::h5::Handle g(H5Gcreate2(m_impl->file.get(), package::kMetadataGroup, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                 H5Gclose);
    // Keys become attribute names; HDF5 attribute names cannot contain '/' reliably? They can,
    // but '.' and '/' are kept verbatim — attribute names are not paths.
    for (const auto& [k, v] : metadata) io::h5::writeAttr(g.get(), k.c_str(), v);
}

void PackageWriter::addQuantized(const TensorInfo& source, const QuantizedTensor& q, const TensorMetrics& m)
{
    const auto lock = io::h5::hdf5Lock();
    if (q.codes.size() != static_cast<std::size_t>(q.rows * q.cols) || q.scales.size() != q.offsets.size() ||
        q.outlierIndex.size() != q.outlierHalf.size())
        throw InvalidArgument("package: inconsistent quantized tensor " + source.name);
    auto g = m_impl->newTensorGroup(source, true);
    const hid_t gid = g.get();
    io::h5::writeAttr(gid, "bits", std::int64_t(q.bits));
    io::h5::writeAttr(gid, "scheme", std::string(package::schemeName(q.scheme)));
    io::h5::writeAttr(gid, "granularity", std::string(granularityName(q.granularity)));
    io::h5::writeAttr(gid, "group_size", std::int64_t(q.groupSize));
    io::h5::writeAttr(gid, "rows", std::int64_t(q.rows));
    io::h5::writeAttr(gid, "cols", std::int64_t(q.cols));
    io::h5::writeAttr(gid, "mse", m.mse);
    io::h5::writeAttr(gid, "rel_err", m.relErr);
    io::h5::writeAttr(gid, "sqnr_db", m.sqnrDb);
    io::h5::writeAttr(gid, "max_abs_err", m.maxAbsErr);
    io::h5::writeAttr(gid, "cosine", m.cosine);
    io::h5::writeAttr(gid, "outlier_frac", m.outlierFrac);
    io::h5::writeAttr(gid, "bpw", m.bpw);

    const auto packed = package::packBits(q.codes, q.bits);
    io::h5::writeDataset(gid, "codes", H5T_STD_U8LE, H5T_NATIVE_UINT8, packed.data(), packed.size());
    if (q.levels.empty()) {
        io::h5::writeAttr(gid, "encoding", std::string(package::kUniformEncoding));
        // Scales are fp16 unless some scale is not exactly representable (fp16Scales off).
        const bool halfScales = allExactInHalf(q.scales);
        io::h5::writeDataset(gid, "scales", halfScales ? m_impl->half.get() : H5T_IEEE_F32LE, H5T_NATIVE_FLOAT,
                             q.scales.data(), q.scales.size());
        io::h5::writeDataset(gid, "offsets", H5T_STD_I32LE, H5T_NATIVE_INT32, q.offsets.data(), q.offsets.size());
        m_impl->payload += q.scales.size() * (halfScales ? 2 : 4) + q.offsets.size() * 4;
    } else {
        // nl4: the codebook, one fp16 scale per super-block and a 6-bit code per group.
        m_impl->hasNl4 = true;
        const auto subCodes = quant::nl4::biasedSubScaleCodes(q, source.name);
        const auto packedSub = package::packBits(subCodes, package::kSubScaleBits);
        io::h5::writeAttr(gid, "encoding", std::string(package::kNl4Encoding));
        io::h5::writeAttr(gid, "super_block", std::int64_t(q.superBlock));
        io::h5::writeAttr(gid, "sub_scale_bits", std::int64_t(package::kSubScaleBits));
        io::h5::writeDataset(gid, "levels", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, q.levels.data(), q.levels.size());
        io::h5::writeDataset(gid, "super_scales", m_impl->half.get(), m_impl->half.get(), q.superScales.data(),
                             q.superScales.size());
        io::h5::writeDataset(gid, "sub_scales", H5T_STD_U8LE, H5T_NATIVE_UINT8, packedSub.data(), packedSub.size());
        m_impl->payload += q.levels.size() * 4 + q.superScales.size() * 2 + packedSub.size();
    }
    io::h5::writeDataset(gid, "outlier_index", H5T_STD_U64LE, H5T_NATIVE_UINT64, q.outlierIndex.data(),
                     q.outlierIndex.size());
    io::h5::writeDataset(gid, "outlier_value", m_impl->half.get(), m_impl->half.get(), q.outlierHalf.data(),
                     q.outlierHalf.size());
    m_impl->payload += packed.size() + q.outlierIndex.size() * 10;
}

void PackageWriter::addUnquantized(const TensorInfo& source, std::span<const std::byte> raw)
{
    const auto lock = io::h5::hdf5Lock();
    auto g = m_impl->newTensorGroup(source, false);
    io::h5::writeDataset(g.get(), "raw", H5T_STD_U8LE, H5T_NATIVE_UINT8, raw.data(), raw.size());
    m_impl->payload += raw.size();
}

void PackageWriter::commit(const PackageTotals& t)
{
    const auto lock = io::h5::hdf5Lock();
    const hid_t root = m_impl->file.get();
    if (m_impl->hasNl4) {  // overwritten in place: the attribute keeps its spot near the file start
        io::h5::Handle attr(H5Aopen(root, package::kVersionAttr, H5P_DEFAULT), H5Aclose);
        const std::int64_t v = package::kVersionNl4;
        if (!attr.valid() || H5Awrite(attr.get(), H5T_NATIVE_INT64, &v) < 0)
            throw IoError(m_impl->out.target().string() + ": cannot set the package format version");
    }
    io::h5::writeAttr(root, "tensor_count", std::int64_t(m_impl->count));
    io::h5::Handle g(H5Gcreate2(root, "totals", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    io::h5::writeAttr(g.get(), "total_params", t.totalParams);
    io::h5::writeAttr(g.get(), "quantized_params", t.quantizedParams);
    io::h5::writeAttr(g.get(), "bpw", t.bpw);
    io::h5::writeAttr(g.get(), "bytes_before", static_cast<std::int64_t>(t.bytesBefore));
    io::h5::writeAttr(g.get(), "bytes_after", static_cast<std::int64_t>(t.bytesAfter));
    g.reset();
    m_impl->tensors.reset();
    if (H5Fflush(root, H5F_SCOPE_GLOBAL) < 0 || H5Fclose(m_impl->file.release()) < 0)
        throw IoError(m_impl->out.target().string() + ": cannot finish the HDF5 file (disk full?)");
    m_impl->out.commit();
}

}  // namespace qs
