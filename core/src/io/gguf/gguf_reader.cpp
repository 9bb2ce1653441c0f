#include "io/gguf/gguf_reader.h"

#include "io/gguf/gguf_file.h"
#include "quantscope/error.h"
#include "util/mapped_file.h"

#include <algorithm>

namespace qs::io {

namespace {

class GgufCheckpoint final : public Checkpoint {
public:
    explicit GgufCheckpoint(const std::filesystem::path& path) : Checkpoint(path), m_map(path)
    {
        const GgufFile f = parseGguf(m_map.bytes(), path.string());
        for (const auto& kv : f.kvs) m_metadata[kv.key] = renderGgufValue(kv.value);
        m_metadata["gguf.version"] = std::to_string(f.version);
        for (const auto& t : f.tensors) {
            TensorInfo info;
            info.name = t.name;
            // GGUF lists dims innermost first; PyTorch order is the reverse.
            info.shape.assign(t.ne.rbegin(), t.ne.rend());
            info.dtype = t.dtype;
            info.byteSize = t.bytes;
            info.role = guessRole(info.name, info.shape);
            m_tensors.push_back(std::move(info));
            m_offsets.push_back(f.dataOffset + t.offset);
        }
    }

    std::string_view format() const noexcept override { return "gguf"; }

    Matrix readMatrix(std::size_t index) const override
    {
        const auto& info = checkedInfo(index);
        // Row-major [ne[n-1]]...[ne[0]] is exactly rows = shape[0], cols = the rest.
        Matrix m(info.rows(), info.cols());
        if (info.numel() == 0) return m;  // nothing to decode (and no null-pointer memcpy)
        decodeToFloat(info.dtype, m_map.data() + m_offsets[index], m.values.data(),
                      static_cast<std::size_t>(info.numel()));
        return m;
    }

    std::vector<std::byte> readRaw(std::size_t index) const override
    {
        const auto& info = checkedInfo(index);
        const std::byte* p = m_map.data() + m_offsets[index];
        return {p, p + info.byteSize};
    }

private:
    const TensorInfo& checkedInfo(std::size_t index) const
    {
        if (index >= m_tensors.size())
            throw InvalidArgument("tensor index " + std::to_string(index) + " out of range (" +
                                  std::to_string(m_tensors.size()) + " tensors)");
        return m_tensors[index];
    }

    MappedFile m_map;
    std::vector<std::uint64_t> m_offsets;  ///< absolute file offsets, bounds-checked by parseGguf
};

}  // namespace

bool sniffGguf(std::span<const std::byte> head)
{
    return head.size() >= 4 && head[0] == std::byte{'G'} && head[1] == std::byte{'G'} && head[2] == std::byte{'U'} &&
           head[3] == std::byte{'F'};
}

std::unique_ptr<Checkpoint> openGguf(const std::filesystem::path& path)
{
    return std::make_unique<GgufCheckpoint>(path);
}

}  // namespace qs::io
