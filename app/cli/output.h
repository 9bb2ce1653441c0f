#pragma once
// Small helpers for the CLI's human-readable output: aligned tables and number formatting.

#include <iosfwd>
#include <string>
#include <vector>

namespace qs::cli {

/// Prints rows as a table with columns padded to their widest cell. The first row is the header.
/// Columns listed in `rightAligned` (by index) are right-aligned (numbers).
void printTable(std::ostream& out, const std::vector<std::vector<std::string>>& rows,
                const std::vector<int>& rightAligned = {});

/// Formats a number with `digits` significant digits, switching to exponent notation when needed.
std::string fmtNum(double v, int digits = 4);
/// 1234567 -> "1,234,567"
std::string fmtCount(long long v);
/// "[4096, 11008]"
std::string fmtShape(const std::vector<long long>& shape);

}  // namespace qs::cli
