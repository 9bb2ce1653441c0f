#pragma once
// The llama2.c tokenizer (Karpathy's run.c): tokenizer.bin holds int32 max_token_length, then per
// token a float score, an int32 byte length and the bytes. Encoding reproduces run.c's encode()
// token for token: optional BOS, a dummy-prefix space, UTF-8 code points looked up whole with a
// byte fallback to the <0xXX> tokens (id = byte + 3), then repeated merges of the adjacent pair
// whose concatenation is the best-scoring vocabulary entry (ties: leftmost pair first).

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace qs {

class LlamaTokenizer {
public:
    static constexpr int kBos = 1;
    static constexpr int kEos = 2;
    static constexpr int kByteOffset = 3;  ///< <0x00> is token 3 in llama2.c vocabularies

    /// Reads tokenizer.bin. Throws IoError, FormatError (naming the token index and byte
    /// offset of a bad score, length or truncated piece).
    explicit LlamaTokenizer(const std::filesystem::path& path);
    /// From in-memory bytes (`name` appears in error messages).
    LlamaTokenizer(std::span<const std::byte> bytes, const std::string& name);

    int vocabSize() const noexcept { return static_cast<int>(m_pieces.size()); }
    int maxTokenLength() const noexcept { return m_maxTokenLength; }
    const std::string& piece(int id) const { return m_pieces.at(static_cast<std::size_t>(id)); }
    float score(int id) const { return m_scores.at(static_cast<std::size_t>(id)); }
    /// Id of the vocabulary entry spelled exactly `s` (the first one if it occurs twice), or -1.
    int lookup(std::string_view s) const;

    /// run.c encode(): BOS when `bos`, the dummy prefix " " when `text` is not empty, EOS when
    /// `eos`. Text bytes are taken as they are (invalid UTF-8 falls back to byte tokens).
    /// Throws InvalidArgument when a byte needs a fallback token the vocabulary lacks.
    std::vector<int> encode(std::string_view text, bool bos = true, bool eos = false) const;

    /// run.c decode(): the text of `token` following `prevToken` (the leading space is dropped
    /// after BOS; <0xXX> pieces become the raw byte).
    std::string decodePiece(int prevToken, int token) const;
    /// The text run.c prints for a generated sequence: a leading BOS is not printed, every other
    /// token is decodePiece(previous token, token), the first one following BOS.
    std::string decode(std::span<const int> tokens) const;

private:
    void parse(std::span<const std::byte> bytes, const std::string& name);
    void buildMergeTable();
    int byteToken(unsigned char byte) const;

    int m_maxTokenLength = 0;
    std::vector<std::string> m_pieces;
    std::vector<float> m_scores;
    std::unordered_map<std::string, int> m_lookup;
    std::vector<int> m_canonical;  ///< id -> first id with the same spelling
    /// (canonical left << 32 | canonical right) -> id of the entry spelled left + right.
    std::unordered_map<std::uint64_t, int> m_merges;
};

}  // namespace qs
