#include "quantscope/models/llama_eval.h"

#include "quantscope/error.h"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <mutex>
#include <numeric>
#include <sstream>

namespace qs {

namespace {

std::string_view stripWhitespace(std::string_view s)
{
    constexpr std::string_view ws = " \t\n\r\f\v";
    const auto b = s.find_first_not_of(ws);
    if (b == std::string_view::npos) return {};
    return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

double secondsSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

template <typename F>
void inArena(int threads, F&& f)
{
    tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
    arena.execute(std::forward<F>(f));
}

// Calls `progress` from worker threads, one at a time, at most ~200 times; remembers a cancel.
class ProgressGate {
public:
    ProgressGate(const ProgressFn& fn, std::size_t total) : m_fn(fn), m_total(total), m_step(std::max<std::size_t>(1, total / 200)) {}
    void tick()
    {
        const std::size_t done = ++m_done;
        if (!m_fn || (done % m_step != 0 && done != m_total)) return;
        std::lock_guard lock(m_mutex);
        if (!m_fn(double(done) / double(m_total), "evaluating")) m_cancelled = true;
    }
    bool cancelled() const { return m_cancelled; }

private:
    const ProgressFn& m_fn;
    std::size_t m_total;
    std::size_t m_step;
    std::atomic<std::size_t> m_done{0};
    std::atomic<bool> m_cancelled{false};
    std::mutex m_mutex;
};

}  // namespace

std::vector<std::string> splitParagraphs(std::string_view text)
{
    // Python's text.split("\n\n") then str.strip() (ASCII whitespace), dropping empty pieces: the
    // reference protocol. A line holding only spaces does not split ("\n \n" stays inside).
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at <= text.size()) {
        const auto sep = text.find("\n\n", at);
        const auto end = sep == std::string_view::npos ? text.size() : sep;
        const std::string_view piece = stripWhitespace(text.substr(at, end - at));
        if (!piece.empty()) out.emplace_back(piece);
        if (sep == std::string_view::npos) break;
        at = sep + 2;
    }
    return out;
}

std::vector<std::string> readParagraphs(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError("cannot open " + path.string());
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad()) throw IoError("cannot read " + path.string());
    return splitParagraphs(s.str());
}

std::vector<std::vector<int>> encodeParagraphs(const LlamaTokenizer& tokenizer, const std::vector<std::string>& paragraphs,
                                               const PerplexityOptions& options)
{
    if (options.maxTokens < 2) throw InvalidArgument("maxTokens must be at least 2");
    const std::size_t n =
        options.maxParagraphs > 0 ? std::min(options.maxParagraphs, paragraphs.size()) : paragraphs.size();
    std::vector<std::vector<int>> seqs(n);
    inArena(options.threads, [&] {
        tbb::parallel_for(std::size_t(0), n, [&](std::size_t i) {
            auto t = tokenizer.encode(paragraphs[i], true, false);
            if (t.size() > static_cast<std::size_t>(options.maxTokens)) t.resize(static_cast<std::size_t>(options.maxTokens));
            seqs[i] = std::move(t);
        });
    });
    return seqs;
}

PerplexityResult evaluateSequences(const LlamaModel& model, const std::vector<std::vector<int>>& sequences,
                                   const PerplexityOptions& options)
{
    const auto t0 = std::chrono::steady_clock::now();
    const std::size_t n = options.maxParagraphs > 0 ? std::min(options.maxParagraphs, sequences.size()) : sequences.size();
    for (std::size_t i = 0; i < n; ++i)
        if (sequences[i].size() > static_cast<std::size_t>(model.config().seqLen))
            throw InvalidArgument("sequence " + std::to_string(i) + " has " + std::to_string(sequences[i].size()) +
                                  " tokens, more than the model's " + std::to_string(model.config().seqLen));
    // Longest first so the last tasks are short (load balance); results go to fixed slots.
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return sequences[a].size() > sequences[b].size(); });
    std::vector<double> nll(n, 0.0);
    ProgressGate gate(options.progress, n);
    inArena(options.threads, [&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1), [&](const tbb::blocked_range<std::size_t>& r) {
            for (std::size_t k = r.begin(); k != r.end(); ++k) {
                if (gate.cancelled()) return;
                const auto& s = sequences[order[k]];
                if (s.size() >= 2)
                    nll[order[k]] = options.tokenByToken ? model.sequenceNllIncremental(s) : model.sequenceNll(s);
                gate.tick();
            }
        });
    });
    if (gate.cancelled()) throw Cancelled();
    PerplexityResult r;
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        sum += nll[i];
        if (sequences[i].size() >= 2) r.tokens += static_cast<std::int64_t>(sequences[i].size()) - 1;
    }
    r.sequences = static_cast<std::int64_t>(n);
    r.nll = r.tokens > 0 ? sum / double(r.tokens) : 0.0;
    r.ppl = std::exp(r.nll);
    r.seconds = secondsSince(t0);
    return r;
}

PerplexityResult evaluatePerplexity(const LlamaModel& model, const LlamaTokenizer& tokenizer,
                                    const std::vector<std::string>& paragraphs, const PerplexityOptions& options)
{
    const auto t0 = std::chrono::steady_clock::now();
    const auto seqs = encodeParagraphs(tokenizer, paragraphs, options);
    auto r = evaluateSequences(model, seqs, options);
    r.seconds = secondsSince(t0);
    return r;
}

PerplexityResult evaluatePerplexity(const LlamaModel& model, const LlamaTokenizer& tokenizer,
                                    const std::filesystem::path& textPath, const PerplexityOptions& options)
{
    const auto t0 = std::chrono::steady_clock::now();
    auto r = evaluatePerplexity(model, tokenizer, readParagraphs(textPath), options);
    r.seconds = secondsSince(t0);
    return r;
}

std::vector<int> generateGreedy(const LlamaModel& model, int maxNewTokens, std::vector<int> prompt)
{
    if (prompt.empty()) throw InvalidArgument("generation needs a prompt (at least BOS)");
    LlamaModel::Session session(model);
    const int limit = model.config().seqLen;
    std::span<const float> logits;
    for (int t : prompt) logits = session.step(t);
    for (int i = 0; i < maxNewTokens && session.position() < limit; ++i) {
        // run.c sample_argmax: the first maximum.
        const int next = static_cast<int>(std::max_element(logits.begin(), logits.end()) - logits.begin());
        if (next == LlamaTokenizer::kBos) break;
        prompt.push_back(next);
        if (session.position() >= limit) break;
        logits = session.step(next);
    }
    return prompt;
}

}  // namespace qs
