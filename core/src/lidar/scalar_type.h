#pragma once
// The numeric types PCD and PLY properties may have, decoded to double.

#include "lidar/byte_reader.h"

#include <cstdint>
#include <optional>
#include <string_view>

namespace qs::lidar {

enum class ScalarType { I8, U8, I16, U16, I32, U32, I64, U64, F32, F64 };

inline std::size_t scalarSize(ScalarType t) noexcept
{
    switch (t) {
        case ScalarType::I8: case ScalarType::U8: return 1;
        case ScalarType::I16: case ScalarType::U16: return 2;
        case ScalarType::I32: case ScalarType::U32: case ScalarType::F32: return 4;
        default: return 8;
    }
}

inline double decodeScalar(ScalarType t, const std::byte* p, bool bigEndian) noexcept
{
    switch (t) {
        case ScalarType::I8: return loadScalar<std::int8_t>(p, bigEndian);
        case ScalarType::U8: return loadScalar<std::uint8_t>(p, bigEndian);
        case ScalarType::I16: return loadScalar<std::int16_t>(p, bigEndian);
        case ScalarType::U16: return loadScalar<std::uint16_t>(p, bigEndian);
        case ScalarType::I32: return loadScalar<std::int32_t>(p, bigEndian);
        case ScalarType::U32: return loadScalar<std::uint32_t>(p, bigEndian);
        case ScalarType::I64: return static_cast<double>(loadScalar<std::int64_t>(p, bigEndian));
        case ScalarType::U64: return static_cast<double>(loadScalar<std::uint64_t>(p, bigEndian));
        case ScalarType::F32: return loadScalar<float>(p, bigEndian);
        case ScalarType::F64: return loadScalar<double>(p, bigEndian);
    }
    return 0.0;
}

/// PLY type names (char/uchar/.../double and int8..float64).
inline std::optional<ScalarType> plyScalarType(std::string_view s) noexcept
{
    if (s == "char" || s == "int8") return ScalarType::I8;
    if (s == "uchar" || s == "uint8") return ScalarType::U8;
    if (s == "short" || s == "int16") return ScalarType::I16;
    if (s == "ushort" || s == "uint16") return ScalarType::U16;
    if (s == "int" || s == "int32") return ScalarType::I32;
    if (s == "uint" || s == "uint32") return ScalarType::U32;
    if (s == "float" || s == "float32") return ScalarType::F32;
    if (s == "double" || s == "float64") return ScalarType::F64;
    return std::nullopt;
}

/// PCD TYPE letter + SIZE.
inline std::optional<ScalarType> pcdScalarType(char type, int size) noexcept
{
    if (type == 'I') {
        if (size == 1) return ScalarType::I8;
        if (size == 2) return ScalarType::I16;
        if (size == 4) return ScalarType::I32;
        if (size == 8) return ScalarType::I64;
    } else if (type == 'U') {
        if (size == 1) return ScalarType::U8;
        if (size == 2) return ScalarType::U16;
        if (size == 4) return ScalarType::U32;
        if (size == 8) return ScalarType::U64;
    } else if (type == 'F') {
        if (size == 4) return ScalarType::F32;
        if (size == 8) return ScalarType::F64;
    }
    return std::nullopt;
}

}  // namespace qs::lidar
