#pragma once
// Output files that appear whole or not at all. Data goes to a temporary file in the target's
// folder; commit() flushes it to disk and renames it over the target. Destroying an
// uncommitted AtomicFile (an error, a cancel) removes the temporary file, so a failed export
// never leaves a partial file and never damages an existing one.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>

namespace qs {

class AtomicFile {
public:
    /// Creates the temporary file next to `target`. Throws IoError (unwritable folder, missing
    /// folder) naming the path, and InvalidArgument when `target` is one of `inputs` (same path
    /// or same file through a link): the input is never overwritten.
    explicit AtomicFile(std::filesystem::path target,
                        std::span<const std::filesystem::path> inputs = {});
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    /// Appends bytes. Throws IoError naming the target (e.g. "no space left on device").
    void write(const void* data, std::size_t size);
    void write(std::span<const std::byte> bytes) { write(bytes.data(), bytes.size()); }
    /// Writes at an absolute offset (for headers patched after the data). Does not move the end.
    void writeAt(std::uint64_t offset, const void* data, std::size_t size);
    std::uint64_t size() const noexcept { return m_size; }

    /// The temporary file, for libraries that must open the file by name themselves (HDF5).
    /// Close every handle to it before commit().
    const std::filesystem::path& temporaryPath() const noexcept { return m_temp; }
    const std::filesystem::path& target() const noexcept { return m_target; }

    /// fsyncs and renames the temporary file over the target. After this the object is inert.
    void commit();

private:
    std::filesystem::path m_target;
    std::filesystem::path m_temp;
    int m_fd = -1;
    std::uint64_t m_size = 0;
    bool m_committed = false;
};

/// True when a and b name the same existing file (same device and inode).
bool sameFile(const std::filesystem::path& a, const std::filesystem::path& b) noexcept;

}  // namespace qs
