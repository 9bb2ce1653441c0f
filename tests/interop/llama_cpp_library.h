#pragma once
// llama.cpp itself, for the interop tests: the prebuilt shared libraries of the npm package
// @node-llama-cpp/linux-x64 (pinned in build-tools/package.json), opened with dlopen and
// driven through llama.h's C API — no Node.js involved, nothing compiled from llama.cpp here.
//
// Only functions whose arguments are pointers, integers or parameter structs are called. The
// parameter structs (llama_model_params, llama_context_params, llama_batch) are never looked
// into: they come back from llama.cpp's own *_default_params / llama_batch_get_one and are
// handed back unchanged, held in a buffer larger than any of them. On x86-64 a struct of more
// than 16 bytes is returned through a hidden pointer and passed by value on the stack, where the
// callee reads its own size from the start: a larger buffer is therefore safe both ways, and the
// test does not depend on the layout of a given llama.cpp release.

#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace qs::test {

class LlamaCppLibrary {
public:
    /// An opaque llama.cpp parameter struct (see the header comment).
    struct alignas(8) Params {
        unsigned char bytes[1024];
    };
    using Token = std::int32_t;

    /// Opens libggml and libllama from `dir` (the package's bins/linux-x64) and loads the CPU
    /// backends there. Throws std::runtime_error naming what is missing.
    explicit LlamaCppLibrary(const std::filesystem::path& dir)
    {
        m_ggml = open(dir, "libggml.");
        m_llama = open(dir, "libllama.");
        symbol(m_ggml, "ggml_backend_load_all_from_path", m_loadBackends);
        symbol(m_llama, "llama_backend_init", m_backendInit);
        symbol(m_llama, "llama_log_set", m_logSet);
        symbol(m_llama, "llama_model_default_params", m_modelDefaults);
        symbol(m_llama, "llama_context_default_params", m_contextDefaults);
        symbol(m_llama, "llama_model_load_from_file", m_loadModel);
        symbol(m_llama, "llama_model_free", m_freeModel);
        symbol(m_llama, "llama_init_from_model", m_newContext);
        symbol(m_llama, "llama_free", m_freeContext);
        symbol(m_llama, "llama_set_n_threads", m_setThreads);
        symbol(m_llama, "llama_batch_get_one", m_batchOne);
        symbol(m_llama, "llama_decode", m_decode);
        symbol(m_llama, "llama_get_logits_ith", m_logits);
        symbol(m_llama, "llama_model_get_vocab", m_vocab);
        symbol(m_llama, "llama_vocab_n_tokens", m_vocabSize);
        m_logSet([](int, const char*, void*) {}, nullptr);  // llama.cpp logs every tensor otherwise
        m_loadBackends(dir.c_str());
        m_backendInit();
    }
    LlamaCppLibrary(const LlamaCppLibrary&) = delete;
    LlamaCppLibrary& operator=(const LlamaCppLibrary&) = delete;
    // The handles stay open: ggml's backends keep threads and registries alive until exit.

    /// A model loaded by llama.cpp from a GGUF file, with one context per evaluation.
    class Model {
    public:
        Model(const LlamaCppLibrary& lib, const std::filesystem::path& gguf) : m_lib(lib)
        {
            m_model = m_lib.m_loadModel(gguf.c_str(), m_lib.m_modelDefaults());
            if (!m_model) throw std::runtime_error("llama.cpp could not load " + gguf.string());
            m_vocabSize = m_lib.m_vocabSize(m_lib.m_vocab(m_model));
        }
        ~Model() { m_lib.m_freeModel(m_model); }
        Model(const Model&) = delete;
        Model& operator=(const Model&) = delete;

        int vocabSize() const noexcept { return m_vocabSize; }

        /// Feeds `tokens` one at a time through a fresh context and returns, per position i, the
        /// logits after token i (rows of vocabSize()).
        std::vector<std::vector<float>> logits(std::span<const Token> tokens) const
        {
            const auto ctx = newContext();
            std::vector<std::vector<float>> out;
            for (Token t : tokens) {
                if (m_lib.m_decode(ctx.get(), m_lib.m_batchOne(&t, 1)) != 0) throw std::runtime_error("llama_decode failed");
                const float* l = m_lib.m_logits(ctx.get(), -1);
                out.emplace_back(l, l + m_vocabSize);
            }
            return out;
        }

        /// Σ -log p(tokens[i+1] | tokens[..i]) over i, with the count of predicted tokens.
        std::pair<double, std::int64_t> nll(std::span<const Token> tokens) const
        {
            const auto rows = logits(tokens.first(tokens.size() - 1));
            double sum = 0;
            for (std::size_t i = 0; i < rows.size(); ++i) {
                const auto& l = rows[i];
                double mx = l[0];
                for (const float v : l) mx = std::max(mx, double(v));
                double z = 0;
                for (const float v : l) z += std::exp(double(v) - mx);
                sum += mx + std::log(z) - double(l[static_cast<std::size_t>(tokens[i + 1])]);
            }
            return {sum, static_cast<std::int64_t>(rows.size())};
        }

        /// Greedy continuation from `prompt` (temperature 0), `count` new tokens.
        std::vector<Token> greedy(std::vector<Token> prompt, int count) const
        {
            const auto ctx = newContext();
            if (m_lib.m_decode(ctx.get(), m_lib.m_batchOne(prompt.data(), static_cast<std::int32_t>(prompt.size()))) != 0)
                throw std::runtime_error("llama_decode failed");
            for (int n = 0; n < count; ++n) {
                const float* l = m_lib.m_logits(ctx.get(), -1);
                Token best = 0;
                for (Token i = 1; i < m_vocabSize; ++i)
                    if (l[i] > l[best]) best = i;
                prompt.push_back(best);
                if (m_lib.m_decode(ctx.get(), m_lib.m_batchOne(&prompt.back(), 1)) != 0)
                    throw std::runtime_error("llama_decode failed");
            }
            return prompt;
        }

    private:
        /// A fresh context (an empty KV cache) on one thread: the default of four threads spins
        /// in ggml's barrier on a two-core machine, a hundred times slower for a model this small.
        std::unique_ptr<void, void (*)(void*)> newContext() const
        {
            void* ctx = m_lib.m_newContext(m_model, m_lib.m_contextDefaults());
            if (!ctx) throw std::runtime_error("llama.cpp could not create a context");
            m_lib.m_setThreads(ctx, 1, 1);
            return {ctx, m_lib.m_freeContext};
        }

        const LlamaCppLibrary& m_lib;
        void* m_model = nullptr;
        int m_vocabSize = 0;
    };

private:
    /// The one file in `dir` whose name starts with `prefix` and ends in ".so" (the package
    /// versions the names: libllama.v0.5.0.so).
    static void* open(const std::filesystem::path& dir, const std::string& prefix)
    {
        for (const auto& e : std::filesystem::directory_iterator(dir)) {
            const std::string name = e.path().filename().string();
            if (name.rfind(prefix, 0) == 0 && name.size() > 3 && name.compare(name.size() - 3, 3, ".so") == 0) {
                void* h = dlopen(e.path().c_str(), RTLD_NOW | RTLD_GLOBAL);
                if (!h) throw std::runtime_error(std::string("dlopen: ") + dlerror());
                return h;
            }
        }
        throw std::runtime_error("no " + prefix + "*.so in " + dir.string());
    }

    template <typename F>
    static void symbol(void* lib, const char* name, F& out)
    {
        void* p = dlsym(lib, name);
        if (!p) throw std::runtime_error(std::string("llama.cpp library lacks ") + name);
        out = reinterpret_cast<F>(p);
    }

    void* m_ggml = nullptr;
    void* m_llama = nullptr;
    void (*m_loadBackends)(const char*) = nullptr;
    void (*m_backendInit)() = nullptr;
    void (*m_logSet)(void (*)(int, const char*, void*), void*) = nullptr;
    Params (*m_modelDefaults)() = nullptr;
    Params (*m_contextDefaults)() = nullptr;
    void* (*m_loadModel)(const char*, Params) = nullptr;
    void (*m_freeModel)(void*) = nullptr;
    void* (*m_newContext)(void*, Params) = nullptr;
    void (*m_freeContext)(void*) = nullptr;
    void (*m_setThreads)(void*, std::int32_t, std::int32_t) = nullptr;
    Params (*m_batchOne)(Token*, std::int32_t) = nullptr;
    std::int32_t (*m_decode)(void*, Params) = nullptr;
    float* (*m_logits)(void*, std::int32_t) = nullptr;
    const void* (*m_vocab)(const void*) = nullptr;
    std::int32_t (*m_vocabSize)(const void*) = nullptr;
};

}  // namespace qs::test
