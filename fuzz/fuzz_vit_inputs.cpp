// Feeds arbitrary bytes to the ViT's input parsers. The first byte picks the parser: IDX images,
// IDX labels, PNG/JPEG (by content), or ARCH.json. Only qs::Error may escape the parsers.
#include "quantscope/error.h"
#include "quantscope/models/image_dataset.h"
#include "quantscope/models/vit_model.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1) return 0;
    const int which = data[0] % 4;
    ++data;
    --size;
    try {
        if (which == 3) {
            qs::parseVitArch(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
            return 0;
        }
        static const std::string path = "/tmp/fuzz_vit_inputs." + std::to_string(getpid());
        std::FILE* f = std::fopen(path.c_str(), "wb");
        if (!f) return 0;
        std::fwrite(data, 1, size, f);
        std::fclose(f);
        if (which == 0) qs::readIdxImages(path, 64);
        if (which == 1) qs::readIdxLabels(path);
        if (which == 2) {
            const auto img = qs::readImageFile(path);
            qs::ImagePreprocess p;
            p.width = p.height = 8;
            p.channels = 3;
            if (std::size_t(img.width) * std::size_t(img.height) < (1u << 20)) qs::preprocessImage(img, p);
        }
    } catch (const qs::Error&) {
    }
    return 0;
}
