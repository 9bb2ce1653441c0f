#include "io/reader_registry.h"

#include "io/gguf/gguf_reader.h"
#include "io/hdf5/hdf5_checkpoint.h"
#include "io/llama2c/llama2c_reader.h"
#include "io/package/package_reader.h"
#include "io/pytorch/pytorch_checkpoint.h"
#include "io/safetensors/safetensors_reader.h"
#include "quantscope/error.h"
#ifdef QS_HAVE_ONNX
#include "io/onnx/onnx_checkpoint.h"
#endif

#include <algorithm>
#include <fstream>

namespace qs {

namespace io {

const std::vector<ReaderEntry>& readers()
{
    // Readers register here, in the order they are tried for sniffing.
    static const std::vector<ReaderEntry> table = {
        // Formats with a real signature first; llama2.c legacy files have none.
        {{"gguf", "GGUF", {"gguf"}}, &sniffGguf, &openGguf},
        {{"safetensors", "safetensors", {"safetensors"}}, &sniffSafetensors, &openSafetensors},
        // A sharded checkpoint's model.safetensors.index.json opens as one safetensors checkpoint.
        {{"safetensors-index", "sharded safetensors (model.safetensors.index.json)", {"json"}},
         &sniffSafetensorsIndex, &openSafetensors},
        {{"quantscope-package", "QuantScope package", {"qs.h5"}}, &sniffPackage, &openPackage},
        {{"llama2c", "llama2.c checkpoint", {"bin"}}, &sniffLlama2c, &openLlama2c},
        // "bin" is deliberately not claimed: llama2.c uses it too, and a torch.save
        // pytorch_model.bin is recognised by its content (a ZIP starting with <folder>/data.pkl).
        {{"pytorch", "PyTorch (torch.save)", {"pt", "pth", "ckpt"}}, &sniffPyTorch, &openPyTorch},
#ifdef QS_HAVE_ONNX
        {{"onnx", "ONNX", {"onnx"}}, &sniffOnnx, &openOnnx},
#endif
        {{"hdf5", "HDF5 / Keras .h5", {"h5", "hdf5"}}, &sniffHdf5, &openHdf5},
        {{"keras", "Keras 3 (.keras)", {"keras"}}, &sniffKeras, &openKeras},
    };
    return table;
}

}  // namespace io

std::vector<CheckpointFormatInfo> checkpointFormats()
{
    std::vector<CheckpointFormatInfo> out;
    for (const auto& r : io::readers()) out.push_back(r.info);
    return out;
}

std::unique_ptr<Checkpoint> openCheckpoint(const std::filesystem::path& path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw IoError(path.string() + ": no such file");
    std::vector<std::byte> head(4096);
    std::size_t got = 0;
    if (std::filesystem::is_regular_file(path, ec)) {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw IoError(path.string() + ": cannot open for reading");
        in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
        got = static_cast<std::size_t>(in.gcount());
    }
    head.resize(got);
    for (const auto& r : io::readers())
        if (r.sniff && r.sniff(head)) return r.open(path);

    std::string ext = path.extension().string();
    if (!ext.empty()) ext.erase(0, 1);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const auto& r : io::readers())
        if (std::find(r.info.extensions.begin(), r.info.extensions.end(), ext) != r.info.extensions.end())
            return r.open(path);
    throw UnsupportedError(path.string() + ": not a checkpoint format QuantScope recognises");
}

}  // namespace qs
