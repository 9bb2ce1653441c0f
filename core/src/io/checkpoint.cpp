#include "quantscope/io/checkpoint.h"

namespace qs {

std::optional<std::size_t> Checkpoint::find(std::string_view name) const noexcept
{
    for (std::size_t i = 0; i < m_tensors.size(); ++i)
        if (m_tensors[i].name == name) return i;
    return std::nullopt;
}

}  // namespace qs
