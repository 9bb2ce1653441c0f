#!/usr/bin/env bash
# Installs the build into a temporary prefix and runs the installed CLI on the built-in demo:
# proves the install rules are complete and the installed binary does not need the build tree.
set -euo pipefail
build="$1"; cmake="$2"; gui="$3"
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
"$cmake" --install "$build" --prefix "$prefix" >/dev/null
test -x "$prefix/bin/quantscope-cli" || { echo "FAIL: bin/quantscope-cli not installed"; exit 1; }
if [ "$gui" = "1" ]; then
  for f in bin/quantscope share/applications/org.quantscope.QuantScope.desktop \
           share/metainfo/org.quantscope.QuantScope.metainfo.xml \
           share/icons/hicolor/scalable/apps/org.quantscope.QuantScope.svg \
           share/icons/hicolor/256x256/apps/org.quantscope.QuantScope.png \
           share/mime/packages/org.quantscope.QuantScope.xml; do
    test -e "$prefix/$f" || { echo "FAIL: $f not installed"; exit 1; }
  done
fi
# Run from an unrelated folder so nothing is found relative to the build tree.
cd "$prefix"
"$prefix/bin/quantscope-cli" --version
out=$("$prefix/bin/quantscope-cli" demo)
echo "$out" | tail -n 15
echo "$out" | grep -q -i "easyquant" || { echo "FAIL: installed demo printed no EasyQuant comparison"; exit 1; }
echo "install smoke test passed ($prefix)"
