#!/bin/bash
# Boots a real Debian arm64 kernel under qemu-system-aarch64 with the probe
# initramfs and waits until the probe spins (its VMSA-READY line). QEMU keeps
# running with its gdbstub and QMP open; guest/stop.sh WORKDIR ends it.
#
#   guest/boot.sh CONFIG WORKDIR     CONFIG: v6.1-4k | v6.12-4k | v6.12-16k
#
# Prints shell-sourceable lines: QEMU_PID, GDB, QMP, SPIN, PAGESIZE,
# PROBE_PID, SERIAL, BOOT_SECONDS. Environment: VMSA_GUEST_CACHE (default
# <repo>/.cache/guests, filled by guest/fetch.sh), VMSA_BOOT_TIMEOUT (s).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
die() { echo "guest/boot.sh: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: boot.sh v6.1-4k|v6.12-4k|v6.12-16k WORKDIR"
config=$1
cache=${VMSA_GUEST_CACHE:-$repo/.cache/guests}
BOOT_TIMEOUT=${VMSA_BOOT_TIMEOUT:-180}
# Seconds between looks at the serial log.
POLL_INTERVAL=0.2
# Guest RAM: at least 512 MiB or Linux leaves THP off.
GUEST_MEM_MIB=512
# TCP ports tried for the gdbstub, and how many attempts before giving up.
PORT_MIN=20000
PORT_SPAN=40000
PORT_ATTEMPTS=20
QEMU=${QEMU:-qemu-system-aarch64}

# cortex-a57 boots fastest but has no 16K granule and no LPA2; max with the
# implementation-defined pointer authentication avoids the slow QARMA
# emulation of plain max.
case $config in
    v6.1-4k)   cpu=cortex-a57 ;;
    v6.12-4k)  cpu=max,pauth-impdef=on ;;
    v6.12-16k) cpu=max,pauth-impdef=on ;;
    *) die "unknown CONFIG '$config' (v6.1-4k, v6.12-4k or v6.12-16k)" ;;
esac

kernel=$cache/$config/vmlinuz
[ -s "$kernel" ] || die "$kernel missing: run guest/fetch.sh first"
command -v "$QEMU" >/dev/null 2>&1 || die "$QEMU not found (make deps installs qemu-system-arm)"

mkdir -p "$2"
work=$(cd "$2" && pwd)
serial=$work/serial.log
qmp=$work/qmp.sock
pidfile=$work/qemu.pid

# A QEMU left from an earlier boot in this WORKDIR would hold its files.
"$here/stop.sh" "$work"

# The initramfs is rebuilt when any of its inputs is newer.
initrd=$work/initrd.gz
stale=no
[ -s "$initrd" ] || stale=yes
for input in "$here/probe.c" "$here/init.sh" "$here/initramfs.sh" "$cache/busybox"; do
    [ "$stale" = yes ] || [ ! "$input" -nt "$initrd" ] || stale=yes
done
[ "$stale" = no ] || "$here/initramfs.sh" "$cache" "$initrd"

now() { date +%s.%N; }

# port_free PORT: nothing listens on it on the loopback address.
port_free() { ! ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

attempt=0
while :; do
    attempt=$((attempt + 1))
    [ "$attempt" -le "$PORT_ATTEMPTS" ] || die "QEMU did not start after $PORT_ATTEMPTS attempts: $(cat "$work/qemu.err" 2>/dev/null)"
    port=$((PORT_MIN + $(od -An -N4 -tu4 /dev/urandom) % PORT_SPAN))
    port_free "$port" || continue
    rm -f "$serial" "$qmp" "$pidfile"
    start=$(now)

    # -nic none: otherwise QEMU wants efi-virtio.rom and dies.
    # The daemon must not keep a descriptor it inherited beyond 0-2 (a
    # caller's pipe would then never see end of file): the subshell closes
    # them all before it becomes QEMU.
    if ( for fd in $(ls /proc/self/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null; done
         exec "$QEMU" -M virt -cpu "$cpu" -m "$GUEST_MEM_MIB" -smp 1 \
        -kernel "$kernel" -initrd "$initrd" \
        -append "console=ttyAMA0 nokaslr" \
        -nic none -display none \
        -serial "file:$serial" \
        -gdb "tcp:127.0.0.1:$port" \
        -qmp "unix:$qmp,server,nowait" \
        -daemonize -pidfile "$pidfile" ) 2>"$work/qemu.err"; then
        break
    fi
    # Another process may have taken the port in between: try another one.
    grep -qi "address already in use\|Failed to bind\|could not" "$work/qemu.err" ||
        die "QEMU failed: $(cat "$work/qemu.err")"
done
qemu_pid=$(cat "$pidfile")

# alive: QEMU still runs (a zombie has an empty cmdline; kill -0 would pass).
alive() { tr -d '\0' <"/proc/$qemu_pid/cmdline" 2>/dev/null | grep -q .; }

# fail MESSAGE: shows the end of the serial log, stops QEMU, exits non-zero.
SERIAL_TAIL_LINES=40
fail() {
    echo "guest/boot.sh: $config: $1; last lines of $serial:" >&2
    tail -n "$SERIAL_TAIL_LINES" "$serial" >&2 2>/dev/null || true
    "$here/stop.sh" "$work"
    exit 1
}

deadline=$(awk -v s="$start" -v t="$BOOT_TIMEOUT" 'BEGIN { printf "%d", s + t }')
while ! grep -aq '^VMSA-READY ' "$serial" 2>/dev/null; do
    alive || fail "QEMU exited before the probe was ready"
    if grep -aq 'VMSA-ERROR\|VMSA-EXIT\|Kernel panic' "$serial" 2>/dev/null; then
        fail "the guest failed"
    fi
    [ "$(date +%s)" -lt "$deadline" ] || fail "no VMSA-READY within $BOOT_TIMEOUT s"
    sleep "$POLL_INTERVAL"
done
ready_at=$(now)

# The console writes CRLF line ends.
ready=$(grep -a '^VMSA-READY ' "$serial" | head -n 1 | tr -d '\r')
field() { echo "$ready" | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

echo "QEMU_PID=$qemu_pid"
echo "GDB=127.0.0.1:$port"
echo "QMP=$qmp"
echo "SPIN=$(field spin)"
echo "PAGESIZE=$(field pagesize)"
echo "PROBE_PID=$(field pid)"
echo "SERIAL=$serial"
echo "BOOT_SECONDS=$(awk -v a="$start" -v b="$ready_at" 'BEGIN { printf "%.1f", b - a }')"
