#include "tensor/ggml_blocks.h"

#include "quantscope/error.h"

namespace qs::ggml {

void dequantizeBlocks(DType t, const std::byte*, float*, std::size_t)
{
    throw UnsupportedError("dequantization of " + std::string(dtypeName(t)) + " is not implemented yet");
}

}  // namespace qs::ggml
