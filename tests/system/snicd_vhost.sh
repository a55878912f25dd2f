#!/usr/bin/env bash
# snicd with a VF given to a "VM" over vhost-user, as root. The VM is a
# stand-in: a second snicd whose uplink is DPDK's net_virtio_user (the
# guest's virtio-net device) and whose PF port leads into a namespace, the
# guest's network stack:
#
#  ns $T-p                       host snicd                         guest snicd               ns $T-g
#  eth0 10.78.0.1 ==veth== ${T}u [uplink, net_af_xdp]
#                                [vf0, net_vhost server] ==vf0.sock== [uplink, net_virtio_user]
#                                                                    [pf, net_af_xdp] ${T}g ==veth== eth0 10.78.0.10
#
# Four queue pairs on the vhost-user link: VF 0's queue i is its queue i.
# Checks: ping and iperf3 TCP between the wire and the guest, and both
# daemons' final counters.
#
# usage: snicd_vhost.sh SNICD        exit 77: skipped (not root, no tools)
set -uo pipefail

SNICD=${1:-${SNICD:-snicd}}
T=sv$$
DIR=$(mktemp -d /tmp/snicd-vhost.XXXXXX)
HOST_PID=
GUEST_PID=
IPERF_PID=
. "$(dirname "$0")/snicd-lib.sh"

needs "network namespaces, veth, AF_XDP" ip iperf3 ping

cleanup() {
	[ -n "$IPERF_PID" ] && kill "$IPERF_PID" 2>/dev/null
	snicd_stop "$GUEST_PID" 2>/dev/null
	snicd_stop "$HOST_PID" 2>/dev/null
	ip link del "${T}u" 2>/dev/null
	ip link del "${T}g" 2>/dev/null
	ip netns del "$T-p" 2>/dev/null
	ip netns del "$T-g" 2>/dev/null
	rm -rf "$DIR"
}
trap cleanup EXIT

configs() {
	cat >"$DIR/host.yaml" <<EOF
profile: ixgbe-82599
pf:
  mac: 02:00:00:00:00:01
numvfs: 1
vfs:
  vf0: {mac: 02:00:00:00:00:10}
rss:
  equal: 4
ports:
  uplink: {devargs: "net_af_xdp0,iface=${T}u"}
  vf0: {devargs: "net_vhost0,iface=$DIR/vf0.sock,queues=4", queues: 4}
EOF
	cat >"$DIR/guest.yaml" <<EOF
profile: virtio-net
pf:
  mac: 02:00:00:00:00:10
ports:
  uplink: {devargs: "net_virtio_user0,path=$DIR/vf0.sock,queues=4", queues: 4}
  pf: {devargs: "net_af_xdp1,iface=${T}g"}
EOF
}

# Start the daemon of $1 (host or guest) on lcores $2; its pid in SNICD_PID.
start() {
	snicd_start "$DIR/$1.yaml" "$DIR/$1.log" "$2" "$T$1"
}

# Stop the daemon of $1 (host or guest), check its final counters.
stop_check() {
	local name=$1 pid=$2 rc
	snicd_stop "$pid"
	rc=$?
	[ $rc -eq 0 ] || fail "$name snicd exit status $rc"
	grep -q '^conservation ok' "$DIR/$name.log" || fail "$name: conservation"
	grep -E '^(rx wire|tx|rxq|port)' "$DIR/$name.log" | sed "s/^/$name: /"
}

# The guest's link comes up once virtio_user and vhost agree on features.
ping_wait() {
	local out
	for _ in $(seq 20); do
		ip netns exec "$T-p" ping -c 1 -W 1 10.78.0.10 >/dev/null 2>&1 && break
	done
	out=$(ip netns exec "$T-p" ping -c 5 -i 0.2 -W 2 10.78.0.10 2>&1)
	if echo "$out" | grep -q ' 0% packet loss'; then
		echo "ping wire -> guest: $(echo "$out" | tail -1)"
	else
		fail "ping wire -> guest"
		echo "$out" | tail -3
	fi
}

iperf_check() {
	local out rc
	ip netns exec "$T-p" iperf3 -s -1 -B 10.78.0.1 >"$DIR/iperf-server.log" 2>&1 &
	IPERF_PID=$!
	sleep 0.5
	out=$(ip netns exec "$T-g" timeout 20 iperf3 -c 10.78.0.1 -t 3 -P 4 2>&1)
	rc=$?
	wait "$IPERF_PID" 2>/dev/null
	IPERF_PID=
	if [ $rc -ne 0 ]; then
		fail "iperf3 TCP guest->wire (rc $rc)"
		echo "$out" | tail -5
	else
		echo "iperf3 TCP guest->wire, 4 streams: $(echo "$out" | grep 'SUM.*receiver' | tr -s ' ')"
	fi
}

veth "${T}u" "$T-p" 10.78.0.1 "" && veth "${T}g" "$T-g" 10.78.0.10 02:00:00:00:00:10 ||
	{ fail "topology"; exit 1; }
configs
start host 0@0,1@0 || exit 1
HOST_PID=$SNICD_PID
start guest 0@1,1@1 || exit 1
GUEST_PID=$SNICD_PID
ping_wait
iperf_check
stop_check guest "$GUEST_PID"
GUEST_PID=
stop_check host "$HOST_PID"
HOST_PID=

if [ "$FAILS" -ne 0 ]; then
	echo "--- host log"
	cat "$DIR/host.log"
	echo "--- guest log"
	cat "$DIR/guest.log"
	echo "$FAILS failed"
	exit 1
fi
echo "ok"
