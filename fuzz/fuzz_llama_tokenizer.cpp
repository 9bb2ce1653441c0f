// Fuzzes the llama2.c tokenizer.bin parser, then encodes and decodes with whatever vocabulary
// parsed: the first input byte splits the input into vocabulary bytes and text.
#include "quantscope/error.h"
#include "quantscope/models/llama_tokenizer.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1) return 0;
    const std::size_t textLen = std::min<std::size_t>(data[0], size - 1);
    const std::string_view text(reinterpret_cast<const char*>(data + 1), textLen);
    const std::span<const std::byte> vocab(reinterpret_cast<const std::byte*>(data + 1 + textLen), size - 1 - textLen);
    try {
        const qs::LlamaTokenizer tok(vocab, "fuzz");
        const auto ids = tok.encode(text, true, true);
        (void)tok.decode(ids);
    } catch (const qs::Error&) {
    }
    return 0;
}
