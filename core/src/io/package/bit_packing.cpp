#include "io/package/bit_packing.h"

#include "quantscope/error.h"

namespace qs::package {

std::vector<std::uint8_t> packBits(std::span<const std::uint8_t> levels, int bits)
{
    if (bits < 1 || bits > 8) throw InvalidArgument("packBits: bits must be 1..8");
    std::vector<std::uint8_t> out((levels.size() * static_cast<std::size_t>(bits) + 7) / 8, 0);
    std::uint64_t bitPos = 0;
    const unsigned mask = (1u << bits) - 1u;
    for (const auto level : levels) {
        const unsigned v = level & mask;
        const std::size_t byte = static_cast<std::size_t>(bitPos >> 3);
        const unsigned shift = static_cast<unsigned>(bitPos & 7);
        out[byte] = static_cast<std::uint8_t>(out[byte] | (v << shift));
        if (shift + static_cast<unsigned>(bits) > 8) out[byte + 1] = static_cast<std::uint8_t>(v >> (8 - shift));
        bitPos += static_cast<std::uint64_t>(bits);
    }
    return out;
}

std::vector<std::uint8_t> unpackBits(std::span<const std::uint8_t> packed, int bits, std::size_t count)
{
    if (bits < 1 || bits > 8) throw InvalidArgument("unpackBits: bits must be 1..8");
    if (packed.size() < (count * static_cast<std::size_t>(bits) + 7) / 8)
        throw InvalidArgument("unpackBits: packed buffer too short");
    std::vector<std::uint8_t> out(count);
    std::uint64_t bitPos = 0;
    const unsigned mask = (1u << bits) - 1u;
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t byte = static_cast<std::size_t>(bitPos >> 3);
        const unsigned shift = static_cast<unsigned>(bitPos & 7);
        unsigned v = packed[byte] >> shift;
        if (shift + static_cast<unsigned>(bits) > 8) v |= static_cast<unsigned>(packed[byte + 1]) << (8 - shift);
        out[i] = static_cast<std::uint8_t>(v & mask);
        bitPos += static_cast<std::uint64_t>(bits);
    }
    return out;
}

}  // namespace qs::package
