#pragma once
// The GGUF Checkpoint: a memory-mapped GGUF v2/v3 file; tensors decode (and dequantize) lazily.

#include "quantscope/io/checkpoint.h"

#include <span>

namespace qs::io {

/// True when `head` starts with the GGUF magic.
bool sniffGguf(std::span<const std::byte> head);
/// Opens a GGUF file, reading its header, metadata and tensor infos only.
/// Throws IoError, FormatError, UnsupportedError.
std::unique_ptr<Checkpoint> openGguf(const std::filesystem::path& path);

}  // namespace qs::io
