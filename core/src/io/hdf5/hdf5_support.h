#pragma once
// Small RAII and error helpers over the HDF5 C API, private to the HDF5 reader. The HDF5
// library Debian ships is not built thread-safe, so every call goes through hdf5Lock().

#include "quantscope/tensor/dtype.h"

#include <hdf5.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace qs::io::h5 {

/// Serialises all HDF5 calls of the process (the library keeps global state).
std::unique_lock<std::recursive_mutex> hdf5Lock();
/// Turns off HDF5's automatic error stack printing; failures are reported by return value.
void silenceErrors();

/// Owns one hid_t and closes it with the matching H5*close.
class Handle {
public:
    using Closer = herr_t (*)(hid_t);
    Handle() = default;
    Handle(hid_t id, Closer close) : m_id(id), m_close(close) {}
    ~Handle() { reset(); }
    Handle(Handle&& o) noexcept : m_id(o.m_id), m_close(o.m_close) { o.m_id = -1; }
    Handle& operator=(Handle&& o) noexcept;
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    hid_t get() const noexcept { return m_id; }
    bool valid() const noexcept { return m_id >= 0; }
    void reset() noexcept;
    /// Gives up ownership: the caller closes the id and checks the result.
    hid_t release() noexcept
    {
        const hid_t id = m_id;
        m_id = -1;
        return id;
    }

private:
    hid_t m_id = -1;
    Closer m_close = nullptr;
};

/// The dtype of an HDF5 numeric type (float 2/4/8 bytes, integers 1-8 bytes), else nullopt.
std::optional<DType> dtypeOf(hid_t type);
/// Reads a string or string-array attribute (fixed or variable length) of `obj`; nullopt when
/// the attribute is absent. Throws FormatError(file, where) for a malformed attribute.
std::optional<std::vector<std::string>> readStringsAttribute(hid_t obj, const char* name, const std::string& file,
                                                             const std::string& where);
/// Like readStringsAttribute, but also joins Keras's split attributes name0, name1, ...
std::optional<std::vector<std::string>> readKerasList(hid_t obj, const std::string& name, const std::string& file,
                                                      const std::string& where);

}  // namespace qs::io::h5
