#include "lidar/lzf.h"

#include "quantscope/error.h"

#include <cstdint>
#include <cstring>

namespace qs::lidar {

// Token format (liblzf lzf_d.c): ctrl < 32 -> literal run of ctrl+1 bytes; otherwise a back
// reference of length (ctrl >> 5) + 2 (7 -> 7 + next byte + 2) at distance
// ((ctrl & 0x1f) << 8) + next byte + 1.
void lzfDecompress(std::span<const std::byte> in, std::span<std::byte> out, const std::string& file,
                   const std::string& field, std::size_t baseOffset)
{
    std::size_t ip = 0, op = 0;
    const std::size_t inLen = in.size(), outLen = out.size();
    auto fail = [&](std::size_t at, const std::string& problem) {
        throw FormatError(file, field, baseOffset + at, "LZF stream: " + problem);
    };
    while (ip < inLen) {
        const std::size_t tokenAt = ip;
        const unsigned ctrl = std::to_integer<unsigned>(in[ip++]);
        if (ctrl < 32) {
            const std::size_t run = ctrl + 1;
            if (run > inLen - ip) fail(tokenAt, "literal run past the end of the input");
            if (run > outLen - op) fail(tokenAt, "literal run past the declared uncompressed size");
            std::memcpy(out.data() + op, in.data() + ip, run);
            ip += run;
            op += run;
        } else {
            std::size_t len = ctrl >> 5;
            if (len == 7) {
                if (ip >= inLen) fail(tokenAt, "truncated back reference");
                len += std::to_integer<unsigned>(in[ip++]);
            }
            len += 2;
            if (ip >= inLen) fail(tokenAt, "truncated back reference");
            const std::size_t dist = ((ctrl & 0x1fu) << 8) + std::to_integer<unsigned>(in[ip++]) + 1;
            if (dist > op) fail(tokenAt, "back reference before the start of the output");
            if (len > outLen - op) fail(tokenAt, "back reference past the declared uncompressed size");
            // Byte by byte: source and destination may overlap (run-length style references).
            for (std::size_t i = 0; i < len; ++i, ++op) out[op] = out[op - dist];
        }
    }
    if (op != outLen)
        fail(inLen, "decompressed to " + std::to_string(op) + " bytes, header declares " + std::to_string(outLen));
}

}  // namespace qs::lidar
