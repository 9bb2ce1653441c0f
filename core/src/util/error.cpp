#include "quantscope/error.h"

namespace qs {

namespace {
std::string describe(const std::string& file, const std::string& field, std::uint64_t offset,
                     const std::string& problem)
{
    return file + ": " + field + " at byte " + std::to_string(offset) + ": " + problem;
}
}  // namespace

FormatError::FormatError(std::string file, std::string field, std::uint64_t offset,
                         const std::string& problem)
    : Error(describe(file, field, offset, problem)),
      m_file(std::move(file)),
      m_field(std::move(field)),
      m_offset(offset)
{
}

}  // namespace qs
