#pragma once
// Parsing and validation of a safetensors header (shared/FORMATS.md §3.1), from any byte
// buffer: the reader passes its memory map, the fuzzer its input.

#include "quantscope/tensor/dtype.h"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace qs::io {

/// The reference implementation's limit on the JSON header length.
constexpr std::uint64_t kSafetensorsMaxHeaderBytes = 100'000'000;
/// More dimensions than any framework uses; refusing them bounds the memory a header can ask for.
constexpr std::size_t kSafetensorsMaxDims = 64;

struct SafetensorsEntry {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    std::uint64_t begin = 0;         ///< data_offsets[0], relative to the byte buffer
    std::uint64_t end = 0;           ///< data_offsets[1] (one past the last byte)
    std::uint64_t headerOffset = 0;  ///< file offset of this entry's key, for error messages
};

struct SafetensorsHeader {
    std::uint64_t headerLength = 0;         ///< N
    std::uint64_t dataStart = 0;            ///< 8 + N: file offset of the byte buffer
    std::vector<SafetensorsEntry> entries;  ///< sorted by data offset (the order in the file)
    std::map<std::string, std::string> metadata;  ///< __metadata__
};

/// Parses and fully validates the header of the safetensors file whose bytes are `file`
/// (the whole file: the byte buffer's length is checked too). `label` names the file in errors.
/// Throws FormatError (file, field, byte offset) for anything the format does not allow and
/// UnsupportedError for valid dtypes QuantScope cannot represent (F4, F6_*, F8_E8M0, *FNUZ, C64).
SafetensorsHeader parseSafetensorsHeader(std::span<const std::byte> file, const std::string& label);

/// The DType for a safetensors dtype string, if QuantScope supports it.
std::optional<DType> safetensorsDType(std::string_view name) noexcept;
/// The safetensors dtype string for `t` (throws InvalidArgument for ggml block types).
std::string_view safetensorsDTypeName(DType t);

}  // namespace qs::io
