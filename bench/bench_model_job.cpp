// Whole-model quantization, end to end: a TinyLlama-1.1B-shaped checkpoint (the demo generator
// at dim 2048, hidden 5632, 22 blocks, 32 heads / 4 KV heads, vocab 32000; 1.1 B parameters) is
// written once as an F16 safetensors file in the temp folder, opened with openCheckpoint (the
// real safetensors reader) and quantized by quantizeModel with easyquant-search at 1 and 2
// threads, and with rtn as the same-run baseline. Prints seconds per billion quantized
// parameters (wall and CPU), peak memory, the 1 -> 2 thread scaling and easyquant/rtn. The file
// is deleted at the end.
//
// Peak memory: VmHWM (reset before each run) counts the mapped checkpoint pages the reader
// touched, so it grows with the file; "anon" is the largest anonymous RSS seen after each
// tensor — the job's own working memory.
//
// QS_BENCH_MODEL=small runs a 4-block dim-512 model instead (a quick check); QS_BENCH_LAYERS=N
// keeps the 1.1B layer shapes but only N blocks (for machines where 1.1B takes too long).

#include "quantscope/error.h"
#include "quantscope/models/demo_model.h"
#include "quantscope/quant/model_job.h"
#include "quantscope/tensor/dtype.h"

#include <benchmark/benchmark.h>

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace {

struct Model {
    std::filesystem::path file;
    std::unique_ptr<qs::Checkpoint> ckpt;
    std::int64_t params = 0;
    std::int64_t largest = 0;  ///< elements of the largest tensor the job quantizes
};

Model& model()
{
    static Model m = [] {
        qs::DemoModelConfig c;
        const char* which = std::getenv("QS_BENCH_MODEL");
        if (which && std::string(which) == "small") {
            c.dim = 512, c.hiddenDim = 1376, c.layers = 4, c.heads = 8, c.kvHeads = 4, c.vocabSize = 4000;
        } else {  // TinyLlama-1.1B
            c.dim = 2048, c.hiddenDim = 5632, c.layers = 22, c.heads = 32, c.kvHeads = 4, c.vocabSize = 32000;
        }
        if (const char* layers = std::getenv("QS_BENCH_LAYERS")) c.layers = std::max(1, std::atoi(layers));
        Model out;
        out.file = std::filesystem::temp_directory_path() /
                   ("qs_bench_model_" + std::to_string(::getpid()) + ".safetensors");
        const auto t0 = std::chrono::steady_clock::now();
        qs::writeDemoSafetensors(out.file, c);
        out.ckpt = qs::openCheckpoint(out.file);
        for (const auto& t : out.ckpt->tensors()) {
            out.params += t.numel();
            if (t.role == qs::TensorRole::Linear && t.name != "lm_head.weight")
                out.largest = std::max(out.largest, t.numel());
        }
        std::fprintf(stderr, "scratch model: %s (%s), %.3f B parameters, %.2f GB, written in %.1f s\n",
                     out.file.c_str(), std::string(out.ckpt->format()).c_str(),
                     static_cast<double>(out.params) / 1e9,
                     static_cast<double>(std::filesystem::file_size(out.file)) / 1e9,
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        return out;
    }();
    return m;
}

void resetPeakMemory()
{
    std::ofstream("/proc/self/clear_refs") << "5";  // resets VmHWM to the current RSS (Linux >= 4.0)
}

/// A field of /proc/self/status in MiB ("VmHWM", "RssAnon").
double statusMiB(const char* field)
{
    std::ifstream status("/proc/self/status");
    std::string line;
    const std::string key = std::string(field) + ":";
    while (std::getline(status, line))
        if (line.rfind(key, 0) == 0) return std::stod(line.substr(key.size())) / 1024.0;
    return 0;
}

/// User + system CPU seconds of the whole process (all threads): on a shared, overloaded machine
/// wall time says little about the work done, CPU time still does.
double processCpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Figures {
    double seconds = 0;
    double cpuSeconds = 0;
    double peak = 0;
    double anon = 0;
};
std::map<std::string, Figures> g_figures;

void runJob(benchmark::State& state, qs::QuantMethod method, const char* label)
{
    auto& m = model();
    qs::ModelQuantSettings s;
    s.defaults.method = method;
    s.defaults.bits = 4;
    s.defaults.granularity = qs::Granularity::PerChannel;
    s.defaults.solver = qs::RangeSolver::Search;
    s.threads = static_cast<int>(state.range(0));
    qs::ModelQuantResult r;
    double cpu = 0;
    double anon = 0;
    for (auto _ : state) {
        resetPeakMemory();
        const double cpu0 = processCpuSeconds();
        r = qs::quantizeModel(*m.ckpt, s, {},
                              [&](const qs::TensorOutcome&, const qs::Matrix&, const qs::QuantizedTensor&) {
                                  anon = std::max(anon, statusMiB("RssAnon"));
                              });
        cpu = processCpuSeconds() - cpu0;
    }
    const double billions = static_cast<double>(r.quantizedParams) / 1e9;
    const double peak = statusMiB("VmHWM");
    state.counters["s_per_B"] = r.seconds / billions;
    state.counters["cpu_s_per_B"] = cpu / billions;
    state.counters["Mparam_per_s"] = static_cast<double>(r.quantizedParams) / r.seconds / 1e6;
    state.counters["peak_MiB"] = peak;
    state.counters["anon_MiB"] = anon;
    state.counters["rel_err"] = r.totals.relErr;
    state.counters["bpw"] = r.totals.bpw;
    g_figures[std::string(label) + "/" + std::to_string(s.threads)] = {r.seconds, cpu, peak, anon};
}

void BM_EasyQuantSearch(benchmark::State& state)
{
    runJob(state, qs::QuantMethod::EasyQuant, "easyquant-search");
}
void BM_Rtn(benchmark::State& state)
{
    runJob(state, qs::QuantMethod::Rtn, "rtn");
}

BENCHMARK(BM_Rtn)->Arg(2)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);
BENCHMARK(BM_EasyQuantSearch)->Arg(1)->Arg(2)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);

}  // namespace

int main(int argc, char** argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    int rc = 0;
    try {
        benchmark::RunSpecifiedBenchmarks();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_model_job: %s\n", e.what());
        rc = 1;
    }
    auto& m = model();
    const double quantizedB = [&] {
        std::int64_t n = 0;
        for (const auto& t : m.ckpt->tensors())
            if (t.role == qs::TensorRole::Linear && t.name != "lm_head.weight") n += t.numel();
        return static_cast<double>(n) / 1e9;
    }();
    const auto get = [](const std::string& k) { return g_figures.count(k) ? g_figures[k] : Figures{}; };
    const auto e1 = get("easyquant-search/1"), e2 = get("easyquant-search/2"), r2 = get("rtn/2");
    std::printf(
        "\nwhole model: %.3f B parameters (%.3f B quantized: linear weights; embedding and head kept), "
        "largest quantized tensor %.0f MiB as fp32\n",
        static_cast<double>(m.params) / 1e9, quantizedB, static_cast<double>(m.largest) * 4 / 1048576.0);
    if (e1.seconds > 0 && e2.seconds > 0) {
        std::printf(
            "easyquant-search 4-bit per channel, wall: %.2f s/B at 1 thread, %.2f s/B at 2 threads "
            "(target <= 2 s/B on 2 cores)\n",
            e1.seconds / quantizedB, e2.seconds / quantizedB);
        std::printf("easyquant-search CPU time: %.2f s/B at 1 thread, %.2f s/B at 2 threads\n",
                    e1.cpuSeconds / quantizedB, e2.cpuSeconds / quantizedB);
        std::printf("thread scaling 1 -> 2 (wall): %.2fx; CPU-time overhead of the second thread: %.2fx\n",
                    e1.seconds / e2.seconds, e2.cpuSeconds / e1.cpuSeconds);
        std::printf(
            "peak memory: VmHWM %.0f / %.0f MiB (1 / 2 threads, incl. mapped checkpoint pages), "
            "largest anonymous RSS %.0f / %.0f MiB\n",
            e1.peak, e2.peak, e1.anon, e2.anon);
    }
    if (r2.seconds > 0 && e2.seconds > 0)
        std::printf(
            "rtn baseline: %.2f s/B wall, %.2f s/B CPU at 2 threads; easyquant-search / rtn time: %.2fx\n",
            r2.seconds / quantizedB, r2.cpuSeconds / quantizedB, e2.seconds / r2.seconds);
    std::error_code ec;
    std::filesystem::remove(m.file, ec);
    benchmark::Shutdown();
    return rc;
}
