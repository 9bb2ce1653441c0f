#!/usr/bin/env bash
# Installs the Debian 12 packages QuantScope needs to build, test and package.
# Idempotent: does nothing when everything is present; runs `apt-get update` at most once.
# Works as root on a bare machine, or through sudo when available.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config git ca-certificates
  clang-14 libclang-rt-14-dev clang-format-14 clang-tidy-14
  # Qt 6 (widgets, charts, OpenGL widgets, svg, linguist tools, test)
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev libqt6opengl6-dev qt6-svg-dev
  qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n
  libgl-dev
  # VTK (we host it ourselves in a Qt 6 QOpenGLWidget; Debian's VTK Qt module is Qt 5)
  libvtk9-dev
  # numerics, parallelism, storage
  libeigen3-dev libtbb-dev libhdf5-dev hdf5-tools zlib1g-dev liblzf-dev
  # image files for the vision models (PNG, JPEG) without Qt in core
  libpng-dev libjpeg62-turbo-dev
  # ONNX initializers through the protobuf schema
  libonnx-dev libprotobuf-dev protobuf-compiler
  # small well-kept libraries
  libcli11-dev nlohmann-json3-dev libbenchmark-dev
  # headless GUI and render tests
  xvfb xauth xfonts-base mesa-utils libgl1-mesa-dri
  # packaging and validation
  desktop-file-utils appstream dpkg-dev file
  # independent readers used by tests (tests/interop): Node.js runs @huggingface/gguf and npm
  # fetches llama.cpp's prebuilt libraries (below); Python reads the package and the safetensors
  # export from their specifications
  nodejs python3 python3-h5py python3-numpy
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

install_apt_packages() {
  if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#PACKAGES[@]} Debian packages present"
    return
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update
  $sudo apt-get install -y --no-install-recommends "${missing[@]}"
}

# The npm packages the interop tests run (@huggingface/gguf, @node-llama-cpp/linux-x64), exactly as pinned by
# build-tools/package-lock.json, into build-tools/node_modules (git-ignored; nothing global).
# Reinstalled only when the lock file changed. Debian's own nodejs ships npm separately.
install_node_packages() {
  local dir lock stamp
  dir="$(cd "$(dirname "$0")/.." && pwd)/build-tools"
  lock="$dir/package-lock.json" stamp="$dir/node_modules/.quantscope-lock"
  if [ -f "$stamp" ] && cmp -s "$lock" "$stamp"; then
    echo "install-deps: npm packages present ($dir/node_modules)"
    return
  fi
  if ! command -v npm >/dev/null; then
    missing=(npm)
    install_apt_packages
  fi
  echo "install-deps: npm ci in $dir"
  if ! npm ci --prefix "$dir" --no-audit --no-fund --ignore-scripts; then
    # Offline developers can still build and test (the interop test SKIPs); CI sets
    # QS_REQUIRE_INTEROP=1 so the independent GGUF parser really runs there.
    [ "${QS_REQUIRE_INTEROP:-0}" = 1 ] && { echo "install-deps: npm ci failed" >&2; exit 1; }
    echo "install-deps: warning: npm ci failed; test_gguf_interop and test_llama_cpp_interop will SKIP" >&2
    return
  fi
  cp "$lock" "$stamp"
}

install_apt_packages
install_node_packages
