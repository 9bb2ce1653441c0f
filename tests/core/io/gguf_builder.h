#pragma once
// A tiny GGUF writer for tests and fuzz seeds: KVs and tensors in, file bytes out. It can also
// emit deliberately wrong bytes (raw KV entries, declared offsets/types that disagree with the
// data) so the corrupt-file tests can build each defect precisely.

#include "io_test_util.h"

#include <optional>
#include <string>
#include <vector>

namespace qs::test {

class GgufBuilder {
public:
    struct Tensor {
        std::string name;
        std::vector<std::uint64_t> ne;  // innermost first, as GGUF stores them
        std::uint32_t type = 0;
        Bytes data;
        std::optional<std::uint64_t> offset;  // override the computed offset
        std::optional<std::uint32_t> nDims;   // override the dim count written
    };

    GgufBuilder& u32(const std::string& key, std::uint32_t v) { return scalar(key, 4, &v, 4); }
    GgufBuilder& u64(const std::string& key, std::uint64_t v) { return scalar(key, 10, &v, 8); }
    GgufBuilder& i64(const std::string& key, std::int64_t v) { return scalar(key, 11, &v, 8); }
    GgufBuilder& f32(const std::string& key, float v) { return scalar(key, 6, &v, 4); }
    GgufBuilder& f64(const std::string& key, double v) { return scalar(key, 12, &v, 8); }
    GgufBuilder& boolean(const std::string& key, bool v)
    {
        const std::uint8_t b = v ? 1 : 0;
        return scalar(key, 7, &b, 1);
    }
    GgufBuilder& str(const std::string& key, const std::string& s)
    {
        Bytes v;
        putString(v, s);
        return kv(key, 8, v);
    }
    GgufBuilder& strings(const std::string& key, const std::vector<std::string>& list)
    {
        Bytes v;
        appendU32(v, 8);
        appendU64(v, list.size());
        for (const auto& s : list) putString(v, s);
        return kv(key, 9, v);
    }
    GgufBuilder& i32s(const std::string& key, const std::vector<std::int32_t>& list)
    {
        Bytes v;
        appendU32(v, 5);
        appendU64(v, list.size());
        appendValues(v, list);
        return kv(key, 9, v);
    }
    /// A KV with a given type tag and raw value bytes.
    GgufBuilder& kv(const std::string& key, std::uint32_t type, const Bytes& value)
    {
        Bytes e;
        putString(e, key);
        appendU32(e, type);
        e.insert(e.end(), value.begin(), value.end());
        return rawKV(e);
    }
    /// A KV entry written exactly as given.
    GgufBuilder& rawKV(const Bytes& entry)
    {
        m_kvs.push_back(entry);
        return *this;
    }
    GgufBuilder& alignment(std::uint32_t a)
    {
        m_alignment = a;
        return u32("general.alignment", a);
    }
    GgufBuilder& tensor(Tensor t)
    {
        m_tensors.push_back(std::move(t));
        return *this;
    }
    GgufBuilder& tensor(const std::string& name, std::vector<std::uint64_t> ne, std::uint32_t type, Bytes data)
    {
        return tensor(Tensor{name, std::move(ne), type, std::move(data), {}, {}});
    }
    GgufBuilder& version(std::uint32_t v)
    {
        m_version = v;
        return *this;
    }

    Bytes build() const
    {
        Bytes b;
        appendText(b, "GGUF");
        appendU32(b, m_version);
        appendU64(b, m_tensors.size());
        appendU64(b, m_kvs.size());
        for (const auto& e : m_kvs) b.insert(b.end(), e.begin(), e.end());
        std::uint64_t next = 0;
        std::vector<std::uint64_t> placed;
        for (const auto& t : m_tensors) {
            tensorInfoAt.push_back(b.size());
            putString(b, t.name);
            appendU32(b, t.nDims.value_or(static_cast<std::uint32_t>(t.ne.size())));
            for (auto d : t.ne) appendU64(b, d);
            appendU32(b, t.type);
            appendU64(b, t.offset.value_or(next));
            placed.push_back(next);
            next += pad(t.data.size());
        }
        b.resize(pad(b.size()), std::byte{0});
        dataAt = b.size();
        for (std::size_t k = 0; k < m_tensors.size(); ++k) {
            b.resize(dataAt + placed[k], std::byte{0});
            b.insert(b.end(), m_tensors[k].data.begin(), m_tensors[k].data.end());
        }
        if (!m_tensors.empty()) b.resize(dataAt + next, std::byte{0});
        return b;
    }

    mutable std::vector<std::uint64_t> tensorInfoAt;  ///< file offset of each tensor info (last build)
    mutable std::uint64_t dataAt = 0;                 ///< file offset of the data section (last build)

    static void putString(Bytes& b, const std::string& s)
    {
        appendU64(b, s.size());
        appendText(b, s);
    }

private:
    GgufBuilder& scalar(const std::string& key, std::uint32_t type, const void* v, std::size_t n)
    {
        Bytes value(n);
        std::memcpy(value.data(), v, n);
        return kv(key, type, value);
    }
    std::uint64_t pad(std::uint64_t n) const { return (n + m_alignment - 1) / m_alignment * m_alignment; }

    std::vector<Bytes> m_kvs;
    std::vector<Tensor> m_tensors;
    std::uint32_t m_alignment = 32;
    std::uint32_t m_version = 3;
};

}  // namespace qs::test
