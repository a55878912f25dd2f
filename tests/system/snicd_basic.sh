#!/usr/bin/env bash
# snicd end to end, as root, in namespaces of its own:
#
#  ns $T-p (the wire's far end)        root ns: snicd                   ns $T-v0 (VF 0's "VM")
#  eth0 10.77.0.1 ====veth==== ${T}u  [uplink, net_af_xdp]  [vf0, net_af_xdp]  ${T}0 ====veth==== eth0 10.77.0.10
#                                     [pf, net_af_packet]   [vf1, net_af_xdp]  ${T}1 ====veth==== eth0 10.77.0.11
#  ns $T-f (the PF's host side)              |                                     (ns $T-v1)
#  eth0 10.77.0.2 ====veth==== ${T}f --------+
#
# Offloads stay on: the namespaces' veths hand TCP/UDP frames over with
# unfinished checksums and snicd must complete them. Checks: ping between
# the wire and each VF, VF to VF (hairpinned in the NIC), the wire to the
# PF; iperf3 TCP both ways and UDP; the final counters' conservation and
# the checksums snicd completed, with the warm-ups of the idle lcore (the
# last frames run through the pipeline again, uncounted) among them; a
# second start on the same config.
#
# usage: snicd_basic.sh SNICD        exit 77: skipped (not root, no tools)
set -uo pipefail

SNICD=${1:-${SNICD:-snicd}}
T=sn$$
DIR=$(mktemp -d /tmp/snicd-test.XXXXXX)
IPERF_PID=
. "$(dirname "$0")/snicd-lib.sh"

needs "network namespaces, veth, AF_XDP" ip iperf3 ping

cleanup() {
	[ -n "$IPERF_PID" ] && kill "$IPERF_PID" 2>/dev/null
	snicd_stop
	for l in u 0 1 f; do
		ip link del "$T$l" 2>/dev/null
	done
	for n in p v0 v1 f; do
		ip netns del "$T-$n" 2>/dev/null
	done
	rm -rf "$DIR"
}
trap cleanup EXIT

topology() {
	veth "${T}u" "$T-p" 10.77.0.1 "" &&
		veth "${T}0" "$T-v0" 10.77.0.10 02:00:00:00:00:10 &&
		veth "${T}1" "$T-v1" 10.77.0.11 02:00:00:00:00:11 &&
		veth "${T}f" "$T-f" 10.77.0.2 02:00:00:00:00:01
}

config() {
	cat >"$DIR/nic.yaml" <<EOF
profile: ixgbe-82599
pf:
  mac: 02:00:00:00:00:01
numvfs: 2
vfs:
  vf0: {mac: 02:00:00:00:00:10}
  vf1: {mac: 02:00:00:00:00:11}
rss:
  equal: 4
ports:
  uplink: {devargs: "net_af_xdp0,iface=${T}u"}
  pf: {devargs: "net_af_packet0,iface=${T}f"}
  vf0: {devargs: "net_af_xdp1,iface=${T}0", netns: $T-v0}
  vf1: {devargs: "net_af_xdp2,iface=${T}1", netns: $T-v1}
EOF
}

# Five pings, none lost, after one that resolves the address (ARP).
ping_check() {
	local ns=$1 to=$2 out
	ip netns exec "$ns" ping -c 1 -W 3 "$to" >/dev/null 2>&1
	out=$(ip netns exec "$ns" ping -c 5 -i 0.2 -W 2 "$to" 2>&1)
	if echo "$out" | grep -q ' 0% packet loss'; then
		echo "ping $ns -> $to: $(echo "$out" | tail -1)"
	else
		fail "ping $ns -> $to"
		echo "$out" | tail -3
	fi
}

iperf_server() {
	ip netns exec "$T-p" iperf3 -s -1 -B 10.77.0.1 >"$DIR/iperf-server.log" 2>&1 &
	IPERF_PID=$!
	sleep 0.5
}

# iperf3 from VF 0 to the wire's far end: $1 is a name, the rest iperf3
# client args.
iperf_run() {
	local what=$1 out
	shift
	iperf_server
	out=$(ip netns exec "$T-v0" timeout 20 iperf3 -c 10.77.0.1 -t 3 "$@" 2>&1)
	local rc=$?
	wait "$IPERF_PID" 2>/dev/null
	IPERF_PID=
	if [ $rc -ne 0 ]; then
		fail "iperf3 $what (rc $rc)"
		echo "$out" | tail -5
		return 1
	fi
	echo "iperf3 $what: $(echo "$out" | grep -E 'receiver' | tail -1 | tr -s ' ')"
	IPERF_OUT=$out
}

udp_check() {
	local lost
	iperf_run "UDP 100M" -u -b 100M -l 1400 || return
	lost=$(echo "$IPERF_OUT" | grep receiver | tail -1 | sed -n 's/.*(\([0-9.]*\)%).*/\1/p')
	[ -n "$lost" ] && awk -v l="$lost" 'BEGIN { exit !(l < 20) }' ||
		fail "UDP loss ${lost:-?}% (20% allowed)"
}

# The final counters: conservation, checksums completed on VF 0's port,
# warm-ups run between the pings.
counters_check() {
	local log=$1 csum warm
	grep -q '^conservation ok' "$log" || fail "conservation: $(grep conservation "$log")"
	csum=$(sed -n 's/^port vf0 .* csum \([0-9]*\) .*/\1/p' "$log")
	[ "${csum:-0}" -gt 0 ] || fail "no checksum completed on vf0's port"
	warm=$(sed -n 's/^lcore .* warm \([0-9]*\)$/\1/p' "$log" | head -1)
	[ "${warm:-0}" -gt 0 ] || fail "no warm-up while idle: $(grep '^lcore' "$log")"
	grep -E '^(rx wire|tx vf0|port)' "$log"
}

topology || { fail "topology"; exit 1; }
config
ip netns exec "$T-v0" ethtool -k eth0 2>/dev/null | grep -E '^tx-checksumming'

snicd_start "$DIR/nic.yaml" "$DIR/snicd1.log" || exit 1
ping_check "$T-p" 10.77.0.10
ping_check "$T-p" 10.77.0.11
ping_check "$T-v0" 10.77.0.11
ping_check "$T-p" 10.77.0.2
iperf_run "TCP vf0->wire"
iperf_run "TCP wire->vf0" -R
udp_check
snicd_stop || fail "snicd exit status $?"
counters_check "$DIR/snicd1.log"

# The same config again gives the same NIC.
snicd_start "$DIR/nic.yaml" "$DIR/snicd2.log" || exit 1
ping_check "$T-p" 10.77.0.10
ping_check "$T-v1" 10.77.0.10
snicd_stop || fail "second snicd exit status $?"
grep -q '^conservation ok' "$DIR/snicd2.log" || fail "second run: conservation"

if [ "$FAILS" -ne 0 ]; then
	echo "--- snicd log"
	cat "$DIR/snicd1.log"
	echo "$FAILS failed"
	exit 1
fi
echo "ok"
