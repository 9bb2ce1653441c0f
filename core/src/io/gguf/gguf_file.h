#pragma once
// GGUF v2/v3 parsed into typed values (shared/FORMATS.md §3.2): the header, every metadata KV
// and every tensor info, validated. Internal: the GGUF reader, the GGUF exporter and the tests
// read typed KVs from here; Checkpoint::metadata() only holds their text rendering.

#include "quantscope/tensor/dtype.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace qs::io {

enum class GgufType : std::uint32_t {
    U8 = 0, I8 = 1, U16 = 2, I16 = 3, U32 = 4, I32 = 5, F32 = 6, Bool = 7,
    String = 8, Array = 9, U64 = 10, I64 = 11, F64 = 12,
};
std::string_view ggufTypeName(GgufType t) noexcept;  ///< "u32", "string", "array", ...
/// Bytes of one value of a fixed-size type; 0 for String and Array.
std::size_t ggufTypeSize(GgufType t) noexcept;

/// An array value. Numeric and bool elements keep their little-endian bytes (memory stays
/// proportional to the file, whatever the count says); strings are concatenated with end offsets.
struct GgufArray {
    GgufType elementType = GgufType::U8;
    std::uint64_t count = 0;
    std::vector<std::byte> raw;       ///< count × ggufTypeSize(elementType) bytes (non-strings)
    std::string chars;                ///< all string elements back to back (strings)
    std::vector<std::uint64_t> ends;  ///< element i is chars[ends[i-1] .. ends[i])

    std::string_view stringAt(std::size_t i) const;
    /// Element i of a numeric or bool array, converted to double.
    double numberAt(std::size_t i) const;
};

struct GgufValue {
    GgufType type = GgufType::U8;
    std::uint64_t offset = 0;  ///< file offset of the value (after its type tag)
    std::uint64_t u = 0;       ///< U8, U16, U32, U64
    std::int64_t i = 0;        ///< I8, I16, I32, I64
    double f = 0;              ///< F32, F64
    bool b = false;            ///< Bool
    std::string s;             ///< String (raw bytes as stored; may be invalid UTF-8)
    GgufArray array;           ///< Array

    /// The value as an unsigned integer, if it is an integer type holding a value >= 0.
    std::optional<std::uint64_t> asUInt() const noexcept;
    std::optional<double> asNumber() const noexcept;
    const std::string* asString() const noexcept { return type == GgufType::String ? &s : nullptr; }
};

struct GgufKV {
    std::string key;
    GgufValue value;
};

struct GgufTensorInfo {
    std::string name;
    std::vector<std::uint64_t> ne;  ///< dims as stored, innermost (contiguous) first
    std::uint32_t ggmlType = 0;
    DType dtype = DType::F32;
    std::uint64_t offset = 0;       ///< relative to the data section
    std::uint64_t bytes = 0;
    std::uint64_t infoOffset = 0;   ///< file offset of this tensor info, for error messages
};

struct GgufFile {
    std::uint32_t version = 3;
    std::vector<GgufKV> kvs;  ///< in file order
    std::vector<GgufTensorInfo> tensors;  ///< in file order
    std::uint64_t alignment = 32;
    std::uint64_t dataOffset = 0;  ///< file offset of the data section

    const GgufValue* find(std::string_view key) const noexcept;
};

/// Limits that bound work and memory for hostile files (real files are far below them).
constexpr std::uint64_t kGgufMaxKeyBytes = 65535;
constexpr std::uint64_t kGgufMaxNameBytes = 65535;
constexpr std::uint32_t kGgufMaxDims = 4;
/// Real files hold < 100 KVs and < 10,000 tensors; the caps bound the parsed structures (which
/// are larger than their bytes in the file) for hostile files.
constexpr std::uint64_t kGgufMaxKVs = 1u << 20;
constexpr std::uint64_t kGgufMaxTensors = 1u << 20;

/// Parses and validates a whole GGUF file held in `file` (its data section is bounds-checked,
/// not decoded). `label` names the file in errors. Throws FormatError (file, field, byte
/// offset), UnsupportedError for GGUF v1 or tensor types QuantScope does not decode.
GgufFile parseGguf(std::span<const std::byte> file, const std::string& label);

/// ggml_type id <-> DType for the types QuantScope decodes.
std::optional<DType> ggmlTypeToDType(std::uint32_t id) noexcept;
std::optional<std::uint32_t> dtypeToGgmlType(DType t) noexcept;
/// ggml's name for a type id ("q5_K", "iq2_xs"), or "" if the id is unknown.
std::string_view ggmlTypeName(std::uint32_t id) noexcept;

/// The text form of a value used in Checkpoint::metadata(): numbers and strings as themselves
/// (invalid UTF-8 replaced), short arrays listed, long ones summarised ("[array of 32000 string]").
std::string renderGgufValue(const GgufValue& v);

}  // namespace qs::io
