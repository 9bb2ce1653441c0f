#include "lidar_frame_files.h"

#include "quantscope/lidar/detection_eval.h"
#include "quantscope/lidar/point_cloud.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <array>
#include <cstdint>
#include <cstring>
#include <span>

namespace qs::gui {

namespace {

QString existing(const QDir& dir, const QString& name)
{
    const QFileInfo fi(dir.filePath(name));
    return fi.isFile() ? fi.absoluteFilePath() : QString();
}

/// A legacy llama2.c file starts with 7 int32 (dim, hidden, layers, heads, kv_heads, vocab,
/// seq_len), all small and positive (vocab may be negative: shared classifier). Read as int32,
/// the float32 coordinates of a scan are either huge, negative or zero, never all of these.
bool looksLikeLlama2cHeader(const QByteArray& head)
{
    if (head.size() < 28) return false;
    std::array<std::int32_t, 7> h{};
    std::memcpy(h.data(), head.constData(), sizeof(h));
    const auto [dim, hidden, layers, heads, kvHeads, vocab, seqLen] = h;
    return dim > 0 && dim <= (1 << 16) && hidden > 0 && hidden <= (1 << 20) && layers > 0 && layers <= 4096 &&
           heads > 0 && heads <= dim && kvHeads > 0 && kvHeads <= heads && vocab != 0 && vocab > -(1 << 24) &&
           vocab < (1 << 24) && seqLen > 0 && seqLen <= (1 << 24);
}

}  // namespace

LidarFramePaths inferLidarFramePaths(const QString& cloud)
{
    LidarFramePaths p;
    const QFileInfo fi(cloud);
    p.cloud = fi.absoluteFilePath();
    const QString id = QString::fromStdString(qs::frameIdOf(fi.fileName().toStdString()));
    const QDir here = fi.absoluteDir();
    // KITTI: <split>/velodyne/<id>.bin with label_2/ and calib/ beside velodyne/; a flat copy
    // with label_2/ and calib/ beside the cloud is accepted too.
    QDir split = here;
    if (here.dirName().startsWith(QLatin1String("velodyne"))) split.cdUp();
    for (const QDir& root : {split, here}) {
        if (p.label.isEmpty()) p.label = existing(root, QStringLiteral("label_2/%1.txt").arg(id));
        if (p.calib.isEmpty()) p.calib = existing(root, QStringLiteral("calib/%1.txt").arg(id));
    }
    p.detA = existing(here, QStringLiteral("pred_velo_%1.txt").arg(id));
    return p;
}

LidarFramePaths lidarFrameFromFiles(const QStringList& files)
{
    LidarFramePaths given;
    for (const QString& f : files) {
        const QFileInfo fi(f);
        const QString dir = fi.absoluteDir().dirName();
        if (given.cloud.isEmpty() && classifyFile(f) == DroppedFileKind::PointCloud)
            given.cloud = fi.absoluteFilePath();
        else if (dir == QLatin1String("label_2") && given.label.isEmpty())
            given.label = fi.absoluteFilePath();
        else if (dir == QLatin1String("calib") && given.calib.isEmpty())
            given.calib = fi.absoluteFilePath();
        else if (given.detA.isEmpty())
            given.detA = fi.absoluteFilePath();
        else if (given.detB.isEmpty())
            given.detB = fi.absoluteFilePath();
    }
    if (given.cloud.isEmpty()) return {};
    LidarFramePaths p = inferLidarFramePaths(given.cloud);
    if (!given.label.isEmpty()) p.label = given.label;
    if (!given.calib.isEmpty()) p.calib = given.calib;
    // Dropped detections replace the inferred ones (pred_velo beside the cloud) entirely.
    if (!given.detA.isEmpty()) {
        p.detA = given.detA;
        p.detB = given.detB;
    }
    return p;
}

DroppedFileKind classifyFile(const QString& path)
{
    const QString name = QFileInfo(path).fileName().toLower();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return DroppedFileKind::Checkpoint;
    const QByteArray head = file.read(4096);
    const auto bytes = std::as_bytes(std::span(head.constData(), std::size_t(head.size())));
    // Content first (LAS, PLY, PCD headers), then the names only point clouds use.
    if (qs::sniffPointCloudFormat(bytes, std::string()) != qs::PointCloudFormat::Auto)
        return DroppedFileKind::PointCloud;
    for (const char* ext : {".pcd.bin", ".pcd", ".ply", ".las", ".laz"})
        if (name.endsWith(QLatin1String(ext))) return DroppedFileKind::PointCloud;
    if (!name.endsWith(QLatin1String(".bin"))) return DroppedFileKind::Checkpoint;
    // llama2.c v1 stores the magic 0x616b3432 ("ak42") little-endian: the bytes "24ka".
    if (head.startsWith("24ka") || head.startsWith("PK\x03\x04") || looksLikeLlama2cHeader(head))
        return DroppedFileKind::Checkpoint;
    if (QFileInfo(path).absoluteDir().dirName().startsWith(QLatin1String("velodyne")) ||
        file.size() % 16 == 0)
        return DroppedFileKind::PointCloud;
    return DroppedFileKind::Checkpoint;
}

}  // namespace qs::gui
