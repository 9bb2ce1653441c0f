// Turns an 8-bit image into the normalised float tensor a vision model expects.

#include "quantscope/error.h"
#include "quantscope/models/image_dataset.h"

#include <algorithm>
#include <cmath>

namespace qs {

namespace {

/// Float planes [channels][h][w] on the 0..255 scale, converted to `channels`.
std::vector<float> toPlanes(const Image& img, int channels)
{
    const std::size_t hw = std::size_t(img.width) * static_cast<std::size_t>(img.height);
    std::vector<float> out(hw * static_cast<std::size_t>(channels));
    for (std::size_t i = 0; i < hw; ++i) {
        const std::uint8_t* px = img.pixels.data() + i * static_cast<std::size_t>(img.channels);
        if (channels == img.channels) {
            for (int c = 0; c < channels; ++c) out[std::size_t(c) * hw + i] = px[c];
        } else if (channels == 1) {
            // ITU-R BT.601 luma, as PIL's convert("L") computes it.
            out[i] = (299.0f * px[0] + 587.0f * px[1] + 114.0f * px[2]) / 1000.0f;
        } else {
            for (int c = 0; c < channels; ++c) out[std::size_t(c) * hw + i] = px[0];
        }
    }
    return out;
}

/// Bilinear resize of one plane with half-pixel centres (align_corners = false), no antialias.
void resizePlane(const float* src, int sw, int sh, float* dst, int dw, int dh, bool nearest)
{
    const float sx = float(sw) / float(dw);
    const float sy = float(sh) / float(dh);
    for (int y = 0; y < dh; ++y) {
        const float fy = std::max(0.0f, (float(y) + 0.5f) * sy - 0.5f);
        const int y0 = std::min(static_cast<int>(fy), sh - 1);
        const int y1 = std::min(y0 + 1, sh - 1);
        const float wy = fy - float(y0);
        for (int x = 0; x < dw; ++x) {
            float v;
            if (nearest) {
                const int nx = std::min(static_cast<int>(float(x) * sx), sw - 1);
                const int ny = std::min(static_cast<int>(float(y) * sy), sh - 1);
                v = src[std::size_t(ny) * std::size_t(sw) + std::size_t(nx)];
            } else {
                const float fx = std::max(0.0f, (float(x) + 0.5f) * sx - 0.5f);
                const int x0 = std::min(static_cast<int>(fx), sw - 1);
                const int x1 = std::min(x0 + 1, sw - 1);
                const float wx = fx - float(x0);
                auto at = [&](int yy, int xx) {
                    return src[std::size_t(yy) * std::size_t(sw) + std::size_t(xx)];
                };
                v = (1 - wy) * ((1 - wx) * at(y0, x0) + wx * at(y0, x1)) +
                    wy * ((1 - wx) * at(y1, x0) + wx * at(y1, x1));
            }
            dst[std::size_t(y) * std::size_t(dw) + std::size_t(x)] = v;
        }
    }
}

}  // namespace

std::vector<float> preprocessImage(const Image& img, const ImagePreprocess& p)
{
    if (p.channels != 1 && p.channels != 3) throw InvalidArgument("preprocessing: channels must be 1 or 3");
    if (p.width <= 0 || p.height <= 0 || p.width > 8192 || p.height > 8192)
        throw InvalidArgument("preprocessing: image size out of range");
    if (img.channels != 1 && img.channels != 3) throw InvalidArgument("image: channels must be 1 or 3");
    if (img.width <= 0 || img.height <= 0 ||
        img.pixels.size() != std::size_t(img.width) * std::size_t(img.height) * std::size_t(img.channels))
        throw InvalidArgument("image: pixel buffer does not match its size");
    for (const auto* v : {&p.mean, &p.std})
        if (!v->empty() && v->size() != 1 && v->size() != std::size_t(p.channels))
            throw InvalidArgument("preprocessing: mean/std need 1 or `channels` values");

    auto planes = toPlanes(img, p.channels);
    int w = img.width, h = img.height;
    auto resizeTo = [&](int nw, int nh) {
        if (nw == w && nh == h) return;
        std::vector<float> out(std::size_t(nw) * std::size_t(nh) * std::size_t(p.channels));
        for (int c = 0; c < p.channels; ++c)
            resizePlane(planes.data() + std::size_t(c) * std::size_t(w) * std::size_t(h), w, h,
                        out.data() + std::size_t(c) * std::size_t(nw) * std::size_t(nh), nw, nh,
                        p.resize == ImagePreprocess::Resize::Nearest);
        planes = std::move(out);
        w = nw;
        h = nh;
    };
    if (p.resizeShorter > 0) {
        if (p.resizeShorter > 8192 || p.resizeShorter < std::min(p.width, p.height))
            throw InvalidArgument(
                "preprocessing: resize_shorter must be at least the crop size and at most 8192");
        // torchvision: the shorter side becomes n, the longer one int(n * long / short).
        const bool wide = w >= h;
        const auto longer =
            static_cast<int>(double(p.resizeShorter) * double(wide ? w : h) / double(wide ? h : w));
        resizeTo(wide ? std::max(longer, p.width) : p.resizeShorter,
                 wide ? p.resizeShorter : std::max(longer, p.height));
        const int top = static_cast<int>(std::lround((h - p.height) / 2.0));
        const int left = static_cast<int>(std::lround((w - p.width) / 2.0));
        std::vector<float> crop(std::size_t(p.width) * std::size_t(p.height) * std::size_t(p.channels));
        for (int c = 0; c < p.channels; ++c)
            for (int y = 0; y < p.height; ++y)
                for (int x = 0; x < p.width; ++x)
                    crop[(std::size_t(c) * std::size_t(p.height) + std::size_t(y)) * std::size_t(p.width) +
                         std::size_t(x)] =
                        planes[(std::size_t(c) * std::size_t(h) + std::size_t(top + y)) * std::size_t(w) +
                               std::size_t(left + x)];
        planes = std::move(crop);
    } else {
        resizeTo(p.width, p.height);
    }
    const std::size_t hw = std::size_t(p.width) * std::size_t(p.height);
    std::vector<float> out = std::move(planes);
    for (int c = 0; c < p.channels; ++c) {
        const auto pick = [&](const std::vector<float>& v, float dflt) {
            return v.empty() ? dflt : v.size() == 1 ? v[0] : v[std::size_t(c)];
        };
        const float mean = pick(p.mean, 0.0f);
        const float sd = pick(p.std, 1.0f);
        if (!(sd > 0.0f)) throw InvalidArgument("preprocessing: std must be positive");
        float* plane = out.data() + std::size_t(c) * hw;
        // Same operation order as torchvision: ToTensor (x / 255) then Normalize ((x - m) / s).
        for (std::size_t i = 0; i < hw; ++i) plane[i] = (plane[i] / 255.0f - mean) / sd;
    }
    return out;
}

}  // namespace qs
