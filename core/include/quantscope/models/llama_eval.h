#pragma once
// Perplexity and greedy generation of a LlamaModel, with the protocol of shared/data/DATA.md:
// split the text on blank lines ("\n\n") into stripped paragraphs, encode each with BOS and the dummy prefix,
// truncate to 512 tokens, average the NLL over all predicted tokens of all paragraphs.
// Sequences are evaluated in parallel (one per TBB task); per-sequence NLL sums are combined in
// paragraph order, so the result is bit-identical at any thread count.

#include "quantscope/models/llama_model.h"
#include "quantscope/models/llama_tokenizer.h"
#include "quantscope/progress.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace qs {

/// Paragraphs of `text` as the reference protocol makes them: text.split("\n\n"), each piece
/// stripped of leading/trailing ASCII whitespace, empty pieces dropped.
std::vector<std::string> splitParagraphs(std::string_view text);
/// splitParagraphs of a file's contents. Throws IoError.
std::vector<std::string> readParagraphs(const std::filesystem::path& path);

struct PerplexityOptions {
    std::size_t maxParagraphs = 0;  ///< 0 = all
    int maxTokens = 512;            ///< truncation per paragraph, BOS included
    int threads = 0;                ///< 0 = all cores
    bool tokenByToken = false;      ///< evaluate through a KV-cache Session (the slow baseline)
    ProgressFn progress;            ///< fraction of sequences done; false cancels (throws Cancelled)
};

struct PerplexityResult {
    std::int64_t tokens = 0;     ///< predicted tokens (sum of sequence lengths − 1)
    std::int64_t sequences = 0;  ///< paragraphs evaluated
    double nll = 0;              ///< mean negative log-likelihood per predicted token (nats)
    double ppl = 0;              ///< exp(nll)
    double seconds = 0;          ///< wall time, tokenization included when given text
};

/// Encodes paragraphs (BOS + dummy prefix, truncated to maxTokens) in parallel, in order.
std::vector<std::vector<int>> encodeParagraphs(const LlamaTokenizer& tokenizer, const std::vector<std::string>& paragraphs,
                                               const PerplexityOptions& options = {});

/// NLL over already encoded sequences (each predicts tokens 1..n−1). Sequences longer than the
/// model's seqLen are rejected (InvalidArgument).
PerplexityResult evaluateSequences(const LlamaModel& model, const std::vector<std::vector<int>>& sequences,
                                   const PerplexityOptions& options = {});
PerplexityResult evaluatePerplexity(const LlamaModel& model, const LlamaTokenizer& tokenizer,
                                    const std::vector<std::string>& paragraphs, const PerplexityOptions& options = {});
PerplexityResult evaluatePerplexity(const LlamaModel& model, const LlamaTokenizer& tokenizer,
                                    const std::filesystem::path& textPath, const PerplexityOptions& options = {});

/// Greedy (temperature 0) continuation of `prompt` as run.c's generate(): at most `maxNewTokens`
/// tokens (and never past seqLen), stopping before a BOS token. Returns prompt + new tokens.
std::vector<int> generateGreedy(const LlamaModel& model, int maxNewTokens,
                                std::vector<int> prompt = {LlamaTokenizer::kBos});

}  // namespace qs
