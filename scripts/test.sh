#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build everything, and run the whole test
# suite. Runs, in order:
#   1. the core-only configuration (proves core and the CLI need no Qt and no VTK),
#   2. core and its tests under ASan + UBSan,
#   3. the full dev build (warnings as errors) and every test; CTest's summary ends the output.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
jobs="${QS_JOBS:-$(nproc)}"

t0=$(date +%s)
# core-only: configuring proves the engine and the CLI need no Qt and no VTK (find_package is
# never called for them); the dev build's CLI is then checked to link neither. The full
# core-only build is the same sources as the dev core; QS_BUILD_CORE_ONLY=1 builds it too.
echo "== core-only configuration (no Qt, no VTK)"
cmake --preset core-only >/dev/null
if grep -E '^(Qt6_DIR|Qt6Core_DIR|VTK_DIR):PATH=/' build/core-only/CMakeCache.txt; then
  echo "test: the core-only configuration looked for Qt or VTK" >&2
  exit 1
fi
if [ "${QS_BUILD_CORE_ONLY:-0}" = "1" ]; then
  cmake --build --preset core-only -j "$jobs"
fi
t1=$(date +%s)

echo "== core under ASan + UBSan"
cmake --preset asan >/dev/null
# Build just the core-labelled test executables (and what they link), not the CLI or app tests.
core_tests=$(ctest --preset asan -N | sed -n 's/^ *Test *#[0-9]*: \(test_[A-Za-z0-9_]*\)$/\1/p')
[ -n "$core_tests" ] || { echo "test: no core tests found in the asan build" >&2; exit 1; }
# shellcheck disable=SC2086
cmake --build --preset asan -j "$jobs" --target $core_tests
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --preset asan -j "$jobs"
t2=$(date +%s)

echo "== full build"
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$jobs"
t3=$(date +%s)
if ldd build/dev/app/cli/quantscope-cli | grep -E -i 'libQt|libvtk'; then
  echo "test: quantscope-cli links Qt or VTK (it must link core only)" >&2
  exit 1
fi
echo "test: times: core-only configure $((t1 - t0)) s, asan build+tests $((t2 - t1)) s, dev build $((t3 - t2)) s"
ctest --preset dev -j "$jobs"
