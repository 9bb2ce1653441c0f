#pragma once
// Reader for HDF5 checkpoints (FORMATS.md §3.5) through the HDF5 C library: Keras legacy
// full-model and weights-only `.h5` (layer_names / weight_names attributes, split attributes
// too), Keras 3 `model.weights.h5` (`layers/<name>/vars/<i>`), and any other HDF5 file's
// numeric datasets as generic tensors. No HDF5 types appear here.

#include "quantscope/io/checkpoint.h"

#include <span>

namespace qs::io {

/// True when `head` carries the HDF5 signature at offset 0, 512, 1024 or 2048 (user block).
bool sniffHdf5(std::span<const std::byte> head);
/// Opens the file and catalogs its weights; Keras kernels ([in,out], HWIO) get
/// AxisLayout::OutLast so readMatrix returns them transposed to [out, rest]. HDF5's own
/// error printing is silenced; failures become FormatError naming the file and object path.
std::unique_ptr<Checkpoint> openHdf5(const std::filesystem::path& path);

/// True when `head` is a ZIP whose first entry is one a Keras 3 `.keras` archive starts with
/// (metadata.json, config.json or model.weights.h5).
bool sniffKeras(std::span<const std::byte> head);
/// Opens a Keras 3 `.keras` archive: its `model.weights.h5` is opened from memory (HDF5 core
/// driver) and read like any Keras 3 weights file; config.json becomes metadata.
std::unique_ptr<Checkpoint> openKeras(const std::filesystem::path& path);

}  // namespace qs::io
