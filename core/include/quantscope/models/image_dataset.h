#pragma once
// Images for evaluating vision models: MNIST IDX files (gzip-compressed or not), PNG and JPEG
// files (through Debian's libpng and libjpeg-turbo; core stays Qt-free), and list files that
// pair image paths with labels. Plus the preprocessing a model expects (resize, channel
// conversion, mean/std normalisation).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace qs {

/// One decoded 8-bit image, interleaved (row-major, channels last).
struct Image {
    int width = 0;
    int height = 0;
    int channels = 0;                  ///< 1 (gray) or 3 (RGB)
    std::vector<std::uint8_t> pixels;  ///< height * width * channels
};

/// Images and, when known, their class labels (same order).
struct ImageDataset {
    std::vector<Image> images;
    std::vector<int> labels;  ///< empty when unlabeled, else images.size() entries
    std::size_t size() const noexcept { return images.size(); }
    bool labeled() const noexcept { return !labels.empty(); }
};

/// Largest number of pixel bytes any one file may decode to (2 GiB): a header that asks for
/// more is refused before anything is allocated.
inline constexpr std::uint64_t kMaxImageBytes = std::uint64_t(1) << 31;

/// Reads an IDX image file (magic 0x00000803: unsigned bytes, [count, rows, cols]); gzip is
/// detected by content. `limit` > 0 keeps only the first `limit` images.
/// Throws IoError, FormatError (file, field, byte offset in the decompressed stream).
ImageDataset readIdxImages(const std::filesystem::path& path, std::size_t limit = 0);
/// Reads an IDX label file (magic 0x00000801: unsigned bytes, [count]).
std::vector<int> readIdxLabels(const std::filesystem::path& path, std::size_t limit = 0);

/// Decodes one PNG or JPEG file (chosen by its magic bytes) to gray or RGB; alpha is dropped,
/// 16-bit PNG samples are reduced to 8 bits. Throws IoError, FormatError, UnsupportedError.
Image readImageFile(const std::filesystem::path& path);

/// A text list: one image per line, "path label" (label optional for every line or none);
/// relative paths are relative to the list file; blank lines and lines starting with '#' are
/// skipped.
ImageDataset readImageList(const std::filesystem::path& path, std::size_t limit = 0);

/// Loads whatever `images` is: an IDX file (then `labels` names an IDX label file), a PNG or
/// JPEG file (one unlabeled image), or a list file. `labels` may be empty. Checks that the
/// label count matches the image count.
ImageDataset loadImageDataset(const std::filesystem::path& images, const std::filesystem::path& labels,
                              std::size_t limit = 0);

/// How a model wants its input tensor.
struct ImagePreprocess {
    int width = 224;
    int height = 224;
    int channels = 3;         ///< 1: gray (RGB input averaged with BT.601 weights); 3: RGB
    std::vector<float> mean;  ///< per channel, on the [0, 1] scale; empty = 0
    std::vector<float> std;   ///< per channel; empty = 1
    enum class Resize : std::uint8_t { Bilinear, Nearest } resize = Resize::Bilinear;
    /// > 0: first resize so the shorter side has this length (aspect kept), then crop the
    /// centre width x height (torchvision Resize(n) + CenterCrop). 0: resize straight to size.
    int resizeShorter = 0;
};

/// Converts `img` to the float tensor [channels, height, width]: channel conversion, resize
/// (bilinear with half-pixel centres, like torchvision on tensors without antialiasing; skipped
/// when the size already matches), optional centre crop, pixel/255, then (x - mean) / std.
/// Throws InvalidArgument.
std::vector<float> preprocessImage(const Image& img, const ImagePreprocess& p);

}  // namespace qs
