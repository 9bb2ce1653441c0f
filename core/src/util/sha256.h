#pragma once
// SHA-256 (FIPS 180-4), for export provenance: the package records the source file's hash.

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace qs {

class Sha256 {
public:
    Sha256();
    void update(std::span<const std::byte> data);
    void update(const void* data, std::size_t size)
    {
        update({static_cast<const std::byte*>(data), size});
    }
    std::array<std::uint8_t, 32> finish();
    /// Lower-case hex of finish().
    std::string hexdigest();

private:
    void block(const std::uint8_t* p);
    std::array<std::uint32_t, 8> m_h;
    std::array<std::uint8_t, 64> m_buf{};
    std::size_t m_bufLen = 0;
    std::uint64_t m_total = 0;
};

/// Hash of a whole file, streamed. Throws IoError.
std::string sha256File(const std::filesystem::path& path);

}  // namespace qs
