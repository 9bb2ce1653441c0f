// Text rendering of GGUF metadata values for Checkpoint::metadata() and `inspect`.
#include "io/gguf/gguf_file.h"

#include "util/byte_reader.h"

#include <cstdio>

namespace qs::io {

namespace {

// Arrays up to this many elements are listed; longer ones are summarised.
constexpr std::uint64_t kListedElements = 16;

std::string number(double v)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

std::string quoted(std::string_view s) { return "\"" + sanitizeUtf8(s) + "\""; }

}  // namespace

std::string renderGgufValue(const GgufValue& v)
{
    switch (v.type) {
    case GgufType::U8: case GgufType::U16: case GgufType::U32: case GgufType::U64: return std::to_string(v.u);
    case GgufType::I8: case GgufType::I16: case GgufType::I32: case GgufType::I64: return std::to_string(v.i);
    case GgufType::F32: case GgufType::F64: return number(v.f);
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
        else out += number(a.numberAt(k));
    }
    return out + "]";
}

}  // namespace qs::io
