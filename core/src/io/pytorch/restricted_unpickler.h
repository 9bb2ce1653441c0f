#pragma once
// A restricted pickle virtual machine for torch.save's data.pkl. It understands protocol 2 plus
// the protocol 3-5 framing/string/memo opcodes, accepts only the allow-listed globals of
// pickle_object.h, and implements the allowed REDUCE/BUILD calls itself in C++: nothing in a
// checkpoint can make it run code. Every read is bounds-checked; the stack, the mark stack,
// the memo and the object count are capped against hostile input.

#include "io/pytorch/pickle_object.h"

#include <cstddef>
#include <deque>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace qs::io::pickle {

class RestrictedUnpickler {
public:
    /// `file` and `entry` name the source in errors; `baseOffset` is where the pickle starts
    /// in the file, so error offsets are file offsets.
    RestrictedUnpickler(std::span<const std::byte> pickle, std::string file, std::string entry, std::uint64_t baseOffset);

    /// Runs the pickle to its STOP opcode and returns the result (owned by this unpickler).
    /// Throws SecurityError for a global outside the allow-list, FormatError for anything
    /// malformed (truncation, stack underflow, bad memo index, wrong argument types).
    const Object* load();

    static constexpr std::size_t kMaxStack = 1u << 20;
    static constexpr std::size_t kMaxObjects = 1u << 21;
    static constexpr std::size_t kMaxRank = 32;

private:
    [[noreturn]] void fail(const std::string& field, const std::string& problem) const;
    Object* make(Kind k);
    Object* pop();
    Object* top();
    std::vector<Object*> popToMark();
    void push(Object* o);
    std::span<const std::byte> take(std::uint64_t n);
    std::uint64_t readLe(int n);
    std::string readLine();

    bool step(std::uint8_t op);  ///< false at STOP
    bool stepContainers(std::uint8_t op);
    bool stepScalars(std::uint8_t op);
    bool stepMemo(std::uint8_t op);
    void pushGlobal(const std::string& module, const std::string& name);
    void persistentLoad();
    void reduce();
    void build();
    Object* rebuildTensor(const std::vector<Object*>& args);
    std::vector<std::int64_t> intTuple(const Object* o, const char* what);

    std::span<const std::byte> m_bytes;
    std::string m_file, m_entry;
    std::uint64_t m_base;
    std::size_t m_pos = 0;
    std::size_t m_opPos = 0;  ///< start of the opcode being executed (for errors)
    std::deque<Object> m_arena;
    std::vector<Object*> m_stack;
    std::vector<std::size_t> m_marks;
    std::unordered_map<std::uint64_t, Object*> m_memo;
};

}  // namespace qs::io::pickle
