#pragma once
// nl4: QuantScope's non-linear 4-bit format (docs/quantization.md, "nl4").
//
// Values come in super-blocks of 256 consecutive values of a row (the last one of a row may be
// shorter), split into sub-blocks of G values (G divides 256). Each value stores a 4-bit index u
// into the fixed codebook K (llama.cpp's kvalues_iq4nl, the IQ4_NL grid), each sub-block a
// signed 6-bit scale code l in [-32, 31], each super-block one fp16 scale d (IQ4_XS's layout,
// with sub-blocks of 16 instead of 32 by default). Value = d * l * K[u]; the float products
// d*l and (d*l)*K[u] are exact (11 + 6 + 7 significant bits < 24), so the order never matters.
// bpw = 4 + 6/G + 16/256 (4.4375 at G = 16).
//
// Every fast kernel has a plain reference (suffix Ref) that tests compare byte for byte.

#include "quantscope/progress.h"
#include "quantscope/quant/quant_settings.h"
#include "quantscope/quant/quantized_tensor.h"
#include "quantscope/tensor/matrix.h"

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace qs::quant::nl4 {

inline constexpr std::array<float, 16> kCodebook{-127, -104, -83, -65, -49, -35, -22, -10,
                                                 1,    13,   25,  38,  53,  69,  89,  113};
inline constexpr int kSuperBlock = 256;
inline constexpr int kSubScaleMin = -32;
inline constexpr int kSubScaleMax = 31;
inline constexpr int kSubScaleBits = 6;
inline constexpr int kSuperScaleBits = 16;
/// Index of the level nearest 0 (K = 1): the code written where the step is 0.
inline constexpr std::uint8_t kZeroCode = 8;

/// Index of the codebook level nearest y. Tie rule: a y exactly on the midpoint of two levels
/// maps to the level of larger magnitude (away from zero; no midpoint is 0). Fast: one lookup
/// in a 512-cell table indexed by trunc(2y) (every midpoint is a multiple of 0.5, so no cell
/// straddles one, and the tie rule makes each cell's boundary point agree with its interior);
/// y outside [-128, 127.5] is clamped first (beyond the outer midpoints). NaN is not allowed.
int nearestLevel(float y) noexcept;
/// Scans all 16 levels in double (exact differences after clamping y to ±1024); same tie rule.
int nearestLevelRef(float y) noexcept;

/// How hard the encoder searches (tuned in bench_quantize's equal-bits table).
struct Search {
    /// Sub-block step candidates s = xm / t for each target level t, xm the sub-block's value
    /// of largest |x| (the first one on a tie): -127 maps it onto the codebook's negative end
    /// (llama.cpp's choice), 113 onto the positive end, +127 and -113 are the mirror images
    /// (the codebook is asymmetric, so signs matter). Each candidate is refitted by least
    /// squares. Adjacent pairs ±t share one cell computation (when rescore is off). The default
    /// search is the best rel_err that bench_quantize's equal-bits table shows clearly above
    /// 10x Q4_K's speed.
    std::vector<float> targets{-127.0f, 127.0f, 113.0f, -113.0f};
    /// Re-assign at the refitted step and refit again before comparing candidates (one more
    /// pass per candidate); off: candidates compare by the first fit's least-squares error.
    bool rescore = false;
    /// Stage 2 tries l = round(s/d) and: 0 no other code, 1 the neighbour on the side of s/d
    /// (l+1 when s/d > l, else l-1), 2 both l-1 and l+1.
    int neighbours = 0;
};

/// Stage 1: the best real step of one sub-block (0 when every value is 0 or too tiny to scale).
float subBlockStep(std::span<const float> x, const Search& search) noexcept;
float subBlockStepRef(std::span<const float> x, const Search& search) noexcept;

/// Encodes one super-block (x.size() <= kSuperBlock) with sub-blocks of g values: writes
/// ceil(n/g) sub-scale codes l, n level indices, and returns d's fp16 bits.
/// Throws InvalidArgument when d overflows fp16.
std::uint16_t encodeSuperBlock(std::span<const float> x, int g, const Search& search, std::int8_t* subScales,
                               std::uint8_t* codes);
std::uint16_t encodeSuperBlockRef(std::span<const float> x, int g, const Search& search,
                                  std::int8_t* subScales, std::uint8_t* codes);

/// The whole matrix (settings already validated: nl4, 4 bits, per-group, G divides 256), rows
/// in parallel with TBB; the same bytes at any thread count. Throws Cancelled.
QuantizedTensor quantizeMatrix(const Matrix& w, std::int64_t groupSize, const Search& search,
                               const ProgressFn& progress = {});

/// The sub-scale codes of an nl4 tensor, biased to l - kSubScaleMin in [0, 63] (what the package
/// stores, and IQ4_XS's ls), one per group in row-major order. A QuantizedTensor keeps only the
/// products scales = d * l, so l is recovered as the code whose d * l equals the scale bit for
/// bit (the sign of a zero included): a writer that stores (d, l) reproduces dequantize()
/// exactly. Throws InvalidArgument naming `name` when the tensor is not a consistent nl4 tensor.
std::vector<std::uint8_t> biasedSubScaleCodes(const QuantizedTensor& q, const std::string& name);

}  // namespace qs::quant::nl4
