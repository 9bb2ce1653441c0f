#include "quantscope/quant/report.h"

#include "quantscope/error.h"
#include "quantscope/io/atomic_file.h"
#include "quantscope/quant/tensor_rules.h"
#include "quantscope/version.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace qs {

namespace {

using json = nlohmann::ordered_json;  // keys in the order written: method first, tensors last

json number(double v)
{
    return std::isfinite(v) ? json(v) : json(nullptr);
}

std::string_view schemeText(Scheme s)
{
    return s == Scheme::Symmetric ? "sym" : "asym";
}
std::string_view outlierStatsText(OutlierStats s)
{
    return s == OutlierStats::WholeMatrix ? "matrix" : "channel";
}

json settingsJson(const QuantSettings& q)
{
    return {{"method", methodName(q.method)},
            {"bits", q.bits},
            {"scheme", schemeText(q.scheme)},
            {"int_range", intRangeName(q.intRange)},
            {"granularity", granularityName(q.granularity)},
            {"group_size", q.groupSize},
            {"clip_grid_points", q.clipGridPoints},
            {"clip_min", q.clipMin},
            {"sigma", q.sigma},
            {"outlier_stats", outlierStatsText(q.outlierStats)},
            {"solver", solverName(q.solver)},
            {"adam_lr", q.adamLr},
            {"adam_steps", q.adamSteps},
            {"fp16_scales", q.fp16Scales}};
}

void putMetrics(json& j, const TensorMetrics* m)
{
    j["mse"] = m ? number(m->mse) : json(nullptr);
    j["rel_err"] = m ? number(m->relErr) : json(nullptr);
    j["sqnr_db"] = m ? number(m->sqnrDb) : json(nullptr);
    j["max_abs_err"] = m ? number(m->maxAbsErr) : json(nullptr);
    j["cosine"] = m ? number(m->cosine) : json(nullptr);
    j["outlier_frac"] = m ? number(m->outlierFrac) : json(nullptr);
    j["outliers"] = m ? json(m->outliers) : json(nullptr);
    j["bpw"] = m ? number(m->bpw) : json(nullptr);
}

const TensorInfo* infoOf(const Checkpoint& source, const TensorOutcome& t)
{
    const auto& infos = source.tensors();
    return t.index < infos.size() && infos[t.index].name == t.name ? &infos[t.index] : nullptr;
}

json tensorJson(const TensorOutcome& t, const TensorInfo* info)
{
    json j;
    j["name"] = t.name;
    j["shape"] = info ? json(info->shape) : json(nullptr);
    j["dtype"] = info ? json(std::string(dtypeName(info->dtype))) : json(nullptr);
    j["role"] = info ? json(std::string(roleName(info->role))) : json(nullptr);
    j["quantized"] = t.quantized;
    j["reason"] = t.reason;
    if (t.quantized) {
        j["method"] = methodName(t.settings.method);
        j["bits"] = t.settings.bits;
        j["granularity"] = granularityName(t.settings.granularity);
        j["group_size"] =
            t.settings.granularity == Granularity::PerGroup ? json(t.settings.groupSize) : json(nullptr);
        j["sigma"] = t.settings.method == QuantMethod::EasyQuant ? json(t.settings.sigma) : json(nullptr);
    } else {
        for (const char* k : {"method", "bits", "granularity", "group_size", "sigma"}) j[k] = nullptr;
    }
    putMetrics(j, t.quantized ? &t.metrics : nullptr);
    j["elements"] = info ? json(info->numel()) : json(t.metrics.elements);
    j["seconds"] = t.seconds;
    return j;
}

std::string csvField(const std::string& s)
{
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += (c == '"' ? std::string("\"\"") : std::string(1, c));
    return out + "\"";
}

std::string csvNumber(double v)
{
    if (!std::isfinite(v)) return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

std::string shapeText(const TensorInfo* info)
{
    if (!info) return "";
    std::string s;
    for (std::size_t i = 0; i < info->shape.size(); ++i) s += (i ? "x" : "") + std::to_string(info->shape[i]);
    return s;
}

std::string metricColumns(const TensorMetrics& m)
{
    return csvNumber(m.mse) + ',' + csvNumber(m.relErr) + ',' + csvNumber(m.sqnrDb) + ',' +
           csvNumber(m.maxAbsErr) + ',' + csvNumber(m.cosine) + ',' + csvNumber(m.outlierFrac) + ',' +
           std::to_string(m.outliers) + ',' + csvNumber(m.bpw);
}

json modelSettingsJson(const ModelQuantSettings& settings)
{
    json s = settingsJson(settings.defaults);
    s["quantize_embeddings"] = settings.quantizeEmbeddings;
    s["quantize_head"] = settings.quantizeOutputHead;
    s["threads"] = settings.threads;
    json rules = json::array();
    for (const auto& r : settings.rules) rules.push_back({{"pattern", r.pattern}, {"spec", ruleSpecText(r)}});
    s["rules"] = std::move(rules);
    return s;
}

}  // namespace

std::string settingsToJson(const ModelQuantSettings& settings) { return modelSettingsJson(settings).dump(); }

std::string reportToJson(const ModelQuantResult& result, const ModelQuantSettings& settings,
                         const Checkpoint& source)
{
    json j;
    j["format"] = "quantscope-report";
    j["version"] = 1;
    j["quantscope_version"] = std::string(version());
    j["method"] = methodName(settings.defaults.method);
    j["bits"] = settings.defaults.bits;
    j["settings"] = modelSettingsJson(settings);
    j["source"] = {{"path", source.path().string()}, {"format", std::string(source.format())}};

    json totals;
    putMetrics(totals, &result.totals);
    totals["elements"] = result.totals.elements;
    totals["quantized_tensors"] = std::count_if(result.tensors.begin(), result.tensors.end(),
                                                [](const TensorOutcome& t) { return t.quantized; });
    totals["tensors"] = result.tensors.size();
    totals["quantized_params"] = result.quantizedParams;
    totals["total_params"] = result.totalParams;
    totals["seconds"] = result.seconds;
    j["totals"] = std::move(totals);
    json tensors = json::array();
    for (const auto& t : result.tensors) tensors.push_back(tensorJson(t, infoOf(source, t)));
    j["tensors"] = std::move(tensors);

    j["warnings"] = result.warnings;
    return j.dump(2) + "\n";
}

std::string reportToCsv(const ModelQuantResult& result, const Checkpoint& source)
{
    std::string out =
        "name,shape,dtype,quantized,method,bits,granularity,group_size,mse,rel_err,sqnr_db,max_abs_err,"
        "cosine,"
        "outlier_frac,outliers,bpw,elements,seconds,reason\n";
    for (const auto& t : result.tensors) {
        const auto* info = infoOf(source, t);
        out += csvField(t.name) + ',' + shapeText(info) + ',' +
               (info ? std::string(dtypeName(info->dtype)) : "") + ',' + (t.quantized ? "1" : "0") + ',';
        if (t.quantized) {
            const auto& q = t.settings;
            out += std::string(methodName(q.method)) + ',' + std::to_string(q.bits) + ',' +
                   std::string(granularityName(q.granularity)) + ',' +
                   (q.granularity == Granularity::PerGroup ? std::to_string(q.groupSize) : "") + ',' +
                   metricColumns(t.metrics);
        } else {
            out += ",,,,,,,,,,,";
        }
        out += ',' + std::to_string(info ? info->numel() : t.metrics.elements) + ',' + csvNumber(t.seconds) +
               ',' + csvField(t.reason) + '\n';
    }
    out += "TOTAL,,,,,,,," + metricColumns(result.totals) + ',' + std::to_string(result.totals.elements) +
           ',' + csvNumber(result.seconds) + ',' + std::to_string(result.quantizedParams) + " of " +
           std::to_string(result.totalParams) + " parameters quantized\n";
    return out;
}

void writeReport(const std::filesystem::path& path, const ModelQuantResult& result,
                 const ModelQuantSettings& settings, const Checkpoint& source)
{
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const std::string text =
        ext == ".csv" ? reportToCsv(result, source) : reportToJson(result, settings, source);
    // Whole or not at all, and never over the checkpoint it describes.
    const std::filesystem::path inputs[] = {source.path()};
    AtomicFile f(path, inputs);
    f.write(text.data(), text.size());
    f.commit();
}

}  // namespace qs
