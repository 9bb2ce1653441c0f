#pragma once
// The one error hierarchy of core. Everything core throws derives from qs::Error; callers
// catch at known boundaries (CLI main, the GUI job adapter, GUI actions).

#include <cstdint>
#include <stdexcept>
#include <string>

namespace qs {

/// Base of every error core throws.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A file's bytes are not what its format allows. Names the file, the field and the byte
/// offset where the problem was found, so a user can look at the file themselves.
class FormatError : public Error {
public:
    FormatError(std::string file, std::string field, std::uint64_t offset, const std::string& problem);
    const std::string& file() const noexcept { return m_file; }
    const std::string& field() const noexcept { return m_field; }
    std::uint64_t offset() const noexcept { return m_offset; }

private:
    std::string m_file;
    std::string m_field;
    std::uint64_t m_offset;
};

/// A file asks for something QuantScope refuses on principle, e.g. a pickle global outside the
/// allow-list. Distinct from FormatError so callers can say "refused for safety".
class SecurityError : public FormatError {
public:
    using FormatError::FormatError;
};

/// The file is valid but uses something not supported (a dtype, a format version).
class UnsupportedError : public Error {
public:
    using Error::Error;
};

/// The operating system refused: a missing file, no permission, a full disk.
class IoError : public Error {
public:
    using Error::Error;
};

/// A caller passed settings that make no sense (bits = 1, group size 0, unknown tensor).
class InvalidArgument : public Error {
public:
    using Error::Error;
};

/// A long operation stopped because its progress callback returned false.
class Cancelled : public Error {
public:
    Cancelled() : Error("cancelled") {}
};

}  // namespace qs
