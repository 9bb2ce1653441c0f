// Text rendering of GGUF metadata values for Checkpoint::metadata() and `inspect`.
#include "io/gguf/gguf_file.h"

#include "util/byte_reader.h"

#include <cstdio>

namespace qs::io {

namespace {

// Arrays up to this many elements are listed; longer ones are summarised.
constexpr std::uint64_t kListedElements = 16;

// Shortest-looking text that still identifies the value: 7 digits for f32, 15 for f64, so a
// stored 1e-5f shows as "1e-05", not "9.99999975e-06".
std::string number(double v, GgufType t)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.*g", t == GgufType::F32 ? 7 : 15, v);
    return buf;
}

std::string quoted(std::string_view s) { return "\"" + sanitizeUtf8(s) + "\""; }

}  // namespace

std::string renderGgufValue(const GgufValue& v)
{
    switch (v.type) {
    case GgufType::U8: case GgufType::U16: case GgufType::U32: case GgufType::U64: return std::to_string(v.u);
    case GgufType::I8: case GgufType::I16: case GgufType::I32: case GgufType::I64: return std::to_string(v.i);
    case GgufType::F32: case GgufType::F64: return number(v.f, v.type);
    case GgufType::Bool: return v.b ? "true" : "false";
    case GgufType::String: return sanitizeUtf8(v.s);
    case GgufType::Array: break;
    }
    const auto& a = v.array;
    const std::string type(ggufTypeName(a.elementType));
    if (a.count > kListedElements) return "[array of " + std::to_string(a.count) + " " + type + "]";
    std::string out = "[";
    for (std::size_t k = 0; k < a.count; ++k) {
        if (k) out += ", ";
        if (a.elementType == GgufType::String) out += quoted(a.stringAt(k));
        else if (a.elementType == GgufType::Bool) out += a.numberAt(k) != 0 ? "true" : "false";
        else out += number(a.numberAt(k), a.elementType);
    }
    return out + "]";
}

}  // namespace qs::io
