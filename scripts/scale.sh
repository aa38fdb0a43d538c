#!/usr/bin/env bash
# make scale: the cost of vmsa at full size, per entry and per operation.
#   build   one mapping of 1 GiB, 16 GiB, 256 GiB and 1 TiB of 4K pages
#           (leaf "pages"), the image written to a file
#   replay  10^6, 10^7 and 10^8 synthetic operations (vmsa trace --synthetic)
#           streamed into vmsa replay - --granule 64k
# For each: nanoseconds per entry (build: the time of the run less that of a
# one-page build, the start-up cost, the fastest of several runs) or per
# operation (replay: the replay process's time over the count), as CPU time
# (user + system; what a busy, shared machine changes least) and wall time,
# and peak RSS against the bytes of tables. Times come from bash's `time`
# (milliseconds); GNU time (/usr/bin/time) gives the peak RSS.
# The image and the scratch files go to $TMPDIR (default /tmp; 2 GiB at 1 TiB)
# and are removed at the end. BUILD_SIZES (log2 of the bytes mapped) and
# REPLAY_OPS choose smaller runs.
set -eu
TIMEFORMAT='%3R %3U %3S'

VMSA=${VMSA:-.build/release/vmsa}
TIME=${TIME:-/usr/bin/time}
BUILD_SIZES=${BUILD_SIZES:-"30 34 38 40"}
REPLAY_OPS=${REPLAY_OPS:-"1000000 10000000 100000000"}
# Runs of each build size; the fastest counts (the machine may be shared).
BUILD_RUNS=${BUILD_RUNS:-5}
PAGE_SHIFT=12

[ -x "$VMSA" ] || { echo "scale: $VMSA is not built (make release)" >&2; exit 66; }
[ -x "$TIME" ] || { echo "scale: $TIME (GNU time) is needed for the peak RSS" >&2; exit 69; }
work=$(mktemp -d "${TMPDIR:-/tmp}/vmsa-scale.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# A layout mapping 2^$1 bytes of 4K pages in one request.
layout() {
  printf '{ "tablesBase": "0x40000000", "paBits": 48, "mair": "0x000000000044ff04",\n'
  printf '  "ttbr0": { "granule": "4k", "vaBits": 48 },\n'
  printf '  "mappings": [ { "va": "0x100000000000", "pa": "0x200000000000", "size": "0x%x", "attrIndx": 1, "leaf": "pages" } ] }\n' "$((1 << $1))"
}

# The fastest of $BUILD_RUNS builds of layout $1, as "CPU wall" in ns (CPU
# is user + system); the peak RSS (KiB) of the last run in $work/rss.
best_build() {
  best_cpu= best_wall=
  for ((i = 0; i < BUILD_RUNS; i++)); do
    { time "$TIME" -f %M -o "$work/rss" "$VMSA" build "$1" -o "$work/image" >/dev/null; } 2> "$work/time"
    read -r wall user sys < "$work/time"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1e9 }')
    wall=$(awk -v w="$wall" 'BEGIN { printf "%d", w * 1e9 }')
    if [ -z "$best_cpu" ] || [ "$cpu" -lt "$best_cpu" ]; then best_cpu=$cpu; fi
    if [ -z "$best_wall" ] || [ "$wall" -lt "$best_wall" ]; then best_wall=$wall; fi
    rm -f "$work/image"
  done
  echo "$best_cpu $best_wall"
}

layout "$PAGE_SHIFT" > "$work/page.json"
read -r base_cpu base_wall <<< "$(best_build "$work/page.json")"
echo "build: start-up (one 4K page) $((base_cpu / 1000000)) ms CPU, $((base_wall / 1000000)) ms wall"
for s in $BUILD_SIZES; do
  layout "$s" > "$work/layout.json"
  read -r cpu wall <<< "$(best_build "$work/layout.json")"
  rss=$(cat "$work/rss")
  entries=$((1 << (s - PAGE_SHIFT)))
  "$VMSA" build "$work/layout.json" -o "$work/image" --json > "$work/build.json"
  tables=$(( $(sed -n 's/.*"tablesSize":"\(0x[0-9a-f]*\)".*/\1/p' "$work/build.json") ))
  rm -f "$work/image"
  awk -v s="$s" -v n="$entries" -v c="$cpu" -v w="$wall" -v bc="$base_cpu" -v bw="$base_wall" -v rss="$rss" -v tables="$tables" 'BEGIN {
    printf "build  %4d GiB of 4K pages %10d entries  %5.1f ns/entry CPU  %5.1f ns/entry wall  peak RSS %7.1f MiB  tables %7.1f MiB\n",
      2 ^ (s - 30), n, (c - bc) / n, (w - bw) / n, rss / 1024, tables / 1048576 }'
done

for n in $REPLAY_OPS; do
  "$VMSA" trace --synthetic "$n" |
    { { time "$TIME" -f %M -o "$work/rss" "$VMSA" replay - --granule 64k --report --json > "$work/report.json"; } 2> "$work/time"; }
  read -r wall user sys < "$work/time"
  rss=$(cat "$work/rss")
  linux=$(sed -n 's/.*"linuxTableBytes":\([0-9]*\).*/\1/p' "$work/report.json")
  native=$(sed -n 's/.*"nativeTableBytes":\([0-9]*\).*/\1/p' "$work/report.json")
  grep -q '"equivalent":true' "$work/report.json" || { echo "scale: replay of $n operations is not equivalent" >&2; exit 1; }
  awk -v n="$n" -v w="$wall" -v u="$user" -v sy="$sys" -v rss="$rss" -v tables="$((linux + native))" 'BEGIN {
    printf "replay %10d ops  %6.0f ns/op CPU  %6.0f ns/op wall  peak RSS %7.1f MiB  tables %7.1f MiB\n",
      n, (u + sy) * 1e9 / n, w * 1e9 / n, rss / 1024, tables / 1048576 }'
done
