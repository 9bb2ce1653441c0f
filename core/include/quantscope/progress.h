#pragma once
#include <functional>
#include <string_view>

namespace qs {
/// Progress of a long operation: fraction in [0, 1] and a short stage label. Return false to
/// cancel; the operation then throws qs::Cancelled. Called at most a few hundred times per job,
/// possibly from worker threads (never concurrently).
using ProgressFn = std::function<bool(double fraction, std::string_view stage)>;
}  // namespace qs
