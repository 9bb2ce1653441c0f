#pragma once
// Reader for ONNX initializers (FORMATS.md §3.4) through Debian's libonnx_proto/libprotobuf.
// Built only when QS_WITH_ONNX is on (this folder has its own CMakeLists.txt). No protobuf
// types appear here.

#include "quantscope/io/checkpoint.h"

#include <span>

namespace qs::io {

/// Opens an ONNX model and catalogs its graph initializers (external data included). Roles
/// and axes come from the nodes that consume each initializer (Conv weight OIHW, Gemm B per
/// transB, MatMul B [in,out] = OutLast). Throws IoError, FormatError, SecurityError (external
/// data outside the model's folder), UnsupportedError (models over protobuf's 2 GB limit).
std::unique_ptr<Checkpoint> openOnnx(const std::filesystem::path& path);
/// Parses a model already in memory; external data resolves against `dir`. For fuzzing.
std::unique_ptr<Checkpoint> openOnnxBytes(std::span<const std::byte> bytes, const std::filesystem::path& name);
/// ONNX has no magic number: recognised by extension only.
inline bool sniffOnnx(std::span<const std::byte>) { return false; }

}  // namespace qs::io
