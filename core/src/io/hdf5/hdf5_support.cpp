#include "io/hdf5/hdf5_support.h"

#include "quantscope/error.h"

namespace qs::io::h5 {

namespace {
// Keras splits attributes above 64 KB; anything past this is not a real layer list.
constexpr hsize_t kMaxAttributeBytes = 64ull << 20;
}  // namespace

std::unique_lock<std::recursive_mutex> hdf5Lock()
{
    static std::recursive_mutex mutex;
    return std::unique_lock<std::recursive_mutex>(mutex);
}

void silenceErrors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

Handle& Handle::operator=(Handle&& o) noexcept
{
    if (this != &o) {
        reset();
        m_id = o.m_id;
        m_close = o.m_close;
        o.m_id = -1;
    }
    return *this;
}

void Handle::reset() noexcept
{
    if (m_id >= 0 && m_close) m_close(m_id);
    m_id = -1;
}

std::optional<DType> dtypeOf(hid_t type)
{
    const H5T_class_t cls = H5Tget_class(type);
    const std::size_t size = H5Tget_size(type);
    if (cls == H5T_FLOAT) {
        // Only IEEE layouts: a 2-byte float with an 8-bit exponent would be bfloat16, not F16.
        std::size_t spos = 0, epos = 0, esize = 0, mpos = 0, msize = 0;
        if (H5Tget_fields(type, &spos, &epos, &esize, &mpos, &msize) < 0) return std::nullopt;
        if (size == 2 && esize == 5 && msize == 10) return DType::F16;
        if (size == 2 && esize == 8 && msize == 7) return DType::BF16;
        if (size == 4 && esize == 8 && msize == 23) return DType::F32;
        if (size == 8 && esize == 11 && msize == 52) return DType::F64;
        return std::nullopt;
    }
    if (cls == H5T_INTEGER) {
        const bool isSigned = H5Tget_sign(type) == H5T_SGN_2;
        switch (size) {
        case 1: return isSigned ? DType::I8 : DType::U8;
        case 2: return isSigned ? DType::I16 : DType::U16;
        case 4: return isSigned ? DType::I32 : DType::U32;
        case 8: return isSigned ? DType::I64 : DType::U64;
        default: return std::nullopt;
        }
    }
    return std::nullopt;
}

std::optional<std::vector<std::string>> readStringsAttribute(hid_t obj, const char* name, const std::string& file,
                                                             const std::string& where)
{
    const htri_t exists = H5Aexists(obj, name);
    if (exists <= 0) return std::nullopt;
    const std::string field = where + " attribute " + name;
    Handle attr(H5Aopen(obj, name, H5P_DEFAULT), &H5Aclose);
    Handle type(attr.valid() ? H5Aget_type(attr.get()) : -1, &H5Tclose);
    Handle space(attr.valid() ? H5Aget_space(attr.get()) : -1, &H5Sclose);
    if (!type.valid() || !space.valid()) throw FormatError(file, field, 0, "HDF5 cannot open the attribute");
    if (H5Tget_class(type.get()) != H5T_STRING) throw FormatError(file, field, 0, "attribute is not a string array");
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    if (count < 0) throw FormatError(file, field, 0, "attribute has no readable extent");
    const auto n = static_cast<hsize_t>(count);
    std::vector<std::string> out;
    if (H5Tis_variable_str(type.get()) > 0) {
        if (n > kMaxAttributeBytes / sizeof(char*)) throw FormatError(file, field, 0, "attribute is implausibly large");
        std::vector<char*> ptrs(n, nullptr);
        Handle mem(H5Tcopy(H5T_C_S1), &H5Tclose);
        H5Tset_size(mem.get(), H5T_VARIABLE);
        if (H5Aread(attr.get(), mem.get(), ptrs.data()) < 0) throw FormatError(file, field, 0, "HDF5 cannot read the attribute");
        for (char* p : ptrs) out.emplace_back(p ? p : "");
#if H5_VERSION_GE(1, 12, 0)
        H5Treclaim(mem.get(), space.get(), H5P_DEFAULT, ptrs.data());
#else
        H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, ptrs.data());
#endif
        return out;
    }
    const std::size_t size = H5Tget_size(type.get());
    if (size == 0 || n > kMaxAttributeBytes / size) throw FormatError(file, field, 0, "attribute is implausibly large");
    std::vector<char> buf(static_cast<std::size_t>(n) * size);
    if (H5Aread(attr.get(), type.get(), buf.data()) < 0) throw FormatError(file, field, 0, "HDF5 cannot read the attribute");
    for (hsize_t i = 0; i < n; ++i) {
        std::string s(buf.data() + i * size, size);
        s.erase(s.find_last_not_of('\0') + 1);  // fixed-length strings are NUL-padded
        out.push_back(std::move(s));
    }
    return out;
}

std::optional<std::vector<std::string>> readKerasList(hid_t obj, const std::string& name, const std::string& file,
                                                      const std::string& where)
{
    if (auto whole = readStringsAttribute(obj, name.c_str(), file, where)) return whole;
    std::optional<std::vector<std::string>> joined;
    for (int chunk = 0; chunk < 100000; ++chunk) {
        auto part = readStringsAttribute(obj, (name + std::to_string(chunk)).c_str(), file, where);
        if (!part) break;
        if (!joined) joined.emplace();
        joined->insert(joined->end(), part->begin(), part->end());
    }
    return joined;
}

}  // namespace qs::io::h5
