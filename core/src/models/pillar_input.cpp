// Pillar detector configuration and pillarization (points -> pillars -> per-point features).
#include "quantscope/error.h"
#include "quantscope/models/pillar_detector.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace qs {

int PillarDetectorConfig::gridW() const { return static_cast<int>(std::lround((xMax - xMin) / pillarSize)); }
int PillarDetectorConfig::gridH() const { return static_cast<int>(std::lround((yMax - yMin) / pillarSize)); }

void PillarDetectorConfig::validate() const
{
    auto bad = [](const char* field) { throw InvalidArgument(std::string("pillar detector config: bad ") + field); };
    if (!(xMax > xMin) || !(yMax > yMin) || !(zMax > zMin)) bad("range");
    if (!(pillarSize >= 0.05f) || gridW() < 4 || gridH() < 4 || gridW() > 4096 || gridH() > 4096) bad("pillar_size");
    if (maxPointsPerPillar < 1 || maxPointsPerPillar > 1024) bad("max_points_per_pillar");
    if (pillarChannels < 1 || pillarChannels > 256) bad("pillar_channels");
    if (backboneChannels < 1 || backboneChannels > 512) bad("backbone_channels");
    if (backboneBlocks < 0 || backboneBlocks > 16) bad("backbone_blocks");
    if (classes.empty() || classes.size() > 16) bad("classes");
}

std::string PillarDetectorConfig::toJson() const
{
    return nlohmann::json{{"x_min", xMin}, {"x_max", xMax}, {"y_min", yMin}, {"y_max", yMax}, {"z_min", zMin},
                          {"z_max", zMax}, {"pillar_size", pillarSize}, {"max_points_per_pillar", maxPointsPerPillar},
                          {"pillar_channels", pillarChannels}, {"backbone_channels", backboneChannels},
                          {"backbone_blocks", backboneBlocks}, {"classes", classes}}
        .dump();
}

PillarDetectorConfig PillarDetectorConfig::fromJson(const std::string& text)
{
    PillarDetectorConfig c;
    try {
        const auto j = nlohmann::json::parse(text);
        c.xMin = j.at("x_min"), c.xMax = j.at("x_max"), c.yMin = j.at("y_min"), c.yMax = j.at("y_max");
        c.zMin = j.at("z_min"), c.zMax = j.at("z_max"), c.pillarSize = j.at("pillar_size");
        c.maxPointsPerPillar = j.at("max_points_per_pillar"), c.pillarChannels = j.at("pillar_channels");
        c.backboneChannels = j.at("backbone_channels"), c.backboneBlocks = j.at("backbone_blocks");
        c.classes = j.at("classes").get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception& e) {
        throw InvalidArgument(std::string("pillar detector config: ") + e.what());
    }
    c.validate();
    return c;
}

PillarBatch makePillars(const PillarDetectorConfig& cfg, const std::vector<const PointCloud*>& clouds)
{
    const int w = cfg.gridW(), h = cfg.gridH();
    PillarBatch out;
    out.batch = static_cast<int>(clouds.size());
    std::vector<std::int32_t> cellPillar(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
    std::vector<std::int32_t> count;
    std::vector<std::array<double, 3>> sums;
    std::vector<std::size_t> kept;  // point indices of the current cloud, in order
    for (std::size_t n = 0; n < clouds.size(); ++n) {
        const PointCloud& pc = *clouds[n];
        std::fill(cellPillar.begin(), cellPillar.end(), -1);
        // nuScenes and LAS store intensity as 0..255 or 0..65535; the detector sees 0..1.
        float imax = 0.0f;
        for (float v : pc.intensity) imax = std::max(imax, v);
        const float iscale = imax > 255.5f ? 1.0f / 65535.0f : (imax > 1.5f ? 1.0f / 255.0f : 1.0f);
        kept.clear();
        std::vector<std::int32_t> keptPillar;
        for (std::size_t i = 0; i < pc.size(); ++i) {
            const float x = pc.x[i], y = pc.y[i], z = pc.z[i];
            if (!(x >= cfg.xMin && x < cfg.xMax && y >= cfg.yMin && y < cfg.yMax && z >= cfg.zMin && z < cfg.zMax)) continue;
            const int ix = std::min(w - 1, static_cast<int>((x - cfg.xMin) / cfg.pillarSize));
            const int iy = std::min(h - 1, static_cast<int>((y - cfg.yMin) / cfg.pillarSize));
            auto& p = cellPillar[static_cast<std::size_t>(iy) * static_cast<std::size_t>(w) + static_cast<std::size_t>(ix)];
            if (p < 0) {
                p = static_cast<std::int32_t>(out.pillarCell.size());
                out.pillarCell.push_back(static_cast<std::int32_t>(n * static_cast<std::size_t>(w * h)) + iy * w + ix);
                count.push_back(0);
                sums.push_back({0, 0, 0});
            }
            if (count[static_cast<std::size_t>(p)] >= cfg.maxPointsPerPillar) continue;
            ++count[static_cast<std::size_t>(p)];
            sums[static_cast<std::size_t>(p)][0] += x;
            sums[static_cast<std::size_t>(p)][1] += y;
            sums[static_cast<std::size_t>(p)][2] += z;
            kept.push_back(i);
            keptPillar.push_back(p);
        }
        for (std::size_t k = 0; k < kept.size(); ++k) {
            const std::size_t i = kept[k];
            const auto p = static_cast<std::size_t>(keptPillar[k]);
            const double c = count[p];
            const std::int32_t cell = out.pillarCell[p] % (w * h);
            const float cx = cfg.xMin + (static_cast<float>(cell % w) + 0.5f) * cfg.pillarSize;
            const float cy = cfg.yMin + (static_cast<float>(cell / w) + 0.5f) * cfg.pillarSize;
            const float x = pc.x[i], y = pc.y[i], z = pc.z[i];
            const float in = pc.hasIntensity && i < pc.intensity.size() ? pc.intensity[i] * iscale : 0.0f;
            // Absolute coordinates scaled to about [-1, 1]; the offsets stay in metres.
            const float f[kPillarPointFeatures] = {x / cfg.xMax, y / cfg.yMax, z, in,
                                                   static_cast<float>(x - sums[p][0] / c), static_cast<float>(y - sums[p][1] / c),
                                                   static_cast<float>(z - sums[p][2] / c), x - cx, y - cy};
            out.features.insert(out.features.end(), f, f + kPillarPointFeatures);
            out.pointPillar.push_back(static_cast<std::int32_t>(p));
        }
    }
    return out;
}

}  // namespace qs
