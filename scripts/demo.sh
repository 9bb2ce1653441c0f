#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build, and run the main job — the GUI on the
# built-in demo model. Without a display it says so and runs `quantscope-cli demo` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x build/release/app/gui/quantscope ]; then
  exec build/release/app/gui/quantscope --demo "$@"
fi
echo "demo: no display found (DISPLAY and WAYLAND_DISPLAY are unset): running the CLI demo instead."
echo "demo: for the window, run this script from a desktop session, or: xvfb-run -a $0"
exec build/release/app/cli/quantscope-cli demo
