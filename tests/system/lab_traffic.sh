#!/usr/bin/env bash
# Traffic through snicd's VFs, on a lab of its own (snic lab up --vfs 2):
#
#   ns P-peer                      snicd                       ns P-vm0, P-vm1
#   eth0 .1 ====veth==== P-up [uplink]  [vf0] P-vf0 ====veth==== eth0 .10
#                                       [vf1] P-vf1 ====veth==== eth0 .11
#
# Checks: ping (IPv4 and IPv6) and iperf3 TCP and UDP between the peer and
# each VF; VF 0 to VF 1 hairpinned inside the NIC (counted as loopback on
# VF 1's queues, never seen on the uplink); a multi-flow iperf3 spread by
# RSS over VF 0's queues, as `snic stats` counts them.
#
# usage: lab_traffic.sh SNIC SNICD SYSTOOL     exit 77: skipped
set -uo pipefail
NAME=tr
. "$(dirname "$0")/lab-lib.sh"
need_root_and

# iperf3 from the peer to VF N's namespace (its server runs from lab up).
iperf_ok() {
	local what=$1 to=$2 out
	shift 2
	out=$(ip netns exec "$(ns peer)" timeout 30 iperf3 -c "$to" -t 2 "$@" 2>&1)
	if [ $? -eq 0 ]; then
		ok "iperf3 $what: $(echo "$out" | grep receiver | tail -1 | tr -s ' ')"
	else
		fail "iperf3 $what: $(echo "$out" | tail -2 | tr '\n' ' ')"
	fi
}

each_vf() {
	local vf addr
	for vf in 0 1; do
		addr=198.51.100.$((10 + vf))
		ping_ok "$(ns peer)" "$addr"
		ping_ok "$(ns vm$vf)" 198.51.100.1
		ping_ok "$(ns peer)" "2001:db8:1::$((10 + vf))"
		iperf_ok "TCP peer -> vf$vf" "$addr"
		iperf_ok "TCP vf$vf -> peer" "$addr" -R
		iperf_ok "UDP peer -> vf$vf" "$addr" -u -b 100M
	done
}

# Test frames VF 0 -> VF 1 stay in the NIC: VF 1 gets them, counted as
# loopback; the peer sees none.
hairpin() {
	local mac0 mac1 lb0 lb1
	mac0=$(mac "$(ns vm0)" eth0)
	mac1=$(mac "$(ns vm1)" eth0)
	lb0=$(stat_sum 'vports.vport=vf1.queues.*.loopback')
	recv_start "$TMP/vm1" "$(ns vm1)" eth0 2 00000a01
	recv_start "$TMP/peer" "$(ns peer)" eth0 2 00000a01
	send "$(ns vm0)" eth0 100 "$mac1" "$mac0" 88b5 00000a01
	recv_wait
	lb1=$(stat_sum 'vports.vport=vf1.queues.*.loopback')
	expect "hairpin vf0 -> vf1: frames at vf1" "$(count "$TMP/vm1")" 100
	expect "hairpin vf0 -> vf1: frames on the uplink's far end" "$(count "$TMP/peer")" 0
	expect_ge "hairpin vf0 -> vf1: vf1 loopback counted" $((lb1 - lb0)) 100
	ping_ok "$(ns vm0)" 198.51.100.11
}

# 8 TCP flows into VF 0: RSS spreads them over its queues.
rss_spread() {
	local before after busy=0 q
	mapfile -t before < <(stat 'vports.vport=vf0.queues.*.frames')
	iperf_ok "TCP peer -> vf0, 8 flows" 198.51.100.10 -P 8
	mapfile -t after < <(stat 'vports.vport=vf0.queues.*.frames')
	for q in "${!after[@]}"; do
		echo "  vf0 queue $q: $((after[q] - before[q])) frames"
		[ $((after[q] - before[q])) -ge 1000 ] && busy=$((busy + 1))
	done
	expect_ge "RSS: vf0 queues with >= 1000 frames of 8 flows" "$busy" 2
}

lab_up --vfs 2 -q
each_vf
hairpin
rss_spread
finish
