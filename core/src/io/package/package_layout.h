#pragma once
// Names shared by the package writer and reader (the layout of docs/package-format.md).

#include "quantscope/quant/quant_settings.h"

#include <string>
#include <string_view>

namespace qs::package {

inline constexpr const char* kFormatAttr = "format";
inline constexpr const char* kFormatValue = "quantscope-package";
inline constexpr const char* kVersionAttr = "format_version";
inline constexpr std::int64_t kVersion = 1;
inline constexpr const char* kTensorsGroup = "tensors";
inline constexpr const char* kProvenanceGroup = "provenance";
inline constexpr const char* kMetadataGroup = "metadata";

/// Group name of the i-th tensor: "t000000", "t000001", ... (tensor names live in attributes,
/// because names contain '/' and '.' which HDF5 paths cannot hold faithfully).
std::string tensorGroupName(std::size_t index);

std::string_view schemeName(Scheme s) noexcept;

}  // namespace qs::package
