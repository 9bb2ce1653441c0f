// The detector's inference path: folded batch norm, quantized weights, fake-quantized
// activations, decoding to boxes and the pred_velo writer.
#include "quantscope/error.h"
#include "quantscope/io/atomic_file.h"
#include "quantscope/lidar/iou.h"
#include "quantscope/lidar/kitti.h"
#include "quantscope/models/pillar_detector.h"
#include "quantscope/quant/quantize.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace qs {

namespace {

/// Batch norm after a layer without bias, folded: W' = W * s, b' = beta - mean * s with
/// s = gamma / sqrt(var + eps), per output channel.
template <class Conv>
void fold(const Conv& c, ad::Var& weight, ad::Var& bias)
{
    const auto out = c.weight.dim(0);
    const auto per = c.weight.numel() / out;
    std::vector<float> w(c.weight.value().begin(), c.weight.value().end()), b(static_cast<std::size_t>(out));
    for (std::int64_t o = 0; o < out; ++o) {
        const auto k = static_cast<std::size_t>(o);
        const double s = c.gamma.value()[k] / std::sqrt(static_cast<double>(c.bn.runningVar[k]) + c.bn.eps);
        for (std::int64_t i = 0; i < per; ++i) w[static_cast<std::size_t>(o * per + i)] = static_cast<float>(w[static_cast<std::size_t>(o * per + i)] * s);
        b[k] = static_cast<float>(c.beta.value()[k] - c.bn.runningMean[k] * s);
    }
    weight = ad::Var::constant(c.weight.shape(), std::move(w));
    bias = ad::Var::constant({out}, std::move(b));
}

ad::Var copyOf(const ad::Var& v) { return ad::Var::constant(v.shape(), {v.value().begin(), v.value().end()}); }

void observe(std::vector<ActivationRange>* ranges, std::size_t slot, const std::string& name, const ad::Var& x)
{
    if (!ranges) return;
    float lo = std::numeric_limits<float>::infinity(), hi = -lo;
    for (float v : x.value()) lo = std::min(lo, v), hi = std::max(hi, v);
    if (ranges->size() <= slot) ranges->resize(slot + 1, {name, lo, hi});
    auto& r = (*ranges)[slot];
    r.layer = name;
    r.lo = std::min(r.lo, lo);
    r.hi = std::max(r.hi, hi);
}

}  // namespace

DetectorRuntime::DetectorRuntime(const PillarDetector& model) : m_cfg(model.m_cfg)
{
    m_pfn.name = "pfn.linear";
    fold(model.m_pfn, m_pfn.weight, m_pfn.bias);
    for (std::size_t i = 0; i < model.m_convs.size(); ++i) {
        Layer l;
        l.name = i + 1 == model.m_convs.size() ? "head.shared" : "backbone." + std::to_string(i);
        fold(model.m_convs[i], l.weight, l.bias);
        l.stride = model.m_convs[i].stride, l.padding = model.m_convs[i].padding;
        m_convs.push_back(std::move(l));
    }
    m_heat = {"head.heatmap", copyOf(model.m_heat.weight), copyOf(model.m_heat.bias), 1, 0, false};
    m_reg = {"head.regression", copyOf(model.m_reg.weight), copyOf(model.m_reg.bias), 1, 0, false};
}

std::vector<std::pair<std::string, ad::Shape>> DetectorRuntime::layers() const
{
    std::vector<std::pair<std::string, ad::Shape>> out{{m_pfn.name, m_pfn.weight.shape()}};
    for (const auto& l : m_convs) out.push_back({l.name, l.weight.shape()});
    out.push_back({m_heat.name, m_heat.weight.shape()});
    out.push_back({m_reg.name, m_reg.weight.shape()});
    return out;
}

double DetectorRuntime::quantizeWeights(const QuantSettings& settings)
{
    double bits = 0.0, count = 0.0;
    auto quantize = [&](Layer& l) {
        Matrix m(l.weight.dim(0), l.weight.numel() / l.weight.dim(0));
        std::copy(l.weight.value().begin(), l.weight.value().end(), m.values.begin());
        const QuantizedTensor q = quantizeMatrix(m, settings);
        const Matrix d = q.dequantize();
        l.weight = ad::Var::constant(l.weight.shape(), d.values);
        bits += q.bitsPerWeight() * static_cast<double>(m.size());
        count += static_cast<double>(m.size());
    };
    quantize(m_pfn);
    for (auto& l : m_convs) quantize(l);
    quantize(m_heat);
    quantize(m_reg);
    return count > 0 ? bits / count : 0.0;
}

HeadOutputs DetectorRuntime::runLayers(const PillarBatch& batch, std::vector<ActivationRange>* ranges) const
{
    ad::NoGradGuard noGrad;
    std::size_t slot = 0;
    // Fake-quantizes a layer's input with the calibrated range (and records it when observing).
    auto input = [&](const Layer& l, const ad::Var& x) {
        observe(ranges, slot, l.name, x);
        const std::size_t s = slot++;
        if (m_actBits == 0 || s >= m_ranges.size()) return x;
        const auto& r = m_ranges[s];
        return ad::fakeQuant(x, r.lo, std::max(r.hi, r.lo + 1e-6f), m_actBits);
    };
    const ad::Var feats = ad::Var::constant({batch.points(), kPillarPointFeatures}, batch.features);
    ad::Var h = ad::relu(ad::linear(input(m_pfn, feats), m_pfn.weight, m_pfn.bias));
    h = ad::scatterMax(h, batch.pointPillar, batch.pillars());
    h = ad::scatterToGrid(h, batch.pillarCell, batch.batch, m_cfg.gridH(), m_cfg.gridW());
    for (const auto& l : m_convs) h = ad::relu(ad::conv2d(input(l, h), l.weight, l.bias, {l.stride, l.padding}));
    const ad::Var head = input(m_heat, h);  // both output convolutions read this tensor: one range
    return {ad::conv2d(head, m_heat.weight, m_heat.bias), ad::conv2d(head, m_reg.weight, m_reg.bias)};
}

void DetectorRuntime::calibrateActivations(const std::vector<const PointCloud*>& clouds, int bits)
{
    if (clouds.empty()) throw InvalidArgument("calibrateActivations: no calibration point clouds");
    if (bits < 2 || bits > 16) throw InvalidArgument("calibrateActivations: activation bits must be 2..16");
    m_actBits = 0;
    std::vector<ActivationRange> ranges;
    for (const PointCloud* c : clouds) runLayers(makePillars(m_cfg, {c}), &ranges);
    m_ranges = std::move(ranges);
    m_actBits = bits;
}

HeadOutputs DetectorRuntime::run(const PointCloud& cloud) const { return runLayers(makePillars(m_cfg, {&cloud}), nullptr); }

std::vector<Box3D> DetectorRuntime::detect(const PointCloud& cloud, const DecodeSettings& settings) const
{
    return decodeDetections(m_cfg, run(cloud), 0, settings);
}

std::vector<Box3D> decodeDetections(const PillarDetectorConfig& cfg, const HeadOutputs& out, int n, const DecodeSettings& st)
{
    const auto classes = static_cast<int>(cfg.classes.size());
    const auto h = out.heatmap.dim(2), w = out.heatmap.dim(3), hw = h * w;
    if (out.heatmap.dim(1) != classes || out.regression.dim(1) != kPillarRegChannels || n < 0 || n >= out.heatmap.dim(0))
        throw InvalidArgument("decodeDetections: head outputs do not match the config");
    const float* heat = out.heatmap.value().data() + static_cast<std::int64_t>(n) * classes * hw;
    const float* reg = out.regression.value().data() + static_cast<std::int64_t>(n) * kPillarRegChannels * hw;
    const float logitThreshold = std::log(st.scoreThreshold / (1.0f - st.scoreThreshold));
    std::vector<Box3D> result;
    for (int k = 0; k < classes; ++k) {
        const float* plane = heat + static_cast<std::int64_t>(k) * hw;
        std::vector<std::pair<float, std::int64_t>> peaks;
        for (std::int64_t y = 0; y < h; ++y)
            for (std::int64_t x = 0; x < w; ++x) {
                const float v = plane[y * w + x];
                if (v < logitThreshold) continue;
                bool isMax = true;
                for (std::int64_t dy = -1; dy <= 1 && isMax; ++dy)
                    for (std::int64_t dx = -1; dx <= 1; ++dx) {
                        const auto yy = y + dy, xx = x + dx;
                        if ((dy || dx) && yy >= 0 && yy < h && xx >= 0 && xx < w && plane[yy * w + xx] > v) {
                            isMax = false;
                            break;
                        }
                    }
                if (isMax) peaks.push_back({v, y * w + x});
            }
        std::sort(peaks.begin(), peaks.end(), [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
        if (static_cast<int>(peaks.size()) > st.maxPerClass) peaks.resize(static_cast<std::size_t>(st.maxPerClass));
        std::vector<Box3D> boxes;
        for (const auto& [logit, pix] : peaks) {
            auto r = [&](int c) { return reg[static_cast<std::int64_t>(c) * hw + pix]; };
            Box3D b;
            b.className = cfg.classes[static_cast<std::size_t>(k)];
            b.score = 1.0f / (1.0f + std::exp(-logit));
            b.x = cfg.xMin + (static_cast<float>(pix % w) + r(0)) * cfg.headCell();
            b.y = cfg.yMin + (static_cast<float>(pix / w) + r(1)) * cfg.headCell();
            b.z = r(2);
            b.dx = std::exp(std::clamp(r(3), -3.0f, 3.0f));
            b.dy = std::exp(std::clamp(r(4), -3.0f, 3.0f));
            b.dz = std::exp(std::clamp(r(5), -3.0f, 3.0f));
            // The head predicts (sin 2h, cos 2h): a box is the same box after a half turn.
            b.heading = wrapAngle(0.5f * std::atan2(r(6), r(7)));
            bool keep = true;
            if (st.nmsIou > 0)
                for (const auto& kept : boxes)
                    if (bevIou(kept, b) > st.nmsIou) {
                        keep = false;
                        break;
                    }
            if (keep) boxes.push_back(b);
        }
        result.insert(result.end(), boxes.begin(), boxes.end());
    }
    return result;
}

DetectorRuntime makeRuntime(const std::filesystem::path& model, const RuntimeQuantization& q,
                            const std::vector<const PointCloud*>& calibration)
{
    DetectorRuntime rt(PillarDetector::load(model));
    if (q.weights) rt.quantizeWeights(*q.weights);
    if (q.activationBits > 0) rt.calibrateActivations(calibration, q.activationBits);
    return rt;
}

void writePredVelo(const std::filesystem::path& path, const std::vector<Box3D>& boxes)
{
    const auto& names = predVeloClassNames();
    std::string text;
    char line[256];
    for (const auto& b : boxes) {
        const auto it = std::find(names.begin(), names.end(), b.className);
        if (it == names.end()) continue;  // pred_velo knows Car, Pedestrian, Cyclist only
        std::snprintf(line, sizeof line, "%.4f %.4f %.4f %.4f %.4f %.4f %.5f %d %.5f\n", b.x, b.y, b.z, b.dx, b.dy, b.dz,
                      b.heading, static_cast<int>(it - names.begin()), b.score);
        text += line;
    }
    AtomicFile file(path);
    file.write(text.data(), text.size());
    file.commit();
}

}  // namespace qs
