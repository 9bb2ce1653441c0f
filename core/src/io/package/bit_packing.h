#pragma once
// Bit packing of k-bit integer levels, as stored in the QuantScope package:
// a little-endian bit stream — element i occupies stream bits [i*k, i*k + k), least
// significant bit first, and stream bit j is bit (j mod 8) of byte j / 8.

#include <cstdint>
#include <span>
#include <vector>

namespace qs::package {

/// Packs levels (each < 2^bits) into ceil(n*bits/8) bytes.
std::vector<std::uint8_t> packBits(std::span<const std::uint8_t> levels, int bits);
/// Unpacks `count` levels. `packed` must hold at least ceil(count*bits/8) bytes.
std::vector<std::uint8_t> unpackBits(std::span<const std::uint8_t> packed, int bits, std::size_t count);

}  // namespace qs::package
