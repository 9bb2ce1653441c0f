#pragma once
// The one interface every checkpoint reader implements: a catalog read from headers only, and
// lazy, thread-safe access to any tensor's data.

#include "quantscope/tensor/matrix.h"
#include "quantscope/tensor/tensor_info.h"

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qs {

class Checkpoint {
public:
    virtual ~Checkpoint() = default;
    Checkpoint(const Checkpoint&) = delete;
    Checkpoint& operator=(const Checkpoint&) = delete;

    /// Short format id: "safetensors", "gguf", "pytorch", "onnx", "hdf5", "keras-h5",
    /// "llama2c", "quantscope-package", "demo".
    virtual std::string_view format() const noexcept = 0;
    const std::filesystem::path& path() const noexcept { return m_path; }
    const std::vector<TensorInfo>& tensors() const noexcept { return m_tensors; }
    /// Free-form key/value metadata (safetensors __metadata__, GGUF KVs rendered as text,
    /// llama2.c config, Keras attributes).
    const std::map<std::string, std::string>& metadata() const noexcept { return m_metadata; }

    /// Index of the tensor called `name`, if any.
    std::optional<std::size_t> find(std::string_view name) const noexcept;

    /// Reads tensor `index` as float32, rows = output channels (TensorInfo::rows()), so Keras
    /// [in,out] kernels come back transposed. Thread-safe. Throws FormatError if the bytes are
    /// bad, UnsupportedError for dtypes that do not decode to numbers.
    virtual Matrix readMatrix(std::size_t index) const = 0;
    /// readMatrix into an existing Matrix, reusing its storage: a job that reads tensor after
    /// tensor into one buffer does not map, fault in and zero fresh pages for each (for a 1B
    /// model that was a fifth of an RTN job). Readers that decode from memory override it; the
    /// default assigns readMatrix's result. On error `into` is left valid but unspecified.
    virtual void readMatrixInto(std::size_t index, Matrix& into) const { into = readMatrix(index); }
    /// The stored bytes of tensor `index`, unchanged (for bit-exact copies on export).
    virtual std::vector<std::byte> readRaw(std::size_t index) const = 0;

protected:
    explicit Checkpoint(std::filesystem::path path) : m_path(std::move(path)) {}
    std::filesystem::path m_path;
    std::vector<TensorInfo> m_tensors;
    std::map<std::string, std::string> m_metadata;
};

/// Opens any supported checkpoint, choosing the reader by content (magic bytes) and then by
/// extension. Reads headers only. Throws IoError, FormatError, UnsupportedError.
std::unique_ptr<Checkpoint> openCheckpoint(const std::filesystem::path& path);

/// File-dialog filters and the extensions each reader claims, from one table.
struct CheckpointFormatInfo {
    std::string_view id;
    std::string_view displayName;
    std::vector<std::string_view> extensions;  ///< without the dot: "safetensors", "gguf"
};
std::vector<CheckpointFormatInfo> checkpointFormats();

}  // namespace qs
