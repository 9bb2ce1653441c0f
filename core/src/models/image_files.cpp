// PNG and JPEG decoding for core without Qt. Choice (see docs/ARCHITECTURE.md): Debian's libpng
// (simplified png_image API) and libjpeg-turbo — security-maintained system libraries rather
// than a vendored header decoder. Both check the header's size against kMaxImageBytes before
// allocating anything.

#include "quantscope/error.h"
#include "quantscope/models/image_dataset.h"

#include <png.h>

// jpeglib.h needs FILE and size_t declared first.
#include <jpeglib.h>
#include <cstdio>

#include <csetjmp>
#include <cstring>
#include <fstream>

namespace qs {

namespace {

constexpr std::uint32_t kMaxSide = 1u << 15;

void checkSize(const std::string& file, std::uint64_t w, std::uint64_t h, std::uint64_t c)
{
    if (w == 0 || h == 0) throw FormatError(file, "image size", 0, "width or height is zero");
    if (w > kMaxSide || h > kMaxSide || w * h * c > kMaxImageBytes)
        throw FormatError(
            file, "image size", 0,
            std::to_string(w) + "x" + std::to_string(h) + " exceeds the limit of 32768 pixels a side");
}

Image readPng(const std::filesystem::path& path)
{
    const auto file = path.string();
    png_image png;
    std::memset(&png, 0, sizeof png);
    png.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&png, file.c_str()))
        throw FormatError(file, "PNG header", 0, png.message);
    // Colour images become RGB, everything else gray. Asking for a format without alpha makes
    // libpng composite onto the buffer's contents, which are zero: alpha blends onto black.
    const bool color = (png.format & PNG_FORMAT_FLAG_COLOR) != 0;
    png.format = color ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
    const int channels = color ? 3 : 1;
    try {
        checkSize(file, png.width, png.height, static_cast<std::uint64_t>(channels));
    } catch (...) {
        png_image_free(&png);
        throw;
    }
    Image img;
    img.width = static_cast<int>(png.width);
    img.height = static_cast<int>(png.height);
    img.channels = channels;
    img.pixels.resize(PNG_IMAGE_SIZE(png));
    if (!png_image_finish_read(&png, nullptr, img.pixels.data(), 0, nullptr)) {
        const std::string msg = png.message;
        png_image_free(&png);
        throw FormatError(file, "PNG data", 0, msg);
    }
    return img;
}

// libjpeg reports fatal errors through a callback that must not return: jump back to the
// decoder with the message. Only trivially destructible locals live between setjmp and longjmp.
struct JpegError {
    jpeg_error_mgr mgr;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

void onJpegError(j_common_ptr cinfo)
{
    auto* err = reinterpret_cast<JpegError*>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, err->message);
    std::longjmp(err->jump, 1);
}

void onJpegMessage(j_common_ptr, int)
{
}  // warnings are not printed from core

/// Decodes into `img`; returns false with `err.message` set when libjpeg failed.
bool decodeJpeg(std::FILE* f, Image& img, JpegError& err, std::uint64_t& badW, std::uint64_t& badH)
{
    jpeg_decompress_struct cinfo;
    cinfo.err = jpeg_std_error(&err.mgr);
    err.mgr.error_exit = &onJpegError;
    err.mgr.emit_message = &onJpegMessage;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return false;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_stdio_src(&cinfo, f);
    jpeg_read_header(&cinfo, TRUE);
    cinfo.out_color_space = cinfo.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    const int channels = cinfo.out_color_space == JCS_GRAYSCALE ? 1 : 3;
    if (cinfo.image_width == 0 || cinfo.image_height == 0 || cinfo.image_width > kMaxSide ||
        cinfo.image_height > kMaxSide) {
        badW = cinfo.image_width;
        badH = cinfo.image_height;
        jpeg_destroy_decompress(&cinfo);
        return true;
    }
    jpeg_start_decompress(&cinfo);
    img.width = static_cast<int>(cinfo.output_width);
    img.height = static_cast<int>(cinfo.output_height);
    img.channels = channels;
    // The vector was created before setjmp; resizing it does not create new automatic objects.
    img.pixels.resize(std::size_t(cinfo.output_width) * cinfo.output_height *
                      static_cast<std::size_t>(channels));
    const std::size_t stride = std::size_t(cinfo.output_width) * static_cast<std::size_t>(channels);
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = img.pixels.data() + std::size_t(cinfo.output_scanline) * stride;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return true;
}

Image readJpeg(const std::filesystem::path& path)
{
    const auto file = path.string();
    std::FILE* f = std::fopen(file.c_str(), "rb");
    if (!f) throw IoError(file + ": cannot open for reading");
    Image img;
    JpegError err{};
    std::uint64_t badW = 0, badH = 0;
    const bool ok = decodeJpeg(f, img, err, badW, badH);
    std::fclose(f);
    if (!ok) throw FormatError(file, "JPEG data", 0, err.message);
    if (badW || badH || img.pixels.empty()) checkSize(file, badW, badH, 3);
    return img;
}

bool startsWith(const std::vector<char>& head, std::initializer_list<unsigned char> magic)
{
    if (head.size() < magic.size()) return false;
    std::size_t i = 0;
    for (unsigned char m : magic)
        if (static_cast<unsigned char>(head[i++]) != m) return false;
    return true;
}

std::vector<char> readHead(const std::filesystem::path& path, std::size_t n)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path.string() + ": cannot open for reading");
    std::vector<char> head(n);
    in.read(head.data(), static_cast<std::streamsize>(n));
    head.resize(static_cast<std::size_t>(in.gcount()));
    return head;
}

enum class FileKind { Idx, Png, Jpeg, Other };

FileKind sniff(const std::filesystem::path& path)
{
    const auto head = readHead(path, 8);
    if (startsWith(head, {0x89, 'P', 'N', 'G'})) return FileKind::Png;
    if (startsWith(head, {0xff, 0xd8, 0xff})) return FileKind::Jpeg;
    if (startsWith(head, {0x1f, 0x8b}) || startsWith(head, {0x00, 0x00, 0x08})) return FileKind::Idx;
    return FileKind::Other;
}

}  // namespace

Image readImageFile(const std::filesystem::path& path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw IoError(path.string() + ": no such file");
    switch (sniff(path)) {
        case FileKind::Png:
            return readPng(path);
        case FileKind::Jpeg:
            return readJpeg(path);
        default:
            throw UnsupportedError(path.string() + ": not a PNG or JPEG image");
    }
}

ImageDataset readImageList(const std::filesystem::path& path, std::size_t limit)
{
    std::ifstream in(path);
    if (!in) throw IoError(path.string() + ": cannot open for reading");
    ImageDataset out;
    std::string line;
    std::uint64_t offset = 0;
    int withLabel = -1;  // -1 undecided, 0 none, 1 all
    while (std::getline(in, line) && (limit == 0 || out.size() < limit)) {
        const auto lineStart = offset;
        offset += line.size() + 1;
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line[first] == '#') continue;
        const auto last = line.find_last_not_of(" \t\r");
        std::string entry = line.substr(first, last - first + 1);
        // "path label": the label is the last whitespace-separated token when it is an integer.
        std::string imagePath = entry;
        int label = -1;
        const auto sep = entry.find_last_of(" \t");
        if (sep != std::string::npos) {
            const std::string tok = entry.substr(sep + 1);
            char* end = nullptr;
            const long v = std::strtol(tok.c_str(), &end, 10);
            if (end && *end == '\0' && !tok.empty()) {
                if (v < 0 || v > 1000000)
                    throw FormatError(path.string(), "label", lineStart, "label " + tok + " is out of range");
                label = static_cast<int>(v);
                imagePath = entry.substr(0, entry.find_last_not_of(" \t", sep) + 1);
            }
        }
        const int has = label >= 0 ? 1 : 0;
        if (withLabel >= 0 && has != withLabel)
            throw FormatError(path.string(), "label", lineStart,
                              "either every line has a label or none does");
        withLabel = has;
        std::filesystem::path p(imagePath);
        if (p.is_relative()) p = path.parent_path() / p;
        out.images.push_back(readImageFile(p));
        if (has) out.labels.push_back(label);
    }
    if (out.images.empty()) throw FormatError(path.string(), "list", 0, "no images listed");
    return out;
}

ImageDataset loadImageDataset(const std::filesystem::path& images, const std::filesystem::path& labels,
                              std::size_t limit)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(images, ec)) throw IoError(images.string() + ": no such file");
    ImageDataset ds;
    switch (sniff(images)) {
        case FileKind::Idx:
            ds = readIdxImages(images, limit);
            break;
        case FileKind::Png:
        case FileKind::Jpeg:
            ds.images.push_back(readImageFile(images));
            break;
        case FileKind::Other:
            ds = readImageList(images, limit);
            break;
    }
    if (!labels.empty()) {
        if (ds.labeled())
            throw InvalidArgument("the image list already holds labels; leave out the label file");
        ds.labels = readIdxLabels(labels, limit);
        if (ds.labels.size() != ds.images.size())
            throw InvalidArgument(labels.string() + " holds " + std::to_string(ds.labels.size()) +
                                  " labels for " + std::to_string(ds.images.size()) + " images");
    }
    return ds;
}

}  // namespace qs
