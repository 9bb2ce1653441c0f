// Training the pillar detector on simulated scenes: targets, augmentation, the loop.
#include "quantscope/models/pillar_training.h"

#include "lidar/sim_random.h"
#include "quantscope/error.h"

#include <tbb/global_control.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <optional>

namespace qs {

namespace {

constexpr float kPi = std::numbers::pi_v<float>;

/// CenterNet's gaussian_radius: the largest corner shift that keeps IoU >= minOverlap.
float gaussianRadius(float height, float width, float minOverlap = 0.1f)
{
    const float b1 = height + width, c1 = width * height * (1 - minOverlap) / (1 + minOverlap);
    const float r1 = (b1 + std::sqrt(b1 * b1 - 4 * c1)) / 2;
    const float b2 = 2 * (height + width), c2 = (1 - minOverlap) * width * height;
    const float r2 = (b2 + std::sqrt(b2 * b2 - 16 * c2)) / 2;
    const float a3 = 4 * minOverlap, b3 = -2 * minOverlap * (height + width), c3 = (minOverlap - 1) * width * height;
    const float r3 = (b3 + std::sqrt(b3 * b3 - 4 * a3 * c3)) / 2;
    return std::min({r1, r2, r3});
}

void augment(PointCloud& cloud, std::vector<Box3D>& boxes, sim::Rng& rng)
{
    const bool flip = rng.chance(0.5);
    const float angle = rng.uniform(-kPi / 8, kPi / 8), s = rng.uniform(0.95f, 1.05f);
    const float c = std::cos(angle), sn = std::sin(angle);
    auto move = [&](float& x, float& y, float& z) {
        if (flip) y = -y;
        const float nx = c * x - sn * y, ny = sn * x + c * y;
        x = nx * s, y = ny * s, z *= s;
    };
    for (std::size_t i = 0; i < cloud.size(); ++i) move(cloud.x[i], cloud.y[i], cloud.z[i]);
    for (auto& b : boxes) {
        move(b.x, b.y, b.z);
        b.dx *= s, b.dy *= s, b.dz *= s;
        b.heading = wrapAngle((flip ? -b.heading : b.heading) + angle);
    }
}

bool inRange(const PillarDetectorConfig& cfg, const Box3D& b)
{
    return b.x >= cfg.xMin && b.x < cfg.xMax && b.y >= cfg.yMin && b.y < cfg.yMax;
}

}  // namespace

LidarSimSettings PillarTrainSettings::frontSimSettings()
{
    LidarSimSettings s;
    s.azimuthMinDeg = -90.0f;
    s.azimuthMaxDeg = 90.0f;
    return s;
}

std::uint64_t sceneSeed(std::uint64_t seed, int index)
{
    return sim::splitmix(sim::splitmix(seed) + static_cast<std::uint64_t>(index));
}

PillarTargets makePillarTargets(const PillarDetectorConfig& cfg, const std::vector<Box3D>& boxes)
{
    const int w = cfg.headW(), h = cfg.headH();
    const float cell = cfg.headCell();
    PillarTargets t;
    t.heatmap.assign(cfg.classes.size() * static_cast<std::size_t>(w * h), 0.0f);
    for (const auto& b : boxes) {
        const auto cls = std::find(cfg.classes.begin(), cfg.classes.end(), b.className);
        if (cls == cfg.classes.end() || !inRange(cfg, b)) continue;
        const float cx = (b.x - cfg.xMin) / cell, cy = (b.y - cfg.yMin) / cell;
        const int ix = static_cast<int>(cx), iy = static_cast<int>(cy);
        if (ix < 0 || iy < 0 || ix >= w || iy >= h) continue;
        const int radius = std::max(2, static_cast<int>(gaussianRadius(b.dx / cell, b.dy / cell)));
        const float sigma = (2.0f * static_cast<float>(radius) + 1.0f) / 6.0f;
        float* plane = t.heatmap.data() + (cls - cfg.classes.begin()) * w * h;
        for (int dy = -radius; dy <= radius; ++dy)
            for (int dx = -radius; dx <= radius; ++dx) {
                const int x = ix + dx, y = iy + dy;
                if (x < 0 || y < 0 || x >= w || y >= h) continue;
                const float g = dx == 0 && dy == 0 ? 1.0f : std::exp(-static_cast<float>(dx * dx + dy * dy) / (2 * sigma * sigma));
                plane[y * w + x] = std::max(plane[y * w + x], g);
            }
        t.centres.push_back(iy * w + ix);
        const float r[kPillarRegChannels] = {cx - static_cast<float>(ix), cy - static_cast<float>(iy), b.z, std::log(b.dx),
                                             std::log(b.dy), std::log(b.dz), std::sin(2 * b.heading), std::cos(2 * b.heading)};
        t.regression.insert(t.regression.end(), r, r + kPillarRegChannels);
    }
    return t;
}

PillarTrainResult trainPillarDetector(const PillarTrainSettings& st, const std::function<void(const TrainStep&)>& onStep,
                                      const ProgressFn& progress)
{
    if (st.scenes < 1 || st.epochs < 1 || st.batch < 1 || st.batch > 64 || !(st.learningRate > 0))
        throw InvalidArgument("lidar training: scenes, epochs, batch (1..64) and learning rate must be positive");
    std::optional<tbb::global_control> limit;
    if (st.threads > 0) limit.emplace(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(st.threads));
    const auto start = std::chrono::steady_clock::now();
    PillarTrainResult result{PillarDetector(st.config, sim::splitmix(st.seed ^ 0xD1CEull)), {}, 0.0};
    PillarDetector& model = result.model;
    const auto& cfg = model.config();
    ad::Adam adam(model.parameters(), {.lr = st.learningRate});
    const int perEpoch = (st.scenes + st.batch - 1) / st.batch;
    int total = perEpoch * st.epochs;
    if (st.maxSteps > 0) total = std::min(total, st.maxSteps);
    const int warmup = std::max(1, total / 20);
    const auto hw = static_cast<std::int64_t>(cfg.headW()) * cfg.headH();
    int step = 0;
    for (int epoch = 0; epoch < st.epochs && step < total; ++epoch) {
        std::vector<int> order(static_cast<std::size_t>(st.scenes));
        for (int i = 0; i < st.scenes; ++i) order[static_cast<std::size_t>(i)] = i;
        sim::Rng shuffle(sceneSeed(st.seed ^ 0x5EED, epoch));
        for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[static_cast<std::size_t>(shuffle.next() % i)]);
        for (int b0 = 0; b0 < st.scenes && step < total; b0 += st.batch) {
            const int n = std::min(st.batch, st.scenes - b0);
            std::vector<PointCloud> clouds(static_cast<std::size_t>(n));
            std::vector<float> heat;
            std::vector<std::int32_t> centres;
            std::vector<float> reg;
            for (int k = 0; k < n; ++k) {
                const int index = order[static_cast<std::size_t>(b0 + k)];
                SimulatedScene scene = simulateScene(sceneSeed(st.seed, index), st.sim);
                if (st.augment) {
                    sim::Rng rng(sceneSeed(st.seed ^ 0xA06, epoch * 1000003 + index));
                    augment(scene.cloud, scene.groundTruth, rng);
                }
                const PillarTargets t = makePillarTargets(cfg, scene.groundTruth);
                heat.insert(heat.end(), t.heatmap.begin(), t.heatmap.end());
                for (auto c : t.centres) centres.push_back(static_cast<std::int32_t>(k * hw + c));
                reg.insert(reg.end(), t.regression.begin(), t.regression.end());
                clouds[static_cast<std::size_t>(k)] = std::move(scene.cloud);
            }
            std::vector<const PointCloud*> ptrs;
            for (const auto& c : clouds) ptrs.push_back(&c);
            const HeadOutputs out = model.forward(makePillars(cfg, ptrs), true);
            const ad::Var heatLoss = ad::focalLoss(out.heatmap, heat);
            ad::Var loss = heatLoss;
            float regValue = 0.0f;
            if (!centres.empty()) {
                const ad::Var pred = ad::gatherPixels(out.regression, centres);
                const std::vector<float> ones(reg.size(), 1.0f);
                const ad::Var regLoss = ad::smoothL1Loss(pred, reg, ones, 0.0f, static_cast<float>(centres.size()));
                regValue = regLoss.item();
                loss = ad::add(heatLoss, ad::scale(regLoss, st.regressionWeight));
            }
            // Linear warm-up, then cosine decay to 2 % of the base rate.
            const float frac = static_cast<float>(step - warmup) / static_cast<float>(std::max(1, total - warmup));
            const float lr = step < warmup ? st.learningRate * static_cast<float>(step + 1) / static_cast<float>(warmup)
                                           : st.learningRate * (0.02f + 0.98f * 0.5f * (1.0f + std::cos(kPi * frac)));
            adam.setLearningRate(lr);
            ad::backward(loss);
            adam.step();
            ++step;
            TrainStep info{step, total, epoch, loss.item(), heatLoss.item(), regValue,
                           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
            result.history.push_back(info);
            if (onStep) onStep(info);
            if (progress && (step % std::max(1, total / 200) == 0 || step == total) &&
                !progress(static_cast<double>(step) / total, "training"))
                throw Cancelled();
        }
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

std::vector<EvalFrame> simulatedEvalFrames(const DetectorRuntime& runtime, std::uint64_t seed, int first, int count,
                                           const LidarSimSettings& sim, const DecodeSettings& decode)
{
    std::vector<EvalFrame> frames;
    for (int i = first; i < first + count; ++i) {
        const SimulatedScene scene = simulateScene(sceneSeed(seed, i), sim);
        EvalFrame f;
        f.id = "sim" + std::to_string(i);
        for (const auto& b : scene.groundTruth)
            if (inRange(runtime.config(), b)) f.groundTruth.push_back(b);
        f.detections = runtime.detect(scene.cloud, decode);
        frames.push_back(std::move(f));
    }
    return frames;
}

}  // namespace qs
