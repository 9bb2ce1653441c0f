#pragma once
// Names shared by the package writer and reader (the layout of docs/package-format.md).

#include "quantscope/quant/quant_settings.h"

#include "quantscope/quant/quantized_tensor.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace qs::package {

inline constexpr const char* kFormatAttr = "format";
inline constexpr const char* kFormatValue = "quantscope-package";
inline constexpr const char* kVersionAttr = "format_version";
/// Version 1: uniform-grid tensors only. Version 2 adds the nl4 encoding; a package is written as
/// version 2 only when it holds an nl4 tensor, so every other package still opens in version-1
/// readers, and a version-1 reader refuses an nl4 package by its version instead of failing on
/// a missing dataset.
inline constexpr std::int64_t kVersion = 1;
inline constexpr std::int64_t kVersionNl4 = 2;
inline constexpr const char* kTensorsGroup = "tensors";
inline constexpr const char* kProvenanceGroup = "provenance";
inline constexpr const char* kMetadataGroup = "metadata";

/// Group name of the i-th tensor: "t000000", "t000001", ... (tensor names live in attributes,
/// because names contain '/' and '.' which HDF5 paths cannot hold faithfully).
std::string tensorGroupName(std::size_t index);

std::string_view schemeName(Scheme s) noexcept;

/// A quantized tensor's "encoding" attribute: uniform grid (scales + offsets; also what a
/// package without the attribute holds) or nl4 (codebook levels, fp16 super-scales, 6-bit
/// sub-scale codes; docs/package-format.md).
inline constexpr std::string_view kUniformEncoding = "uniform";
inline constexpr std::string_view kNl4Encoding = "nl4";
inline constexpr int kSubScaleBits = 6;
inline constexpr int kSubScaleMin = -32;  ///< stored as code - kSubScaleMin in [0, 63]
inline constexpr int kSubScaleMax = 31;

}  // namespace qs::package
