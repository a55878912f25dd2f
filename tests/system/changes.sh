#!/usr/bin/env bash
# Changes under traffic, on a lab of its own (snic lab up --vfs 2): while
# iperf3 (8 TCP flows and a UDP stream from the peer to VF 0) runs, the
# RETA changes twice, a flow rule steering to VF 0's queue 1 is added and
# removed, and VF 0's link goes down and up. Afterwards every frame the
# uplink received is delivered or counted as dropped, and snicd's own
# final checks pass when the lab goes down.
#
#   ns P-peer  eth0 ==== [uplink] snicd [vf0] ==== eth0 ns P-vm0 (iperf3 server)
#
# usage: changes.sh SNIC SNICD SYSTOOL     exit 77: skipped
set -uo pipefail
NAME=ch
. "$(dirname "$0")/lab-lib.sh"
need_root_and

step() {
	if "$@" >"$TMP/step" 2>&1; then
		ok "under traffic: snic $(echo "$*" | cut -d' ' -f2-)"
	else
		fail "under traffic: $* ($(cat "$TMP/step"))"
	fi
	sleep 0.7
}

changes() {
	local id
	step "$SNIC" rss set --reta weight 1 2 3 4
	id=$("$SNIC" flow add flow-type tcp4 dst-port 5201 vf 0 queue 1 -j |
		"$SYSTOOL" json id)
	[ -n "$id" ] && ok "under traffic: flow rule $id added" || fail "flow add"
	sleep 0.7
	# one rule: `flow list -j` prints it as one object
	expect_ge "rule $id: hits" "$("$SNIC" flow list -j | "$SYSTOOL" json hits)" 1
	step "$SNIC" flow del "$id"
	step "$SNIC" vf set 0 state disable
	step "$SNIC" vf set 0 state auto
	step "$SNIC" rss set --reta equal 4
}

traffic() {
	ip netns exec "$(ns peer)" timeout 40 iperf3 -c 198.51.100.10 -t 8 -P 8 \
		>"$TMP/tcp" 2>&1 &
	BG_PIDS+=($!)
	TCP_PID=$!
	ip netns exec "$(ns peer)" timeout 40 iperf3 -c 198.51.100.11 -u -b 50M -t 8 \
		>"$TMP/udp" 2>&1 &
	BG_PIDS+=($!)
	UDP_PID=$!
	sleep 1
}

traffic_done() {
	wait "$TCP_PID" && ok "iperf3 TCP lived through it: $(grep 'SUM.*receiver' "$TMP/tcp" | tr -s ' ')" ||
		fail "iperf3 TCP: $(tail -2 "$TMP/tcp")"
	wait "$UDP_PID" || fail "iperf3 UDP: $(tail -2 "$TMP/udp")"
	BG_PIDS=()
	sleep 0.5
}

conservation() {
	local in dl dr ip
	"$SNIC" stats -j >"$TMP/stats"
	in=$("$SYSTOOL" json rx.in <"$TMP/stats")
	dl=$("$SYSTOOL" json rx.delivered <"$TMP/stats")
	dr=$("$SYSTOOL" json rx.dropped <"$TMP/stats")
	ip=$("$SYSTOOL" json ports.name=uplink.ipackets <"$TMP/stats")
	echo "  wire: in $in delivered $dl dropped $dr; drops $("$SYSTOOL" json rx.drops <"$TMP/stats")"
	expect "frames the uplink port received = frames the NIC took in" "$ip" "$in"
	expect "wire frames: in = delivered + dropped" "$in" $((dl + dr))
	expect_ge "frames dropped while vf0's link was down (link_down)" \
		"$("$SYSTOOL" json rx.drops.link_down <"$TMP/stats")" 1
}

lab_up --vfs 2 -q
traffic
changes
traffic_done
conservation
if "$SNIC" lab down -p "$P" >"$TMP/down" 2>&1; then
	grep -q 'conservation ok' "$TMP/down" && ok "snicd's final checks: conservation ok" ||
		fail "snicd's final checks: $(cat "$TMP/down")"
else
	fail "snic lab down: $(cat "$TMP/down")"
fi
LAB_UP=
finish
