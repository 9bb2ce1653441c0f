#pragma once
// Test-only: emits the pickle opcodes torch.save uses (protocol 2), so tests can write
// state dicts, hostile pickles and everything in between without Python.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace qs::test {

class PickleBuilder {
public:
    PickleBuilder& op(unsigned char c) { m_out += static_cast<char>(c); return *this; }
    PickleBuilder& proto() { return op(0x80).op(2); }
    PickleBuilder& mark() { return op('('); }
    PickleBuilder& stop() { return op('.'); }
    PickleBuilder& global(const std::string& module, const std::string& name)
    {
        m_out += 'c' + module + '\n' + name + '\n';
        return *this;
    }
    PickleBuilder& str(const std::string& s)
    {
        op('X');
        le(s.size(), 4);
        m_out += s;
        return *this;
    }
    PickleBuilder& integer(std::int64_t v)
    {
        if (v >= 0 && v < 256) return op('K').le(static_cast<std::uint64_t>(v), 1);
        return op(0x8a).op(8).le(static_cast<std::uint64_t>(v), 8);  // LONG1 with 8 bytes
    }
    PickleBuilder& ints(std::initializer_list<std::int64_t> v)
    {
        mark();
        for (auto x : v) integer(x);
        return op('t');
    }
    PickleBuilder& le(std::uint64_t v, int n)
    {
        for (int i = 0; i < n; ++i) m_out += static_cast<char>(v >> (8 * i));
        return *this;
    }
    PickleBuilder& raw(const std::string& s)
    {
        m_out += s;
        return *this;
    }
    PickleBuilder& orderedDict() { return global("collections", "OrderedDict").op(')').op('R'); }
    /// _rebuild_tensor_v2(('storage', torch.<cls>, key, 'cpu', numel), offset, shape, stride, False, OrderedDict())
    PickleBuilder& tensor(const std::string& cls, const std::string& key, std::int64_t numel, std::int64_t offset,
                          std::initializer_list<std::int64_t> shape, std::initializer_list<std::int64_t> stride)
    {
        global("torch._utils", "_rebuild_tensor_v2").mark();
        mark().str("storage").global("torch", cls).str(key).str("cpu").integer(numel).op('t').op('Q');
        integer(offset).ints(shape).ints(stride).op(0x89).orderedDict();
        return op('t').op('R');
    }
    const std::string& bytes() const { return m_out; }

private:
    std::string m_out;
};

}  // namespace qs::test
