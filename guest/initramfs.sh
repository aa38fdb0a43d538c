#!/bin/sh
# Builds the guest initramfs (newc cpio, gzip): the static arm64 busybox,
# /dev/console, the probe (compiled here from probe.c) and /init (init.sh).
#
#   guest/initramfs.sh CACHE OUT.cpio.gz     CACHE as filled by guest/fetch.sh
#
# Works without root: fakeroot fakes the /dev/console device node and the
# root ownership; as root mknod is used directly.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
die() { echo "guest/initramfs.sh: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: initramfs.sh CACHE OUT.cpio.gz"
cache=$1
out=$2
busybox=$cache/busybox
[ -s "$busybox" ] || die "$busybox missing: run guest/fetch.sh first"

CROSS_CC=${CROSS_CC:-aarch64-linux-gnu-gcc}
command -v "$CROSS_CC" >/dev/null 2>&1 || die "$CROSS_CC not found (make deps installs gcc-aarch64-linux-gnu)"

# cpio is normally present; if not, install it (the only package we add).
if ! command -v cpio >/dev/null 2>&1; then
    echo "guest/initramfs.sh: cpio missing, installing it with apt-get" >&2
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends cpio >/dev/null
fi

# A character device needs root or fakeroot to exist in the tree.
if [ "$(id -u)" = 0 ]; then
    asroot=""
elif command -v fakeroot >/dev/null 2>&1; then
    asroot=fakeroot
else
    die "need root or fakeroot to put /dev/console (c 5 1) into the archive"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmsa-initramfs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
root=$tmp/root
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" \
         "$root/dev" "$root/proc" "$root/sys" "$root/tmp"
cp "$busybox" "$root/bin/busybox"
chmod 755 "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 755 "$here/init.sh" "$root/init"
"$CROSS_CC" -static -O2 -Wall -o "$root/probe" "$here/probe.c"

mkdir -p "$(dirname "$out")"
# The console device is major 5, minor 1.
CONSOLE_MAJOR=5
CONSOLE_MINOR=1
$asroot sh -c '
    set -eu
    cd "$1"
    mknod dev/console c "$2" "$3"
    find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0
' sh "$root" "$CONSOLE_MAJOR" "$CONSOLE_MINOR" | gzip -9 >"$out.tmp"
mv -f "$out.tmp" "$out"
