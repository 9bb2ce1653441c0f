// GGUF v2/v3 parser. Every count and length is checked against the bytes that remain before
// anything is allocated, as ggml's gguf.cpp does; errors name the file, field and byte offset.
#include "io/gguf/gguf_file.h"

#include "quantscope/error.h"
#include "util/byte_reader.h"

#include <algorithm>
#include <limits>
#include <unordered_set>

namespace qs::io {

namespace {

constexpr std::uint32_t kMagic = 0x46554747;  // "GGUF" read as a little-endian u32

std::string readString(ByteReader& r, std::string_view field, std::uint64_t maxBytes)
{
    const std::uint64_t at = r.offset();
    const auto len = r.read<std::uint64_t>(field);
    if (len > maxBytes)
        r.failAt(at, field, "string length " + std::to_string(len) + " exceeds the limit of " + std::to_string(maxBytes));
    if (len > r.remaining())
        r.failAt(at, field, "string length " + std::to_string(len) + " runs past the end of the file (" +
                                std::to_string(r.remaining()) + " bytes remain)");
    const auto bytes = r.take(len, field);
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

GgufType readType(ByteReader& r, std::string_view field)
{
    const std::uint64_t at = r.offset();
    const auto t = r.read<std::uint32_t>(field);
    if (t > static_cast<std::uint32_t>(GgufType::F64)) r.failAt(at, field, "unknown value type " + std::to_string(t));
    return static_cast<GgufType>(t);
}

void readScalar(ByteReader& r, GgufValue& v, std::string_view field)
{
    switch (v.type) {
    case GgufType::U8: v.u = r.read<std::uint8_t>(field); break;
    case GgufType::I8: v.i = r.read<std::int8_t>(field); break;
    case GgufType::U16: v.u = r.read<std::uint16_t>(field); break;
    case GgufType::I16: v.i = r.read<std::int16_t>(field); break;
    case GgufType::U32: v.u = r.read<std::uint32_t>(field); break;
    case GgufType::I32: v.i = r.read<std::int32_t>(field); break;
    case GgufType::F32: v.f = r.read<float>(field); break;
    case GgufType::U64: v.u = r.read<std::uint64_t>(field); break;
    case GgufType::I64: v.i = r.read<std::int64_t>(field); break;
    case GgufType::F64: v.f = r.read<double>(field); break;
    case GgufType::Bool: {
        const std::uint64_t at = r.offset();
        const auto b = r.read<std::uint8_t>(field);
        if (b > 1) r.failAt(at, field, "bool must be 0 or 1, found " + std::to_string(b));
        v.b = b != 0;
        break;
    }
    case GgufType::String: v.s = readString(r, field, std::numeric_limits<std::uint64_t>::max()); break;
    case GgufType::Array: break;  // handled by readArray
    }
}

void readArray(ByteReader& r, GgufArray& a, std::string_view field)
{
    a.elementType = readType(r, field);
    if (a.elementType == GgufType::Array) r.failAt(r.offset() - 4, field, "nested arrays are not allowed");
    const std::uint64_t at = r.offset();
    a.count = r.read<std::uint64_t>(field);
    const std::size_t width = ggufTypeSize(a.elementType);
    // Each string element needs at least its 8-byte length: bound the count by what remains.
    const std::uint64_t minBytes = width ? width : 8;
    if (a.count > r.remaining() / minBytes)
        r.failAt(at, field, "array of " + std::to_string(a.count) + " " + std::string(ggufTypeName(a.elementType)) +
                                " does not fit in the " + std::to_string(r.remaining()) + " bytes that remain");
    if (width) {
        const auto bytes = r.take(a.count * width, field);
        if (a.elementType == GgufType::Bool)
            for (std::size_t k = 0; k < bytes.size(); ++k)
                if (static_cast<std::uint8_t>(bytes[k]) > 1)
                    r.failAt(at + 8 + k, field, "bool array element must be 0 or 1");
        a.raw.assign(bytes.begin(), bytes.end());
        return;
    }
    a.ends.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(a.count, 1u << 16)));
    for (std::uint64_t k = 0; k < a.count; ++k) {
        a.chars += readString(r, field, std::numeric_limits<std::uint64_t>::max());
        a.ends.push_back(a.chars.size());
    }
}

void readKVs(ByteReader& r, GgufFile& f, std::uint64_t count)
{
    // A KV is at least an 8-byte key length, a 4-byte type and a 1-byte value.
    if (count > r.remaining() / 13)
        r.failAt(16, "metadata_kv_count", std::to_string(count) + " entries cannot fit in the file");
    if (count > kGgufMaxKVs)
        r.failAt(16, "metadata_kv_count", std::to_string(count) + " entries exceed the limit of " + std::to_string(kGgufMaxKVs));
    f.kvs.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(count, 256)));
    std::unordered_set<std::string> seen;
    for (std::uint64_t k = 0; k < count; ++k) {
        const std::uint64_t keyAt = r.offset();
        GgufKV kv;
        kv.key = readString(r, "metadata key", kGgufMaxKeyBytes);
        if (!isValidUtf8(kv.key)) r.failAt(keyAt, "metadata key", "is not valid UTF-8");
        if (!seen.insert(kv.key).second) r.failAt(keyAt, "metadata key \"" + kv.key + "\"", "appears twice");
        const std::string field = "metadata \"" + kv.key + "\"";
        kv.value.type = readType(r, field);
        kv.value.offset = r.offset();
        if (kv.value.type == GgufType::Array) readArray(r, kv.value.array, field);
        else readScalar(r, kv.value, field);
        f.kvs.push_back(std::move(kv));
    }
}

std::uint64_t readAlignment(const ByteReader& r, const GgufFile& f)
{
    const GgufValue* v = f.find("general.alignment");
    if (!v) return 32;
    if (v->type != GgufType::U32) r.failAt(v->offset, "general.alignment", "must be a u32");
    if (v->u == 0 || (v->u & (v->u - 1)) != 0)
        r.failAt(v->offset, "general.alignment", std::to_string(v->u) + " is not a power of two");
    return v->u;
}

GgufTensorInfo readTensorInfo(ByteReader& r, std::unordered_set<std::string>& names)
{
    GgufTensorInfo t;
    t.infoOffset = r.offset();
    t.name = readString(r, "tensor name", kGgufMaxNameBytes);
    if (!isValidUtf8(t.name)) r.failAt(t.infoOffset, "tensor name", "is not valid UTF-8");
    if (!names.insert(t.name).second) r.failAt(t.infoOffset, "tensor \"" + t.name + "\"", "appears twice");
    const std::string field = "tensor \"" + t.name + "\"";
    const std::uint64_t dimsAt = r.offset();
    const auto nDims = r.read<std::uint32_t>(field + " n_dims");
    if (nDims > kGgufMaxDims)
        r.failAt(dimsAt, field + " n_dims", std::to_string(nDims) + " dimensions; GGUF allows at most 4");
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    std::uint64_t numel = 1;
    for (std::uint32_t d = 0; d < nDims; ++d) {
        const std::uint64_t at = r.offset();
        const auto n = r.read<std::uint64_t>(field + " dims");
        if (n > kMax || (n != 0 && numel > kMax / n))
            r.failAt(at, field + " dims", "element count overflows 63 bits");
        numel *= n;
        t.ne.push_back(n);
    }
    const std::uint64_t typeAt = r.offset();
    t.ggmlType = r.read<std::uint32_t>(field + " type");
    const auto dt = ggmlTypeToDType(t.ggmlType);
    if (!dt) {
        const auto name = ggmlTypeName(t.ggmlType);
        if (name.empty()) r.failAt(typeAt, field + " type", "unknown ggml type " + std::to_string(t.ggmlType));
        throw UnsupportedError(r.file() + ": tensor \"" + t.name + "\" has ggml type " + std::string(name) +
                               ", which QuantScope does not decode (supported: f32, f16, bf16, f64, i8-i64, "
                               "q4_0, q4_1, q5_0, q5_1, q8_0, q4_K, q6_K)");
    }
    t.dtype = *dt;
    const auto block = traits(t.dtype).blockElements;
    if (!t.ne.empty() && t.ne[0] % block != 0)
        r.failAt(dimsAt, field + " dims", "row length " + std::to_string(t.ne[0]) + " is not a multiple of the " +
                                              std::string(dtypeName(t.dtype)) + " block size " + std::to_string(block));
    const auto bytes = storageBytes(t.dtype, numel);
    if (!bytes) r.failAt(dimsAt, field + " dims", "shape is not a whole number of blocks");
    t.bytes = *bytes;
    t.offset = r.read<std::uint64_t>(field + " offset");
    return t;
}

// Offsets: aligned, inside the data section, and no two tensors overlapping.
void checkTensorData(const ByteReader& r, GgufFile& f)
{
    const std::uint64_t dataSize = f.dataOffset <= r.size() ? r.size() - f.dataOffset : 0;
    std::vector<const GgufTensorInfo*> order;
    for (const auto& t : f.tensors) {
        const std::string field = "tensor \"" + t.name + "\" offset";
        if (t.offset % f.alignment != 0)
            r.failAt(t.infoOffset, field, std::to_string(t.offset) + " is not a multiple of the alignment " +
                                              std::to_string(f.alignment));
        if (t.offset > dataSize || t.bytes > dataSize - t.offset)
            r.failAt(t.infoOffset, field, "data [" + std::to_string(t.offset) + ", +" + std::to_string(t.bytes) +
                                              ") runs past the end of the data section (" +
                                              std::to_string(dataSize) + " bytes at file offset " +
                                              std::to_string(f.dataOffset) + ")");
        order.push_back(&t);
    }
    std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->offset < b->offset; });
    for (std::size_t k = 1; k < order.size(); ++k)
        if (order[k]->offset < order[k - 1]->offset + order[k - 1]->bytes)
            r.failAt(order[k]->infoOffset, "tensor \"" + order[k]->name + "\" offset",
                     "overlaps tensor \"" + order[k - 1]->name + "\"");
}

}  // namespace

GgufFile parseGguf(std::span<const std::byte> file, const std::string& label)
{
    ByteReader r(file, label);
    GgufFile f;
    if (r.read<std::uint32_t>("magic") != kMagic) r.failAt(0, "magic", "not a GGUF file (expected \"GGUF\")");
    f.version = r.read<std::uint32_t>("version");
    if (f.version == 1) throw UnsupportedError(label + ": GGUF version 1 is not supported (re-convert to v3)");
    if (f.version == 0 || f.version > 3) {
        const bool swapped = (f.version & 0xFFFF) == 0 && f.version != 0;
        r.failAt(4, "version", "unsupported GGUF version " + std::to_string(f.version) +
                                   (swapped ? " (a big-endian file? only little-endian GGUF is read)" : ""));
    }
    const auto tensorCount = r.read<std::uint64_t>("tensor_count");
    const auto kvCount = r.read<std::uint64_t>("metadata_kv_count");
    readKVs(r, f, kvCount);
    f.alignment = readAlignment(r, f);

    // A tensor info is at least name length + n_dims + type + offset = 24 bytes.
    if (tensorCount > r.remaining() / 24)
        r.failAt(8, "tensor_count", std::to_string(tensorCount) + " tensor infos cannot fit in the file");
    if (tensorCount > kGgufMaxTensors)
        r.failAt(8, "tensor_count", std::to_string(tensorCount) + " tensors exceed the limit of " +
                                        std::to_string(kGgufMaxTensors));
    f.tensors.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(tensorCount, 4096)));
    std::unordered_set<std::string> names;
    for (std::uint64_t k = 0; k < tensorCount; ++k) f.tensors.push_back(readTensorInfo(r, names));

    const std::uint64_t end = r.offset();
    f.dataOffset = end + (f.alignment - end % f.alignment) % f.alignment;  // cannot overflow: end <= file size
    checkTensorData(r, f);
    return f;
}

}  // namespace qs::io
