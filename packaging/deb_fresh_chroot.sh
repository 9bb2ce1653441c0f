#!/usr/bin/env bash
# The .deb round trip on a *fresh* Debian 12: a debootstrap --variant=minbase chroot (only the
# essential packages: no Qt, no VTK, no compiler), where `apt-get install ./quantscope_*.deb`
# must pull every runtime dependency from the Depends line alone, and the installed programs
# must run. Runs packaging/deb_roundtrip.sh --deps-first inside the chroot: the dependencies are
# installed from the package's own Depends/Recommends lines (`apt-get satisfy`, the same
# resolution `apt-get install ./…deb` does) before the leftover check's first snapshot. Needs root and the Debian mirror
# (about 400 MB of downloads); the chroot is deleted afterwards (QS_KEEP_CHROOT=1 keeps it).
# Usage: packaging/deb_fresh_chroot.sh [path/to/quantscope_*.deb]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "SKIP: debootstrap and chroot need root"; exit 77; }
deb=${1:-$(ls -t build/package/package/quantscope_*.deb 2>/dev/null | head -n 1 || true)}
[ -n "$deb" ] && [ -f "$deb" ] || { echo "FAIL: no .deb (run scripts/package.sh)"; exit 1; }
root=${QS_CHROOT:-/var/tmp/quantscope-fresh-bookworm}
mirror=${QS_DEBIAN_MIRROR:-http://deb.debian.org/debian}

command -v debootstrap >/dev/null ||
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends debootstrap

cleanup() {
  for m in dev/pts dev proc; do mountpoint -q "$root/$m" && umount "$root/$m"; done
  [ "${QS_KEEP_CHROOT:-0}" = 1 ] || rm -rf "$root"
}
trap cleanup EXIT
rm -rf "$root"
echo "== debootstrap --variant=minbase bookworm $root"
t0=$(date +%s)
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 ||
  { tail -n 20 "$root.debootstrap.log"; exit 1; }
rm -f "$root.debootstrap.log"
mount --bind /proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
echo "fresh system: $(chroot "$root" dpkg-query -W | wc -l) packages, $(du -shx "$root" | cut -f1) ($(( $(date +%s) - t0 )) s)"
chroot "$root" dpkg-query -W 'libqt6*' 'libvtk*' 'libhdf5*' 2>/dev/null | grep . &&
  { echo "FAIL: the fresh system already has Qt/VTK/HDF5"; exit 1; }

# The round trip's own tools (readelf, file), nothing QuantScope needs.
chroot "$root" apt-get update -qq
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends binutils file >/dev/null
mkdir -p "$root/opt/qs-roundtrip/packaging"
cp packaging/deb_roundtrip.sh "$root/opt/qs-roundtrip/packaging/"
cp "$deb" "$root/opt/qs-roundtrip/"
echo "== packaging/deb_roundtrip.sh inside the fresh system"
chroot "$root" bash /opt/qs-roundtrip/packaging/deb_roundtrip.sh --deps-first "/opt/qs-roundtrip/$(basename "$deb")"
