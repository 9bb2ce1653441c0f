// The trainable pillar detector: initialization, forward pass, safetensors save/load.
#include "quantscope/models/pillar_detector.h"

#include "lidar/sim_random.h"
#include "quantscope/error.h"
#include "quantscope/io/checkpoint.h"
#include "quantscope/io/safetensors_writer.h"

#include <cmath>

namespace qs {

namespace {

ad::Var uniformParam(ad::Shape shape, float bound, sim::Rng& rng)
{
    std::vector<float> v(static_cast<std::size_t>(ad::numelOf(shape)));
    for (auto& x : v) x = rng.uniform(-bound, bound);
    return ad::Var::parameter(std::move(shape), std::move(v));
}

ad::Var filled(std::int64_t n, float value)
{
    return ad::Var::parameter({n}, std::vector<float>(static_cast<std::size_t>(n), value));
}

}  // namespace

PillarDetector::PillarDetector(PillarDetectorConfig cfg, std::uint64_t seed) : m_cfg(std::move(cfg))
{
    m_cfg.validate();
    sim::Rng rng(seed);
    const int cp = m_cfg.pillarChannels, cb = m_cfg.backboneChannels;
    auto bnConv = [&](ad::Shape shape, int stride, int padding) {
        Conv c;
        const auto fanIn = ad::numelOf(shape) / shape[0];
        const std::int64_t out = shape[0];
        c.weight = uniformParam(std::move(shape), std::sqrt(6.0f / static_cast<float>(fanIn)), rng);  // He, for ReLU
        c.gamma = filled(out, 1.0f);
        c.beta = filled(out, 0.0f);
        c.bn = ad::BatchNormState(out);
        c.stride = stride, c.padding = padding;
        return c;
    };
    m_pfn = bnConv({cp, kPillarPointFeatures}, 1, 0);
    m_convs.push_back(bnConv({cp, cp, 3, 3}, 1, 1));
    m_convs.push_back(bnConv({cb, cp, 3, 3}, 2, 1));
    for (int i = 0; i < m_cfg.backboneBlocks; ++i) m_convs.push_back(bnConv({cb, cb, 3, 3}, 1, 1));
    m_convs.push_back(bnConv({cb, cb, 3, 3}, 1, 1));  // shared head conv
    const auto classes = static_cast<std::int64_t>(m_cfg.classes.size());
    const float headBound = 1.0f / std::sqrt(static_cast<float>(cb));
    m_heat.weight = uniformParam({classes, cb, 1, 1}, headBound, rng);
    m_heat.bias = filled(classes, -2.19f);  // sigmoid = 0.1: CenterNet's prior for rare centres
    m_heat.padding = 0;
    m_reg.weight = uniformParam({kPillarRegChannels, cb, 1, 1}, headBound, rng);
    m_reg.bias = filled(kPillarRegChannels, 0.0f);
    m_reg.padding = 0;
}

std::vector<ad::Var> PillarDetector::parameters() const
{
    std::vector<ad::Var> p{m_pfn.weight, m_pfn.gamma, m_pfn.beta};
    for (const auto& c : m_convs) p.insert(p.end(), {c.weight, c.gamma, c.beta});
    p.insert(p.end(), {m_heat.weight, m_heat.bias, m_reg.weight, m_reg.bias});
    return p;
}

std::int64_t PillarDetector::parameterCount() const
{
    std::int64_t n = 0;
    for (const auto& p : parameters()) n += p.numel();
    return n;
}

HeadOutputs PillarDetector::forward(const PillarBatch& batch, bool train)
{
    const auto& cfg = m_cfg;
    if (batch.batch < 1) throw InvalidArgument("pillar detector: empty batch");
    const ad::Var feats = ad::Var::constant({batch.points(), kPillarPointFeatures}, batch.features);
    // Batch statistics need two points; a cloud with fewer in range uses the running ones.
    ad::Var h = ad::linear(feats, m_pfn.weight);
    h = ad::relu(ad::batchNorm(h, m_pfn.gamma, m_pfn.beta, m_pfn.bn, train && batch.points() >= 2));
    h = ad::scatterMax(h, batch.pointPillar, batch.pillars());
    h = ad::scatterToGrid(h, batch.pillarCell, batch.batch, cfg.gridH(), cfg.gridW());
    for (auto& c : m_convs) {
        h = ad::conv2d(h, c.weight, {}, {c.stride, c.padding});
        h = ad::relu(ad::batchNorm(h, c.gamma, c.beta, c.bn, train));
    }
    return {ad::conv2d(h, m_heat.weight, m_heat.bias), ad::conv2d(h, m_reg.weight, m_reg.bias)};
}

std::vector<PillarDetector::Tensor> PillarDetector::namedTensors()
{
    std::vector<Tensor> t;
    auto var = [&](const std::string& name, const ad::Var& v) { t.push_back({name, v.shape(), &v.node().value}); };
    auto bn = [&](const std::string& prefix, Conv& c) {
        var(prefix + ".bn.weight", c.gamma);
        var(prefix + ".bn.bias", c.beta);
        const auto n = static_cast<std::int64_t>(c.bn.runningMean.size());
        t.push_back({prefix + ".bn.running_mean", {n}, &c.bn.runningMean});
        t.push_back({prefix + ".bn.running_var", {n}, &c.bn.runningVar});
    };
    var("pfn.linear.weight", m_pfn.weight);
    bn("pfn", m_pfn);
    for (std::size_t i = 0; i < m_convs.size(); ++i) {
        const std::string prefix = i + 1 == m_convs.size() ? "head.shared" : "backbone." + std::to_string(i);
        var(prefix + ".conv.weight", m_convs[i].weight);
        bn(prefix, m_convs[i]);
    }
    var("head.heatmap.weight", m_heat.weight);
    var("head.heatmap.bias", m_heat.bias);
    var("head.regression.weight", m_reg.weight);
    var("head.regression.bias", m_reg.bias);
    return t;
}

void PillarDetector::save(const std::filesystem::path& path, const std::map<std::string, std::string>& metadata) const
{
    SafetensorsWriter writer(path);
    writer.setMetadata("format", "quantscope-pillar-detector");
    writer.setMetadata("pillar_detector_config", m_cfg.toJson());
    for (const auto& [k, v] : metadata) writer.setMetadata(k, v);
    for (const auto& t : const_cast<PillarDetector*>(this)->namedTensors()) writer.addTensor(t.name, t.shape, *t.values);
    writer.commit();
}

PillarDetector PillarDetector::load(const std::filesystem::path& path)
{
    const auto ckpt = openCheckpoint(path);
    const auto it = ckpt->metadata().find("pillar_detector_config");
    if (it == ckpt->metadata().end())
        throw FormatError(path.string(), "__metadata__.pillar_detector_config", 0, "missing: not a QuantScope pillar detector");
    PillarDetector model(PillarDetectorConfig::fromJson(it->second), 0);
    for (const auto& t : model.namedTensors()) {
        const auto idx = ckpt->find(t.name);
        if (!idx) throw FormatError(path.string(), t.name, 0, "tensor missing");
        const Matrix m = ckpt->readMatrix(*idx);
        if (static_cast<std::int64_t>(m.values.size()) != ad::numelOf(t.shape))
            throw FormatError(path.string(), t.name, 0,
                              "has " + std::to_string(m.values.size()) + " values, expected " + std::to_string(ad::numelOf(t.shape)));
        *t.values = m.values;
    }
    return model;
}

}  // namespace qs
