#include "quant_output.h"

#include "output.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace qs::cli {

namespace {
bool g_progressDrawn = false;
}

ProgressFn terminalProgress(std::string label)
{
    if (!isatty(STDERR_FILENO)) return {};
    return [label = std::move(label)](double fraction, std::string_view stage) {
        std::fprintf(stderr, "\r\033[K[%3d%%] %s: %.*s", static_cast<int>(fraction * 100.0 + 0.5),
                     label.c_str(), static_cast<int>(stage.size()), stage.data());
        std::fflush(stderr);
        g_progressDrawn = true;
        return true;
    };
}

void clearProgressLine()
{
    if (!g_progressDrawn) return;
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    g_progressDrawn = false;
}

std::string fmtPercent(double fraction, int digits)
{
    return fmtNum(fraction * 100.0, digits) + " %";
}

void printTensorTable(std::ostream& out, const ModelQuantResult& result, const Checkpoint& source)
{
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"tensor", "shape", "method", "bits", "outliers", "rel_err", "sqnr_db", "bpw", "note"});
    for (const auto& t : result.tensors) {
        const auto& info = source.tensors().at(t.index);
        const std::vector<long long> shape(info.shape.begin(), info.shape.end());
        if (!t.quantized) {
            rows.push_back({t.name, fmtShape(shape), "-", "-", "-", "-", "-", "-", "kept: " + t.reason});
            continue;
        }
        const auto& m = t.metrics;
        // The note shows only what differs from the defaults (rules), not "linear weight" each time.
        const auto rule = t.reason.find("; rule");
        rows.push_back({t.name, fmtShape(shape), std::string(methodName(t.settings.method)),
                        std::to_string(t.settings.bits), fmtPercent(m.outlierFrac), fmtNum(m.relErr),
                        fmtNum(m.sqnrDb), fmtNum(m.bpw),
                        rule == std::string::npos ? "" : t.reason.substr(rule + 2)});
    }
    printTable(out, rows, {3, 4, 5, 6, 7});
}

void printTotals(std::ostream& out, const ModelQuantResult& result)
{
    const auto& t = result.totals;
    std::size_t quantized = 0;
    for (const auto& x : result.tensors) quantized += x.quantized ? 1 : 0;
    out << "quantized " << quantized << " of " << result.tensors.size() << " tensors, "
        << fmtCount(result.quantizedParams) << " of " << fmtCount(result.totalParams) << " parameters ("
        << fmtPercent(result.totalParams ? static_cast<double>(result.quantizedParams) /
                                               static_cast<double>(result.totalParams)
                                         : 0.0)
        << ") in " << fmtNum(result.seconds, 3) << " s\n";
    out << "totals over quantized tensors (element-weighted): rel_err " << fmtNum(t.relErr) << ", sqnr_db "
        << fmtNum(t.sqnrDb) << ", mse " << fmtNum(t.mse) << ", max_abs_err " << fmtNum(t.maxAbsErr)
        << ", cosine " << fmtNum(t.cosine, 6) << ", outliers " << fmtCount(t.outliers) << " ("
        << fmtPercent(t.outlierFrac) << "), bpw " << fmtNum(t.bpw) << '\n';
}

}  // namespace qs::cli
