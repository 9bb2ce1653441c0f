// KITTI calib / label / result files and CUDA-PointPillars pred_velo files.
#include "quantscope/lidar/kitti.h"

#include "lidar/text_lines.h"
#include "quantscope/error.h"
#include "util/mapped_file.h"

#include <cmath>
#include <numbers>

namespace qs {

namespace {

using Vec3 = std::array<double, 3>;

// Inverse of a 3x3 row-major matrix (adjugate / determinant).
std::array<double, 9> inverse3(const std::array<double, 9>& m)
{
    const double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], g = m[6], h = m[7], i = m[8];
    const double A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
    const double det = a * A + b * B + c * C;
    if (std::abs(det) < 1e-12) throw InvalidArgument("KITTI calibration matrix is singular");
    const double s = 1.0 / det;
    return {A * s, -(b * i - c * h) * s, (b * f - c * e) * s,
            B * s, (a * i - c * g) * s,  -(a * f - c * d) * s,
            C * s, -(a * h - b * g) * s, (a * e - b * d) * s};
}

Vec3 mul3(const std::array<double, 9>& m, const Vec3& v)
{
    return {m[0] * v[0] + m[1] * v[1] + m[2] * v[2], m[3] * v[0] + m[4] * v[1] + m[5] * v[2],
            m[6] * v[0] + m[7] * v[1] + m[8] * v[2]};
}

std::array<double, 9> rotationOf(const std::array<double, 12>& t)
{
    return {t[0], t[1], t[2], t[4], t[5], t[6], t[8], t[9], t[10]};
}

/// Text of a small file (labels, calib: a few KB). Refuses files over 64 MiB.
std::string_view fileText(const MappedFile& f)
{
    if (f.size() > (64u << 20)) throw FormatError(f.path().string(), "file", 0, "too large for a KITTI text file");
    return {reinterpret_cast<const char*>(f.data()), static_cast<std::size_t>(f.size())};
}

std::vector<double> parseNumbers(const std::vector<std::string_view>& tok, std::size_t from, const std::string& file,
                                 const std::string& field, std::size_t offset)
{
    std::vector<double> v;
    for (std::size_t k = from; k < tok.size(); ++k) {
        const auto d = lidar::parseDouble(tok[k]);
        if (!d || !std::isfinite(*d))
            throw FormatError(file, field, offset, "'" + std::string(tok[k]) + "' is not a finite number");
        v.push_back(*d);
    }
    return v;
}

}  // namespace

Vec3 KittiCalib::rectToLidar(const Vec3& p) const
{
    const Vec3 ref = mul3(inverse3(R0rect), p);
    const Vec3 shifted{ref[0] - TrVeloToCam[3], ref[1] - TrVeloToCam[7], ref[2] - TrVeloToCam[11]};
    return mul3(inverse3(rotationOf(TrVeloToCam)), shifted);
}

Vec3 KittiCalib::lidarToRect(const Vec3& p) const
{
    const Vec3 r = mul3(rotationOf(TrVeloToCam), p);
    return mul3(R0rect, {r[0] + TrVeloToCam[3], r[1] + TrVeloToCam[7], r[2] + TrVeloToCam[11]});
}

Vec3 KittiCalib::rectToImage(const Vec3& p) const
{
    const auto& P = P2;
    const double u = P[0] * p[0] + P[1] * p[1] + P[2] * p[2] + P[3];
    const double v = P[4] * p[0] + P[5] * p[1] + P[6] * p[2] + P[7];
    const double w = P[8] * p[0] + P[9] * p[1] + P[10] * p[2] + P[11];
    return {u / w, v / w, w};
}

KittiCalib readKittiCalib(const std::filesystem::path& path)
{
    const MappedFile file(path);
    const std::string name = path.string();
    lidar::LineReader lines(file.bytes());
    KittiCalib calib;
    bool haveP2 = false, haveR0 = false, haveTr = false;
    while (auto line = lines.next()) {
        const auto tok = lidar::splitTokens(*line);
        if (tok.empty()) continue;
        std::string key(tok[0]);
        if (!key.empty() && key.back() == ':') key.pop_back();
        const bool wanted = key == "P2" || key == "R0_rect" || key == "R_rect" || key == "Tr_velo_to_cam" || key == "Tr_velo_cam";
        if (!wanted) continue;
        const auto v = parseNumbers(tok, 1, name, key, lines.lineStart());
        const std::size_t expect = (key == "R0_rect" || key == "R_rect") ? 9 : 12;
        if (v.size() != expect)
            throw FormatError(name, key, lines.lineStart(),
                              "has " + std::to_string(v.size()) + " numbers, expected " + std::to_string(expect));
        if (key == "P2") std::copy(v.begin(), v.end(), calib.P2.begin()), haveP2 = true;
        else if (expect == 9) std::copy(v.begin(), v.end(), calib.R0rect.begin()), haveR0 = true;
        else std::copy(v.begin(), v.end(), calib.TrVeloToCam.begin()), haveTr = true;
    }
    if (!haveP2) throw FormatError(name, "P2", file.size(), "missing");
    if (!haveR0) throw FormatError(name, "R0_rect", file.size(), "missing");
    if (!haveTr) throw FormatError(name, "Tr_velo_to_cam", file.size(), "missing");
    try {
        (void)inverse3(calib.R0rect);
        (void)inverse3(rotationOf(calib.TrVeloToCam));
    } catch (const InvalidArgument&) {
        throw FormatError(name, "R0_rect/Tr_velo_to_cam", 0, "matrix is singular");
    }
    return calib;
}

Box3D kittiCameraToLidar(const KittiCalib& calib, float x, float y, float z, float h, float w, float l, float ry)
{
    const Vec3 p = calib.rectToLidar({x, y, z});
    Box3D b;
    b.x = static_cast<float>(p[0]);
    b.y = static_cast<float>(p[1]);
    b.z = static_cast<float>(p[2]) + 0.5f * h;
    b.dx = l;
    b.dy = w;
    b.dz = h;
    b.heading = wrapAngle(-(ry + std::numbers::pi_v<float> / 2));
    return b;
}

std::array<float, 7> lidarToKittiCamera(const KittiCalib& calib, const Box3D& box)
{
    const Vec3 p = calib.lidarToRect({box.x, box.y, box.z - 0.5 * box.dz});
    const float ry = wrapAngle(-box.heading - std::numbers::pi_v<float> / 2);
    return {static_cast<float>(p[0]), static_cast<float>(p[1]), static_cast<float>(p[2]), box.dz, box.dy, box.dx, ry};
}

std::vector<Box3D> readKittiLabels(const std::filesystem::path& path, const KittiCalib& calib)
{
    const MappedFile file(path);
    (void)fileText(file);
    const std::string name = path.string();
    lidar::LineReader lines(file.bytes());
    std::vector<Box3D> boxes;
    int lineNo = 0;
    while (auto line = lines.next()) {
        ++lineNo;
        const auto tok = lidar::splitTokens(*line);
        if (tok.empty()) continue;
        const std::string field = "line " + std::to_string(lineNo);
        if (tok.size() != 15 && tok.size() != 16)
            throw FormatError(name, field, lines.lineStart(),
                              "has " + std::to_string(tok.size()) + " values, a KITTI label has 15 (16 with a score)");
        const auto v = parseNumbers(tok, 1, name, field, lines.lineStart());
        Box3D b;
        b.hasKittiInfo = true;
        b.kitti.truncation = static_cast<float>(v[0]);
        if (v[1] < -1 || v[1] > 3 || v[1] != std::floor(v[1]))
            throw FormatError(name, field, lines.lineStart(), "occlusion must be -1, 0, 1, 2 or 3");
        b.kitti.occlusion = static_cast<int>(v[1]);
        b.kitti.alpha = static_cast<float>(v[2]);
        for (int k = 0; k < 4; ++k) b.kitti.bbox[static_cast<std::size_t>(k)] = static_cast<float>(v[3 + static_cast<std::size_t>(k)]);
        const std::string cls(tok[0]);
        if (cls != "DontCare") {
            const float h = static_cast<float>(v[7]), w = static_cast<float>(v[8]), l = static_cast<float>(v[9]);
            if (h < 0 || w < 0 || l < 0) throw FormatError(name, field, lines.lineStart(), "negative box dimension");
            Box3D c = kittiCameraToLidar(calib, static_cast<float>(v[10]), static_cast<float>(v[11]),
                                         static_cast<float>(v[12]), h, w, l, static_cast<float>(v[13]));
            c.hasKittiInfo = true;
            c.kitti = b.kitti;
            b = c;
        }
        b.className = cls;
        b.score = tok.size() == 16 ? static_cast<float>(v[14]) : 1.0f;
        boxes.push_back(b);
    }
    return boxes;
}

const std::vector<std::string>& predVeloClassNames()
{
    static const std::vector<std::string> names{"Car", "Pedestrian", "Cyclist"};
    return names;
}

std::vector<Box3D> readPredVelo(const std::filesystem::path& path)
{
    const MappedFile file(path);
    (void)fileText(file);
    const std::string name = path.string();
    lidar::LineReader lines(file.bytes());
    std::vector<Box3D> boxes;
    int lineNo = 0;
    while (auto line = lines.next()) {
        ++lineNo;
        const auto tok = lidar::splitTokens(*line);
        if (tok.empty()) continue;
        const std::string field = "line " + std::to_string(lineNo);
        if (tok.size() != 9)
            throw FormatError(name, field, lines.lineStart(),
                              "has " + std::to_string(tok.size()) + " values, pred_velo has 9 (x y z dx dy dz yaw class score)");
        const auto v = parseNumbers(tok, 0, name, field, lines.lineStart());
        if (v[3] < 0 || v[4] < 0 || v[5] < 0) throw FormatError(name, field, lines.lineStart(), "negative box dimension");
        Box3D b;
        b.x = static_cast<float>(v[0]);
        b.y = static_cast<float>(v[1]);
        b.z = static_cast<float>(v[2]);
        // The columns are named "w l h" by CUDA-PointPillars but hold OpenPCDet's (dx, dy, dz):
        // car boxes read 3.9 1.6 1.5. z is the box centre (docs/lidar-eval.md).
        b.dx = static_cast<float>(v[3]);
        b.dy = static_cast<float>(v[4]);
        b.dz = static_cast<float>(v[5]);
        b.heading = wrapAngle(static_cast<float>(v[6]));
        const double cls = v[7];
        if (cls < 0 || cls != std::floor(cls) || cls > 1e6) throw FormatError(name, field, lines.lineStart(), "bad class id");
        const auto& names = predVeloClassNames();
        b.className = cls < static_cast<double>(names.size()) ? names[static_cast<std::size_t>(cls)]
                                                              : "class" + std::to_string(static_cast<int>(cls));
        b.score = static_cast<float>(v[8]);
        boxes.push_back(b);
    }
    return boxes;
}

std::vector<Box3D> readDetections(const std::filesystem::path& path, const KittiCalib* calib)
{
    const MappedFile file(path);
    const std::string_view text = fileText(file);
    lidar::LineReader lines(file.bytes());
    while (auto line = lines.next()) {
        const auto tok = lidar::splitTokens(*line);
        if (tok.empty()) continue;
        if (lidar::parseDouble(tok[0])) return readPredVelo(path);
        if (!calib)
            throw InvalidArgument(path.string() + ": KITTI result files are in the camera frame and need a calibration file");
        return readKittiLabels(path, *calib);
    }
    (void)text;
    return {};
}

float projectedBoxHeight(const KittiCalib& calib, const Box3D& box)
{
    double top = 1e30, bottom = -1e30;
    bool any = false;
    for (const auto& c : box.corners()) {
        const auto img = calib.rectToImage(calib.lidarToRect({c[0], c[1], c[2]}));
        if (img[2] < 0.1) continue;
        any = true;
        top = std::min(top, img[1]);
        bottom = std::max(bottom, img[1]);
    }
    return any ? static_cast<float>(bottom - top) : 0.0f;
}

}  // namespace qs
