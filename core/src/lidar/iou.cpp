#include "quantscope/lidar/iou.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace qs {

namespace {

struct P2 {
    double x, y;
};

// Footprint corners, counter-clockwise.
std::array<P2, 4> footprint(const Box3D& b)
{
    static constexpr double sx[4] = {0.5, -0.5, -0.5, 0.5};
    static constexpr double sy[4] = {0.5, 0.5, -0.5, -0.5};
    const double c = std::cos(static_cast<double>(b.heading)), s = std::sin(static_cast<double>(b.heading));
    std::array<P2, 4> out{};
    for (int k = 0; k < 4; ++k) {
        const double lx = sx[k] * b.dx, ly = sy[k] * b.dy;
        out[static_cast<std::size_t>(k)] = {b.x + c * lx - s * ly, b.y + s * lx + c * ly};
    }
    return out;
}

double cross(const P2& a, const P2& b, const P2& p)
{
    return (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
}

double polygonArea(const std::vector<P2>& poly)
{
    double a = 0;
    for (std::size_t i = 0; i < poly.size(); ++i) {
        const P2& p = poly[i];
        const P2& q = poly[(i + 1) % poly.size()];
        a += p.x * q.y - q.x * p.y;
    }
    return 0.5 * std::abs(a);
}

}  // namespace

double bevIntersectionArea(const Box3D& a, const Box3D& b) noexcept
{
    if (a.dx <= 0 || a.dy <= 0 || b.dx <= 0 || b.dy <= 0) return 0.0;
    // Quick reject on circumscribed circles.
    const double ra = 0.5 * std::hypot(a.dx, a.dy), rb = 0.5 * std::hypot(b.dx, b.dy);
    if (std::hypot(static_cast<double>(a.x) - b.x, static_cast<double>(a.y) - b.y) > ra + rb) return 0.0;
    const auto fa = footprint(a);
    const auto clip = footprint(b);
    // Sutherland-Hodgman: clip a's footprint by each edge of b's (both convex, CCW).
    std::vector<P2> poly(fa.begin(), fa.end()), next;
    for (int e = 0; e < 4 && !poly.empty(); ++e) {
        const P2& c0 = clip[static_cast<std::size_t>(e)];
        const P2& c1 = clip[static_cast<std::size_t>((e + 1) % 4)];
        next.clear();
        for (std::size_t i = 0; i < poly.size(); ++i) {
            const P2& p = poly[i];
            const P2& q = poly[(i + 1) % poly.size()];
            const double dp = cross(c0, c1, p), dq = cross(c0, c1, q);
            if (dp >= 0) next.push_back(p);
            if ((dp >= 0) != (dq >= 0)) {
                const double t = dp / (dp - dq);
                next.push_back({p.x + t * (q.x - p.x), p.y + t * (q.y - p.y)});
            }
        }
        poly.swap(next);
    }
    return poly.size() < 3 ? 0.0 : polygonArea(poly);
}

double bevIou(const Box3D& a, const Box3D& b) noexcept
{
    const double inter = bevIntersectionArea(a, b);
    const double uni = static_cast<double>(a.dx) * a.dy + static_cast<double>(b.dx) * b.dy - inter;
    return uni > 0 ? std::clamp(inter / uni, 0.0, 1.0) : 0.0;
}

double iou3d(const Box3D& a, const Box3D& b) noexcept
{
    const double zLow = std::max(a.z - 0.5 * a.dz, b.z - 0.5 * b.dz);
    const double zHigh = std::min(a.z + 0.5 * a.dz, b.z + 0.5 * b.dz);
    if (zHigh <= zLow) return 0.0;
    const double inter = bevIntersectionArea(a, b) * (zHigh - zLow);
    const double uni = static_cast<double>(a.dx) * a.dy * a.dz + static_cast<double>(b.dx) * b.dy * b.dz - inter;
    return uni > 0 ? std::clamp(inter / uni, 0.0, 1.0) : 0.0;
}

}  // namespace qs
