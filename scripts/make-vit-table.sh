#!/usr/bin/env bash
# Regenerates docs/vit-accuracy.md: MNIST test-set top-1 of vit_mnist_model.pth in FP32 and
# weight-quantized per channel with RTN and EasyQuant at 8, 4 and 3 bits, with bits per weight.
# Usage: scripts/make-vit-table.sh [BUILD_DIR]   (default build/dev; needs quantscope-cli built)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build/dev}"
cli="$build/app/cli/quantscope-cli"
data="${QS_TEST_DATA:-$root/../shared/data}"
[ -x "$cli" ] || { echo "make-vit-table: build quantscope-cli first ($cli)" >&2; exit 1; }
[ -f "$data/vision/vit_mnist_model.pth" ] || { echo "make-vit-table: $data/vision is missing" >&2; exit 1; }

cmd=(eval-vit ../shared/data/vision/vit_mnist_model.pth
     --arch resources/models/mnist_vit.arch.json
     --images ../shared/data/vision/t10k-images-idx3-ubyte.gz
     --labels ../shared/data/vision/t10k-labels-idx1-ubyte.gz
     --granularity channel --table --table-methods rtn,easyquant --table-bits 8,4,3)

# Run from the repository root so the relative paths in the printed command work as written.
cd "$root"
if [ "$data" != "$root/../shared/data" ]; then
  cmd=("${cmd[@]//..\/shared\/data/$data}")
fi
table="$("$cli" "${cmd[@]}")"

out="$root/docs/vit-accuracy.md"
{
  echo "# ViT accuracy: FP32 vs weight-quantized (MNIST test set)"
  echo
  echo "\`vit_mnist_model.pth\` (5 pre-norm blocks, width 49, 7 heads; shared/data/DATA.md) on the"
  echo "10,000 MNIST test images. Weights of every patch-embedding, linear and classifier matrix"
  echo "are fake-quantized per output channel, symmetric, restricted integer range, fp16 scales"
  echo "(QuantSettings defaults; EasyQuant: 3σ whole-matrix outliers kept in fp16, exact range"
  echo "search). Activations stay FP32. bpw counts code bits, the fp16 scale per channel and the"
  echo "outliers' fp16 value + 32-bit index (METHODS.md §4)."
  echo
  echo "$table"
  echo
  echo "Made by \`scripts/make-vit-table.sh\`, which runs from the repository root:"
  echo
  echo '```'
  echo "quantscope-cli ${cmd[*]}"
  echo '```'
} > "$out"
echo "wrote $out"
cat "$out"
