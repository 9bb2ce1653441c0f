// Safetensors header validation, following the reference implementation (safetensors/src/
// tensor.rs): header length, '{' first, a JSON object of tensor entries and __metadata__,
// offsets sorted, contiguous, exact in size, and covering the whole byte buffer.
//
// The JSON is parsed with nlohmann's SAX interface so duplicate keys are seen (a DOM would
// silently keep one), nothing deeper than the format allows is ever built, and each error can
// name the byte offset where it was found (a counting iterator tracks the lexer position).
#include "io/safetensors/safetensors_header.h"

#include "quantscope/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <iterator>
#include <limits>
#include <set>

namespace qs::io {

namespace {

using json = nlohmann::json;

// An input iterator over the header that counts how far nlohmann's lexer has read.
struct CountingIterator {
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;

    const char* p = nullptr;
    std::uint64_t* consumed = nullptr;

    reference operator*() const { return *p; }
    CountingIterator& operator++()
    {
        ++p;
        ++*consumed;
        return *this;
    }
    CountingIterator operator++(int)
    {
        auto old = *this;
        ++*this;
        return old;
    }
    bool operator==(const CountingIterator& o) const { return p == o.p; }
    bool operator!=(const CountingIterator& o) const { return p != o.p; }
};

const std::set<std::string_view> kKnownUnsupported = {"F4", "F6_E2M3", "F6_E3M2", "F8_E8M0",
                                                       "F8_E4M3FNUZ", "F8_E5M2FNUZ", "C64"};

struct RawEntry {
    std::string name;
    std::uint64_t keyOffset = 0;
    std::optional<std::string> dtype;
    std::optional<std::vector<std::uint64_t>> shape;
    std::optional<std::vector<std::uint64_t>> offsets;
};

// SAX handler: a small state machine for exactly the shapes the format allows.
class HeaderSax {
public:
    HeaderSax(const std::string& label, std::uint64_t base, const std::uint64_t& consumed)
        : m_label(label), m_base(base), m_consumed(consumed)
    {
    }

    std::vector<RawEntry> entries;
    std::map<std::string, std::string> metadata;

    bool null()
    {
        if (m_state == State::TopValue && m_key == "__metadata__") {  // "__metadata__": null is allowed
            m_state = State::Top;
            return true;
        }
        return scalar("null");
    }
    bool boolean(bool) { return scalar("a boolean"); }
    bool number_integer(json::number_integer_t) { return scalar("a negative number"); }
    bool number_float(json::number_float_t, const json::string_t&) { return scalar("a non-integer number"); }
    bool binary(json::binary_t&) { return scalar("binary data"); }

    bool number_unsigned(json::number_unsigned_t v)
    {
        if (m_skip) return true;
        if (m_state == State::Array) {
            if (m_array.size() >= kSafetensorsMaxDims)
                fail(fieldName(), "has more than " + std::to_string(kSafetensorsMaxDims) + " elements");
            m_array.push_back(v);
            return true;
        }
        return scalar("a number");
    }

    bool string(json::string_t& s)
    {
        if (m_skip) return true;
        if (m_state == State::Metadata) {
            metadata[m_key] = s;
            return true;
        }
        if (m_state == State::TensorValue && m_field == "dtype") {
            entries.back().dtype = s;
            m_state = State::Tensor;
            return true;
        }
        return scalar("a string");
    }

    bool start_object(std::size_t)
    {
        if (m_skip || m_state == State::TensorValue) return enterSkipped();
        switch (m_state) {
        case State::Start: m_state = State::Top; return true;
        case State::TopValue:
            m_keys.clear();
            if (m_key == "__metadata__") {
                m_state = State::Metadata;
            } else {
                entries.push_back(RawEntry{m_key, m_keyOffset, {}, {}, {}});
                m_state = State::Tensor;
            }
            return true;
        default: return scalar("an object");
        }
    }

    bool key(json::string_t& k)
    {
        if (m_skip) return true;
        const std::uint64_t at = m_base + m_consumed;
        if (m_state == State::Top) {
            if (!m_topKeys.insert(k).second) failAt(at, "header key \"" + k + "\"", "appears twice");
            m_key = k;
            m_keyOffset = at;
            m_state = State::TopValue;
        } else if (m_state == State::Metadata) {
            if (!m_keys.insert(k).second) failAt(at, "__metadata__ key \"" + k + "\"", "appears twice");
            m_key = k;
        } else {  // State::Tensor
            if (!m_keys.insert(k).second) failAt(at, "tensor \"" + m_key + "\" key \"" + k + "\"", "appears twice");
            m_field = k;
            m_state = State::TensorValue;
        }
        return true;
    }

    bool end_object()
    {
        if (m_skip) return leaveSkipped();
        if (m_state == State::Tensor) {
            const auto& e = entries.back();
            const auto missing = [&](const char* f) {
                failAt(e.keyOffset, "tensor \"" + e.name + "\"", std::string("has no \"") + f + "\"");
            };
            if (!e.dtype) missing("dtype");
            if (!e.shape) missing("shape");
            if (!e.offsets) missing("data_offsets");
        }
        m_state = m_state == State::Top ? State::Done : State::Top;
        return true;
    }

    bool start_array(std::size_t)
    {
        if (m_state == State::TensorValue && !m_skip && (m_field == "shape" || m_field == "data_offsets")) {
            m_array.clear();
            m_state = State::Array;
            return true;
        }
        if (m_skip || m_state == State::TensorValue) return enterSkipped();
        return scalar("an array");
    }

    bool end_array()
    {
        if (m_skip) return leaveSkipped();
        auto& e = entries.back();
        if (m_field == "shape") {
            e.shape = m_array;
        } else {
            if (m_array.size() != 2) fail(fieldName(), "must hold exactly two numbers [begin, end]");
            e.offsets = m_array;
        }
        m_state = State::Tensor;
        return true;
    }

    bool parse_error(std::size_t position, const std::string&, const nlohmann::json::exception& ex)
    {
        throw FormatError(m_label, "header JSON", m_base + (position ? position - 1 : 0),
                          std::string("not valid JSON: ") + ex.what());
    }

private:
    enum class State { Start, Top, TopValue, Metadata, Tensor, TensorValue, Array, Done };

    // Values of unknown tensor fields are ignored, as the reference's serde structs ignore them;
    // a wrongly typed known field is then reported as missing.
    bool enterSkipped()
    {
        ++m_skip;
        return true;
    }
    bool leaveSkipped()
    {
        if (--m_skip == 0) m_state = State::Tensor;
        return true;
    }

    // A scalar where it does not belong: inside an ignored unknown field it is fine.
    bool scalar(const char* what)
    {
        if (m_skip) return true;
        if (m_state == State::TensorValue && m_field != "dtype" && m_field != "shape" && m_field != "data_offsets") {
            m_state = State::Tensor;
            return true;
        }
        fail(fieldName(), std::string("unexpected ") + what);
    }

    std::string fieldName() const
    {
        switch (m_state) {
        case State::Start: return "header";
        case State::Top: return "header";
        case State::Metadata: return "__metadata__ value \"" + m_key + "\"";
        case State::TopValue:
            return m_key == "__metadata__" ? std::string("__metadata__") : "tensor \"" + m_key + "\"";
        default: return "tensor \"" + m_key + "\" field \"" + m_field + "\"";
        }
    }

    [[noreturn]] void fail(const std::string& field, const std::string& problem) const
    {
        failAt(m_base + m_consumed, field, problem);
    }
    [[noreturn]] void failAt(std::uint64_t at, const std::string& field, const std::string& problem) const
    {
        throw FormatError(m_label, field, at, problem);
    }

    const std::string& m_label;
    std::uint64_t m_base;
    const std::uint64_t& m_consumed;
    State m_state = State::Start;
    std::set<std::string> m_topKeys, m_keys;
    std::string m_key, m_field;
    std::uint64_t m_keyOffset = 0;
    std::vector<std::uint64_t> m_array;
    int m_skip = 0;
};

// Checked product of the dims; every prefix must fit in int64 (TensorInfo stores int64).
std::uint64_t elementCount(const RawEntry& e, const std::string& label)
{
    std::uint64_t n = 1;
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    for (std::uint64_t d : *e.shape) {
        if (d > kMax || (d != 0 && n > kMax / d))
            throw FormatError(label, "tensor \"" + e.name + "\" shape", e.keyOffset,
                              "element count overflows 64 bits");
        n *= d;
    }
    return n;
}

SafetensorsEntry validateEntry(const RawEntry& e, const std::string& label)
{
    SafetensorsEntry out;
    out.name = e.name;
    out.headerOffset = e.keyOffset;
    const auto dt = safetensorsDType(*e.dtype);
    if (!dt) {
        if (kKnownUnsupported.count(*e.dtype))
            throw UnsupportedError(label + ": tensor \"" + e.name + "\" has dtype " + *e.dtype +
                                   ", which QuantScope does not read yet");
        throw FormatError(label, "tensor \"" + e.name + "\" dtype", e.keyOffset, "unknown dtype \"" + *e.dtype + "\"");
    }
    out.dtype = *dt;
    const std::uint64_t numel = elementCount(e, label);
    for (auto d : *e.shape) out.shape.push_back(static_cast<std::int64_t>(d));
    out.begin = (*e.offsets)[0];
    out.end = (*e.offsets)[1];
    if (out.end < out.begin)
        throw FormatError(label, "tensor \"" + e.name + "\" data_offsets", e.keyOffset,
                          "end " + std::to_string(out.end) + " is before begin " + std::to_string(out.begin));
    const auto bytes = storageBytes(out.dtype, numel);
    if (!bytes || *bytes != out.end - out.begin)
        throw FormatError(label, "tensor \"" + e.name + "\" data_offsets", e.keyOffset,
                          "covers " + std::to_string(out.end - out.begin) + " bytes but shape and dtype need " +
                              (bytes ? std::to_string(*bytes) : std::string("more than 2^64")));
    return out;
}

}  // namespace

SafetensorsHeader parseSafetensorsHeader(std::span<const std::byte> file, const std::string& label)
{
    SafetensorsHeader h;
    if (file.size() < 8)
        throw FormatError(label, "header length", 0,
                          "file is " + std::to_string(file.size()) + " bytes, shorter than the 8-byte header length");
    std::memcpy(&h.headerLength, file.data(), 8);
    if (h.headerLength > kSafetensorsMaxHeaderBytes)
        throw FormatError(label, "header length", 0,
                          std::to_string(h.headerLength) + " exceeds the limit of 100,000,000 bytes");
    if (h.headerLength > file.size() - 8)
        throw FormatError(label, "header length", 0,
                          std::to_string(h.headerLength) + " runs past the end of the file (" +
                              std::to_string(file.size()) + " bytes)");
    h.dataStart = 8 + h.headerLength;
    const char* text = reinterpret_cast<const char*>(file.data() + 8);
    if (h.headerLength == 0 || text[0] != '{')
        throw FormatError(label, "header", 8, "does not start with '{'");

    std::uint64_t consumed = 0;
    HeaderSax sax(label, 8, consumed);
    CountingIterator first{text, &consumed};
    CountingIterator last{text + h.headerLength, &consumed};
    json::sax_parse(first, last, &sax);

    std::vector<SafetensorsEntry> entries;
    entries.reserve(sax.entries.size());
    for (const auto& raw : sax.entries) entries.push_back(validateEntry(raw, label));
    // Reference validation: sorted by offset, each begins where the previous ended.
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    std::uint64_t expected = 0;
    for (const auto& e : entries) {
        if (e.begin != expected)
            throw FormatError(label, "tensor \"" + e.name + "\" data_offsets", e.headerOffset,
                              "begins at " + std::to_string(e.begin) + " but the previous tensor ends at " +
                                  std::to_string(expected) + (e.begin < expected ? " (overlap)" : " (gap)"));
        expected = e.end;
    }
    const std::uint64_t bufferLength = file.size() - h.dataStart;
    if (expected != bufferLength)
        throw FormatError(label, "byte buffer", h.dataStart,
                          "the header describes " + std::to_string(expected) + " bytes of tensor data but the file holds " +
                              std::to_string(bufferLength));
    h.entries = std::move(entries);
    h.metadata = std::move(sax.metadata);
    return h;
}

}  // namespace qs::io
