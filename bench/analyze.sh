#!/usr/bin/env bash
# snic analyze against a plain libpcap read loop (bench/pcap_read.c), on the
# same capture in the same run. Never asserts a time.
#
#   meson setup build && ninja -C build
#   bench/analyze.sh [BUILD_DIR] [FRAMES] [RUNS]
#
# BUILD_DIR defaults to build, FRAMES to 10M (any count snic gen takes),
# RUNS to 3. `snic gen` writes the capture: 64-byte frames of 10000 flows
# with Zipf popularity, to four VFs, 1 % broadcast and 2 % unknown unicast.
# The file is read once before timing, so both programs read it from the
# page cache; then the two alternate, RUNS times each, and the medians of
# their wall-clock times are compared (CPU times are shown too: snic
# analyze uses two threads, so on a busy machine its wall-clock time
# depends on the other load). The peer reads through stdio's default
# buffer, one block; snic analyze gives each capture a 128 KiB one, which
# saves it most of the read() calls. The last line is JSON:
#   {"bench":"analyze","frames":N,"analyze_s":S,"pcap_read_s":S,"ratio_vs_pcap_read":R}
set -euo pipefail

build=${1:-build}
frames=${2:-10M}
runs=${3:-3}
snic=$build/cli/snic
peer=$build/bench/pcap_read

for exe in "$snic" "$peer"; do
	if [ ! -x "$exe" ]; then
		echo "bench/analyze.sh: $exe is missing: build $build first" >&2
		exit 2
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/snic-bench-analyze-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/nic.yaml" <<'EOF'
profile: ixgbe-82599
pf:
  mac: 02:00:00:00:00:01
numvfs: 4
vfs:
  vf0:
    mac: 02:00:00:00:00:10
  vf1:
    mac: 02:00:00:00:00:11
  vf2:
    mac: 02:00:00:00:00:12
  vf3:
    mac: 02:00:00:00:00:13
rss:
  equal: 4
EOF

"$snic" gen -o "$tmp/trace.pcap" --frames "$frames" --flows 10000 --dist zipf:1.0 \
	--dst 02:00:00:00:00:10,02:00:00:00:00:11,02:00:00:00:00:12,02:00:00:00:00:13 \
	--bcast 1 --unknown 2 >/dev/null
cat "$tmp/trace.pcap" >/dev/null

# "WALL CPU" seconds of a command (CPU: user + system, all threads), its
# output discarded.
measure() {
	local TIMEFORMAT='%R %U %S' t
	t=$({ time "$@" >/dev/null 2>&1; } 2>&1)
	awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' <<<"$t"
}

median() {
	sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

n=$("$peer" "$tmp/trace.pcap")
: >"$tmp/an"
: >"$tmp/rd"
for ((i = 1; i <= runs; i++)); do
	measure "$peer" "$tmp/trace.pcap" >>"$tmp/rd"
	measure "$snic" analyze -c "$tmp/nic.yaml" "$tmp/trace.pcap" >>"$tmp/an"
done
an=$(cut -d' ' -f1 "$tmp/an" | median)
rd=$(cut -d' ' -f1 "$tmp/rd" | median)
an_cpu=$(cut -d' ' -f2 "$tmp/an" | median)
rd_cpu=$(cut -d' ' -f2 "$tmp/rd" | median)
ratio=$(awk -v a="$an" -v b="$rd" 'BEGIN { printf "%.2f\n", a / b }')

echo "frames:              $n"
echo "snic analyze, wall:  $(cut -d' ' -f1 "$tmp/an" | tr '\n' ' ')-> median $an s (CPU $an_cpu s)"
echo "pcap_read, wall:     $(cut -d' ' -f1 "$tmp/rd" | tr '\n' ' ')-> median $rd s (CPU $rd_cpu s)"
echo "ratio:               $ratio (goal: 1.5 or less; snic analyze reads on one core and"
echo "                     runs the model on another: with both cores busy elsewhere the"
echo "                     ratio tends to the CPU ratio)"
printf '{"bench":"analyze","frames":%s,"analyze_s":%s,"pcap_read_s":%s,"ratio_vs_pcap_read":%s}\n' \
	"$n" "$an" "$rd" "$ratio"
