#pragma once
// The table of checkpoint readers. openCheckpoint() asks each reader whether it recognises the
// file's first bytes, then falls back to the extension. Adding a format = one row here.

#include "quantscope/io/checkpoint.h"

#include <functional>
#include <span>

namespace qs::io {

struct ReaderEntry {
    CheckpointFormatInfo info;
    /// True when `head` (the first up-to-4096 bytes) is this format's signature.
    bool (*sniff)(std::span<const std::byte> head);
    std::unique_ptr<Checkpoint> (*open)(const std::filesystem::path& path);
};

const std::vector<ReaderEntry>& readers();

}  // namespace qs::io
