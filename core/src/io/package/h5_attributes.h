#pragma once
// Small typed helpers for HDF5 attributes and datasets, used by the package writer and reader
// (on top of the shared RAII handles in io/hdf5/hdf5_support.h). HDF5 never appears in public
// headers. Callers hold hdf5Lock() around every use.

#include "io/hdf5/hdf5_support.h"

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace qs::io::h5 {

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

}  // namespace qs::io::h5
