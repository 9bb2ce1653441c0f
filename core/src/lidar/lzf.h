#pragma once
// LZF decompression (the codec of PCD's binary_compressed mode), written here with strict
// bounds checks rather than linking liblzf: every literal run and back reference is checked
// against both the input and the output before it is copied.

#include <cstddef>
#include <span>
#include <string>

namespace qs::lidar {

/// Decompresses `in` into exactly `out.size()` bytes. Throws FormatError(file, field, offset)
/// where offset = baseOffset + the position in `in` of the bad token.
void lzfDecompress(std::span<const std::byte> in, std::span<std::byte> out, const std::string& file,
                   const std::string& field, std::size_t baseOffset);

}  // namespace qs::lidar
