#include "io/onnx/onnx_tensor_data.h"

#include "quantscope/error.h"

#include <cstring>

namespace qs::io::onnxdata {

namespace {

enum class Field { Float, Double, Int32, Int64, UInt64 };

// Which repeated field carries the values of each dtype when raw_data is absent (onnx.proto:
// 16-bit floats and small integers travel as int32 bit patterns).
Field typedField(DType t)
{
    switch (t) {
    case DType::F32: return Field::Float;
    case DType::F64: return Field::Double;
    case DType::I64: return Field::Int64;
    case DType::U32:
    case DType::U64: return Field::UInt64;
    default: return Field::Int32;
    }
}

std::uint64_t typedCount(const onnx::TensorProto& t, Field f)
{
    switch (f) {
    case Field::Float: return static_cast<std::uint64_t>(t.float_data_size());
    case Field::Double: return static_cast<std::uint64_t>(t.double_data_size());
    case Field::Int32: return static_cast<std::uint64_t>(t.int32_data_size());
    case Field::Int64: return static_cast<std::uint64_t>(t.int64_data_size());
    case Field::UInt64: return static_cast<std::uint64_t>(t.uint64_data_size());
    }
    return 0;
}

std::uint64_t parseNumber(const std::string& text, const std::string& file, const std::string& field)
{
    if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos)
        throw FormatError(file, field, 0, "'" + text.substr(0, 32) + "' is not a non-negative integer");
    return std::stoull(text);
}

std::filesystem::path resolveInside(const std::filesystem::path& modelDir, const std::string& location,
                                    const std::string& file, const std::string& field)
{
    namespace fs = std::filesystem;
    if (location.empty() || location.find('\0') != std::string::npos)
        throw FormatError(file, field, 0, "empty or malformed external data location");
    const fs::path rel(location);
    if (rel.is_absolute() || rel.has_root_name() || rel.has_root_directory())
        throw SecurityError(file, field, 0, "external data location '" + location + "' is absolute; it must be relative to the model's folder");
    std::error_code ec;
    const fs::path dir = fs::weakly_canonical(modelDir.empty() ? fs::path(".") : modelDir, ec);
    const fs::path target = fs::weakly_canonical(dir / rel, ec);
    const fs::path inside = target.lexically_relative(dir);
    if (ec || inside.empty() || *inside.begin() == "..")
        throw SecurityError(file, field, 0, "external data location '" + location + "' escapes the model's folder");
    return target;
}

}  // namespace

std::optional<DType> toDType(int onnxType) noexcept
{
    switch (onnxType) {
    case 1: return DType::F32;
    case 2: return DType::U8;
    case 3: return DType::I8;
    case 4: return DType::U16;
    case 5: return DType::I16;
    case 6: return DType::I32;
    case 7: return DType::I64;
    case 9: return DType::Bool;
    case 10: return DType::F16;
    case 11: return DType::F64;
    case 12: return DType::U32;
    case 13: return DType::U64;
    case 16: return DType::BF16;
    case 17: return DType::F8_E4M3;
    case 19: return DType::F8_E5M2;
    default: return std::nullopt;
    }
}

Source locate(const onnx::TensorProto& t, DType dtype, std::uint64_t numel, const std::string& file,
              const std::filesystem::path& modelDir, std::map<std::string, std::unique_ptr<MappedFile>>& files)
{
    const std::string field = "initializer '" + t.name() + "'";
    const std::uint64_t bytes = numel * traits(dtype).blockBytes;  // numel checked against overflow by the caller
    Source s;
    s.proto = &t;
    if (t.data_location() == onnx::TensorProto::EXTERNAL || t.external_data_size() > 0) {
        std::string location;
        std::uint64_t offset = 0, length = bytes;
        for (const auto& kv : t.external_data()) {
            if (kv.key() == "location") location = kv.value();
            else if (kv.key() == "offset") offset = parseNumber(kv.value(), file, field + " external offset");
            else if (kv.key() == "length") length = parseNumber(kv.value(), file, field + " external length");
        }
        if (length != bytes)
            throw FormatError(file, field + " external length", 0,
                              std::to_string(length) + " bytes given, shape and dtype need " + std::to_string(bytes));
        const auto target = resolveInside(modelDir, location, file, field + " external location");
        auto& mapped = files[target.string()];
        if (!mapped) mapped = std::make_unique<MappedFile>(target);
        if (offset > mapped->size() || length > mapped->size() - offset)
            throw FormatError(file, field + " external data", offset,
                              std::to_string(length) + " bytes at offset " + std::to_string(offset) + " run past the end of " +
                                  target.string() + " (" + std::to_string(mapped->size()) + " bytes)");
        s.external = mapped->bytes().subspan(offset, length);
        s.kind = Source::Kind::External;
        return s;
    }
    if (t.has_raw_data()) {
        if (t.raw_data().size() != bytes)
            throw FormatError(file, field + " raw_data", 0,
                              std::to_string(t.raw_data().size()) + " bytes, shape and dtype need " + std::to_string(bytes));
        s.kind = Source::Kind::Raw;
        return s;
    }
    const auto count = typedCount(t, typedField(dtype));
    if (count == numel) {
        s.kind = numel == 0 ? Source::Kind::Empty : Source::Kind::Typed;
        return s;
    }
    throw FormatError(file, field + " data", 0,
                      "holds " + std::to_string(count) + " typed values, shape needs " + std::to_string(numel));
}

std::vector<std::byte> elementBytes(const Source& s, DType dtype, std::uint64_t numel)
{
    const std::size_t es = traits(dtype).blockBytes;
    std::vector<std::byte> out(static_cast<std::size_t>(numel) * es);
    if (out.empty()) return out;  // memcpy from/to a null pointer is undefined even for 0 bytes
    switch (s.kind) {
    case Source::Kind::Empty: return out;
    case Source::Kind::External: std::memcpy(out.data(), s.external.data(), out.size()); return out;
    case Source::Kind::Raw: std::memcpy(out.data(), s.proto->raw_data().data(), out.size()); return out;
    case Source::Kind::Typed: break;
    }
    const auto& t = *s.proto;
    const Field f = typedField(dtype);
    for (std::size_t i = 0; i < numel; ++i) {
        std::uint64_t bits = 0;
        switch (f) {
        case Field::Float: std::memcpy(&bits, &t.float_data()[static_cast<int>(i)], 4); break;
        case Field::Double: std::memcpy(&bits, &t.double_data()[static_cast<int>(i)], 8); break;
        case Field::Int32: bits = static_cast<std::uint32_t>(t.int32_data()[static_cast<int>(i)]); break;
        case Field::Int64: bits = static_cast<std::uint64_t>(t.int64_data()[static_cast<int>(i)]); break;
        case Field::UInt64: bits = t.uint64_data()[static_cast<int>(i)]; break;
        }
        std::memcpy(out.data() + i * es, &bits, es);  // little-endian host: the low bytes first
    }
    return out;
}

}  // namespace qs::io::onnxdata
