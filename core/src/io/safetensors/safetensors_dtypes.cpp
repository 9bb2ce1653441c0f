#include "io/safetensors/safetensors_header.h"

#include "quantscope/error.h"

#include <array>
#include <utility>

namespace qs::io {

namespace {
// The safetensors names QuantScope reads, and the DType each maps to.
constexpr std::array<std::pair<std::string_view, DType>, 15> kNames{{
    {"F64", DType::F64}, {"F32", DType::F32}, {"F16", DType::F16}, {"BF16", DType::BF16},
    {"F8_E4M3", DType::F8_E4M3}, {"F8_E5M2", DType::F8_E5M2}, {"I64", DType::I64}, {"I32", DType::I32},
    {"I16", DType::I16}, {"I8", DType::I8}, {"U64", DType::U64}, {"U32", DType::U32},
    {"U16", DType::U16}, {"U8", DType::U8}, {"BOOL", DType::Bool},
}};
}  // namespace

std::optional<DType> safetensorsDType(std::string_view name) noexcept
{
    for (const auto& [n, t] : kNames)
        if (n == name) return t;
    return std::nullopt;
}

std::string_view safetensorsDTypeName(DType t)
{
    for (const auto& [n, d] : kNames)
        if (d == t) return n;
    throw InvalidArgument("safetensors cannot store " + std::string(dtypeName(t)));
}

}  // namespace qs::io
