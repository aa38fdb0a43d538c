#!/bin/sh
# Stops the QEMU that guest/boot.sh started in WORKDIR (its qemu.pid), if it
# still runs. Quiet and successful when there is none.
#
#   guest/stop.sh WORKDIR
set -eu

[ $# -eq 1 ] || { echo "usage: guest/stop.sh WORKDIR" >&2; exit 1; }
[ -d "$1" ] || exit 0
# Absolute, as boot.sh passed it to QEMU's -pidfile (matched below).
pidfile=$(cd "$1" && pwd)/qemu.pid
[ -f "$pidfile" ] || exit 0
pid=$(cat "$pidfile")
# Tenths of a second to wait after SIGTERM before SIGKILL.
TERM_WAIT_TENTHS=50

# Only signal the process if it is still that QEMU (pids are reused).
is_qemu() {
    [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] &&
        tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "qemu-system-aarch64.*$pidfile"
}

if is_qemu; then
    kill "$pid" 2>/dev/null || true
    i=0
    while is_qemu && [ "$i" -lt "$TERM_WAIT_TENTHS" ]; do
        sleep 0.1
        i=$((i + 1))
    done
    ! is_qemu || kill -9 "$pid" 2>/dev/null || true
fi
rm -f "$pidfile"
