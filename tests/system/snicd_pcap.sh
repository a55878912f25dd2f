#!/usr/bin/env bash
# snicd's fan-out and VLAN actions, replayed from captures (net_pcap):
#
#   in, bcast, uni.pcap -> [uplink] --+--> [vf0, port VLAN 100] -> vf0.pcap (stripped)
#   up.pcap             <-            +--> [vf1]                -> vf1.pcap
#   vf0in.pcap          -> [vf0] -----+--> [pf]                 -> pf.pcap
#
# The wire sends unicast to each VF (tagged 100 for vf0), broadcast tagged
# 100 (vf0's copy leaves stripped while the PF's keeps its tag: one frame,
# two mbufs) and untagged broadcast (vf1 and the PF share one mbuf), and
# on a third queue two flows of untagged unicast, one to vf1 and one to
# the PF, that RSS puts on queue 0 of each (seed 9): whole bursts keep
# their frames as they are (snicd's one-run path) but go to two ports, and
# each frame must leave on its own. vf0 sends untagged frames: they reach
# the wire and the PF with VLAN 100 pushed. What each port wrote must agree
# with snicd's counters, and the counters must be conserved. Then again
# with a VF port that takes nothing: its copies count as queue_full, and
# conservation still holds.
#
# usage: snicd_pcap.sh SNICD SNIC     exit 77: skipped (not root, no tcpdump)
set -uo pipefail

SNICD=${1:-${SNICD:-snicd}}
SNIC=${2:-${SNIC:-snic}}
T=snp$$
DIR=$(mktemp -d /tmp/snicd-pcap.XXXXXX)
. "$(dirname "$0")/snicd-lib.sh"

needs "DPDK's EAL" tcpdump
[ -x "$SNIC" ] || skip "no snic at '$SNIC'"

cleanup() {
	snicd_stop
	rm -rf "$DIR"
}
trap cleanup EXIT

"$SNIC" gen -o "$DIR/in.pcap" --frames 2000 --size 64 --seed 3 \
	--dst 02:00:00:00:00:10@100:1,02:00:00:00:00:11:1 --bcast 20@100 >/dev/null || exit 1
"$SNIC" gen -o "$DIR/uni.pcap" --frames 400 --size 64 --seed 9 --flows 2 \
	--dst 02:00:00:00:00:11:1,02:00:00:00:00:01:1 >/dev/null || exit 1
"$SNIC" gen -o "$DIR/bcast.pcap" --frames 300 --size 64 --seed 5 --bcast 100 >/dev/null || exit 1
"$SNIC" gen -o "$DIR/vf0in.pcap" --frames 500 --size 64 --seed 4 \
	--dst 02:00:00:00:00:01:1,02:00:00:00:00:11:1 --bcast 10 --unknown 20 >/dev/null || exit 1

# The config, with VF 1's port as $1.
config() {
	cat >"$DIR/nic.yaml" <<EOF
profile: ixgbe-82599
pf: {mac: 02:00:00:00:00:01}
numvfs: 2
vfs:
  vf0: {mac: 02:00:00:00:00:10, vlan: 100, spoofchk: off}
  vf1: {mac: 02:00:00:00:00:11}
ports:
  uplink:
    devargs: "net_pcap0,rx_pcap=$DIR/in.pcap,rx_pcap=$DIR/bcast.pcap,rx_pcap=$DIR/uni.pcap,tx_pcap=$DIR/up.pcap,tx_pcap=$DIR/up1.pcap,tx_pcap=$DIR/up2.pcap"
    queues: 3
  pf: {devargs: "net_pcap1,tx_pcap=$DIR/pf.pcap", queues: 1}
  vf0: {devargs: "net_pcap2,rx_pcap=$DIR/vf0in.pcap,tx_pcap=$DIR/vf0.pcap", queues: 1}
  vf1: {devargs: "$1", queues: 1}
EOF
}

# Run snicd until the captures are replayed; its final counters in $1.
run() {
	LOG=$1
	snicd_start "$DIR/nic.yaml" "$LOG" || exit 1
	sleep 2 # the captures replay once
	snicd_stop || fail "snicd exit status $?"
	grep -q '^conservation ok' "$LOG" || fail "conservation: $(grep conservation "$LOG")"
}

config "net_pcap3,tx_pcap=$DIR/vf1.pcap"
run "$DIR/snicd.log"

# frames, tagged frames and distinct lengths in a capture
frames() { tcpdump -r "$DIR/$1.pcap" -nn 2>/dev/null | wc -l; }
tagged() { tcpdump -r "$DIR/$1.pcap" -e -nn 2>/dev/null | grep -c ': vlan 100, p '; }
lengths() {
	tcpdump -r "$DIR/$1.pcap" -e -nn 2>/dev/null | sed -n 's/^[^,]*, [^,]*, length \([0-9]*\):.*/\1/p' |
		sort -u | tr '\n' ' '
}
sent() { sed -n "s/^port $1 rx [0-9]* tx \([0-9]*\) .*/\1/p" "$LOG"; }

expect() {
	[ "$2" = "$3" ] && echo "$1: $2" || fail "$1: $2, expected $3"
}

grep -q '^rx wire in 2700 ' "$LOG" || fail "the uplink did not read 2700 frames"
grep -q '^tx vf0 in 500 ' "$LOG" || fail "vf0 did not read 500 frames"
for p in vf0 vf1 pf uplink; do
	f=$p
	[ $p = uplink ] && f=up
	expect "$f.pcap frames" "$(frames $f)" "$(sent $p)"
done
[ "$(sent vf0)" -gt 0 ] && [ "$(sent pf)" -gt 0 ] && [ "$(sent uplink)" -gt 0 ] ||
	fail "a port sent nothing"
expect "vf0.pcap tagged (port VLAN stripped)" "$(tagged vf0)" 0
expect "vf0.pcap lengths" "$(lengths vf0)" "56 "
expect "vf1.pcap tagged" "$(tagged vf1)" 0
# frames of a capture to MAC $2
to() { tcpdump -r "$DIR/$1.pcap" -e -nn 2>/dev/null | grep -c " > $2,"; }
PF_UNI=$(to uni 02:00:00:00:00:01)
expect "pf.pcap tagged (all but 300 untagged broadcasts, $PF_UNI unicast)" "$(tagged pf)" \
	"$(($(frames pf) - 300 - PF_UNI))"
expect "pf.pcap frames to vf1" "$(to pf 02:00:00:00:00:11)" 0
expect "vf1.pcap frames to the PF" "$(to vf1 02:00:00:00:00:01)" 0
expect "vf1.pcap unicast" "$(to vf1 02:00:00:00:00:11)" \
	"$(($(to in 02:00:00:00:00:11) + $(to uni 02:00:00:00:00:11)))"
expect "pf.pcap lengths" "$(lengths pf)" "60 64 "
expect "up.pcap tagged (pushed for vf0)" "$(tagged up)" "$(frames up)"
expect "up.pcap lengths" "$(lengths up)" "64 "

# VF 1's ring refuses everything (a vhost-user port no guest opened): its
# copies are queue_full, frames that had no other copy are dropped.
VF1=$(sent vf1)
PF=$(sent pf)
VF1_UNICAST=$(tcpdump -r "$DIR/vf1.pcap" -e -nn 2>/dev/null | grep -c ' > 02:00:00:00:00:11,')
config "net_vhost0,iface=$DIR/vf1.sock"
run "$DIR/snicd-full.log"
grep -E "^(rx wire|tx|refused|port)" "$LOG"
expect "vf1's copies refused" "$(sed -n 's/^refused vf1 .*queue_full \([0-9]*\).*/\1/p' "$LOG")" "$VF1"
expect "vf1 frames on its queues" "$(grep -c '^rxq vf1 ' "$LOG")" 0
expect "wire frames dropped as queue_full (unicast to vf1 alone)" \
	"$(sed -n 's/^rx wire in .* queue_full \([0-9]*\).*/\1/p' "$LOG")" "$VF1_UNICAST"
expect "pf frames (broadcast still delivered)" "$(sent pf)" "$PF"

if [ "$FAILS" -ne 0 ]; then
	cat "$LOG"
	echo "$FAILS failed"
	exit 1
fi
echo "ok"
