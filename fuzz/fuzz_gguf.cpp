// libFuzzer target: parse a GGUF file from memory, render its metadata and dequantize every
// tensor. Any qs::Error is an accepted outcome; crashes, sanitizer reports and hangs are bugs.
#include "io/gguf/gguf_file.h"
#include "quantscope/error.h"

#include <cstdint>
#include <span>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
    try {
        const auto f = qs::io::parseGguf(bytes, "fuzz-input");
        std::size_t rendered = 0;
        for (const auto& kv : f.kvs) rendered += qs::io::renderGgufValue(kv.value).size();
        std::vector<float> out;
        for (const auto& t : f.tensors) {
            const auto& tr = qs::traits(t.dtype);
            const std::size_t numel = t.bytes / tr.blockBytes * tr.blockElements;
            if (numel == 0) continue;
            out.resize(numel);
            qs::decodeToFloat(t.dtype, bytes.data() + f.dataOffset + t.offset, out.data(), numel);
        }
        (void)rendered;
    } catch (const qs::Error&) {
    }
    return 0;
}
