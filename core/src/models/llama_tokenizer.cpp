#include "quantscope/models/llama_tokenizer.h"

#include "quantscope/error.h"
#include "util/mapped_file.h"

#include <cmath>
#include <cstring>
#include <queue>

namespace qs {

namespace {

constexpr std::int32_t kMaxPieceLength = 1 << 16;  // far above any real vocabulary (llama: 16 bytes)
constexpr float kRunCNoMerge = -1e10f;
// Merges into pieces up to this length come from a table built at load time (cost Σ L² over the
// vocabulary, so bounded per piece); longer ones, absent from real vocabularies, are looked up
// by string when a pair is offered, as run.c does for every pair.
constexpr std::size_t kTableMaxLength = 64;             // run.c's initial best_score: pairs at or below never merge

std::uint64_t pairKey(int left, int right)
{
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) | static_cast<std::uint32_t>(right);
}

bool isContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// "<0xHH>" -> HH, else -1 (run.c's sscanf("<0x%02hhX>"), restricted to the exact 6-byte form).
int parseBytePiece(const std::string& p)
{
    if (p.size() != 6 || p.compare(0, 3, "<0x") != 0 || p[5] != '>') return -1;
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    const int hi = hex(p[3]), lo = hex(p[4]);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

}  // namespace

LlamaTokenizer::LlamaTokenizer(const std::filesystem::path& path)
{
    const MappedFile f(path);
    parse(f.bytes(), path.string());
}

LlamaTokenizer::LlamaTokenizer(std::span<const std::byte> bytes, const std::string& name) { parse(bytes, name); }

void LlamaTokenizer::parse(std::span<const std::byte> bytes, const std::string& name)
{
    auto readI32 = [&](std::size_t at) {
        std::int32_t v;
        std::memcpy(&v, bytes.data() + at, 4);
        return v;
    };
    if (bytes.size() < 4) throw FormatError(name, "max_token_length", 0, "file is shorter than 4 bytes");
    m_maxTokenLength = readI32(0);
    if (m_maxTokenLength <= 0 || m_maxTokenLength > kMaxPieceLength)
        throw FormatError(name, "max_token_length", 0, "value " + std::to_string(m_maxTokenLength) + " is out of range");
    std::size_t at = 4;
    while (at < bytes.size()) {
        const std::string field = "token " + std::to_string(m_pieces.size());
        if (bytes.size() - at < 8)
            throw FormatError(name, field, at, "truncated: a token needs a float score and an int32 length");
        float score;
        std::memcpy(&score, bytes.data() + at, 4);
        if (std::isnan(score)) throw FormatError(name, field + " score", at, "score is NaN");
        const std::int32_t len = readI32(at + 4);
        if (len < 0 || len > kMaxPieceLength)
            throw FormatError(name, field + " length", at + 4, "length " + std::to_string(len) + " is out of range");
        at += 8;
        if (static_cast<std::size_t>(len) > bytes.size() - at)
            throw FormatError(name, field + " bytes", at,
                              "length " + std::to_string(len) + " runs past the end of the file (" +
                                  std::to_string(bytes.size() - at) + " bytes left)");
        m_pieces.emplace_back(reinterpret_cast<const char*>(bytes.data() + at), static_cast<std::size_t>(len));
        m_scores.push_back(score);
        at += static_cast<std::size_t>(len);
    }
    if (m_pieces.size() <= static_cast<std::size_t>(kEos))
        throw FormatError(name, "vocabulary", at, "fewer than 3 tokens (<unk>, BOS, EOS)");
    for (std::size_t i = 0; i < m_pieces.size(); ++i) m_lookup.emplace(m_pieces[i], static_cast<int>(i));  // first wins
    buildMergeTable();
}

// Every pair of spellings whose concatenation is a vocabulary entry, keyed by the canonical ids
// (first entry of each spelling), so the merge loop needs no string work. Duplicate spellings
// share one key: a hostile file repeating a piece cannot blow the table up quadratically.
void LlamaTokenizer::buildMergeTable()
{
    m_canonical.resize(m_pieces.size());
    for (std::size_t i = 0; i < m_pieces.size(); ++i) m_canonical[i] = m_lookup.at(m_pieces[i]);
    for (std::size_t c = 0; c < m_pieces.size(); ++c) {
        if (m_canonical[c] != static_cast<int>(c) || m_pieces[c].size() > kTableMaxLength) continue;
        const std::string& s = m_pieces[c];
        for (std::size_t k = 1; k < s.size(); ++k) {
            const auto left = m_lookup.find(s.substr(0, k));
            if (left == m_lookup.end()) continue;
            const auto right = m_lookup.find(s.substr(k));
            if (right == m_lookup.end()) continue;
            m_merges.emplace(pairKey(left->second, right->second), static_cast<int>(c));
        }
    }
}

int LlamaTokenizer::lookup(std::string_view s) const
{
    const auto it = m_lookup.find(std::string(s));
    return it == m_lookup.end() ? -1 : it->second;
}

int LlamaTokenizer::byteToken(unsigned char byte) const
{
    const int id = byte + kByteOffset;
    if (id >= vocabSize())
        throw InvalidArgument("the tokenizer has no byte-fallback token for byte " + std::to_string(byte) + " (vocabulary of " +
                              std::to_string(vocabSize()) + " tokens)");
    return id;
}

std::vector<int> LlamaTokenizer::encode(std::string_view text, bool bos, bool eos) const
{
    std::vector<int> tokens;
    tokens.reserve(text.size() + 3);
    if (bos) tokens.push_back(kBos);
    if (!text.empty()) {
        // run.c looks up " " (and would emit -1 if it were missing); fall back to the byte token.
        const int space = lookup(" ");
        tokens.push_back(space >= 0 ? space : byteToken(' '));
    }
    // Code points (at most 4 bytes) looked up whole, else one token per byte.
    std::string buffer;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!isContinuationByte(text[i])) buffer.clear();
        buffer.push_back(text[i]);
        const bool nextContinues = i + 1 < text.size() && isContinuationByte(text[i + 1]);
        if (nextContinues && buffer.size() < 4) continue;
        const auto it = m_lookup.find(buffer);
        if (it != m_lookup.end()) {
            tokens.push_back(it->second);
        } else {
            for (char c : buffer) tokens.push_back(byteToken(static_cast<unsigned char>(c)));
        }
        buffer.clear();
    }
    // Score-greedy merges. run.c rescans all pairs after every merge (quadratic); a max-heap of
    // candidate pairs over a linked list gives the same merges: the best score wins, ties go to
    // the leftmost pair, and list order equals original position order.
    const int n = static_cast<int>(tokens.size());
    std::vector<int> prev(static_cast<std::size_t>(n)), next(static_cast<std::size_t>(n));
    std::vector<std::uint32_t> version(static_cast<std::size_t>(n), 0);
    for (int i = 0; i < n; ++i) {
        prev[static_cast<std::size_t>(i)] = i - 1;
        next[static_cast<std::size_t>(i)] = i + 1 < n ? i + 1 : -1;
    }
    struct Candidate {
        float score;
        int left;
        int right;
        int merged;
        std::uint32_t leftVersion;
        std::uint32_t rightVersion;
    };
    auto worse = [](const Candidate& a, const Candidate& b) {
        return a.score < b.score || (a.score == b.score && a.left > b.left);
    };
    std::priority_queue<Candidate, std::vector<Candidate>, decltype(worse)> heap(worse);
    auto offer = [&](int left) {
        if (left < 0) return;
        const int right = next[static_cast<std::size_t>(left)];
        if (right < 0) return;
        const auto a = static_cast<std::size_t>(tokens[static_cast<std::size_t>(left)]);
        const auto b = static_cast<std::size_t>(tokens[static_cast<std::size_t>(right)]);
        int merged = -1;
        if (m_pieces[a].size() + m_pieces[b].size() <= kTableMaxLength) {
            const auto it = m_merges.find(pairKey(m_canonical[a], m_canonical[b]));
            if (it != m_merges.end()) merged = it->second;
        } else {
            const auto it = m_lookup.find(m_pieces[a] + m_pieces[b]);
            if (it != m_lookup.end()) merged = it->second;
        }
        if (merged < 0) return;
        const float s = m_scores[static_cast<std::size_t>(merged)];
        if (!(s > kRunCNoMerge)) return;
        heap.push({s, left, right, merged, version[static_cast<std::size_t>(left)], version[static_cast<std::size_t>(right)]});
    };
    for (int i = 0; i + 1 < n; ++i) offer(i);
    std::vector<bool> alive(static_cast<std::size_t>(n), true);
    while (!heap.empty()) {
        const Candidate c = heap.top();
        heap.pop();
        const auto l = static_cast<std::size_t>(c.left), r = static_cast<std::size_t>(c.right);
        // Stale: a side was merged away or changed since this candidate was offered.
        if (!alive[l] || !alive[r] || next[l] != c.right || version[l] != c.leftVersion || version[r] != c.rightVersion)
            continue;
        tokens[l] = c.merged;
        ++version[l];
        alive[r] = false;
        next[l] = next[r];
        if (next[r] >= 0) prev[static_cast<std::size_t>(next[r])] = c.left;
        offer(prev[l]);
        offer(c.left);
    }
    std::vector<int> out;
    out.reserve(tokens.size() + 1);
    for (int i = n > 0 ? 0 : -1; i >= 0; i = next[static_cast<std::size_t>(i)]) out.push_back(tokens[static_cast<std::size_t>(i)]);
    if (eos) out.push_back(kEos);
    return out;
}

std::string LlamaTokenizer::decodePiece(int prevToken, int token) const
{
    if (token < 0 || token >= vocabSize())
        throw InvalidArgument("token " + std::to_string(token) + " is outside the vocabulary of " +
                              std::to_string(vocabSize()));
    std::string p = m_pieces[static_cast<std::size_t>(token)];
    // After BOS, SentencePiece strips the leading space of the first piece.
    if (prevToken == kBos && !p.empty() && p[0] == ' ') p.erase(0, 1);
    const int byte = parseBytePiece(p);
    if (byte >= 0) return std::string(1, static_cast<char>(byte));
    return p;
}

std::string LlamaTokenizer::decode(std::span<const int> tokens) const
{
    std::string out;
    int prev = kBos;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (i == 0 && tokens[i] == kBos) continue;
        out += decodePiece(prev, tokens[i]);
        prev = tokens[i];
    }
    return out;
}

}  // namespace qs
