#pragma once
// Reader for torch.save archives (FORMATS.md §3.3): a stored ZIP whose data.pkl is run through
// the restricted unpickler; tensors are views (offset, shape, stride) into data/<key> entries
// of the memory map and are gathered only when read.

#include "quantscope/io/checkpoint.h"

#include <span>

namespace qs::io {

/// True when `head` is a ZIP whose first entry is `<folder>/data.pkl` (torch.save writes it
/// first; a Keras 3 `.keras` ZIP never has one).
bool sniffPyTorch(std::span<const std::byte> head);
/// Opens a torch.save archive from a file. Throws IoError, FormatError, SecurityError,
/// UnsupportedError.
std::unique_ptr<Checkpoint> openPyTorch(const std::filesystem::path& path);
/// Parses an archive already in memory (`bytes` must outlive the result); for fuzzing and
/// tests. Same errors as openPyTorch.
std::unique_ptr<Checkpoint> openPyTorchBytes(std::span<const std::byte> bytes, const std::string& name);

}  // namespace qs::io
