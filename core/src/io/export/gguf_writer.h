#pragma once
// A GGUF v3 writer (ggml docs/gguf.md): metadata key/values, a tensor table, and tensor data
// streamed in declaration order, each tensor aligned to general.alignment (default 32).
// Tensors are declared first (their sizes follow from type and shape), so the header and the
// table can be written before any data and peak memory stays near one tensor.

#include "io/gguf/gguf_file.h"
#include "quantscope/io/atomic_file.h"
#include "quantscope/tensor/dtype.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace qs::gguf {

class Writer {
public:
    explicit Writer(std::uint32_t alignment = 32);

    void addString(const std::string& key, const std::string& value);
    void addU32(const std::string& key, std::uint32_t value);
    void addI32(const std::string& key, std::int32_t value);
    void addF32(const std::string& key, float value);
    void addBool(const std::string& key, bool value);
    void addStringArray(const std::string& key, const std::vector<std::string>& values);
    void addF32Array(const std::string& key, const std::vector<float>& values);
    void addI32Array(const std::string& key, const std::vector<std::int32_t>& values);

    /// Declares a tensor; `shape` in PyTorch order (outermost first) — written innermost first.
    /// The innermost dimension must be a multiple of the type's block size.
    void declareTensor(const std::string& name, const std::vector<std::int64_t>& shape, DType type);

    /// Writes header, metadata and tensor table (and the padding before the data section).
    void writeHeader(AtomicFile& out);
    /// Writes the next declared tensor's data (exactly its byte size), then its padding.
    void writeTensorData(AtomicFile& out, std::span<const std::byte> bytes);

    std::size_t tensorCount() const noexcept { return m_tensors.size(); }

private:
    struct TensorDecl {
        std::string name;
        std::vector<std::int64_t> shape;
        DType type;
        std::uint64_t bytes;
        std::uint64_t offset;
    };
    void beginKv(const std::string& key, io::GgufType type);
    void putString(const std::string& s);
    template <typename T>
    void put(T v);

    std::uint32_t m_alignment;
    std::vector<std::uint8_t> m_kv;  ///< encoded key/values
    std::uint64_t m_kvCount = 0;
    std::vector<std::string> m_keys;
    std::vector<TensorDecl> m_tensors;
    std::uint64_t m_dataSize = 0;
    std::size_t m_next = 0;
};

}  // namespace qs::gguf
