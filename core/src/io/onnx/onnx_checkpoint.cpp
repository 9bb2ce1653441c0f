#include "io/onnx/onnx_checkpoint.h"

#include "io/layout_transpose.h"
#include "io/onnx/onnx_tensor_data.h"
#include "quantscope/error.h"
#include "util/mapped_file.h"

#include <climits>
#include <set>
#include <unordered_map>

namespace qs::io {

namespace {

constexpr std::size_t kMaxRank = 32;

struct Usage {
    TensorRole role;
    AxisLayout layout;
};

// What the consuming node says about an initializer; the first consumer that knows wins.
std::optional<Usage> usageFromNode(const onnx::NodeProto& n, int input)
{
    const std::string& op = n.op_type();
    if ((op == "Conv" || op == "ConvTranspose" || op == "QLinearConv") && input == 1)
        return Usage{TensorRole::Conv, AxisLayout::OutFirst};
    if ((op == "Conv" || op == "ConvTranspose") && input == 2) return Usage{TensorRole::Bias, AxisLayout::OutFirst};
    if (op == "Gemm" && input == 1) {
        std::int64_t transB = 0;
        for (const auto& a : n.attribute())
            if (a.name() == "transB") transB = a.i();
        // Gemm computes A * B' with B [out,in] when transB=1, A * B with B [in,out] otherwise.
        return Usage{TensorRole::Linear, transB ? AxisLayout::OutFirst : AxisLayout::OutLast};
    }
    if (op == "Gemm" && input == 2) return Usage{TensorRole::Bias, AxisLayout::OutFirst};
    if (op == "MatMul" && input == 1) return Usage{TensorRole::Linear, AxisLayout::OutLast};  // x[.., in] @ B[in, out]
    if (op == "MatMul" && input == 0) return Usage{TensorRole::Linear, AxisLayout::OutFirst};
    if (op == "BatchNormalization" || op == "LayerNormalization" || op == "InstanceNormalization")
        return input >= 1 ? std::optional<Usage>(Usage{TensorRole::Norm, AxisLayout::OutFirst}) : std::nullopt;
    if (op == "Gather" && input == 0) return Usage{TensorRole::Embedding, AxisLayout::OutFirst};
    if (op == "Add") return Usage{TensorRole::Bias, AxisLayout::OutFirst};
    return std::nullopt;
}

class OnnxCheckpoint final : public Checkpoint {
public:
    OnnxCheckpoint(std::filesystem::path path, std::span<const std::byte> bytes, std::filesystem::path dir)
        : Checkpoint(std::move(path)), m_dir(std::move(dir))
    {
        parse(bytes);
    }
    std::string_view format() const noexcept override { return "onnx"; }
    Matrix readMatrix(std::size_t index) const override;
    std::vector<std::byte> readRaw(std::size_t index) const override;

private:
    void parse(std::span<const std::byte> bytes);
    void addInitializer(const onnx::TensorProto& t, const std::unordered_map<std::string, Usage>& usage);
    void check(std::size_t index) const;

    std::filesystem::path m_dir;
    std::string m_file;
    onnx::ModelProto m_model;  // owns raw_data and typed fields of the initializers
    std::map<std::string, std::unique_ptr<MappedFile>> m_external;
    std::vector<onnxdata::Source> m_sources;
    std::set<std::string> m_names;
};

void OnnxCheckpoint::parse(std::span<const std::byte> bytes)
{
    m_file = m_path.string();
    if (bytes.size() > static_cast<std::size_t>(INT_MAX))
        throw UnsupportedError(m_file + ": " + std::to_string(bytes.size()) +
                               " bytes exceeds protobuf's 2 GB message limit; large ONNX models keep weights in external data");
    if (!m_model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
        throw FormatError(m_file, "ModelProto", 0, "protobuf message does not parse (truncated or not an ONNX model)");
    if (!m_model.has_graph()) throw FormatError(m_file, "ModelProto.graph", 0, "model has no graph");
    const auto& g = m_model.graph();
    // Role and axis of each initializer from its consumer; through one Reshape/Flatten, so a
    // [16,4,4,10] weight reshaped to [256,10] for a MatMul still counts as [in, out].
    std::unordered_map<std::string, std::vector<std::pair<const onnx::NodeProto*, int>>> consumers;
    for (const auto& node : g.node())
        for (int i = 0; i < node.input_size(); ++i) consumers[node.input(i)].emplace_back(&node, i);
    std::unordered_map<std::string, Usage> usage;
    for (const auto& [name, uses] : consumers)
        for (const auto& [node, input] : uses) {
            auto u = usageFromNode(*node, input);
            if (!u && input == 0 && (node->op_type() == "Reshape" || node->op_type() == "Flatten") && node->output_size() > 0)
                if (const auto next = consumers.find(node->output(0)); next != consumers.end() && !next->second.empty())
                    u = usageFromNode(*next->second.front().first, next->second.front().second);
            if (u) {
                usage.emplace(name, *u);
                break;
            }
        }
    for (const auto& t : g.initializer()) addInitializer(t, usage);
    m_metadata["onnx.ir_version"] = std::to_string(m_model.ir_version());
    m_metadata["onnx.producer"] = m_model.producer_name() + " " + m_model.producer_version();
    m_metadata["onnx.graph"] = g.name();
    for (const auto& op : m_model.opset_import())
        m_metadata["onnx.opset." + (op.domain().empty() ? std::string("ai.onnx") : op.domain())] = std::to_string(op.version());
    if (g.sparse_initializer_size() > 0)
        m_metadata["onnx.sparse_initializers_skipped"] = std::to_string(g.sparse_initializer_size());
}

void OnnxCheckpoint::addInitializer(const onnx::TensorProto& t, const std::unordered_map<std::string, Usage>& usage)
{
    const std::string field = "initializer '" + t.name() + "'";
    const auto dtype = onnxdata::toDType(t.data_type());
    if (!dtype) {
        // Strings, complex and sub-byte types carry no weights QuantScope can inspect; list them.
        auto& skipped = m_metadata["onnx.unsupported_initializers"];
        skipped += (skipped.empty() ? "" : ", ") + t.name() + " (data_type " + std::to_string(t.data_type()) + ")";
        return;
    }
    if (!m_names.insert(t.name()).second) throw FormatError(m_file, field, 0, "duplicate initializer name");
    if (static_cast<std::size_t>(t.dims_size()) > kMaxRank) throw FormatError(m_file, field + " dims", 0, "more than 32 dimensions");
    TensorInfo info;
    info.name = t.name();
    info.dtype = *dtype;
    std::uint64_t numel = 1;
    for (const auto d : t.dims()) {
        if (d < 0) throw FormatError(m_file, field + " dims", 0, "negative dimension " + std::to_string(d));
        if (d > 0 && numel > (std::uint64_t{1} << 56) / static_cast<std::uint64_t>(d))
            throw FormatError(m_file, field + " dims", 0, "element count overflows");
        numel *= static_cast<std::uint64_t>(d);
        info.shape.push_back(d);
    }
    m_sources.push_back(onnxdata::locate(t, *dtype, numel, m_file, m_dir, m_external));
    info.byteSize = numel * traits(*dtype).blockBytes;
    info.role = guessRole(info.name, info.shape);
    if (const auto it = usage.find(t.name()); it != usage.end()) {
        info.role = it->second.role;
        info.layout = info.shape.size() >= 2 ? it->second.layout : AxisLayout::OutFirst;
    }
    if (traits(*dtype).isInteger) info.role = TensorRole::Other;  // shapes, indices, masks
    m_tensors.push_back(std::move(info));
}

void OnnxCheckpoint::check(std::size_t index) const
{
    if (index >= m_tensors.size()) throw InvalidArgument("tensor index " + std::to_string(index) + " out of range");
}

std::vector<std::byte> OnnxCheckpoint::readRaw(std::size_t index) const
{
    check(index);
    const auto& info = m_tensors[index];
    return onnxdata::elementBytes(m_sources[index], info.dtype, static_cast<std::uint64_t>(info.numel()));
}

Matrix OnnxCheckpoint::readMatrix(std::size_t index) const
{
    const auto raw = readRaw(index);  // checks the index
    return matrixFromRaw(m_tensors[index], raw);
}

}  // namespace

std::unique_ptr<Checkpoint> openOnnx(const std::filesystem::path& path)
{
    const MappedFile map(path);
    return std::make_unique<OnnxCheckpoint>(path, map.bytes(), path.parent_path());
}

std::unique_ptr<Checkpoint> openOnnxBytes(std::span<const std::byte> bytes, const std::filesystem::path& name)
{
    return std::make_unique<OnnxCheckpoint>(name, bytes, name.parent_path());
}

}  // namespace qs::io
