#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build everything, and run the whole test
# suite. Runs, in order:
#   1. the core-only build (proves core and the CLI build with no Qt and no VTK),
#   2. core and its tests under ASan + UBSan,
#   3. the full dev build (warnings as errors) and every test; CTest's summary ends the output.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
jobs="${QS_JOBS:-$(nproc)}"

t0=$(date +%s)
echo "== core-only build (no Qt, no VTK)"
cmake --preset core-only >/dev/null
cmake --build --preset core-only -j "$jobs"
if ldd build/core-only/app/cli/quantscope-cli | grep -E -i 'libQt|libvtk'; then
  echo "test: quantscope-cli of the core-only build links Qt or VTK" >&2
  exit 1
fi
t1=$(date +%s)

echo "== core under ASan + UBSan"
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --preset asan -j "$jobs"
t2=$(date +%s)

echo "== full build"
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$jobs"
t3=$(date +%s)
echo "test: build times: core-only $((t1 - t0)) s, asan build+tests $((t2 - t1)) s, dev build $((t3 - t2)) s"
ctest --preset dev -j "$jobs"
