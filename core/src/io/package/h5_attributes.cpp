#include "io/package/h5_attributes.h"

#include "quantscope/error.h"

namespace qs::io::h5 {

namespace {

[[noreturn]] void fail(const std::string& file, const std::string& what, const std::string& problem)
{
    throw FormatError(file, what, 0, problem);
}

Handle openAttr(hid_t obj, const char* name, const std::string& file)
{
    if (H5Aexists(obj, name) <= 0) fail(file, std::string("attribute ") + name, "missing");
    Handle a(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
    if (!a.valid()) fail(file, std::string("attribute ") + name, "cannot be opened");
    return a;
}

std::uint64_t attrElements(hid_t attr)
{
    Handle space(H5Aget_space(attr), H5Sclose);
    const auto n = H5Sget_simple_extent_npoints(space.get());
    return n < 0 ? 0 : static_cast<std::uint64_t>(n);
}

}  // namespace

Handle halfType()
{
    Handle t(H5Tcopy(H5T_IEEE_F32LE), H5Tclose);
    // sign at bit 15, exponent at bit 10 (5 bits), mantissa at bit 0 (10 bits), bias 15.
    H5Tset_fields(t.get(), 15, 10, 5, 0, 10);
    H5Tset_precision(t.get(), 16);
    H5Tset_size(t.get(), 2);
    H5Tset_ebias(t.get(), 15);
    return t;
}

void writeAttr(hid_t obj, const char* name, const std::string& value)
{
    Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(type.get(), value.empty() ? 1 : value.size());
    H5Tset_cset(type.get(), H5T_CSET_UTF8);
    H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
    Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    Handle attr(H5Acreate2(obj, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    const char empty = '\0';
    if (!attr.valid() || H5Awrite(attr.get(), type.get(), value.empty() ? &empty : value.data()) < 0)
        throw IoError(std::string("HDF5: cannot write attribute ") + name);
}

void writeAttr(hid_t obj, const char* name, std::int64_t value)
{
    Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    Handle attr(H5Acreate2(obj, name, H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    if (!attr.valid() || H5Awrite(attr.get(), H5T_NATIVE_INT64, &value) < 0)
        throw IoError(std::string("HDF5: cannot write attribute ") + name);
}

void writeAttr(hid_t obj, const char* name, double value)
{
    Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    Handle attr(H5Acreate2(obj, name, H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    if (!attr.valid() || H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, &value) < 0)
        throw IoError(std::string("HDF5: cannot write attribute ") + name);
}

void writeAttr(hid_t obj, const char* name, const std::vector<std::int64_t>& values)
{
    const hsize_t dims[1] = {values.size()};
    Handle space(values.empty() ? H5Screate(H5S_NULL) : H5Screate_simple(1, dims, nullptr), H5Sclose);
    Handle attr(H5Acreate2(obj, name, H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    if (!attr.valid() || (!values.empty() && H5Awrite(attr.get(), H5T_NATIVE_INT64, values.data()) < 0))
        throw IoError(std::string("HDF5: cannot write attribute ") + name);
}

bool hasAttr(hid_t obj, const char* name) { return H5Aexists(obj, name) > 0; }

std::string readStringAttr(hid_t obj, const char* name, const std::string& file)
{
    auto attr = openAttr(obj, name, file);
    Handle type(H5Aget_type(attr.get()), H5Tclose);
    if (H5Tget_class(type.get()) != H5T_STRING) fail(file, std::string("attribute ") + name, "is not a string");
    if (H5Tis_variable_str(type.get()) > 0) {
        char* s = nullptr;
        Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(mem.get(), H5T_VARIABLE);
        if (H5Aread(attr.get(), mem.get(), &s) < 0 || !s) fail(file, std::string("attribute ") + name, "unreadable");
        std::string out(s);
        H5free_memory(s);
        return out;
    }
    const std::size_t size = H5Tget_size(type.get());
    if (size == 0 || size > (64u << 20)) fail(file, std::string("attribute ") + name, "absurd string size");
    std::string out(size, '\0');
    if (H5Aread(attr.get(), type.get(), out.data()) < 0) fail(file, std::string("attribute ") + name, "unreadable");
    out.resize(out.find('\0') == std::string::npos ? out.size() : out.find('\0'));
    return out;
}

std::int64_t readIntAttr(hid_t obj, const char* name, const std::string& file)
{
    auto attr = openAttr(obj, name, file);
    if (attrElements(attr.get()) != 1) fail(file, std::string("attribute ") + name, "is not a scalar");
    std::int64_t v = 0;
    if (H5Aread(attr.get(), H5T_NATIVE_INT64, &v) < 0) fail(file, std::string("attribute ") + name, "is not an integer");
    return v;
}

double readDoubleAttr(hid_t obj, const char* name, const std::string& file)
{
    auto attr = openAttr(obj, name, file);
    if (attrElements(attr.get()) != 1) fail(file, std::string("attribute ") + name, "is not a scalar");
    double v = 0;
    if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &v) < 0) fail(file, std::string("attribute ") + name, "is not a number");
    return v;
}

std::vector<std::int64_t> readIntArrayAttr(hid_t obj, const char* name, const std::string& file)
{
    auto attr = openAttr(obj, name, file);
    const auto n = attrElements(attr.get());
    if (n > 64) fail(file, std::string("attribute ") + name, "has more than 64 elements");
    std::vector<std::int64_t> v(n);
    if (n && H5Aread(attr.get(), H5T_NATIVE_INT64, v.data()) < 0)
        fail(file, std::string("attribute ") + name, "is not an integer array");
    return v;
}

void writeDataset(hid_t parent, const char* name, hid_t fileType, hid_t memType, const void* data,
                  std::uint64_t count)
{
    const hsize_t dims[1] = {count};
    Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
    Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    // Chunk + deflate only where it pays; small datasets stay contiguous (fast to reopen).
    if (count >= 4096) {
        const hsize_t chunk[1] = {std::min<hsize_t>(count, 1 << 20)};
        H5Pset_chunk(plist.get(), 1, chunk);
        H5Pset_deflate(plist.get(), 4);
    }
    Handle ds(H5Dcreate2(parent, name, fileType, space.get(), H5P_DEFAULT, plist.get(), H5P_DEFAULT), H5Dclose);
    if (!ds.valid()) throw IoError(std::string("HDF5: cannot create dataset ") + name);
    if (count && H5Dwrite(ds.get(), memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        throw IoError(std::string("HDF5: cannot write dataset ") + name + " (disk full?)");
}

std::uint64_t datasetLength(hid_t parent, const char* name, const std::string& file, const std::string& object)
{
    if (H5Lexists(parent, name, H5P_DEFAULT) <= 0) fail(file, object + "/" + name, "dataset missing");
    Handle ds(H5Dopen2(parent, name, H5P_DEFAULT), H5Dclose);
    if (!ds.valid()) fail(file, object + "/" + name, "cannot be opened");
    Handle space(H5Dget_space(ds.get()), H5Sclose);
    if (H5Sget_simple_extent_ndims(space.get()) != 1) fail(file, object + "/" + name, "is not one-dimensional");
    hsize_t dims[1] = {0};
    H5Sget_simple_extent_dims(space.get(), dims, nullptr);
    return dims[0];
}

void readDataset(hid_t parent, const char* name, hid_t memType, void* out, std::uint64_t count,
                 const std::string& file, const std::string& object)
{
    const auto n = datasetLength(parent, name, file, object);
    if (n != count)
        fail(file, object + "/" + name, "holds " + std::to_string(n) + " elements, expected " + std::to_string(count));
    if (count == 0) return;
    Handle ds(H5Dopen2(parent, name, H5P_DEFAULT), H5Dclose);
    if (H5Dread(ds.get(), memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0)
        fail(file, object + "/" + name, "cannot be read (corrupt data or wrong type)");
}

}  // namespace qs::io::h5
