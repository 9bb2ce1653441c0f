#!/usr/bin/env bash
# Builds the Debian package from a clean checkout: build/release/package/quantscope_<ver>_<arch>.deb
# Install it with: sudo apt-get install ./build/release/package/quantscope_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
(cd build/release && cpack -G DEB)
ls -l build/release/package/*.deb
