#pragma once
#include "quantscope/io/checkpoint.h"
#include "quantscope/io/llama2c.h"

#include <span>

namespace qs::io {

bool sniffLlama2c(std::span<const std::byte> head);
std::unique_ptr<Checkpoint> openLlama2c(const std::filesystem::path& path);

}  // namespace qs::io
