// Tokens per second of the full FP32 perplexity evaluation of stories260K on tinystories_val
// (380,662 tokens), sequence-at-once (matrix-matrix products, one sequence per TBB task) and
// token by token with a KV cache (the same runtime, Session::step), in the same run; prints
// both and their ratio. Environment: QS_TEST_DATA (data folder), QS_BENCH_THREADS (default 2),
// QS_BENCH_PARAGRAPHS (default all).

#include "quantscope/io/checkpoint.h"
#include "quantscope/models/llama_eval.h"
#include "quantscope/models/llama_loader.h"

#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

namespace {

struct Fixture {
    qs::LlamaModel model;
    std::vector<std::vector<int>> sequences;
    qs::PerplexityOptions options;
};

struct Figure {
    double tokensPerSecond = 0;
    double tokensPerCpuSecond = 0;
    double seconds = 0;
    double nll = 0;
    std::int64_t tokens = 0;
};

std::optional<Fixture> g_fixture;
Figure g_batched, g_tokenByToken;

std::filesystem::path dataDir()
{
    const char* env = std::getenv("QS_TEST_DATA");
    return env && *env ? env : QS_TEST_DATA;
}

int envInt(const char* name, int fallback)
{
    const char* v = std::getenv(name);
    return v && *v ? std::atoi(v) : fallback;
}

double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

Fixture& fixture()
{
    if (!g_fixture) {
        const auto dir = dataDir();
        const auto ckpt = qs::openCheckpoint(dir / "llm/stories260K.bin");
        const qs::LlamaTokenizer tok(dir / "llm/tok512.bin");
        qs::PerplexityOptions o;
        o.threads = envInt("QS_BENCH_THREADS", 2);
        o.maxParagraphs = static_cast<std::size_t>(envInt("QS_BENCH_PARAGRAPHS", 0));
        auto seqs = qs::encodeParagraphs(tok, qs::readParagraphs(dir / "text/tinystories_val.txt"), o);
        g_fixture.emplace(Fixture{qs::loadLlamaModel(*ckpt, qs::inspectLlamaCheckpoint(*ckpt)), std::move(seqs), o});
    }
    return *g_fixture;
}

void run(benchmark::State& state, bool tokenByToken, Figure& figure)
{
    Fixture& f = fixture();
    qs::PerplexityOptions o = f.options;
    o.tokenByToken = tokenByToken;
    for (auto _ : state) {
        const double cpu0 = cpuSeconds();
        const auto r = qs::evaluateSequences(f.model, f.sequences, o);
        const double cpu = cpuSeconds() - cpu0;
        figure = {double(r.tokens) / r.seconds, double(r.tokens) / cpu, r.seconds, r.nll, r.tokens};
        state.SetIterationTime(r.seconds);
    }
    state.counters["tokens"] = double(figure.tokens);
    state.counters["tokens/s"] = figure.tokensPerSecond;
    state.counters["tokens/cpu_s"] = figure.tokensPerCpuSecond;
    state.counters["nll"] = figure.nll;
}

void BM_SequenceAtOnce(benchmark::State& state) { run(state, false, g_batched); }
void BM_TokenByTokenKvCache(benchmark::State& state) { run(state, true, g_tokenByToken); }

BENCHMARK(BM_SequenceAtOnce)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);
BENCHMARK(BM_TokenByTokenKvCache)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);

std::string loadAverage()
{
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

}  // namespace

int main(int argc, char** argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    const auto dir = dataDir();
    if (!std::filesystem::exists(dir / "llm/stories260K.bin")) {
        std::fprintf(stderr, "bench_perplexity: %s/llm/stories260K.bin not found (set QS_TEST_DATA)\n", dir.c_str());
        return 1;
    }
    const std::string loadBefore = loadAverage();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    const int threads = fixture().options.threads;
    std::printf("\nstories260K on tinystories_val, %lld tokens, %d threads (load average before: %s, after: %s)\n",
                static_cast<long long>(g_batched.tokens), threads, loadBefore.c_str(), loadAverage().c_str());
    std::printf("  sequence-at-once: %8.0f tokens/s  (%.2f s, %.0f tokens per CPU-second, NLL %.5f)\n",
                g_batched.tokensPerSecond, g_batched.seconds, g_batched.tokensPerCpuSecond, g_batched.nll);
    if (g_tokenByToken.tokens > 0) {
        std::printf("  token-by-token:   %8.0f tokens/s  (%.2f s, %.0f tokens per CPU-second, NLL %.5f)\n",
                    g_tokenByToken.tokensPerSecond, g_tokenByToken.seconds, g_tokenByToken.tokensPerCpuSecond,
                    g_tokenByToken.nll);
        std::printf("  ratio sequence-at-once / token-by-token: %.2fx (wall), %.2fx (CPU)\n",
                    g_batched.tokensPerSecond / g_tokenByToken.tokensPerSecond,
                    g_batched.tokensPerCpuSecond / g_tokenByToken.tokensPerCpuSecond);
    }
    return 0;
}
