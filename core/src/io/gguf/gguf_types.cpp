// Type tables for GGUF: KV value types and ggml tensor type ids (shared/FORMATS.md §3.2).
#include "io/gguf/gguf_file.h"

#include <array>
#include <cstring>
#include <utility>

namespace qs::io {

std::string_view ggufTypeName(GgufType t) noexcept
{
    static constexpr std::array<std::string_view, 13> kNames{"u8",     "i8",    "u16",  "i16", "u32",
                                                              "i32",    "f32",   "bool", "string",
                                                              "array",  "u64",   "i64",  "f64"};
    const auto i = static_cast<std::uint32_t>(t);
    return i < kNames.size() ? kNames[i] : std::string_view("unknown");
}

std::size_t ggufTypeSize(GgufType t) noexcept
{
    switch (t) {
    case GgufType::U8: case GgufType::I8: case GgufType::Bool: return 1;
    case GgufType::U16: case GgufType::I16: return 2;
    case GgufType::U32: case GgufType::I32: case GgufType::F32: return 4;
    case GgufType::U64: case GgufType::I64: case GgufType::F64: return 8;
    case GgufType::String: case GgufType::Array: return 0;
    }
    return 0;
}

namespace {

// The ggml_type ids QuantScope decodes.
constexpr std::array<std::pair<std::uint32_t, DType>, 16> kDecoded{{
    {0, DType::F32}, {1, DType::F16}, {2, DType::Q4_0}, {3, DType::Q4_1}, {6, DType::Q5_0},
    {7, DType::Q5_1}, {8, DType::Q8_0}, {12, DType::Q4_K}, {14, DType::Q6_K}, {23, DType::IQ4_XS}, {24, DType::I8},
    {25, DType::I16}, {26, DType::I32}, {27, DType::I64}, {28, DType::F64}, {30, DType::BF16},
}};

// Every ggml_type id with its name (ids 4, 5, 31-33 and 36-38 were removed from ggml).
constexpr std::array<std::pair<std::uint32_t, std::string_view>, 32> kAllNames{{
    {0, "f32"},      {1, "f16"},     {2, "q4_0"},     {3, "q4_1"},     {6, "q5_0"},    {7, "q5_1"},
    {8, "q8_0"},     {9, "q8_1"},    {10, "q2_K"},    {11, "q3_K"},    {12, "q4_K"},   {13, "q5_K"},
    {14, "q6_K"},    {15, "q8_K"},   {16, "iq2_xxs"}, {17, "iq2_xs"},  {18, "iq3_xxs"}, {19, "iq1_s"},
    {20, "iq4_nl"},  {21, "iq3_s"},  {22, "iq2_s"},   {23, "iq4_xs"},  {24, "i8"},     {25, "i16"},
    {26, "i32"},     {27, "i64"},    {28, "f64"},     {29, "iq1_m"},   {30, "bf16"},   {34, "tq1_0"},
    {35, "tq2_0"},   {39, "mxfp4"},
}};

}  // namespace

std::optional<DType> ggmlTypeToDType(std::uint32_t id) noexcept
{
    for (const auto& [i, t] : kDecoded)
        if (i == id) return t;
    return std::nullopt;
}

std::optional<std::uint32_t> dtypeToGgmlType(DType t) noexcept
{
    for (const auto& [i, d] : kDecoded)
        if (d == t) return i;
    return std::nullopt;
}

std::string_view ggmlTypeName(std::uint32_t id) noexcept
{
    for (const auto& [i, n] : kAllNames)
        if (i == id) return n;
    return {};
}

std::string_view GgufArray::stringAt(std::size_t i) const
{
    const std::uint64_t b = i == 0 ? 0 : ends[i - 1];
    return std::string_view(chars).substr(b, ends[i] - b);
}

double GgufArray::numberAt(std::size_t i) const
{
    const std::byte* p = raw.data() + i * ggufTypeSize(elementType);
    auto load = [p](auto v) {
        std::memcpy(&v, p, sizeof v);
        return static_cast<double>(v);
    };
    switch (elementType) {
    case GgufType::U8: return load(std::uint8_t{});
    case GgufType::I8: return load(std::int8_t{});
    case GgufType::U16: return load(std::uint16_t{});
    case GgufType::I16: return load(std::int16_t{});
    case GgufType::U32: return load(std::uint32_t{});
    case GgufType::I32: return load(std::int32_t{});
    case GgufType::F32: return load(float{});
    case GgufType::Bool: return load(std::uint8_t{});
    case GgufType::U64: return load(std::uint64_t{});
    case GgufType::I64: return load(std::int64_t{});
    case GgufType::F64: return load(double{});
    default: return 0;
    }
}

std::optional<std::uint64_t> GgufValue::asUInt() const noexcept
{
    switch (type) {
    case GgufType::U8: case GgufType::U16: case GgufType::U32: case GgufType::U64: return u;
    case GgufType::I8: case GgufType::I16: case GgufType::I32: case GgufType::I64:
        if (i >= 0) return static_cast<std::uint64_t>(i);
        return std::nullopt;
    default: return std::nullopt;
    }
}

std::optional<double> GgufValue::asNumber() const noexcept
{
    if (type == GgufType::F32 || type == GgufType::F64) return f;
    if (type == GgufType::Bool) return b ? 1.0 : 0.0;
    if (const auto v = asUInt()) return static_cast<double>(*v);
    if (type == GgufType::I8 || type == GgufType::I16 || type == GgufType::I32 || type == GgufType::I64)
        return static_cast<double>(i);
    return std::nullopt;
}

const GgufValue* GgufFile::find(std::string_view key) const noexcept
{
    for (const auto& kv : kvs)
        if (kv.key == key) return &kv.value;
    return nullptr;
}

}  // namespace qs::io
