#!/usr/bin/env bash
# snicd makes the veths of ports with `netns` itself, as root:
#
#  ns $T-p (made by snicd)            root ns: snicd                ns $T-v0 (made by snicd)
#  eth0 10.78.0.1 ====veth==== ${T}u  [uplink]  [vf0]  ${T}0 ====veth==== eth0 10.78.0.10
#                                                                         (VF 0's MAC)
#  ns $T-k (made here, kept)
#  eth0 ====veth==== ${T}k  [pf, net_af_packet]: there before snicd, left as it was
#
# Checks: after the start, the namespaces and veths snicd made exist, up,
# with VF 0's MAC on its eth0; a ping from the VF's namespace to the wire's
# far end; after SIGTERM, what snicd made is gone and what was there stays;
# `netns` on a port that is no veth is refused with a message naming it.
#
# usage: snicd_netns.sh SNICD        exit 77: skipped (not root, no tools)
set -uo pipefail

SNICD=${1:-${SNICD:-snicd}}
T=sx$$
DIR=$(mktemp -d /tmp/snicd-netns.XXXXXX)
. "$(dirname "$0")/snicd-lib.sh"

needs "network namespaces, veth, AF_XDP" ip ping

cleanup() {
	snicd_stop
	for l in u 0 k; do
		ip link del "$T$l" 2>/dev/null
	done
	for n in p v0 k; do
		ip netns del "$T-$n" 2>/dev/null
	done
	rm -rf "$DIR"
}
trap cleanup EXIT

ns_exists() {
	[ -e "/run/netns/$1" ]
}

link_exists() {
	ip link show "$1" >/dev/null 2>&1
}

config() {
	cat >"$DIR/nic.yaml" <<EOF
profile: ixgbe-82599
pf:
  mac: 02:00:00:00:00:01
numvfs: 1
vfs:
  vf0: {mac: 02:00:00:00:00:10}
ports:
  uplink: {devargs: "net_af_xdp0,iface=${T}u", netns: $T-p}
  pf: {devargs: "net_af_packet0,iface=${T}k", netns: $T-k}
  vf0: {devargs: "net_af_xdp1,iface=${T}0", netns: $T-v0}
EOF
}

# The PF's veth, made before snicd starts: snicd must leave it.
ip netns add "$T-k" &&
	ip link add "${T}k" numtxqueues 1 numrxqueues 1 type veth peer name eth0 netns "$T-k" \
		numtxqueues 1 numrxqueues 1 &&
	ip link set "${T}k" up || {
	fail "the PF's veth"
	exit 1
}
config
ns_exists "$T-p" && fail "$T-p exists before snicd starts"

snicd_start "$DIR/nic.yaml" "$DIR/snicd.log" || exit 1
for n in p v0; do
	ns_exists "$T-$n" || fail "snicd made no namespace $T-$n"
done
for l in u 0; do
	ip -o link show "$T$l" 2>/dev/null | grep -q 'state UP\|,UP' ||
		fail "snicd's end ${T}$l is not up: $(ip -o link show "$T$l" 2>&1)"
done
mac=$(ip -n "$T-v0" -o link show eth0 2>/dev/null | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
[ "$mac" = 02:00:00:00:00:10 ] || fail "eth0 in $T-v0 has MAC '$mac', want VF 0's 02:00:00:00:00:10"
echo "eth0 in $T-v0: $mac"

# Addresses are the user's: give them and ping across snicd.
ip -n "$T-p" addr add 10.78.0.1/24 dev eth0 && ip -n "$T-p" link set eth0 up
ip -n "$T-v0" addr add 10.78.0.10/24 dev eth0
ip netns exec "$T-v0" ping -c 1 -W 3 10.78.0.1 >/dev/null 2>&1
out=$(ip netns exec "$T-v0" ping -c 5 -i 0.2 -W 2 10.78.0.1 2>&1)
if echo "$out" | grep -q ' 0% packet loss'; then
	echo "ping $T-v0 -> 10.78.0.1: $(echo "$out" | tail -1)"
else
	fail "ping from VF 0's namespace to the wire"
	echo "$out" | tail -3
fi

snicd_stop || fail "snicd exit status $?"
for n in p v0; do
	ns_exists "$T-$n" && fail "namespace $T-$n is left after snicd stopped"
done
for l in u 0; do
	link_exists "$T$l" && fail "link ${T}$l is left after snicd stopped"
done
ns_exists "$T-k" || fail "snicd removed namespace $T-k, which it did not make"
link_exists "${T}k" || fail "snicd removed link ${T}k, which it did not make"

# netns on a port that is no veth: refused, naming the port and the value.
cat >"$DIR/bad.yaml" <<EOF
profile: ixgbe-82599
pf:
  mac: 02:00:00:00:00:01
ports:
  uplink: {devargs: "net_null0", netns: $T-p}
EOF
if snicd_start "$DIR/bad.yaml" "$DIR/bad.log" >/dev/null; then
	fail "snicd took netns on a net_null port"
	snicd_stop
fi
grep -q "port uplink: netns '$T-p' needs a net_af_xdp or net_af_packet port" "$DIR/bad.log" ||
	fail "no clear refusal: $(tail -3 "$DIR/bad.log")"
ns_exists "$T-p" && fail "a refused netns was made"

echo "snicd_netns: $FAILS failed"
[ "$FAILS" -eq 0 ]
