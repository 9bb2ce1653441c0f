// Issue 11's speed figures, measured in one process:
// 1. 7B-shaped layers (4096x4096, 11008x4096), fp16-rounded Student-t(4) weights, std-scaled,
//    fixed seed: params/s per core for rtn, rtn-mse, easyquant-search, easyquant-adam (Adam on
//    a subset of rows, extrapolated, and said so), each one's time as a ratio to rtn, and the
//    summed objective of search vs adam on the same rows.
// 2. Equal bits: QuantScope's best setting at <= 4.5 bpw (codes + scales + outliers) on a
//    Student-t(4) 11008x4096 tensor, rel_err, bpw and Mparam/s per core; nl4's encoder-effort
//    table and "nl4 vs Q4_K" (rel_err, speed ratio against Q4_K's reference encoder timed in
//    the same run; issue 11's target: lower rel_err at >= 10x the speed).
// --equal-bits-only runs part 2 alone.
// Per-core figures run with one TBB thread; the N-thread rtn/search figures use every core.
// Google Benchmark micro-benchmarks (explorer query) follow the table.

#include "quant/nl4_codec.h"
#include "quant/outliers.h"
#include "tensor/ggml_blocks.h"
#include "quantscope/quant/metrics.h"
#include "quantscope/quant/quantize.h"
#include "quantscope/quant/threshold_explorer.h"
#include "quantscope/tensor/dtype.h"

#include <benchmark/benchmark.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

using namespace qs;

namespace {

Matrix studentT4(std::int64_t rows, std::int64_t cols, std::uint32_t seed)
{
    Matrix m(rows, cols);
    std::mt19937_64 rng(seed);
    std::student_t_distribution<double> t(4.0);
    // std of t(4) is sqrt(2); scale to std 0.02 (a typical LLM weight std), round to fp16.
    const double k = 0.02 / std::sqrt(2.0);
    for (auto& v : m.values) v = halfToFloat(floatToHalf(static_cast<float>(k * t(rng))));
    return m;
}

Matrix firstRows(const Matrix& w, std::int64_t rows)
{
    Matrix m(rows, w.cols);
    std::copy_n(w.values.begin(), rows * w.cols, m.values.begin());
    return m;
}

template <typename F>
double secondsOf(F&& f, int repeats = 1)
{
    double best = 1e300;
    for (int i = 0; i < repeats; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    return best;
}

/// Σ over normal values of (Q(x) - x)²: what every range solver minimizes.
double objective(const Matrix& w, const QuantizedTensor& q)
{
    const Matrix d = q.dequantize();
    double sum = 0;
    for (std::size_t i = 0; i < w.values.size(); ++i) sum += (double(d.values[i]) - w.values[i]) * (double(d.values[i]) - w.values[i]);
    for (const auto i : q.outlierIndex) sum -= (double(d.values[i]) - w.values[i]) * (double(d.values[i]) - w.values[i]);
    return sum;
}

/// Σ over every channel of (Q_Δ(x) - x)² at one fixed step Δ per channel: a single evaluation
/// of the objective the range solvers minimize, written as a plain vectorizable pass (float
/// lanes; round to nearest by adding and subtracting 1.5·2^23). What any solver that probes
/// the objective pays per probe: the yardstick for the search's cost.
double objectivePass(const Matrix& w, const std::vector<float>& steps, int qmax)
{
    constexpr int kLanes = 8;
    const float top = static_cast<float>(qmax);
    double total = 0;
    for (std::int64_t r = 0; r < w.rows; ++r) {
        const float d = steps[static_cast<std::size_t>(r)], inv = 1.0f / d;
        const float* x = w.values.data() + r * w.cols;
        float lane[kLanes] = {};
        std::int64_t c = 0;
        for (; c + kLanes <= w.cols; c += kLanes)
            for (int k = 0; k < kLanes; ++k) {
                const float q = std::min(std::max((x[c + k] * inv + 0x1.8p23f) - 0x1.8p23f, -top), top);
                const float e = q * d - x[c + k];
                lane[k] += e * e;
            }
        for (; c < w.cols; ++c) {
            const float q = std::min(std::max((x[c] * inv + 0x1.8p23f) - 0x1.8p23f, -top), top);
            lane[0] += (q * d - x[c]) * (q * d - x[c]);
        }
        for (const float l : lane) total += l;
    }
    return total;
}

QuantSettings settingsFor(QuantMethod m, RangeSolver solver = RangeSolver::Search)
{
    QuantSettings s;
    s.method = m;
    s.solver = solver;
    return s;
}

void layerTable(const char* label, const Matrix& w)
{
    const double params = double(w.size());
    tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
    const auto rtnS = settingsFor(QuantMethod::Rtn), mseS = settingsFor(QuantMethod::RtnMse),
               searchS = settingsFor(QuantMethod::EasyQuant, RangeSolver::Search),
               adamS = settingsFor(QuantMethod::EasyQuant, RangeSolver::Adam),
               minmaxS = settingsFor(QuantMethod::EasyQuant, RangeSolver::MinMax);
    QuantizedTensor q;
    const double tRtn = secondsOf([&] { q = quantizeMatrix(w, rtnS); }, 3);
    const double eRtn = measure(w, q).relErr;
    double passSum = 0;
    const double tPass = secondsOf([&] { passSum = objectivePass(w, q.scales, 7); }, 3);
    const double tMse = secondsOf([&] { q = quantizeMatrix(w, mseS); });
    const double eMse = measure(w, q).relErr;
    const double tSearch = secondsOf([&] { q = quantizeMatrix(w, searchS); });
    const double eSearch = measure(w, q).relErr;
    const double tMinmax = secondsOf([&] { q = quantizeMatrix(w, minmaxS); }, 3);
    const double eMinmax = measure(w, q).relErr;
    // Adam at paper settings (lr 1e-4, 500 steps) on the first 64 rows, extrapolated by rows.
    const std::int64_t sub = 64;
    const Matrix ws = firstRows(w, sub);
    QuantizedTensor qa, qs2;
    const double tAdamSub = secondsOf([&] { qa = quantizeMatrix(ws, adamS); });
    const double tSearchSub = secondsOf([&] { qs2 = quantizeMatrix(ws, searchS); });
    const double tAdam = tAdamSub * double(w.rows) / double(sub);
    const double objAdam = objective(ws, qa), objSearch = objective(ws, qs2);

    std::printf("\n%s (%lld x %lld = %.1f Mparam), 4-bit per-channel symmetric, 1 thread\n", label,
                static_cast<long long>(w.rows), static_cast<long long>(w.cols), params / 1e6);
    std::printf("  %-18s %12s %12s %10s %9s\n", "method", "Mparam/s", "seconds", "x rtn", "rel_err");
    auto row = [&](const char* name, double t, double e, const char* note) {
        std::printf("  %-18s %12.1f %12.3f %10.2f %9.5f %s\n", name, params / t / 1e6, t, t / tRtn, e, note);
    };
    row("rtn", tRtn, eRtn, "");
    row("rtn-mse", tMse, eMse, "");
    row("easyquant-search", tSearch, eSearch, "");
    // The same outliers with the range max|normal| (no optimization): what EasyQuant costs
    // before any solver runs, so (search - minmax) is the price of the search itself.
    row("easyquant-minmax", tMinmax, eMinmax, "(outliers isolated, no range search: the floor under every solver)");
    std::printf("  %-18s %12.3f %12.1f %10.1f %9s (timed on %lld rows: %.3f s, extrapolated x%.0f)\n", "easyquant-adam",
                params / tAdam / 1e6, tAdam, tAdam / tRtn, "-", static_cast<long long>(sub), tAdamSub,
                double(w.rows) / double(sub));
    std::printf("  objective on those %lld rows: search %.6g, adam %.6g, search/adam = %.4f (search %.1fx faster there)\n",
                static_cast<long long>(sub), objSearch, objAdam, objSearch / objAdam, tAdamSub / tSearchSub);
    // Adam pays 500 evaluations per channel; a coarse grid one per candidate step.
    std::printf("  one evaluation of the objective at a fixed step per channel (a vectorized pass): %.1f Mparam/s, "
                "%.2f x rtn (sum %.4g); easyquant-search costs as much as %.1f such evaluations\n",
                params / tPass / 1e6, tPass / tRtn, passSum, tSearch / tPass);
    std::printf("  the range search itself (easyquant-search minus easyquant-minmax): %.2f x rtn, %.1f evaluations\n",
                (tSearch - tMinmax) / tRtn, (tSearch - tMinmax) / tPass);
}

void threadedLine(const Matrix& w)
{
    const double params = double(w.size());
    const int n = tbb::info::default_concurrency();
    QuantizedTensor q;
    const double tRtn = secondsOf([&] { q = quantizeMatrix(w, settingsFor(QuantMethod::Rtn)); }, 3);
    const double tSearch = secondsOf([&] { q = quantizeMatrix(w, settingsFor(QuantMethod::EasyQuant)); });
    std::printf("  %d threads: rtn %.1f Mparam/s, easyquant-search %.1f Mparam/s (x%.2f rtn)\n", n, params / tRtn / 1e6,
                params / tSearch / 1e6, tSearch / tRtn);
}

struct Candidate {
    const char* label;
    QuantSettings s;
};

struct LineResult {
    double relErr = 0;
    double bpw = 0;
    double mps = 0;  ///< Mparam/s on one core
};

/// llama.cpp's reference encoder (quantize_row_*_ref port) on the same values: rel_err, bpw,
/// Mparam/s (one thread; the encoder is serial; best of 2 timings).
LineResult ggmlLine(const char* label, DType t, const Matrix& w)
{
    const auto& tr = traits(t);
    const std::size_t blocks = w.values.size() / tr.blockElements;
    std::vector<std::byte> packed(blocks * tr.blockBytes);
    const double sec = secondsOf([&] { ggml::quantizeBlocks(t, w.values.data(), packed.data(), blocks); }, 2);
    Matrix d(w.rows, w.cols);
    ggml::dequantizeBlocks(t, packed.data(), d.values.data(), blocks);
    const TensorMetrics m = compareMatrices(w, d);
    const double bpw = 8.0 * tr.blockBytes / tr.blockElements;
    std::printf("  %-30s %9.5f %7.4f %14.1f\n", label, m.relErr, bpw, double(w.size()) / sec / 1e6);
    return {m.relErr, bpw, double(w.size()) / sec / 1e6};
}

/// nl4 at G = 16 with one encoder search effort (best of 3 timings: it is fast).
LineResult nl4Line(const char* label, const Matrix& w, const quant::nl4::Search& search)
{
    QuantizedTensor q;
    const double sec = secondsOf([&] { q = quant::nl4::quantizeMatrix(w, 16, search); }, 3);
    const TensorMetrics m = measure(w, q);
    const LineResult r{m.relErr, m.bpw, double(w.size()) / sec / 1e6};
    std::printf("  %-30s %9.5f %7.4f %14.1f\n", label, r.relErr, r.bpw, r.mps);
    return r;
}

/// The tuning table of nl4's encoder effort, then the default (what quantizeMatrix uses)
/// against Q4_K, as issue 11's equal-bits target states it.
void nl4Lines(const Matrix& w, const LineResult& q4k)
{
    using quant::nl4::Search;
    std::vector<float> wide;  // the prototype's 21 multipliers of max|x|/127, both signs
    for (int i = 0; i <= 20; ++i)
        for (const float sign : {-1.0f, 1.0f}) wide.push_back(sign * 127.0f / (0.7f + 0.02f * float(i)));
    const std::vector<float> two{-127.0f, 113.0f}, four{-127.0f, 127.0f, 113.0f, -113.0f};
    nl4Line("nl4 G16 -127|113, fit, l", w, Search{two, false, 0});
    nl4Line("nl4 G16 -127|113, fit, l+near", w, Search{two, false, 1});
    nl4Line("nl4 G16 -127|113, refit, l+-1", w, Search{two, true, 2});
    nl4Line("nl4 G16 +-127|+-113, fit, l+-1", w, Search{four, false, 2});
    nl4Line("nl4 G16 +-127|+-113, refit, l+-1", w, Search{four, true, 2});
    nl4Line("nl4 G16 42 targets, refit, l+-1", w, Search{wide, true, 2});
    const LineResult d = nl4Line("nl4 G16 default: +-127|+-113,fit,l", w, Search{});
    std::printf("  nl4 vs Q4_K: rel_err %.5f vs %.5f (lower: %s), speed ratio %.1f x (target >= 10x), bpw %.4f vs %.4f\n",
                d.relErr, q4k.relErr, d.relErr < q4k.relErr ? "yes" : "no", d.mps / q4k.mps, d.bpw, q4k.bpw);
}

void equalBits()
{
    // The ggml encoders and 7 settings on the full 45 Mparam tensor take minutes on a shared
    // 2-core machine: every line here uses the same first 1024 rows (4.2 Mparam, i.i.d. values,
    // so rel_err is representative of the whole tensor).
    const Matrix full = studentT4(11008, 4096, 7);
    const Matrix w = firstRows(full, 1024);
    const double params = double(w.size());
    std::printf("\nEqual bits: Student-t(4) 11008x4096 (std 0.02, fp16-rounded), first 1024 rows (%.1f Mparam), 1 thread\n",
                params / 1e6);
    std::vector<Candidate> cands;
    auto add = [&](const char* label, QuantMethod m, std::int64_t g, double sigma, IntRange r, Scheme sc) {
        QuantSettings s;
        s.method = m;
        s.granularity = Granularity::PerGroup;
        s.groupSize = g;
        s.sigma = sigma;
        s.intRange = r;
        s.scheme = sc;
        cands.push_back({label, s});
    };
    add("rtn G32 absmax full", QuantMethod::Rtn, 32, 0, IntRange::Full, Scheme::Symmetric);
    add("rtn-mse G64 asym", QuantMethod::RtnMse, 64, 0, IntRange::Restricted, Scheme::Asymmetric);
    add("easyquant G32 full, no outl.", QuantMethod::EasyQuant, 32, 0, IntRange::Full, Scheme::Symmetric);
    add("easyquant G64 full 5sigma", QuantMethod::EasyQuant, 64, 5, IntRange::Full, Scheme::Symmetric);
    add("easyquant G64 restr 5sigma", QuantMethod::EasyQuant, 64, 5, IntRange::Restricted, Scheme::Symmetric);
    add("easyquant G128 full 4sigma", QuantMethod::EasyQuant, 128, 4, IntRange::Full, Scheme::Symmetric);
    add("easyquant G128 full 5sigma", QuantMethod::EasyQuant, 128, 5, IntRange::Full, Scheme::Symmetric);
    add("nl4 G16 (quantizeMatrix)", QuantMethod::Nl4, 16, 0, IntRange::Restricted, Scheme::Symmetric);
    std::printf("  %-30s %9s %7s %14s\n", "setting", "rel_err", "bpw", "Mparam/s/core");
    tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
    ggmlLine("llama.cpp Q4_0 (ref encoder)", DType::Q4_0, w);
    const LineResult q4k = ggmlLine("llama.cpp Q4_K (ref encoder)", DType::Q4_K, w);
    nl4Lines(w, q4k);
    double bestErr = 1e300;
    std::string best;
    for (const auto& c : cands) {
        QuantizedTensor q;
        double t = secondsOf([&] { q = quantizeMatrix(w, c.s); });
        // Fast settings get the best of 3, like the ggml and nl4 lines above: a single sub-0.2 s
        // timing mostly measures first-touch page faults and the machine's other load.
        if (t < 0.2) t = std::min(t, secondsOf([&] { q = quantizeMatrix(w, c.s); }, 2));
        const TensorMetrics m = measure(w, q);
        std::printf("  %-30s %9.5f %7.4f %14.1f\n", c.label, m.relErr, m.bpw, params / t / 1e6);
        if (m.bpw <= 4.5 && m.relErr < bestErr) {
            bestErr = m.relErr;
            best = c.label;
        }
    }
    std::printf("  best QuantScope setting at <= 4.5 bpw: %s, rel_err %.5f\n", best.c_str(), bestErr);
    std::printf("  issue 11's reference figures: Q4_K rel_err ~0.087 at ~16 Mparam/s/core, Q4_0 ~0.116 at ~970\n");
}

void BM_ExplorerQuery(benchmark::State& state)
{
    static const Matrix w = studentT4(4096, 4096, 3);
    static const ThresholdExplorer ex(w, QuantSettings{});
    double sigma = 2.0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(ex.query(sigma, 4));
        sigma = sigma >= 5 ? 2.0 : sigma + 0.1;
    }
    state.SetLabel("4096x4096 per-channel, 4-bit");
}
BENCHMARK(BM_ExplorerQuery)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv)
{
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // lines appear as they are measured
    std::printf("QuantScope quantization benchmark (issue 11); weights: Student-t(4), std 0.02, fp16-rounded\n");
    // --equal-bits-only skips the minutes-long layer tables (for tuning the equal-bits lines).
    const bool equalBitsOnly = argc > 1 && std::string(argv[1]) == "--equal-bits-only";
    if (!equalBitsOnly) {
        const Matrix a = studentT4(4096, 4096, 1);
        layerTable("attention-shaped 4096x4096", a);
        threadedLine(a);
        const Matrix b = studentT4(11008, 4096, 2);
        layerTable("MLP-shaped 11008x4096", b);
        threadedLine(b);
    }
    equalBits();
    if (equalBitsOnly) return 0;
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
