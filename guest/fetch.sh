#!/bin/sh
# Fetches the real Debian arm64 kernels and a static arm64 busybox that
# guest/boot.sh runs under qemu-system-aarch64. Downloads only: nothing is
# installed into the system; from each .deb only the kernel image or the
# busybox binary is unpacked (dpkg-deb) into a temp dir, then the .deb goes.
#
#   guest/fetch.sh [CACHE]      default CACHE: <repo>/.cache/guests
#
# Result (each vmlinuz a gzipped arm64 Image): CACHE/v6.1-4k/vmlinuz,
# CACHE/v6.12-4k/vmlinuz, CACHE/v6.12-16k/vmlinuz, CACHE/busybox and
# CACHE/versions ("name version" per package). A second run finds them all and does nothing (no apt calls).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
cache=${1:-$repo/.cache/guests}

# versions is written last, so its presence means a complete fetch.
if [ -s "$cache/versions" ] && [ -s "$cache/busybox" ] &&
   [ -s "$cache/v6.1-4k/vmlinuz" ] && [ -s "$cache/v6.12-4k/vmlinuz" ] &&
   [ -s "$cache/v6.12-16k/vmlinuz" ]; then
    exit 0
fi

die() { echo "guest/fetch.sh: $*" >&2; exit 1; }

command -v apt-get >/dev/null 2>&1 || die "apt-get not found (a Debian-based host is needed)"
command -v dpkg-deb >/dev/null 2>&1 || die "dpkg-deb not found"

sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo

# apt only downloads arm64 packages once the architecture is known to it.
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "guest/fetch.sh: adding the arm64 architecture to dpkg" >&2
    $sudo dpkg --add-architecture arm64
fi
echo "guest/fetch.sh: apt-get update" >&2
$sudo apt-get update -qq

# newest PATTERN: the newest package name matching the extended regex
# PATTERN (whole name), by version order of the names.
newest() {
    name=$(apt-cache pkgnames linux-image- | grep -E "^$1\$" | sort -V | tail -n 1)
    [ -n "$name" ] || die "no package matching '$1' in apt's lists (is a Debian 12 bookworm arm64 mirror configured?)"
    echo "$name"
}

k61=$(newest 'linux-image-6\.1\.0-[0-9]+-arm64-unsigned')
k612=$(newest 'linux-image-6\.12\.[0-9]+\+deb12-arm64-unsigned')
k612_16k=$(newest 'linux-image-6\.12\.[0-9]+\+deb12-arm64-16k-unsigned')
busybox=busybox-static

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmsa-fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
# apt's _apt user downloads into this dir when it may (no "unsandboxed" warning).
chmod 755 "$tmp"
mkdir "$tmp/debs" "$tmp/stage"
chmod 777 "$tmp/debs"

# fetch PACKAGE MEMBER DEST: downloads PACKAGE:arm64, extracts only MEMBER
# (a tar pattern inside the .deb, e.g. ./boot/vmlinuz-*) to DEST, appends
# "name version" to the staged versions file and deletes the .deb. One
# package at a time, and only the one file unpacked, keeps the temp dir
# small (a kernel .deb is about 90 MB and unpacks to 350 MB of modules).
fetch() {
    echo "guest/fetch.sh: downloading $1:arm64" >&2
    (cd "$tmp/debs" && apt-get download -qq "$1:arm64") ||
        die "apt-get download $1:arm64 failed"
    deb=$(ls "$tmp/debs/$1"_*.deb 2>/dev/null | head -n 1)
    [ -n "$deb" ] || die "download of $1 produced no .deb"
    rm -rf "$tmp/x"
    mkdir "$tmp/x"
    dpkg-deb --fsys-tarfile "$deb" | tar -xf - -C "$tmp/x" --wildcards "$2" ||
        die "$1 holds no $2"
    echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)" >>"$tmp/stage/versions"
    rm -f "$deb"
    found=$(ls -d "$tmp/x/"$2 2>/dev/null | head -n 1)
    [ -f "$found" ] || die "$1 holds no $2"
    mkdir -p "$(dirname "$3")"
    mv "$found" "$3"
}

# kernel PACKAGE CONFIG: keeps the package's /boot/vmlinuz-* as CONFIG/vmlinuz.
# Debian ships an uncompressed Image (32-43 MB); gzip makes it a quarter of
# that and QEMU's -kernel unpacks a gzipped arm64 Image itself.
kernel() {
    fetch "$1" './boot/vmlinuz-*' "$tmp/x.img"
    mkdir -p "$tmp/stage/$2"
    gzip -n -c "$tmp/x.img" >"$tmp/stage/$2/vmlinuz"
    rm -f "$tmp/x.img"
}

kernel "$k61" v6.1-4k
kernel "$k612" v6.12-4k
kernel "$k612_16k" v6.12-16k
fetch "$busybox" ./bin/busybox "$tmp/stage/busybox"
chmod 755 "$tmp/stage/busybox"
rm -rf "$tmp/x"

mkdir -p "$cache"
for c in v6.1-4k v6.12-4k v6.12-16k; do
    mkdir -p "$cache/$c"
    mv -f "$tmp/stage/$c/vmlinuz" "$cache/$c/vmlinuz"
done
mv -f "$tmp/stage/busybox" "$cache/busybox"
mv -f "$tmp/stage/versions" "$cache/versions"
echo "guest/fetch.sh: fetched into $cache ($(du -sh "$cache" | cut -f1))" >&2
