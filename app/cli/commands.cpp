#include "commands.h"

#include <algorithm>

namespace qs::cli {

namespace {
std::vector<std::pair<std::string, AddCommand>>& registry()
{
    static std::vector<std::pair<std::string, AddCommand>> r;
    return r;
}
}  // namespace

Registration::Registration(std::string name, AddCommand add) { registry().emplace_back(std::move(name), add); }

std::vector<std::pair<std::string, AddCommand>> registeredCommands()
{
    auto r = registry();
    std::sort(r.begin(), r.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return r;
}

}  // namespace qs::cli
