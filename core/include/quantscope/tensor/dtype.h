#pragma once
// The one table of element types QuantScope reads and writes (CONVENTIONS.md #8): names,
// sizes and block layouts live here, and readers, the CLI help and the GUI all read it.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace qs {

enum class DType : std::uint8_t {
    F64, F32, F16, BF16, F8_E4M3, F8_E5M2,
    I64, I32, I16, I8, U64, U32, U16, U8, Bool,
    // Block-quantized GGUF types (ggml layouts, see shared/FORMATS.md §3.2).
    Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q6_K,
    IQ4_XS,  ///< nl4 at group 32 is exactly this layout (docs/quantization.md, "nl4")
};

struct DTypeTraits {
    DType type;
    std::string_view name;         ///< safetensors-style name ("F32", "BF16", "Q4_K")
    std::uint32_t blockElements;   ///< elements per block (1 for plain types)
    std::uint32_t blockBytes;      ///< bytes per block
    bool isFloat;                  ///< decodes to real values (floats and block-quantized types)
    bool isInteger;                ///< plain integer/bool storage
    std::string_view description;
};

/// The format table, in enum order.
std::span<const DTypeTraits> dtypeTable() noexcept;
const DTypeTraits& traits(DType t) noexcept;
inline std::string_view dtypeName(DType t) noexcept { return traits(t).name; }
/// Parses a name as written by dtypeName ("F16", "BF16", "Q8_0", ...). Case-sensitive.
std::optional<DType> dtypeFromName(std::string_view name) noexcept;

/// Bytes needed for `elements` values of type t, or nullopt on overflow or when `elements` is
/// not a whole number of blocks.
std::optional<std::uint64_t> storageBytes(DType t, std::uint64_t elements) noexcept;

/// Decodes `count` values of type t from little-endian `src` into `dst`. For block types
/// `count` must be a multiple of the block size. Throws qs::InvalidArgument otherwise.
void decodeToFloat(DType t, const std::byte* src, float* dst, std::size_t count);

// Scalar conversions (IEEE binary16, bfloat16 and the two OCP FP8 formats).
float halfToFloat(std::uint16_t h) noexcept;
std::uint16_t floatToHalf(float f) noexcept;  ///< round to nearest even, saturates to inf
float bf16ToFloat(std::uint16_t b) noexcept;
std::uint16_t floatToBf16(float f) noexcept;  ///< round to nearest even, NaN preserved
float e4m3ToFloat(std::uint8_t v) noexcept;   ///< FN variant: no inf, NaN = S.1111.111
float e5m2ToFloat(std::uint8_t v) noexcept;

}  // namespace qs
