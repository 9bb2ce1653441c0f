#pragma once
// The few Python values a torch.save state dict is made of, as the restricted unpickler builds
// them. Objects live in the unpickler's arena and refer to each other by raw pointer, so memo
// sharing and even hostile cycles cost nothing to free (readers bound their recursion depth).

#include "quantscope/tensor/dtype.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace qs::io::pickle {

enum class Kind : std::uint8_t { None, Bool, Int, Float, String, Bytes, Tuple, List, Dict, Global, Storage, Tensor };

/// The globals the unpickler accepts (docs/security.md). Everything else is refused.
enum class GlobalId : std::uint8_t {
    OrderedDict,              ///< collections.OrderedDict: REDUCE(()) makes an empty dict
    RebuildTensorV2,          ///< torch._utils._rebuild_tensor_v2: REDUCE makes a Tensor view
    RebuildParameter,         ///< torch._utils._rebuild_parameter: REDUCE returns its tensor
    RebuildParameterWithState,///< torch._utils._rebuild_parameter_with_state: same
    StorageClass,             ///< torch.<X>Storage: only names a dtype inside a persistent id
};

struct Object {
    Kind kind = Kind::None;
    bool boolean = false;
    std::int64_t integer = 0;
    double real = 0.0;
    std::string text;                                  ///< String/Bytes; Global: "module.name"; Storage: key
    std::vector<Object*> items;                        ///< Tuple, List
    std::vector<std::pair<Object*, Object*>> entries;  ///< Dict, in insertion order
    GlobalId global = GlobalId::OrderedDict;           ///< Global
    DType dtype = DType::F32;                          ///< Global (StorageClass), Storage, Tensor
    std::int64_t numel = 0;                            ///< Storage: elements
    const Object* storage = nullptr;                   ///< Tensor
    std::int64_t storageOffset = 0;                    ///< Tensor, in elements
    std::vector<std::int64_t> shape, stride;           ///< Tensor
};

}  // namespace qs::io::pickle
