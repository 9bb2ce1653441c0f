#pragma once
// Baseline image comparison for render tests (the f3d habit): a per-pixel tolerance and a
// maximum fraction of differing pixels; on failure the actual image is saved next to the
// build. QS_UPDATE_BASELINES=1 rewrites the baselines in the source tree instead.

#include <QDir>
#include <QImage>
#include <QString>
#include <QTest>

namespace qs::test {

struct ImageDiff {
    double differingFraction = 1.0;
    int maxChannelDelta = 255;
};

inline ImageDiff compareImages(const QImage& a, const QImage& b, int tolerance)
{
    ImageDiff d;
    if (a.size() != b.size()) return d;
    const QImage x = a.convertToFormat(QImage::Format_RGB32), y = b.convertToFormat(QImage::Format_RGB32);
    long long differing = 0;
    d.maxChannelDelta = 0;
    for (int r = 0; r < x.height(); ++r) {
        const auto* p = reinterpret_cast<const QRgb*>(x.constScanLine(r));
        const auto* q = reinterpret_cast<const QRgb*>(y.constScanLine(r));
        for (int c = 0; c < x.width(); ++c) {
            const int delta = std::max({std::abs(qRed(p[c]) - qRed(q[c])), std::abs(qGreen(p[c]) - qGreen(q[c])),
                                        std::abs(qBlue(p[c]) - qBlue(q[c]))});
            d.maxChannelDelta = std::max(d.maxChannelDelta, delta);
            differing += delta > tolerance;
        }
    }
    d.differingFraction = static_cast<double>(differing) / (static_cast<double>(x.width()) * x.height());
    return d;
}

/// Compares `actual` with baselines/<name>.png. Returns an empty string on success, else why.
inline QString checkAgainstBaseline(const QImage& rendered, const QString& name, int tolerance = 40,
                                    double maxFraction = 0.02)
{
    // Compare colours only: the GL framebuffer's alpha is not part of what the user sees.
    const QImage actual = rendered.convertToFormat(QImage::Format_RGB32);
    const QString baselinePath = QStringLiteral(QS_SOURCE_DIR "/tests/viewers/baselines/%1.png").arg(name);
    if (qEnvironmentVariableIntValue("QS_UPDATE_BASELINES") == 1) {
        actual.save(baselinePath);
        return {};
    }
    const QString outDir = QStringLiteral(QS_BINARY_DIR "/tests/viewers");
    QDir().mkpath(outDir);
    const QString actualPath = outDir + QStringLiteral("/%1_actual.png").arg(name);
    const QImage baseline(baselinePath);
    if (baseline.isNull()) {
        actual.save(actualPath);
        return QStringLiteral("no baseline %1 (actual image saved to %2)").arg(baselinePath, actualPath);
    }
    const ImageDiff d = compareImages(actual, baseline, tolerance);
    if (d.differingFraction <= maxFraction) return {};
    actual.save(actualPath);
    return QStringLiteral("%1: %2 % of pixels differ by more than %3 (allowed %4 %), actual saved to %5")
        .arg(name)
        .arg(100.0 * d.differingFraction, 0, 'f', 2)
        .arg(tolerance)
        .arg(100.0 * maxFraction, 0, 'f', 2)
        .arg(actualPath);
}

}  // namespace qs::test
