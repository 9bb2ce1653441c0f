#pragma once
#include "quantscope/io/checkpoint.h"

#include <span>

namespace qs::io {

/// HDF5 signature at offset 0 and the package's format attribute in the first bytes.
bool sniffPackage(std::span<const std::byte> head);
std::unique_ptr<Checkpoint> openPackage(const std::filesystem::path& path);

}  // namespace qs::io
