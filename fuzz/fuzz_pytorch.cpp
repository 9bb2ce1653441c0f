// libFuzzer target for the torch.save reader: the ZIP directory, the restricted unpickler and
// the tensor views. Inputs that are not ZIPs are wrapped into an archive as data.pkl (with a
// few storages "0".."3"), so most of the time goes into the unpickler itself.

#include "io/pytorch/pytorch_checkpoint.h"
#include "quantscope/error.h"
#include "zip_builder.h"

#include <cstdint>
#include <span>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
    std::vector<unsigned char> wrapped;
    if (size < 2 || data[0] != 'P' || data[1] != 'K') {
        std::vector<std::pair<std::string, std::string>> entries{
            {"archive/data.pkl", std::string(reinterpret_cast<const char*>(data), size)}, {"archive/byteorder", "little"}};
        for (const char* key : {"0", "1", "2", "3"}) entries.emplace_back(std::string("archive/data/") + key, std::string(64, '\x3c'));
        wrapped = qs::test::buildZip(entries).bytes;
        bytes = std::as_bytes(std::span(wrapped));
    }
    try {
        const auto ck = qs::io::openPyTorchBytes(bytes, "fuzz.pth");
        for (std::size_t i = 0; i < ck->tensors().size(); ++i) {
            (void)ck->readMatrix(i);
            (void)ck->readRaw(i);
        }
    } catch (const qs::Error&) {
        // Rejected cleanly: exactly what a hostile input should get.
    }
    return 0;
}
