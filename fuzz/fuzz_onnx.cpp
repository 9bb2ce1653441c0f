// libFuzzer target for the ONNX initializer reader: protobuf parsing (libprotobuf), dims and
// data-size checks, node-derived axes and the typed-field conversions. External data
// resolves against a folder that does not exist, so it can only fail cleanly.

#include "io/onnx/onnx_checkpoint.h"
#include "quantscope/error.h"

#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
    try {
        const auto ck = qs::io::openOnnxBytes(bytes, "/nonexistent-quantscope-fuzz/model.onnx");
        for (std::size_t i = 0; i < ck->tensors().size(); ++i) {
            (void)ck->readMatrix(i);
            (void)ck->readRaw(i);
        }
    } catch (const qs::Error&) {
        // Rejected cleanly.
    }
    return 0;
}
