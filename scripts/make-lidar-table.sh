#!/usr/bin/env bash
# Prints the tables of docs/lidar-detector.md: AP|R40 of the committed pillar detector on
# held-out simulated scenes and on the six labelled KITTI frames (camera field-of-view crops),
# FP32 / W8A8 / W4A8.
# Usage: scripts/make-lidar-table.sh [BUILD_DIR] [SCENES]   (default build/dev, 40 scenes)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build/dev}"
scenes="${2:-40}"
cli="$build/app/cli/quantscope-cli"
data="${QS_TEST_DATA:-$root/../shared/data}"
model="$root/resources/models/lidar_pillar_detector.safetensors"
[ -x "$cli" ] || { echo "make-lidar-table: build quantscope-cli first ($cli)" >&2; exit 1; }

variants=("FP32|" "W8A8 rtn|--method rtn --bits 8 --act-bits 8" "W4A8 rtn|--method rtn --bits 4 --act-bits 8"
          "W4A8 easyquant|--method easyquant --bits 4 --act-bits 8")
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for v in "${variants[@]}"; do
  name="${v%%|*}"; args="${v#*|}"
  echo "=== $name: simulated scenes (seed 1007, $scenes scenes) ==="
  # shellcheck disable=SC2086
  "$cli" lidar-detect "$model" --simulate "$scenes" --sim-seed 1007 $args
  if [ -d "$data/lidar/kitti/training" ]; then
    # The camera field-of-view crops: KITTI labels only cover what the camera sees.
    echo "=== $name: KITTI frames 000000-000005 (kitti_fov crops) ==="
    # shellcheck disable=SC2086
    "$cli" lidar-detect "$model" --points "$data/lidar/kitti_fov" --out "$tmp/$name" $args > /dev/null
    "$cli" lidar-eval --gt "$data/lidar/kitti/training/label_2" --calib "$data/lidar/kitti/training/calib" --det "$tmp/$name"
  fi
done
