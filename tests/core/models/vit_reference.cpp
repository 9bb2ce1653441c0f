#include "vit_reference.h"

#include <cmath>
#include <cstring>
#include <numeric>

namespace qs::test {

void MemoryCheckpoint::add(const std::string& name, std::vector<std::int64_t> shape,
                           std::vector<float> values)
{
    TensorInfo t;
    t.name = name;
    t.shape = std::move(shape);
    t.dtype = DType::F32;
    t.byteSize = values.size() * 4;
    t.role = guessRole(name, t.shape);
    m_tensors.push_back(t);
    m_values[name] = std::move(values);
}

Matrix MemoryCheckpoint::readMatrix(std::size_t index) const
{
    const auto& t = m_tensors.at(index);
    Matrix m(t.rows(), t.cols());
    m.values = m_values.at(t.name);
    return m;
}

std::vector<std::byte> MemoryCheckpoint::readRaw(std::size_t index) const
{
    const auto& v = m_values.at(m_tensors.at(index).name);
    std::vector<std::byte> out(v.size() * 4);
    std::memcpy(out.data(), v.data(), out.size());
    return out;
}

namespace {

std::string blk(int i, const std::string& role)
{
    return "b" + std::to_string(i) + "." + role;
}

using Tokens = std::vector<std::vector<double>>;

Tokens linear(const Tokens& x, const std::vector<float>& w, const std::vector<float>* b, int out, int in,
              int rowOffset = 0)
{
    Tokens y(x.size(), std::vector<double>(std::size_t(out)));
    for (std::size_t t = 0; t < x.size(); ++t)
        for (int o = 0; o < out; ++o) {
            double acc = b ? (*b)[std::size_t(rowOffset + o)] : 0.0;
            for (int i = 0; i < in; ++i)
                acc += double(w[std::size_t((rowOffset + o) * in + i)]) * x[t][std::size_t(i)];
            y[t][std::size_t(o)] = acc;
        }
    return y;
}

void layerNorm(Tokens& x, const std::vector<float>& g, const std::vector<float>* b, double eps)
{
    for (auto& row : x) {
        const double n = double(row.size());
        double mean = 0;
        for (double v : row) mean += v;
        mean /= n;
        double var = 0;
        for (double v : row) var += (v - mean) * (v - mean);
        var /= n;
        for (std::size_t c = 0; c < row.size(); ++c)
            row[c] = (row[c] - mean) / std::sqrt(var + eps) * g[c] + (b ? (*b)[c] : 0.0);
    }
}

double act(const std::string& a, double v)
{
    if (a == "relu") return v > 0 ? v : 0;
    if (a == "gelu_tanh") return 0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v)));
    return 0.5 * v * (1 + std::erf(v / std::sqrt(2.0)));
}

}  // namespace

std::unique_ptr<MemoryCheckpoint> makeSynthCheckpoint(const SynthVit& s, std::uint32_t seed)
{
    auto c = std::make_unique<MemoryCheckpoint>();
    std::mt19937 rng(seed);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    auto rand = [&](std::vector<std::int64_t> shape, float scale, float offset = 0.0f) {
        const auto n = std::accumulate(shape.begin(), shape.end(), std::int64_t(1), std::multiplies<>());
        std::vector<float> v(static_cast<std::size_t>(n));
        for (auto& x : v) x = offset + scale * nd(rng);
        return v;
    };
    const int d = s.dim, pp = s.channels * s.patch * s.patch;
    const int tokens = (s.height / s.patch) * (s.width / s.patch) + (s.cls ? 1 : 0);
    auto addLinear = [&](const std::string& name, int out, int in) {
        c->add(name + ".weight", {out, in}, rand({out, in}, 1.0f / std::sqrt(float(in))));
        c->add(name + ".bias", {out}, rand({out}, 0.1f));
    };
    c->add("embed.conv.weight", {d, s.channels, s.patch, s.patch},
           rand({d, pp}, 1.0f / std::sqrt(float(pp))));
    c->add("embed.conv.bias", {d}, rand({d}, 0.1f));
    if (s.cls) c->add("embed.cls", {1, 1, d}, rand({d}, 1.0f));
    c->add("embed.pos", {1, tokens, d}, rand({tokens, d}, 0.5f));
    for (int i = 0; i < s.layers; ++i) {
        c->add(blk(i, "n1.weight"), {d}, rand({d}, 0.2f, 1.0f));
        c->add(blk(i, "n1.bias"), {d}, rand({d}, 0.1f));
        if (!s.sharedNorm) {
            c->add(blk(i, "n2.weight"), {d}, rand({d}, 0.2f, 1.0f));
            c->add(blk(i, "n2.bias"), {d}, rand({d}, 0.1f));
        }
        if (s.preProj)
            for (const char* p : {"pq", "pk", "pv"}) addLinear(blk(i, p), d, d);
        if (s.fused) {
            addLinear(blk(i, "qkv"), 3 * d, d);
        } else {
            for (const char* p : {"q", "k", "v"}) addLinear(blk(i, p), d, d);
        }
        addLinear(blk(i, "proj"), d, d);
        addLinear(blk(i, "fc1"), s.mlp, d);
        addLinear(blk(i, "fc2"), d, s.mlp);
        if (s.layerScale) {
            c->add(blk(i, "ls1"), {d}, rand({d}, 0.1f, 0.5f));
            c->add(blk(i, "ls2"), {d}, rand({d}, 0.1f, 0.5f));
        }
    }
    if (s.finalNorm) {
        c->add("norm.weight", {d}, rand({d}, 0.2f, 1.0f));
        c->add("norm.bias", {d}, rand({d}, 0.1f));
    }
    if (s.poolNorm) {
        c->add("fc_norm.weight", {d}, rand({d}, 0.2f, 1.0f));
        c->add("fc_norm.bias", {d}, rand({d}, 0.1f));
    }
    addLinear("head", s.classes, d);
    return c;
}

std::string synthArchJson(const SynthVit& s)
{
    std::string t;
    auto role = [&](const std::string& r, const std::string& name) {
        t += (t.empty() ? "" : ",\n") + std::string("    \"") + r + "\": \"" + name + "\"";
    };
    role("patch_embed.weight", "embed.conv.weight");
    role("patch_embed.bias", "embed.conv.bias");
    if (s.cls) role("cls_token", "embed.cls");
    role("pos_embed", "embed.pos");
    role("norm1.weight", "b{i}.n1.weight");
    role("norm1.bias", "b{i}.n1.bias");
    role("norm2.weight", s.sharedNorm ? "b{i}.n1.weight" : "b{i}.n2.weight");
    role("norm2.bias", s.sharedNorm ? "b{i}.n1.bias" : "b{i}.n2.bias");
    if (s.preProj)
        for (const auto& [r, n] : {std::pair{"pre_q", "pq"}, {"pre_k", "pk"}, {"pre_v", "pv"}}) {
            role(std::string(r) + ".weight", std::string("b{i}.") + n + ".weight");
            role(std::string(r) + ".bias", std::string("b{i}.") + n + ".bias");
        }
    for (const char* r :
         s.fused ? std::vector<const char*>{"qkv"} : std::vector<const char*>{"q", "k", "v"}) {
        role(std::string(r) + ".weight", std::string("b{i}.") + r + ".weight");
        role(std::string(r) + ".bias", std::string("b{i}.") + r + ".bias");
    }
    role("attn_out.weight", "b{i}.proj.weight");
    role("attn_out.bias", "b{i}.proj.bias");
    role("fc1.weight", "b{i}.fc1.weight");
    role("fc1.bias", "b{i}.fc1.bias");
    role("fc2.weight", "b{i}.fc2.weight");
    role("fc2.bias", "b{i}.fc2.bias");
    if (s.layerScale) {
        role("ls1", "b{i}.ls1");
        role("ls2", "b{i}.ls2");
    }
    if (s.finalNorm) {
        role("final_norm.weight", "norm.weight");
        role("final_norm.bias", "norm.bias");
    }
    if (s.poolNorm) {
        role("pool_norm.weight", "fc_norm.weight");
        role("pool_norm.bias", "fc_norm.bias");
    }
    role("head.weight", "head.weight");
    role("head.bias", "head.bias");
    return "{\n  \"format\": \"quantscope-vit-arch\", \"version\": 1, \"name\": \"synthetic\",\n"
           "  \"image\": {\"size\": [" +
           std::to_string(s.height) + ", " + std::to_string(s.width) +
           "], \"channels\": " + std::to_string(s.channels) + ", \"mean\": [" + std::to_string(s.mean) +
           "], \"std\": [" + std::to_string(s.std) + "]},\n  \"patch_size\": " + std::to_string(s.patch) +
           ", \"heads\": " + std::to_string(s.heads) + ", \"norm\": \"" + (s.postNorm ? "post" : "pre") +
           "\", \"layer_norm_eps\": " + std::to_string(s.eps) + ", \"activation\": \"" + s.activation +
           "\", \"pooling\": \"" + (s.meanPool ? "mean" : "cls") + "\",\n  \"tensors\": {\n" + t +
           "\n  }\n}\n";
}

std::vector<double> referenceForward(const SynthVit& s, const MemoryCheckpoint& c,
                                     const std::vector<float>& image)
{
    const int d = s.dim, gh = s.height / s.patch, gw = s.width / s.patch, p = s.patch;
    const auto& cw = c.values("embed.conv.weight");
    const auto& cb = c.values("embed.conv.bias");
    Tokens x;
    if (s.cls) {
        const auto& cls = c.values("embed.cls");
        x.emplace_back(cls.begin(), cls.end());
    }
    // Convolution with stride = kernel, written as the textbook sum.
    for (int gy = 0; gy < gh; ++gy)
        for (int gx = 0; gx < gw; ++gx) {
            std::vector<double> tok(static_cast<std::size_t>(d));
            for (int o = 0; o < d; ++o) {
                double acc = cb[std::size_t(o)];
                for (int ch = 0; ch < s.channels; ++ch)
                    for (int ky = 0; ky < p; ++ky)
                        for (int kx = 0; kx < p; ++kx)
                            acc += double(cw[std::size_t(((o * s.channels + ch) * p + ky) * p + kx)]) *
                                   image[std::size_t((ch * s.height + gy * p + ky) * s.width + gx * p + kx)];
                tok[std::size_t(o)] = acc;
            }
            x.push_back(tok);
        }
    const auto& pos = c.values("embed.pos");
    for (std::size_t t = 0; t < x.size(); ++t)
        for (int j = 0; j < d; ++j) x[t][std::size_t(j)] += pos[t * std::size_t(d) + std::size_t(j)];

    auto lin = [&](const Tokens& in, const std::string& name, int out, int inDim, int rowOffset = 0) {
        return linear(in, c.values(name + ".weight"), &c.values(name + ".bias"), out, inDim, rowOffset);
    };
    for (int i = 0; i < s.layers; ++i) {
        const std::string n2 = s.sharedNorm ? "n1" : "n2";
        auto norm = [&](Tokens& t, const std::string& n) {
            layerNorm(t, c.values(blk(i, n + ".weight")), &c.values(blk(i, n + ".bias")), s.eps);
        };
        auto attention = [&](const Tokens& h) {
            Tokens q = h, k = h, v = h;
            if (s.preProj) {
                q = lin(h, blk(i, "pq"), d, d);
                k = lin(h, blk(i, "pk"), d, d);
                v = lin(h, blk(i, "pv"), d, d);
            }
            if (s.fused) {
                q = lin(q, blk(i, "qkv"), d, d, 0);
                k = lin(k, blk(i, "qkv"), d, d, d);
                v = lin(v, blk(i, "qkv"), d, d, 2 * d);
            } else {
                q = lin(q, blk(i, "q"), d, d);
                k = lin(k, blk(i, "k"), d, d);
                v = lin(v, blk(i, "v"), d, d);
            }
            const int hd = d / s.heads;
            Tokens o(h.size(), std::vector<double>(std::size_t(d)));
            for (int head = 0; head < s.heads; ++head)
                for (std::size_t a = 0; a < h.size(); ++a) {
                    std::vector<double> sc(h.size());
                    double mx = -1e300;
                    for (std::size_t b = 0; b < h.size(); ++b) {
                        double dot = 0;
                        for (int j = 0; j < hd; ++j)
                            dot += q[a][std::size_t(head * hd + j)] * k[b][std::size_t(head * hd + j)];
                        sc[b] = dot / std::sqrt(double(hd));
                        mx = std::max(mx, sc[b]);
                    }
                    double sum = 0;
                    for (auto& e : sc) sum += (e = std::exp(e - mx));
                    for (int j = 0; j < hd; ++j) {
                        double acc = 0;
                        for (std::size_t b = 0; b < h.size(); ++b)
                            acc += sc[b] / sum * v[b][std::size_t(head * hd + j)];
                        o[a][std::size_t(head * hd + j)] = acc;
                    }
                }
            return lin(o, blk(i, "proj"), d, d);
        };
        auto mlp = [&](const Tokens& h) {
            Tokens m = lin(h, blk(i, "fc1"), s.mlp, d);
            for (auto& row : m)
                for (auto& e : row) e = act(s.activation, e);
            return lin(m, blk(i, "fc2"), d, s.mlp);
        };
        auto addBranch = [&](Tokens& xx, const Tokens& br, const char* ls) {
            for (std::size_t t = 0; t < xx.size(); ++t)
                for (int j = 0; j < d; ++j)
                    xx[t][std::size_t(j)] +=
                        br[t][std::size_t(j)] * (s.layerScale ? c.values(blk(i, ls))[std::size_t(j)] : 1.0f);
        };
        if (!s.postNorm) {
            Tokens h = x;
            norm(h, "n1");
            addBranch(x, attention(h), "ls1");
            h = x;
            norm(h, n2);
            addBranch(x, mlp(h), "ls2");
        } else {
            addBranch(x, attention(x), "ls1");
            norm(x, "n1");
            addBranch(x, mlp(x), "ls2");
            norm(x, n2);
        }
    }
    if (s.finalNorm) layerNorm(x, c.values("norm.weight"), &c.values("norm.bias"), s.eps);
    Tokens pooled(1, std::vector<double>(std::size_t(d), 0.0));
    if (!s.meanPool) {
        pooled[0] = x[0];
    } else {
        const std::size_t first = s.cls ? 1 : 0;
        for (std::size_t t = first; t < x.size(); ++t)
            for (int j = 0; j < d; ++j)
                pooled[0][std::size_t(j)] += x[t][std::size_t(j)] / double(x.size() - first);
    }
    if (s.poolNorm) layerNorm(pooled, c.values("fc_norm.weight"), &c.values("fc_norm.bias"), s.eps);
    return lin(pooled, "head", s.classes, d)[0];
}

}  // namespace qs::test
