#pragma once
// Text form of the per-tensor overrides (TensorRule, model_job.h) shared by the CLI's
// --tensor-type and the GUI, and the name heuristics that pick out a model's output head.
// Syntax (docs/quantization-jobs.md):  REGEX=ITEM[,ITEM...]
//   ITEM: skip | rtn | rtn-mse | easyquant | nl4 | K (bits) | bits=K | method=M | group=G | sigma=N
// e.g.  "down_proj=bits=8"   "attn\.(q|k)_proj=rtn-mse,3"   "layers\.0\.=skip"

#include "quantscope/quant/model_job.h"

#include <string>
#include <string_view>

namespace qs {

/// Parses "REGEX=SPEC". The pattern ends at the first '=' (so it cannot contain one) and is
/// checked to compile. Throws InvalidArgument naming the bad part.
TensorRule parseTensorRule(std::string_view text);

/// The SPEC part back as text ("skip", or e.g. "method=rtn-mse,bits=3,group=64,sigma=2.5").
std::string ruleSpecText(const TensorRule& rule);

/// True for the usual names of a language model's output projection or a classifier head:
/// exactly "output.weight" (Meta LLaMA, llama2.c, GGUF) or "wcls", or a name whose last
/// components are "lm_head.weight" (Hugging Face), "embed_out.weight" (GPT-NeoX),
/// "classifier.weight" or "head.weight" (BERT/timm/torchvision heads). Tied heads that share
/// the embedding tensor have no name of their own and follow the embedding's setting.
bool isOutputHeadName(std::string_view name) noexcept;

}  // namespace qs
