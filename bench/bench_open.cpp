// Open time of a synthetic 1 MB vs 1 GB safetensors file (same 64 tensors, 1024x larger each).
// Opening maps the file and parses the header only, so both should take the same time; the
// ratio printed at the end is the figure issue 3 asks for. Files go to /tmp and are removed.
#include "quantscope/io/checkpoint.h"
#include "quantscope/io/safetensors_writer.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

constexpr int kTensors = 64;

std::filesystem::path makeFile(const char* tag, std::size_t totalBytes)
{
    const auto path = std::filesystem::temp_directory_path() /
                      ("quantscope_bench_open_" + std::string(tag) + "_" + std::to_string(::getpid()) + ".safetensors");
    const std::size_t floatsPerTensor = totalBytes / kTensors / sizeof(float);
    std::vector<float> values(floatsPerTensor);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i % 977) * 1e-3f;
    const auto cols = static_cast<std::int64_t>(1024);
    qs::SafetensorsWriter w(path);
    for (int t = 0; t < kTensors; ++t)
        w.addTensor("model.layers." + std::to_string(t) + ".weight",
                    {static_cast<std::int64_t>(floatsPerTensor) / cols, cols}, values);
    w.commit();
    return path;
}

void openOnce(benchmark::State& state, const std::filesystem::path& path)
{
    for (auto _ : state) {
        auto c = qs::openCheckpoint(path);
        benchmark::DoNotOptimize(c->tensors().data());
    }
    state.counters["file_MB"] = static_cast<double>(std::filesystem::file_size(path)) / (1 << 20);
}

// Records each benchmark's mean time per iteration so main can print the ratio.
class RecordingReporter : public benchmark::ConsoleReporter {
public:
    std::map<std::string, double> secondsPerIteration, cpuSecondsPerIteration;
    void ReportRuns(const std::vector<Run>& runs) override
    {
        for (const auto& r : runs)
            if (r.run_type == Run::RT_Iteration && r.iterations > 0)
            {
                secondsPerIteration[r.benchmark_name()] = r.real_accumulated_time / static_cast<double>(r.iterations);
                cpuSecondsPerIteration[r.benchmark_name()] = r.cpu_accumulated_time / static_cast<double>(r.iterations);
            }
        ConsoleReporter::ReportRuns(runs);
    }
};

}  // namespace

int main(int argc, char** argv)
{
    benchmark::Initialize(&argc, argv);
    std::printf("writing synthetic files to %s ...\n", std::filesystem::temp_directory_path().c_str());
    const auto small = makeFile("1MB", std::size_t{1} << 20);
    const auto large = makeFile("1GB", std::size_t{1} << 30);
    benchmark::RegisterBenchmark("open_safetensors/1MB", openOnce, small)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("open_safetensors/1GB", openOnce, large)->Unit(benchmark::kMicrosecond);
    RecordingReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    std::error_code ec;
    std::filesystem::remove(small, ec);
    std::filesystem::remove(large, ec);

    const auto& t = reporter.secondsPerIteration;
    const auto& cpu = reporter.cpuSecondsPerIteration;
    if (t.count("open_safetensors/1MB") && t.count("open_safetensors/1GB")) {
        const double a = t.at("open_safetensors/1MB"), b = t.at("open_safetensors/1GB");
        const double ca = cpu.at("open_safetensors/1MB"), cb = cpu.at("open_safetensors/1GB");
        std::printf("\nopen 1 MB safetensors: %.1f us wall, %.1f us CPU\n"
                    "open 1 GB safetensors: %.1f us wall, %.1f us CPU\n"
                    "ratio 1 GB / 1 MB: %.2f wall, %.2f CPU (1.0 = open time independent of file size)\n",
                    a * 1e6, ca * 1e6, b * 1e6, cb * 1e6, b / a, cb / ca);
    }
    benchmark::Shutdown();
    return 0;
}
