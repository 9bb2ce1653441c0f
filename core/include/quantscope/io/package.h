#pragma once
// The QuantScope package (.qs.h5): a quantized model in one HDF5 file — bit-packed codes,
// fp16 scales, offsets, fp16 outliers, untouched tensors as stored, metrics and provenance.
// The layout is specified in docs/package-format.md. QuantScope opens packages like any
// checkpoint (openCheckpoint → format "quantscope-package", readMatrix = dequantized values).

#include "quantscope/quant/metrics.h"
#include "quantscope/quant/quantized_tensor.h"
#include "quantscope/tensor/tensor_info.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace qs {

struct PackageProvenance {
    std::string sourceFile;    ///< file name of the source checkpoint (no folders)
    std::string sourceSha256;  ///< hex digest of the source file
    std::string sourceFormat;  ///< Checkpoint::format() of the source
    std::string configJson;    ///< method and its full configuration
    std::string createdUtc;    ///< ISO 8601; filled with the current time when empty
};

struct PackageTotals {
    std::int64_t totalParams = 0;
    std::int64_t quantizedParams = 0;
    double bpw = 0;                 ///< effective bits per weight over the quantized tensors
    std::uint64_t bytesBefore = 0;  ///< source tensor bytes
    std::uint64_t bytesAfter = 0;   ///< payload bytes in the package (codes, scales, outliers, raw)
};

/// Writes a package tensor by tensor (streaming). Nothing appears at `target` until commit();
/// a writer destroyed without commit (error, cancel) leaves no file behind.
class PackageWriter {
public:
    /// Throws InvalidArgument when target is one of `inputs`, IoError when it cannot be created.
    explicit PackageWriter(const std::filesystem::path& target, std::span<const std::filesystem::path> inputs = {});
    ~PackageWriter();
    PackageWriter(const PackageWriter&) = delete;
    PackageWriter& operator=(const PackageWriter&) = delete;

    void setProvenance(const PackageProvenance& p);
    void setMetadata(const std::map<std::string, std::string>& metadata);
    void addQuantized(const TensorInfo& source, const QuantizedTensor& q, const TensorMetrics& metrics);
    void addUnquantized(const TensorInfo& source, std::span<const std::byte> raw);
    /// Payload bytes written so far (codes, scales, offsets, outliers, raw tensors).
    std::uint64_t payloadBytes() const noexcept;
    void commit(const PackageTotals& totals);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// The stored quantized form of tensor `name`; throws InvalidArgument when the package stores
/// that tensor unquantized or does not have it, FormatError when the file is damaged.
QuantizedTensor readPackagedTensor(const std::filesystem::path& package, std::string_view name);

}  // namespace qs
