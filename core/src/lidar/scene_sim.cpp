// The LiDAR scene simulator (see scene_sim.h): scene layout, then one ray per (beam, azimuth).
#include "quantscope/lidar/scene_sim.h"

#include "lidar/sim_random.h"
#include "quantscope/error.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace qs {

namespace {

constexpr float kPi = std::numbers::pi_v<float>;
constexpr float kDeg = kPi / 180.0f;

/// One oriented box primitive (yaw about z) that rays hit.
struct Solid {
    float cx, cy, cz;     // centre
    float hx, hy, hz;     // half extents
    float cosYaw, sinYaw;
    float reflectivity;
    bool cylinder = false;  // vertical cylinder of radius hx (hy ignored)
    // Azimuth window seen from the sensor (culling before the exact test); always = inside.
    float azimuth = 0.0f, halfWidth = 0.0f;
    bool always = true;
};

struct Ground {
    float height;  // z at the sensor's foot
    float slopeX, slopeY;
    float at(float x, float y) const { return height + slopeX * x + slopeY * y; }
};

struct Layout {
    Ground ground;
    std::vector<Solid> solids;
    std::vector<Box3D> labelled;
    std::vector<std::array<float, 3>> footprints;  // x, y, radius: keeps objects apart
};

Solid makeSolid(float cx, float cy, float cz, float dx, float dy, float dz, float yaw, float refl)
{
    return {cx, cy, cz, dx / 2, dy / 2, dz / 2, std::cos(yaw), std::sin(yaw), refl, false};
}

/// A box part placed in an object's frame: (fx, fy) offset along/across the heading, z0..z1
/// above the object's bottom.
void addPart(Layout& l, const Box3D& o, float bottom, float fx, float fy, float dx, float dy, float z0, float z1, float refl)
{
    const float c = std::cos(o.heading), s = std::sin(o.heading);
    l.solids.push_back(makeSolid(o.x + c * fx - s * fy, o.y + s * fx + c * fy, bottom + (z0 + z1) / 2, dx, dy, z1 - z0, o.heading, refl));
}

bool placeFree(Layout& l, float x, float y, float r)
{
    if (std::hypot(x, y) < r + 2.0f) return false;  // keep the sensor's car clear
    for (const auto& f : l.footprints)
        if (std::hypot(x - f[0], y - f[1]) < r + f[2]) return false;
    l.footprints.push_back({x, y, r});
    return true;
}

/// Road frame: the scene's road runs along `roadYaw` through (0, roadOffset).
struct Road {
    float yaw, offset, halfWidth;
    std::array<float, 2> toWorld(float along, float across) const
    {
        const float c = std::cos(yaw), s = std::sin(yaw);
        return {c * along - s * (across + offset), s * along + c * (across + offset)};
    }
};

bool inArea(const LidarSimSettings& st, float x, float y)
{
    return x > -st.areaMaxX / 3 && x < st.areaMaxX && std::abs(y) < st.areaMaxY;
}

void addCar(Layout& l, sim::Rng& rng, const LidarSimSettings& st, const Road& road)
{
    for (int attempt = 0; attempt < 20; ++attempt) {
        Box3D b;
        b.className = "Car";
        b.dx = rng.uniform(3.5f, 4.7f), b.dy = rng.uniform(1.5f, 1.85f), b.dz = rng.uniform(1.4f, 1.7f);
        const int kind = rng.integer(0, 9);  // 0-5 driving, 6-8 parked at the kerb, 9 anywhere
        float along = rng.uniform(-st.areaMaxX, st.areaMaxX * 1.2f), across, yaw;
        if (kind <= 5) {
            across = rng.uniform(-road.halfWidth + 1.5f, road.halfWidth - 1.5f);
            yaw = road.yaw + (across > 0 ? kPi : 0.0f) + rng.uniform(-0.08f, 0.08f);
        } else if (kind <= 8) {
            across = (rng.chance(0.5) ? 1.0f : -1.0f) * (road.halfWidth + rng.uniform(0.8f, 1.6f));
            yaw = road.yaw + (rng.chance(0.5) ? kPi : 0.0f) + rng.uniform(-0.15f, 0.15f);
        } else {
            across = (rng.chance(0.5) ? 1.0f : -1.0f) * rng.uniform(road.halfWidth + 4.0f, road.halfWidth + 25.0f);
            yaw = rng.uniform(-kPi, kPi);
        }
        const auto p = road.toWorld(along, across);
        if (!inArea(st, p[0], p[1]) || !placeFree(l, p[0], p[1], 0.5f * std::hypot(b.dx, b.dy) + 0.3f)) continue;
        b.x = p[0], b.y = p[1], b.heading = wrapAngle(yaw);
        const float bottom = l.ground.at(b.x, b.y);
        b.z = bottom + b.dz / 2;
        const float paint = rng.uniform(0.08f, 0.45f);
        addPart(l, b, bottom, 0, 0, b.dx, b.dy, 0.18f, 0.58f * b.dz, paint);                                // body
        addPart(l, b, bottom, -0.08f * b.dx, 0, 0.55f * b.dx, 0.9f * b.dy, 0.58f * b.dz, b.dz, paint * 0.6f);  // cabin / glass
        for (float fx : {-0.32f, 0.32f})  // wheels under the body
            for (float fy : {-0.42f, 0.42f}) addPart(l, b, bottom, fx * b.dx, fy * b.dy, 0.6f, 0.2f, 0.0f, 0.3f, 0.05f);
        l.labelled.push_back(b);
        return;
    }
}

void addPerson(Layout& l, sim::Rng& rng, const LidarSimSettings& st, const Road& road, bool cyclist)
{
    for (int attempt = 0; attempt < 20; ++attempt) {
        Box3D b;
        b.className = cyclist ? "Cyclist" : "Pedestrian";
        const float along = rng.uniform(-st.areaMaxX, st.areaMaxX * 1.2f);
        float across, yaw;
        if (cyclist) {
            b.dx = rng.uniform(1.55f, 1.95f), b.dy = rng.uniform(0.5f, 0.75f), b.dz = rng.uniform(1.6f, 1.85f);
            across = (rng.chance(0.5) ? 1.0f : -1.0f) * rng.uniform(road.halfWidth - 1.5f, road.halfWidth + 0.5f);
            yaw = road.yaw + (across > 0 ? kPi : 0.0f) + rng.uniform(-0.2f, 0.2f);
            if (rng.chance(0.15)) yaw = rng.uniform(-kPi, kPi);
        } else {
            b.dx = rng.uniform(0.5f, 0.95f), b.dy = rng.uniform(0.5f, 0.75f), b.dz = rng.uniform(1.5f, 1.9f);
            across = (rng.chance(0.5) ? 1.0f : -1.0f) * rng.uniform(road.halfWidth + 0.5f, road.halfWidth + 6.0f);
            if (rng.chance(0.2)) across = rng.uniform(-road.halfWidth, road.halfWidth);  // crossing
            yaw = rng.uniform(-kPi, kPi);
        }
        const auto p = road.toWorld(along, across);
        if (!inArea(st, p[0], p[1]) || !placeFree(l, p[0], p[1], 0.5f * std::hypot(b.dx, b.dy) + 0.2f)) continue;
        b.x = p[0], b.y = p[1], b.heading = wrapAngle(yaw);
        const float bottom = l.ground.at(b.x, b.y);
        b.z = bottom + b.dz / 2;
        const float cloth = rng.uniform(0.1f, 0.5f);
        if (cyclist) {
            addPart(l, b, bottom, 0, 0, b.dx, 0.12f, 0.0f, 0.55f * b.dz, 0.3f);                       // bicycle
            addPart(l, b, bottom, -0.1f * b.dx, 0, 0.45f, 0.9f * b.dy, 0.45f * b.dz, 0.85f * b.dz, cloth);  // rider
            addPart(l, b, bottom, -0.05f * b.dx, 0, 0.25f, 0.25f, 0.85f * b.dz, b.dz, cloth);          // head
        } else {
            addPart(l, b, bottom, 0, 0, 0.6f * b.dx, 0.8f * b.dy, 0.0f, 0.48f * b.dz, cloth);          // legs
            addPart(l, b, bottom, 0, 0, 0.8f * b.dx, b.dy, 0.48f * b.dz, 0.86f * b.dz, cloth);         // torso
            addPart(l, b, bottom, 0, 0, 0.28f, 0.25f, 0.86f * b.dz, b.dz, 0.2f);                       // head
        }
        l.labelled.push_back(b);
        return;
    }
}

void addClutter(Layout& l, sim::Rng& rng, const LidarSimSettings& st, const Road& road)
{
    const int kind = rng.integer(0, 9);
    const float side = rng.chance(0.5) ? 1.0f : -1.0f;
    const float along = rng.uniform(-st.areaMaxX, st.areaMaxX * 1.2f);
    if (kind <= 1) {  // a building facade or wall along the road
        const float len = rng.uniform(8.0f, 40.0f), depth = rng.uniform(0.3f, 8.0f), h = rng.uniform(1.0f, 12.0f);
        const float across = side * (road.halfWidth + rng.uniform(6.0f, 16.0f) + depth / 2);
        const auto p = road.toWorld(along, across);
        if (!placeFree(l, p[0], p[1], 0.5f * std::hypot(len, depth) * 0.35f)) return;
        l.solids.push_back(makeSolid(p[0], p[1], l.ground.at(p[0], p[1]) + h / 2, len, depth, h, road.yaw, rng.uniform(0.1f, 0.5f)));
        return;
    }
    const float across = side * (road.halfWidth + rng.uniform(0.3f, 14.0f));
    const auto p = road.toWorld(along, across);
    if (!inArea(st, p[0], p[1])) return;
    const float g = l.ground.at(p[0], p[1]);
    if (kind <= 4) {  // pole (street light, sign)
        if (!placeFree(l, p[0], p[1], 0.4f)) return;
        const float r = rng.uniform(0.06f, 0.2f), h = rng.uniform(2.5f, 8.0f);
        Solid s = makeSolid(p[0], p[1], g + h / 2, 2 * r, 2 * r, h, 0.0f, rng.uniform(0.2f, 0.6f));
        s.cylinder = true;
        l.solids.push_back(s);
        if (rng.chance(0.4)) l.solids.push_back(makeSolid(p[0], p[1], g + h - 0.4f, 0.1f, 0.8f, 0.6f, rng.uniform(-kPi, kPi), 0.8f));
    } else if (kind <= 6) {  // tree: trunk and crown
        if (!placeFree(l, p[0], p[1], 1.5f)) return;
        const float h = rng.uniform(3.0f, 8.0f), crown = rng.uniform(1.5f, 4.0f);
        Solid t = makeSolid(p[0], p[1], g + h / 2, 0.4f, 0.4f, h, 0.0f, 0.3f);
        t.cylinder = true;
        l.solids.push_back(t);
        Solid c = makeSolid(p[0], p[1], g + h, crown, crown, crown, 0.0f, 0.35f);
        c.cylinder = true;
        l.solids.push_back(c);
    } else {  // bins, bushes, boxes, low walls: shapes a detector must learn to reject
        const float dx = rng.uniform(0.4f, 3.0f), dy = rng.uniform(0.4f, 2.0f), h = rng.uniform(0.4f, 2.2f);
        if (!placeFree(l, p[0], p[1], 0.5f * std::hypot(dx, dy))) return;
        l.solids.push_back(makeSolid(p[0], p[1], g + h / 2, dx, dy, h, rng.uniform(-kPi, kPi), rng.uniform(0.05f, 0.6f)));
    }
}

Layout makeLayout(std::uint64_t seed, const LidarSimSettings& st)
{
    sim::Rng rng(seed);
    Layout l;
    l.ground = {-st.sensorHeight + rng.uniform(-0.08f, 0.08f), rng.uniform(-0.01f, 0.01f), rng.uniform(-0.01f, 0.01f)};
    const Road road{rng.uniform(-0.5f, 0.5f), rng.uniform(-3.0f, 3.0f), rng.uniform(5.0f, 9.0f)};
    const int cars = rng.integer(st.minCars, st.maxCars), peds = rng.integer(st.minPedestrians, st.maxPedestrians);
    const int cyclists = rng.integer(st.minCyclists, st.maxCyclists), clutter = rng.integer(st.minClutter, st.maxClutter);
    for (int i = 0; i < cars; ++i) addCar(l, rng, st, road);
    for (int i = 0; i < peds; ++i) addPerson(l, rng, st, road, false);
    for (int i = 0; i < cyclists; ++i) addPerson(l, rng, st, road, true);
    for (int i = 0; i < clutter; ++i) addClutter(l, rng, st, road);
    return l;
}

struct Hit {
    float t = std::numeric_limits<float>::infinity();
    float reflectivity = 0.0f;
    float cosIncidence = 1.0f;
};

/// Ray (origin 0, direction d) against one solid; updates `hit` when nearer.
void intersect(const Solid& s, const float d[3], Hit& hit)
{
    // Into the solid's frame: rotate by -yaw about its centre.
    const float ox = -s.cx, oy = -s.cy, oz = -s.cz;
    const float lox = s.cosYaw * ox + s.sinYaw * oy, loy = -s.sinYaw * ox + s.cosYaw * oy;
    const float ldx = s.cosYaw * d[0] + s.sinYaw * d[1], ldy = -s.sinYaw * d[0] + s.cosYaw * d[1];
    if (s.cylinder) {
        const float a = ldx * ldx + ldy * ldy, b = 2 * (lox * ldx + loy * ldy), c = lox * lox + loy * loy - s.hx * s.hx;
        const float disc = b * b - 4 * a * c;
        if (a <= 0 || disc < 0) return;
        const float t = (-b - std::sqrt(disc)) / (2 * a);
        if (t <= 0 || t >= hit.t) return;
        const float z = oz + t * d[2];
        if (std::abs(z) > s.hz) return;
        const float nx = (lox + t * ldx) / s.hx, ny = (loy + t * ldy) / s.hx;
        hit = {t, s.reflectivity, std::abs(nx * ldx + ny * ldy)};
        return;
    }
    const float o[3] = {lox, loy, oz}, dir[3] = {ldx, ldy, d[2]}, h[3] = {s.hx, s.hy, s.hz};
    float tNear = -std::numeric_limits<float>::infinity(), tFar = std::numeric_limits<float>::infinity();
    int axis = 0;
    for (int k = 0; k < 3; ++k) {
        if (std::abs(dir[k]) < 1e-9f) {
            if (std::abs(o[k]) > h[k]) return;
            continue;
        }
        float t0 = (-h[k] - o[k]) / dir[k], t1 = (h[k] - o[k]) / dir[k];
        if (t0 > t1) std::swap(t0, t1);
        if (t0 > tNear) tNear = t0, axis = k;
        tFar = std::min(tFar, t1);
    }
    if (tNear > tFar || tNear <= 0 || tNear >= hit.t) return;
    hit = {tNear, s.reflectivity, std::abs(dir[axis])};
}

}  // namespace

std::vector<float> simulatedBeamElevations(int beams)
{
    // HDL-64E: the upper block spans +2 .. -8.33 deg, the lower -8.83 .. -24.33 deg.
    std::vector<float> e(static_cast<std::size_t>(beams));
    const int upper = beams / 2, lower = beams - upper;
    for (int i = 0; i < upper; ++i) e[static_cast<std::size_t>(i)] = 2.0f - 10.33f * static_cast<float>(i) / static_cast<float>(std::max(1, upper - 1));
    for (int i = 0; i < lower; ++i)
        e[static_cast<std::size_t>(upper + i)] = -8.83f - 15.5f * static_cast<float>(i) / static_cast<float>(std::max(1, lower - 1));
    return e;
}

SimulatedScene simulateScene(std::uint64_t seed, const LidarSimSettings& st)
{
    if (st.beams < 2 || st.beams > 256 || !(st.azimuthStepDeg >= 0.01f) || !(st.azimuthMaxDeg > st.azimuthMinDeg) ||
        st.azimuthMaxDeg - st.azimuthMinDeg > 360.0f + 1e-3f || !(st.maxRange > 1.0f) || st.dropout < 0 || st.dropout >= 1 ||
        st.minCars > st.maxCars || st.minPedestrians > st.maxPedestrians || st.minCyclists > st.maxCyclists ||
        st.minClutter > st.maxClutter || st.minCars < 0 || st.minPedestrians < 0 || st.minCyclists < 0 || st.minClutter < 0)
        throw InvalidArgument("simulateScene: settings out of range");
    Layout layout = makeLayout(seed, st);
    for (auto& s : layout.solids) {
        const float dist = std::hypot(s.cx, s.cy), radius = s.cylinder ? s.hx : std::hypot(s.hx, s.hy);
        s.always = dist <= radius + 0.5f;
        if (!s.always) s.azimuth = std::atan2(s.cy, s.cx), s.halfWidth = std::asin(radius / dist) + 0.01f;
    }
    const auto elevations = simulatedBeamElevations(st.beams);
    const auto columns = static_cast<std::int64_t>(std::floor((st.azimuthMaxDeg - st.azimuthMinDeg) / st.azimuthStepDeg));
    const std::int64_t rays = columns * st.beams;
    std::vector<std::array<float, 4>> points(static_cast<std::size_t>(rays));
    std::vector<std::uint8_t> valid(static_cast<std::size_t>(rays), 0);
    tbb::parallel_for(std::int64_t{0}, static_cast<std::int64_t>(st.beams), [&](std::int64_t beam) {
        const float el = elevations[static_cast<std::size_t>(beam)] * kDeg;
        for (std::int64_t col = 0; col < columns; ++col) {
            const std::int64_t ray = beam * columns + col;
            sim::Rng noise(sim::splitmix(seed * 0x100000001B3ull + static_cast<std::uint64_t>(ray)));
            // Per-ray jitter of the firing angle, as in a real spinning sensor.
            const float az = (st.azimuthMinDeg + (static_cast<float>(col) + noise.uniform(-0.2f, 0.2f)) * st.azimuthStepDeg) * kDeg;
            const float d[3] = {std::cos(el) * std::cos(az), std::cos(el) * std::sin(az), std::sin(el)};
            Hit hit;
            const Ground& g = layout.ground;
            const float denom = d[2] - g.slopeX * d[0] - g.slopeY * d[1];
            if (denom < -1e-6f) {
                const float t = g.height / denom;
                if (t > 0) hit = {t, noise.uniform(0.05f, 0.3f), std::abs(denom)};
            }
            for (const auto& s : layout.solids) {
                if (!s.always) {
                    float da = std::abs(az - s.azimuth);
                    if (da > kPi) da = 2 * kPi - da;
                    if (da > s.halfWidth) continue;
                }
                intersect(s, d, hit);
            }
            if (!(hit.t < st.maxRange) || noise.chance(st.dropout)) continue;
            // Far, grazing returns drop out more often (weak echoes).
            if (noise.chance(0.3 * (hit.t / st.maxRange) * (1.0 - hit.cosIncidence))) continue;
            const float r = hit.t + static_cast<float>(noise.normal()) * st.rangeNoiseStd;
            const float falloff = 1.0f / (1.0f + (hit.t / 80.0f) * (hit.t / 80.0f));
            const float intensity = std::clamp(hit.reflectivity * (0.35f + 0.65f * hit.cosIncidence) * falloff +
                                                   static_cast<float>(noise.normal()) * 0.02f,
                                               0.0f, 0.99f);
            points[static_cast<std::size_t>(ray)] = {r * d[0], r * d[1], r * d[2], std::round(intensity * 100.0f) / 100.0f};
            valid[static_cast<std::size_t>(ray)] = 1;
        }
    });
    SimulatedScene scene;
    scene.cloud.format = "simulated";
    scene.cloud.hasIntensity = true;
    // Column-major order (azimuth, then beam), like a spinning sensor's packet stream.
    for (std::int64_t col = 0; col < columns; ++col)
        for (std::int64_t beam = 0; beam < st.beams; ++beam) {
            const auto i = static_cast<std::size_t>(beam * columns + col);
            if (!valid[i]) continue;
            scene.cloud.x.push_back(points[i][0]);
            scene.cloud.y.push_back(points[i][1]);
            scene.cloud.z.push_back(points[i][2]);
            scene.cloud.intensity.push_back(points[i][3]);
        }
    for (const auto& b : layout.labelled) {
        const auto n = static_cast<int>(countPointsInBox(scene.cloud, b));
        if (n >= st.minPointsForGroundTruth) {
            scene.groundTruth.push_back(b);
            scene.groundTruthPoints.push_back(n);
        } else {
            scene.hidden.push_back(b);
        }
    }
    return scene;
}

}  // namespace qs
