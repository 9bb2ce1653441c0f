#include "output.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>

namespace qs::cli {

void printTable(std::ostream& out, const std::vector<std::vector<std::string>>& rows,
                const std::vector<int>& rightAligned)
{
    std::vector<std::size_t> width;
    for (const auto& r : rows) {
        if (width.size() < r.size()) width.resize(r.size(), 0);
        for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
    }
    for (const auto& r : rows) {
        for (std::size_t c = 0; c < r.size(); ++c) {
            const bool right = std::find(rightAligned.begin(), rightAligned.end(), static_cast<int>(c)) !=
                               rightAligned.end();
            const std::string pad(width[c] - r[c].size(), ' ');
            if (c) out << "  ";
            out << (right ? pad + r[c] : (c + 1 == r.size() ? r[c] : r[c] + pad));
        }
        out << '\n';
    }
}

std::string fmtNum(double v, int digits)
{
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    return buf;
}

std::string fmtCount(long long v)
{
    const std::string digits = std::to_string(v < 0 ? -v : v);
    std::string out;
    out.reserve(digits.size() + digits.size() / 3 + 1);
    if (v < 0) out.push_back('-');
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
        out.push_back(digits[i]);
    }
    return out;
}

std::string fmtShape(const std::vector<long long>& shape)
{
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

}  // namespace qs::cli
