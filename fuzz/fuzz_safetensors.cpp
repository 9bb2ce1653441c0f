// libFuzzer target: parse a safetensors file from memory and decode every tensor it declares.
// Any qs::Error is an accepted outcome; crashes, sanitizer reports and hangs are bugs.
#include "io/safetensors/safetensors_header.h"
#include "quantscope/error.h"

#include <cstdint>
#include <span>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
    try {
        const auto h = qs::io::parseSafetensorsHeader(bytes, "fuzz-input");
        std::vector<float> out;
        for (const auto& e : h.entries) {
            // The validated byte range bounds the element count by the input size.
            const std::size_t numel = (e.end - e.begin) / qs::traits(e.dtype).blockBytes;
            if (numel == 0) continue;
            out.resize(numel);
            qs::decodeToFloat(e.dtype, bytes.data() + h.dataStart + e.begin, out.data(), numel);
        }
    } catch (const qs::Error&) {
    }
    return 0;
}
