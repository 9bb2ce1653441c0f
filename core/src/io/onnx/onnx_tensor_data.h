#pragma once
// Where an ONNX initializer's bytes live (raw_data, a typed repeated field, or an external
// file) and how to turn them into little-endian element bytes. Internal to the ONNX reader.

#include "quantscope/tensor/dtype.h"
#include "util/mapped_file.h"

#include <onnx/onnx_pb.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace qs::io::onnxdata {

/// onnx.proto DataType → QuantScope dtype; nullopt for strings, complex, FNUZ and 4/2-bit types.
std::optional<DType> toDType(int onnxType) noexcept;

struct Source {
    enum class Kind { Empty, Raw, Typed, External } kind = Kind::Empty;
    const onnx::TensorProto* proto = nullptr;
    std::span<const std::byte> external;  ///< for External: the exact range in the mapped file
};

/// Checks that `t` carries exactly `numel` elements of `dtype` and says where they are.
/// External files are mapped into `files` (keyed by resolved path) and must stay inside
/// `modelDir`. Throws FormatError / SecurityError naming `file` and the tensor.
Source locate(const onnx::TensorProto& t, DType dtype, std::uint64_t numel, const std::string& file,
              const std::filesystem::path& modelDir, std::map<std::string, std::unique_ptr<MappedFile>>& files);

/// The tensor's elements as little-endian bytes of `dtype`.
std::vector<std::byte> elementBytes(const Source& s, DType dtype, std::uint64_t numel);

}  // namespace qs::io::onnxdata
