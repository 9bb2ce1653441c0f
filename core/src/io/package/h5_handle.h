#pragma once
// RAII ownership of HDF5 identifiers and small typed helpers for attributes and datasets,
// used by the package writer and reader. HDF5 never appears in public headers.

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace qs::h5 {

/// Owns one hid_t and closes it with the matching H5*close.
class Handle {
public:
    using Closer = herr_t (*)(hid_t);
    Handle() = default;
    Handle(hid_t id, Closer close) : m_id(id), m_close(close) {}
    ~Handle() { reset(); }
    Handle(Handle&& o) noexcept : m_id(std::exchange(o.m_id, H5I_INVALID_HID)), m_close(o.m_close) {}
    Handle& operator=(Handle&& o) noexcept
    {
        if (this != &o) {
            reset();
            m_id = std::exchange(o.m_id, H5I_INVALID_HID);
            m_close = o.m_close;
        }
        return *this;
    }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;

    hid_t get() const noexcept { return m_id; }
    bool valid() const noexcept { return m_id >= 0; }
    /// Gives up ownership (the caller closes the id and checks the result).
    hid_t release() noexcept { return std::exchange(m_id, H5I_INVALID_HID); }
    void reset() noexcept
    {
        if (m_id >= 0 && m_close) m_close(m_id);
        m_id = H5I_INVALID_HID;
    }

private:
    hid_t m_id = H5I_INVALID_HID;
    Closer m_close = nullptr;
};

/// Turns off HDF5's automatic error printing for the lifetime of the object (errors become
/// exceptions with our own messages instead of stack dumps on stderr).
class QuietErrors {
public:
    QuietErrors();
    ~QuietErrors();
    QuietErrors(const QuietErrors&) = delete;
    QuietErrors& operator=(const QuietErrors&) = delete;

private:
    H5E_auto2_t m_func = nullptr;
    void* m_data = nullptr;
};

/// IEEE binary16 as an HDF5 float type (what h5py writes for numpy float16).
Handle halfType();

// Attribute writers (scalars, strings, 1-D arrays).
void writeAttr(hid_t obj, const char* name, const std::string& value);
void writeAttr(hid_t obj, const char* name, std::int64_t value);
void writeAttr(hid_t obj, const char* name, double value);
void writeAttr(hid_t obj, const char* name, const std::vector<std::int64_t>& values);

// Attribute readers; throw qs::FormatError(file, "<object>@<name>", 0, problem) when missing/wrong.
std::string readStringAttr(hid_t obj, const char* name, const std::string& file);
std::int64_t readIntAttr(hid_t obj, const char* name, const std::string& file);
double readDoubleAttr(hid_t obj, const char* name, const std::string& file);
std::vector<std::int64_t> readIntArrayAttr(hid_t obj, const char* name, const std::string& file);
bool hasAttr(hid_t obj, const char* name);

/// Writes a 1-D dataset of `count` elements of `memType` (stored as `fileType`), chunked and
/// deflate-compressed when large.
void writeDataset(hid_t parent, const char* name, hid_t fileType, hid_t memType, const void* data,
                  std::uint64_t count);
/// Reads a whole 1-D dataset, checking that it holds exactly `count` elements.
void readDataset(hid_t parent, const char* name, hid_t memType, void* out, std::uint64_t count,
                 const std::string& file, const std::string& object);
/// Element count of a 1-D dataset (throws FormatError when it is not 1-D).
std::uint64_t datasetLength(hid_t parent, const char* name, const std::string& file, const std::string& object);

}  // namespace qs::h5
