#include "quantscope/error.h"
#include "quantscope/models/llama_tokenizer.h"
#include "test_data.h"

#include <QTest>

#include <cstring>
#include <fstream>

using namespace qs;

namespace {

// A tokenizer.bin in memory: max_token_length, then (score, len, bytes) per token.
struct VocabBuilder {
    std::vector<std::byte> bytes;
    explicit VocabBuilder(std::int32_t maxLen) { put(&maxLen, 4); }
    void put(const void* p, std::size_t n)
    {
        const auto* b = static_cast<const std::byte*>(p);
        bytes.insert(bytes.end(), b, b + n);
    }
    VocabBuilder& token(const std::string& s, float score)
    {
        const auto len = static_cast<std::int32_t>(s.size());
        put(&score, 4);
        put(&len, 4);
        put(s.data(), s.size());
        return *this;
    }
};

// <unk>, BOS, EOS, the 256 byte tokens, then `extra`.
VocabBuilder byteVocab()
{
    VocabBuilder v(8);
    v.token("<unk>", 0).token("\n<s>\n", 0).token("\n</s>\n", 0);
    char name[8];
    for (int b = 0; b < 256; ++b) {
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        v.token(name, 0);
    }
    return v;
}

// run.c's encode() transliterated: rescans every pair after each merge (quadratic). The
// tokenizer's heap-based merge loop must give the same ids.
std::vector<int> referenceEncode(const LlamaTokenizer& tok, const std::string& text)
{
    std::vector<int> t{LlamaTokenizer::kBos};
    if (!text.empty()) t.push_back(tok.lookup(" "));
    std::string buf;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) buf.clear();
        buf += text[i];
        if (i + 1 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80 && buf.size() < 4) continue;
        const int id = tok.lookup(buf);
        if (id >= 0) {
            t.push_back(id);
        } else {
            for (char c : buf) t.push_back(static_cast<unsigned char>(c) + 3);
        }
        buf.clear();
    }
    while (true) {
        float best = -1e10f;
        int bestId = -1;
        std::size_t bestIdx = 0;
        for (std::size_t i = 0; i + 1 < t.size(); ++i) {
            const int id = tok.lookup(tok.piece(t[i]) + tok.piece(t[i + 1]));
            if (id >= 0 && tok.score(id) > best) {
                best = tok.score(id);
                bestId = id;
                bestIdx = i;
            }
        }
        if (bestId < 0) break;
        t[bestIdx] = bestId;
        t.erase(t.begin() + static_cast<std::ptrdiff_t>(bestIdx) + 1);
    }
    return t;
}

}  // namespace

class TestLlamaTokenizer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void realVocabulary()
    {
        QS_REQUIRE_DATA(path, "llm/tok512.bin");
        const LlamaTokenizer tok(path);
        QCOMPARE(tok.vocabSize(), 512);
        QCOMPARE(tok.maxTokenLength(), 7);
        QCOMPARE(tok.piece(1), std::string("\n<s>\n"));
        QCOMPARE(tok.piece(3), std::string("<0x00>"));
        QCOMPARE(tok.lookup(" "), 410);
        QCOMPARE(tok.lookup(" the"), 265);
    }

    // Token ids from Karpathy's run.c encode() on tok512.bin (BOS, dummy prefix, merges).
    void encodesKnownStrings()
    {
        QS_REQUIRE_DATA(path, "llm/tok512.bin");
        const LlamaTokenizer tok(path);
        const auto once = tok.encode("Once upon a time");
        QCOMPARE(once, (std::vector<int>{1, 403, 407, 261, 378}));
        QCOMPARE(tok.encode("Lily and Tom went to the park."),
                 (std::vector<int>{1, 317, 269, 274, 287, 263, 377, 267, 265, 282, 295, 433, 426}));
        // Multi-byte code points: é and ö are single tokens only when the vocabulary has them.
        QCOMPARE(tok.encode("h\xC3\xA9llo w\xC3\xB6rld"), (std::vector<int>{1, 270, 485, 306, 414, 263, 198, 185, 420, 341}));
        QCOMPARE(tok.decode(once), std::string("Once upon a time"));
        QCOMPARE(tok.encode("").size(), std::size_t(1));  // BOS only: no dummy prefix for empty text
        QCOMPARE(tok.encode("", false).size(), std::size_t(0));
        const auto withEos = tok.encode("Hi", true, true);
        QCOMPARE(withEos.back(), LlamaTokenizer::kEos);
        // Every piece after the dummy prefix starts a word with its space: " the" is one token.
        const auto the = tok.encode("the", false);
        QCOMPARE(the.size(), std::size_t(1));
        QCOMPARE(the[0], 265);
    }

    void heapMergesEqualTheQuadraticReference()
    {
        QS_REQUIRE_DATA(path, "llm/tok512.bin");
        QS_REQUIRE_DATA(text, "text/tinystories_val.txt");
        const LlamaTokenizer tok(path);
        std::ifstream in(text, std::ios::binary);
        std::string line;
        int checked = 0;
        while (std::getline(in, line) && checked < 60) {
            if (line.empty()) continue;
            QCOMPARE(tok.encode(line), referenceEncode(tok, line));
            ++checked;
        }
        QCOMPARE(checked, 60);
        const std::string odd = "\xE2\x80\x9CQuote\xE2\x80\x9D \xFF\xFE broken \xC3 utf8 \xF0\x9F\x98\x80\x80\x80";
        QCOMPARE(tok.encode(odd), referenceEncode(tok, odd));
    }

    void byteFallbackForUnknownCodePoints()
    {
        QS_REQUIRE_DATA(path, "llm/tok512.bin");
        const LlamaTokenizer tok(path);
        // U+1F600 (4 bytes) is not in a 512-token vocabulary: one <0xXX> token per byte.
        const std::string smile = "\xF0\x9F\x98\x80";
        const auto ids = tok.encode(smile, false);
        QCOMPARE(ids.size(), std::size_t(5));  // dummy prefix + 4 bytes
        QCOMPARE(ids[1], 0xF0 + 3);
        QCOMPARE(ids[4], 0x80 + 3);
        QCOMPARE(tok.decode(ids), smile);  // the dummy-prefix space is dropped after (implicit) BOS
    }

    void roundTripsTheValidationText()
    {
        QS_REQUIRE_DATA(path, "llm/tok512.bin");
        const LlamaTokenizer tok(path);
        const std::string text =
            "Once upon a time, there was a little girl named Lily. She loved to play outside in the park.";
        const auto ids = tok.encode(text);
        QCOMPARE(tok.decode(ids), text);
        QVERIFY(ids.size() < text.size() / 2);  // merges happened
    }

    // The merge order is score-greedy over the whole sequence, not left to right.
    void mergesBestScoreFirstLeftmostOnTies()
    {
        auto v = byteVocab();
        v.token(" ", 0).token("a", 0).token("b", 0).token("c", 0);  // 259..262
        v.token("ab", -5).token("bc", -1);                          // 263, 264
        const LlamaTokenizer tok(v.bytes, "synthetic");
        // "abc": bc (-1) beats ab (-5) although ab comes first (left-to-right would give ab, c).
        QCOMPARE(tok.encode("abc", false, false), (std::vector<int>{259, 260, 264}));
        // A merge result merges again: with "abc" in the vocabulary, a + bc -> abc.
        auto v2 = byteVocab();
        v2.token(" ", 0).token("a", 0).token("b", 0).token("c", 0).token("ab", -5).token("bc", -1).token("abc", -9);
        const LlamaTokenizer tok2(v2.bytes, "synthetic");
        QCOMPARE(tok2.encode("abc", false, false), (std::vector<int>{259, 265}));
        // Equal scores: the leftmost pair merges first ("aa" + "a" stays, since "aaa" is absent).
        auto w = byteVocab();
        w.token(" ", 0).token("a", 0).token("aa", -1);
        const LlamaTokenizer tok3(w.bytes, "synthetic");
        QCOMPARE(tok3.encode("aaa", false), (std::vector<int>{259, 261, 260}));
    }

    // Merges into pieces longer than the precomputed table covers (64 bytes) still happen, and
    // thousands of duplicate spellings do not blow the merge table up.
    void longPiecesAndDuplicates()
    {
        auto v = byteVocab();
        v.token(" ", 0).token("a", 0).token("b", 0);  // 259..261
        float score = -1;
        for (int n = 2; n <= 32; n *= 2) v.token(std::string(std::size_t(n), 'a'), score--);
        for (int n = 2; n <= 32; n *= 2) v.token(std::string(std::size_t(n), 'b'), score--);
        v.token(std::string(33, 'b'), score--);
        const std::string longest = std::string(32, 'a') + std::string(33, 'b');  // 65 bytes
        v.token(longest, score--);
        for (int i = 0; i < 20000; ++i) v.token("a", -50);  // duplicates of "a"
        const LlamaTokenizer tok(v.bytes, "synthetic");
        const auto ids = tok.encode(longest, false);
        QCOMPARE(ids.size(), std::size_t(2));
        QCOMPARE(tok.piece(ids[1]), longest);
        QCOMPARE(tok.encode(longest), referenceEncode(tok, longest));
    }

    void rejectsHostileFiles()
    {
        auto v = byteVocab();
        auto truncated = v.bytes;
        truncated.resize(truncated.size() - 3);  // last piece cut short
        QVERIFY_THROWS_EXCEPTION(FormatError, LlamaTokenizer(truncated, "t"));
        auto hugeLen = byteVocab().token("x", 0).bytes;
        const std::int32_t bad = 1 << 30;
        std::memcpy(hugeLen.data() + hugeLen.size() - 5, &bad, 4);
        QVERIFY_THROWS_EXCEPTION(FormatError, LlamaTokenizer(hugeLen, "t"));
        auto negative = byteVocab().token("x", 0).bytes;
        const std::int32_t neg = -1;
        std::memcpy(negative.data() + negative.size() - 5, &neg, 4);
        QVERIFY_THROWS_EXCEPTION(FormatError, LlamaTokenizer(negative, "t"));
        std::vector<std::byte> tiny(2);
        QVERIFY_THROWS_EXCEPTION(FormatError, LlamaTokenizer(tiny, "t"));
        auto halfHeader = byteVocab().bytes;
        halfHeader.resize(halfHeader.size() + 5);  // 5 stray bytes: not a whole score + length
        QVERIFY_THROWS_EXCEPTION(FormatError, LlamaTokenizer(halfHeader, "t"));
        // A vocabulary without byte tokens cannot encode unknown bytes: a clear error, not a bad id.
        VocabBuilder small(4);
        small.token("<unk>", 0).token("<s>", 0).token("</s>", 0).token(" ", 0);
        const LlamaTokenizer s(small.bytes, "small");
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, s.encode("z"));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, s.decodePiece(1, 99));
    }
};

QTEST_APPLESS_MAIN(TestLlamaTokenizer)
#include "test_llama_tokenizer.moc"
