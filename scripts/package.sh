#!/usr/bin/env bash
# Builds the Debian package from a clean checkout: build/package/package/quantscope_<ver>_<arch>.deb
# (the `package` preset: Release, prefix /usr, no tests, no benchmarks).
# Install it with:   sudo apt-get install ./build/package/package/quantscope_*.deb
# Round trip (install, run, remove, check nothing is left; root): packaging/deb_roundtrip.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset package >/dev/null
cmake --build --preset package -j "${QS_JOBS:-$(nproc)}"
rm -f build/package/package/quantscope_*.deb
(cd build/package && cpack -G DEB)
ls -l build/package/package/*.deb
