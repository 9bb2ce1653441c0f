#pragma once
// A streaming safetensors writer (shared/FORMATS.md §3.1). Tensor data goes to disk as each
// tensor is added, so a checkpoint larger than memory can be written; nothing appears at the
// target path until commit() succeeds.
//
// Layout: the header is padded with spaces so the byte buffer starts at a multiple of 8;
// tensors are stored in insertion order with contiguous offsets (the spec allows any order;
// the reference writer's alignment-sorted order is not reproduced, readers must not rely on
// data alignment anyway). "__metadata__" comes first in the header when set.

#include "quantscope/tensor/dtype.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace qs {

class SafetensorsWriter {
public:
    /// Prepares to write `target`; tensor data is staged in a hidden file in the same folder.
    /// Throws IoError when the folder is not writable.
    explicit SafetensorsWriter(std::filesystem::path target);
    /// Without commit(), removes the temporary files: no partial file is ever left behind.
    ~SafetensorsWriter();
    SafetensorsWriter(const SafetensorsWriter&) = delete;
    SafetensorsWriter& operator=(const SafetensorsWriter&) = delete;

    /// Adds a string entry to __metadata__. Throws InvalidArgument after commit().
    void setMetadata(const std::string& key, const std::string& value);

    /// Adds a tensor whose little-endian bytes are `data`; its size must equal numel × dtype size.
    /// dtype must be a plain type (not a ggml block type). Throws InvalidArgument for duplicate
    /// or invalid names (not UTF-8, "__metadata__"), negative dims, a size mismatch; IoError when
    /// the disk refuses.
    void addTensor(const std::string& name, DType dtype, const std::vector<std::int64_t>& shape,
                   std::span<const std::byte> data);
    /// Adds a tensor from float values, stored as F32, F16 or BF16 (round to nearest even).
    void addTensor(const std::string& name, const std::vector<std::int64_t>& shape, std::span<const float> values,
                   DType storeAs = DType::F32);

    /// Writes the header and the staged data through an AtomicFile (temporary file, fsync,
    /// rename onto the target). Throws IoError; after a failure the target is untouched.
    void commit();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace qs
