#pragma once
// The safetensors Checkpoint: one memory-mapped file, or every shard listed by a
// `model.safetensors.index.json`, presented as one catalog.

#include "quantscope/io/checkpoint.h"

#include <span>

namespace qs::io {

/// True when `head` starts like a safetensors file: an 8-byte length, then '{'.
bool sniffSafetensors(std::span<const std::byte> head);
/// True when `head` is a JSON object mentioning "weight_map" (a sharded checkpoint's index).
bool sniffSafetensorsIndex(std::span<const std::byte> head);

/// Opens a .safetensors file or a sharded checkpoint's index file. Reads headers only.
/// Throws IoError, FormatError (SecurityError for shard names that leave the folder),
/// UnsupportedError.
std::unique_ptr<Checkpoint> openSafetensors(const std::filesystem::path& path);

}  // namespace qs::io
