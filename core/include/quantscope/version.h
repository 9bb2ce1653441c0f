#pragma once
#include <string_view>

namespace qs {
/// QuantScope's version, e.g. "0.1.0"; written into every export's provenance.
std::string_view version() noexcept;
}  // namespace qs
