#include "io/pytorch/restricted_unpickler.h"

#include "quantscope/error.h"

#include <array>
#include <bit>
#include <cstring>
#include <limits>
#include <optional>

namespace qs::io::pickle {

namespace {

struct StorageClass {
    std::string_view name;
    DType dtype;
};
// torch.<X>Storage names as torch.save writes them in persistent ids (FORMATS.md §3.3).
constexpr std::array<StorageClass, 10> kStorageClasses{{
    {"FloatStorage", DType::F32}, {"HalfStorage", DType::F16}, {"BFloat16Storage", DType::BF16},
    {"DoubleStorage", DType::F64}, {"LongStorage", DType::I64}, {"IntStorage", DType::I32},
    {"ShortStorage", DType::I16}, {"CharStorage", DType::I8}, {"ByteStorage", DType::U8},
    {"BoolStorage", DType::Bool},
}};

std::string printable(const std::string& s)
{
    std::string out;
    for (unsigned char c : s.substr(0, 80)) out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
    return out;
}

std::optional<std::int64_t> mulNonNeg(std::int64_t a, std::int64_t b)
{
    std::int64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
    return r;
}

}  // namespace

RestrictedUnpickler::RestrictedUnpickler(std::span<const std::byte> pickle, std::string file, std::string entry,
                                         std::uint64_t baseOffset)
    : m_bytes(pickle), m_file(std::move(file)), m_entry(std::move(entry)), m_base(baseOffset)
{
}

void RestrictedUnpickler::fail(const std::string& field, const std::string& problem) const
{
    throw FormatError(m_file, m_entry + " " + field, m_base + m_opPos, problem);
}

Object* RestrictedUnpickler::make(Kind k)
{
    if (m_arena.size() >= kMaxObjects) fail("object count", "more than " + std::to_string(kMaxObjects) + " objects");
    m_arena.emplace_back();
    m_arena.back().kind = k;
    return &m_arena.back();
}

void RestrictedUnpickler::push(Object* o)
{
    if (m_stack.size() >= kMaxStack) fail("stack", "deeper than " + std::to_string(kMaxStack) + " entries");
    m_stack.push_back(o);
}

Object* RestrictedUnpickler::pop()
{
    const std::size_t floor = m_marks.empty() ? 0 : m_marks.back();
    if (m_stack.size() <= floor) fail("stack", "stack underflow");
    Object* o = m_stack.back();
    m_stack.pop_back();
    return o;
}

Object* RestrictedUnpickler::top()
{
    const std::size_t floor = m_marks.empty() ? 0 : m_marks.back();
    if (m_stack.size() <= floor) fail("stack", "stack underflow");
    return m_stack.back();
}

std::vector<Object*> RestrictedUnpickler::popToMark()
{
    if (m_marks.empty()) fail("mark", "no MARK on the stack");
    const std::size_t mark = m_marks.back();
    m_marks.pop_back();
    std::vector<Object*> items(m_stack.begin() + static_cast<std::ptrdiff_t>(mark), m_stack.end());
    m_stack.resize(mark);
    return items;
}

std::span<const std::byte> RestrictedUnpickler::take(std::uint64_t n)
{
    if (n > m_bytes.size() - m_pos) fail("operand", "needs " + std::to_string(n) + " bytes, pickle is truncated");
    const auto s = m_bytes.subspan(m_pos, static_cast<std::size_t>(n));
    m_pos += static_cast<std::size_t>(n);
    return s;
}

std::uint64_t RestrictedUnpickler::readLe(int n)
{
    const auto s = take(static_cast<std::uint64_t>(n));
    std::uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | std::to_integer<std::uint64_t>(s[static_cast<std::size_t>(i)]);
    return v;
}

std::string RestrictedUnpickler::readLine()
{
    std::string out;
    while (true) {
        if (m_pos >= m_bytes.size()) fail("GLOBAL", "unterminated line, pickle is truncated");
        const char c = static_cast<char>(m_bytes[m_pos++]);
        if (c == '\n') return out;
        if (out.size() > 256) fail("GLOBAL", "name longer than 256 bytes");
        out += c;
    }
}

const Object* RestrictedUnpickler::load()
{
    while (true) {
        if (m_pos >= m_bytes.size()) {
            m_opPos = m_pos;
            fail("STOP", "pickle ends without a STOP opcode (truncated)");
        }
        m_opPos = m_pos;
        const auto op = std::to_integer<std::uint8_t>(m_bytes[m_pos++]);
        if (!step(op)) break;
    }
    if (m_stack.size() != 1 || !m_marks.empty())
        fail("STOP", "stack holds " + std::to_string(m_stack.size()) + " values at STOP, expected 1");
    return m_stack.back();
}

bool RestrictedUnpickler::step(std::uint8_t op)
{
    switch (op) {
    case 0x80: {  // PROTO
        const auto v = readLe(1);
        if (v < 2 || v > 5) fail("PROTO", "pickle protocol " + std::to_string(v) + " is not supported (2 to 5)");
        return true;
    }
    case 0x95: take(8); return true;  // FRAME: a length hint only; the bytes follow inline
    case '.': return false;           // STOP
    case '(':                         // MARK
        if (m_marks.size() >= kMaxStack) fail("MARK", "too many nested marks");
        m_marks.push_back(m_stack.size());
        return true;
    case '0': pop(); return true;  // POP
    case '1': popToMark(); return true;  // POP_MARK
    case '2': push(top()); return true;  // DUP
    case 'c': {                          // GLOBAL "module\nname\n"
        const std::string module = readLine();
        const std::string name = readLine();
        pushGlobal(module, name);
        return true;
    }
    case 0x93: {  // STACK_GLOBAL
        const Object* name = pop();
        const Object* module = pop();
        if (name->kind != Kind::String || module->kind != Kind::String) fail("STACK_GLOBAL", "module and name must be strings");
        pushGlobal(module->text, name->text);
        return true;
    }
    case 'Q': persistentLoad(); return true;  // BINPERSID
    case 'R': reduce(); return true;          // REDUCE
    case 'b': build(); return true;           // BUILD
    default: break;
    }
    if (stepContainers(op) || stepScalars(op) || stepMemo(op)) return true;
    // Everything else is refused deliberately: INST/OBJ/NEWOBJ/NEWOBJ_EX build arbitrary classes,
    // EXT* consult the copyreg registry, PERSID is the text form torch never writes, and the
    // protocol 0/1 text opcodes and protocol 5 buffers never appear in torch.save output.
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", op);
    fail("opcode", std::string("opcode ") + hex + " is not supported by the restricted unpickler");
}

bool RestrictedUnpickler::stepContainers(std::uint8_t op)
{
    switch (op) {
    case '}': push(make(Kind::Dict)); return true;   // EMPTY_DICT
    case ']': push(make(Kind::List)); return true;   // EMPTY_LIST
    case ')': push(make(Kind::Tuple)); return true;  // EMPTY_TUPLE
    case 't':
    case 'l': {  // TUPLE, LIST
        auto items = popToMark();
        Object* o = make(op == 't' ? Kind::Tuple : Kind::List);
        o->items = std::move(items);
        push(o);
        return true;
    }
    case 'd': {  // DICT
        auto items = popToMark();
        if (items.size() % 2) fail("DICT", "odd number of items");
        Object* o = make(Kind::Dict);
        for (std::size_t i = 0; i < items.size(); i += 2) o->entries.emplace_back(items[i], items[i + 1]);
        push(o);
        return true;
    }
    case 0x85:
    case 0x86:
    case 0x87: {  // TUPLE1..3
        std::vector<Object*> items(static_cast<std::size_t>(op - 0x84));
        for (auto it = items.rbegin(); it != items.rend(); ++it) *it = pop();
        Object* o = make(Kind::Tuple);
        o->items = std::move(items);
        push(o);
        return true;
    }
    case 'a': {  // APPEND
        Object* v = pop();
        Object* list = top();
        if (list->kind != Kind::List) fail("APPEND", "target is not a list");
        list->items.push_back(v);
        return true;
    }
    case 'e': {  // APPENDS
        auto items = popToMark();
        Object* list = top();
        if (list->kind != Kind::List) fail("APPENDS", "target is not a list");
        list->items.insert(list->items.end(), items.begin(), items.end());
        return true;
    }
    case 's':
    case 'u': {  // SETITEM, SETITEMS
        std::vector<Object*> items;
        if (op == 's') {
            Object* v = pop();
            Object* k = pop();
            items = {k, v};
        } else {
            items = popToMark();
        }
        Object* dict = top();
        if (dict->kind != Kind::Dict) fail(op == 's' ? "SETITEM" : "SETITEMS", "target is not a dict");
        if (items.size() % 2) fail("SETITEMS", "odd number of items");
        for (std::size_t i = 0; i < items.size(); i += 2) dict->entries.emplace_back(items[i], items[i + 1]);
        return true;
    }
    default: return false;
    }
}

bool RestrictedUnpickler::stepScalars(std::uint8_t op)
{
    auto pushInt = [&](std::int64_t v) {
        Object* o = make(Kind::Int);
        o->integer = v;
        push(o);
    };
    auto pushText = [&](Kind k, std::uint64_t n) {
        const auto s = take(n);
        Object* o = make(k);
        o->text.assign(reinterpret_cast<const char*>(s.data()), s.size());
        push(o);
    };
    switch (op) {
    case 'N': push(make(Kind::None)); return true;
    case 0x88:
    case 0x89: {  // NEWTRUE, NEWFALSE
        Object* o = make(Kind::Bool);
        o->boolean = op == 0x88;
        push(o);
        return true;
    }
    case 'J': pushInt(static_cast<std::int32_t>(static_cast<std::uint32_t>(readLe(4)))); return true;  // BININT
    case 'K': pushInt(static_cast<std::int64_t>(readLe(1))); return true;                              // BININT1
    case 'M': pushInt(static_cast<std::int64_t>(readLe(2))); return true;                              // BININT2
    case 0x8a:
    case 0x8b: {  // LONG1, LONG4: little-endian two's complement of n bytes
        const std::uint64_t n = readLe(op == 0x8a ? 1 : 4);
        if (n > 8) fail("LONG", "integer of " + std::to_string(n) + " bytes does not fit in 64 bits");
        const auto s = take(n);
        std::uint64_t v = 0;
        for (std::size_t i = n; i-- > 0;) v = (v << 8) | std::to_integer<std::uint64_t>(s[i]);
        if (n > 0 && n < 8 && (std::to_integer<unsigned>(s[n - 1]) & 0x80)) v |= ~std::uint64_t{0} << (8 * n);
        pushInt(static_cast<std::int64_t>(v));
        return true;
    }
    case 'G': {  // BINFLOAT: big-endian double
        const auto s = take(8);
        std::uint64_t bits = 0;
        for (std::size_t i = 0; i < 8; ++i) bits = (bits << 8) | std::to_integer<std::uint64_t>(s[i]);
        Object* o = make(Kind::Float);
        o->real = std::bit_cast<double>(bits);
        push(o);
        return true;
    }
    case 'X': pushText(Kind::String, readLe(4)); return true;     // BINUNICODE
    case 0x8c: pushText(Kind::String, readLe(1)); return true;    // SHORT_BINUNICODE
    case 0x8d: pushText(Kind::String, readLe(8)); return true;    // BINUNICODE8
    case 'T': pushText(Kind::String, readLe(4)); return true;     // BINSTRING (py2 str)
    case 'U': pushText(Kind::String, readLe(1)); return true;     // SHORT_BINSTRING
    case 'B': pushText(Kind::Bytes, readLe(4)); return true;      // BINBYTES
    case 'C': pushText(Kind::Bytes, readLe(1)); return true;      // SHORT_BINBYTES
    case 0x8e: pushText(Kind::Bytes, readLe(8)); return true;     // BINBYTES8
    default: return false;
    }
}

bool RestrictedUnpickler::stepMemo(std::uint8_t op)
{
    auto put = [&](std::uint64_t index) {
        if (m_memo.size() >= kMaxObjects) fail("memo", "more than " + std::to_string(kMaxObjects) + " memo entries");
        m_memo[index] = top();
    };
    auto get = [&](std::uint64_t index) {
        const auto it = m_memo.find(index);
        if (it == m_memo.end()) fail("memo", "memo index " + std::to_string(index) + " was never stored");
        push(it->second);
    };
    switch (op) {
    case 'q': put(readLe(1)); return true;            // BINPUT
    case 'r': put(readLe(4)); return true;            // LONG_BINPUT
    case 0x94: put(m_memo.size()); return true;       // MEMOIZE
    case 'h': get(readLe(1)); return true;            // BINGET
    case 'j': get(readLe(4)); return true;            // LONG_BINGET
    default: return false;
    }
}

void RestrictedUnpickler::pushGlobal(const std::string& module, const std::string& name)
{
    Object* g = make(Kind::Global);
    g->text = module + "." + name;
    if (module == "collections" && name == "OrderedDict") {
        g->global = GlobalId::OrderedDict;
    } else if (module == "torch._utils" && name == "_rebuild_tensor_v2") {
        g->global = GlobalId::RebuildTensorV2;
    } else if (module == "torch._utils" && name == "_rebuild_parameter") {
        g->global = GlobalId::RebuildParameter;
    } else if (module == "torch._utils" && name == "_rebuild_parameter_with_state") {
        g->global = GlobalId::RebuildParameterWithState;
    } else {
        bool found = false;
        for (const auto& sc : kStorageClasses)
            if (module == "torch" && name == sc.name) {
                g->global = GlobalId::StorageClass;
                g->dtype = sc.dtype;
                found = true;
            }
        if (!found && module == "torch" && name.ends_with("Storage"))
            throw UnsupportedError(m_file + ": " + m_entry + " at byte " + std::to_string(m_base + m_opPos) +
                                   ": storage type torch." + printable(name) + " is not supported");
        if (!found)
            throw SecurityError(m_file, m_entry + " global", m_base + m_opPos,
                                "refused to load global '" + printable(module) + "." + printable(name) +
                                    "': not on the allow-list of the restricted unpickler (a checkpoint may only "
                                    "contain tensors and plain containers; QuantScope never runs code from a file)");
    }
    push(g);
}

void RestrictedUnpickler::persistentLoad()
{
    // torch.save: ('storage', torch.<X>Storage, '<key>', '<location>', numel)
    const Object* pid = pop();
    if (pid->kind != Kind::Tuple || pid->items.size() != 5) fail("BINPERSID", "persistent id is not a 5-tuple");
    const auto& it = pid->items;
    if (it[0]->kind != Kind::String || it[0]->text != "storage") fail("BINPERSID", "persistent id is not a 'storage' record");
    if (it[1]->kind != Kind::Global || it[1]->global != GlobalId::StorageClass)
        fail("BINPERSID", "persistent id does not name a storage class");
    if (it[2]->kind != Kind::String || it[2]->text.empty() || it[2]->text.size() > 256)
        fail("BINPERSID", "storage key is not a short string");
    if (it[3]->kind != Kind::String) fail("BINPERSID", "storage location is not a string");
    if (it[4]->kind != Kind::Int || it[4]->integer < 0) fail("BINPERSID", "storage size is not a non-negative integer");
    Object* s = make(Kind::Storage);
    s->dtype = it[1]->dtype;
    s->text = it[2]->text;
    s->numel = it[4]->integer;
    push(s);
}

void RestrictedUnpickler::reduce()
{
    const Object* args = pop();
    const Object* callable = pop();
    if (callable->kind != Kind::Global) fail("REDUCE", "callable is not an allow-listed global");
    if (args->kind != Kind::Tuple) fail("REDUCE", "arguments of " + callable->text + " are not a tuple");
    const auto& a = args->items;
    switch (callable->global) {
    case GlobalId::OrderedDict:
        if (!a.empty()) fail("REDUCE", "collections.OrderedDict takes no arguments here");
        push(make(Kind::Dict));
        return;
    case GlobalId::RebuildTensorV2: push(rebuildTensor(a)); return;
    case GlobalId::RebuildParameter:
    case GlobalId::RebuildParameterWithState:
        if (a.size() < 3 || a.size() > 4 || a[0]->kind != Kind::Tensor)
            fail("REDUCE", callable->text + " expects (tensor, requires_grad, hooks[, state])");
        push(a[0]);
        return;
    case GlobalId::StorageClass: break;
    }
    fail("REDUCE", callable->text + " cannot be called");
}

void RestrictedUnpickler::build()
{
    pop();  // the state: OrderedDict's _metadata or a Parameter's attributes, both irrelevant here
    const Object* target = top();
    if (target->kind != Kind::Dict && target->kind != Kind::Tensor)
        fail("BUILD", "BUILD is only accepted on dicts and tensors");
}

std::vector<std::int64_t> RestrictedUnpickler::intTuple(const Object* o, const char* what)
{
    if (o->kind != Kind::Tuple) fail("_rebuild_tensor_v2", std::string(what) + " is not a tuple");
    if (o->items.size() > kMaxRank) fail("_rebuild_tensor_v2", std::string(what) + " has more than 32 dimensions");
    std::vector<std::int64_t> out;
    for (const Object* v : o->items) {
        if (v->kind != Kind::Int || v->integer < 0) fail("_rebuild_tensor_v2", std::string(what) + " holds a non-integer or negative value");
        out.push_back(v->integer);
    }
    return out;
}

Object* RestrictedUnpickler::rebuildTensor(const std::vector<Object*>& a)
{
    // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    if (a.size() < 6 || a.size() > 7) fail("_rebuild_tensor_v2", "expects 6 or 7 arguments");
    if (a[0]->kind != Kind::Storage) fail("_rebuild_tensor_v2", "first argument is not a storage");
    if (a[1]->kind != Kind::Int || a[1]->integer < 0) fail("_rebuild_tensor_v2", "storage offset is not a non-negative integer");
    Object* t = make(Kind::Tensor);
    t->storage = a[0];
    t->dtype = a[0]->dtype;
    t->storageOffset = a[1]->integer;
    t->shape = intTuple(a[2], "size");
    t->stride = intTuple(a[3], "stride");
    if (t->shape.size() != t->stride.size()) fail("_rebuild_tensor_v2", "size and stride have different ranks");
    // The highest element the view touches must lie inside the storage (no overflow on the way).
    std::int64_t numel = 1, last = t->storageOffset;
    bool empty = false;
    for (std::size_t d = 0; d < t->shape.size(); ++d) {
        const auto n = mulNonNeg(numel, t->shape[d]);
        if (!n) fail("_rebuild_tensor_v2", "element count overflows 64 bits");
        numel = *n;
        if (t->shape[d] == 0) empty = true;
        const auto span = mulNonNeg(t->shape[d] == 0 ? 0 : t->shape[d] - 1, t->stride[d]);
        if (!span || __builtin_add_overflow(last, *span, &last)) fail("_rebuild_tensor_v2", "stride extent overflows 64 bits");
    }
    if (!empty && last >= a[0]->numel)
        fail("_rebuild_tensor_v2", "view reaches element " + std::to_string(last) + " of storage '" + a[0]->text +
                                       "' which holds only " + std::to_string(a[0]->numel));
    t->numel = numel;
    return t;
}

}  // namespace qs::io::pickle
