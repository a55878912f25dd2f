#!/usr/bin/env bash
# A VF handed to a QEMU guest over vhost-user (snic lab up --vfs 1 --vm):
#
#   ns P-peer eth0 .1 ==== [uplink] snicd [vf0] ==== eth0 .10 ns P-vm0
#                                         [vf1] ==vhost-user== QEMU microvm (TCG), eth0 .11
#
# Checks: the guest pings the peer through its VF (its /init reports on the
# serial console); the peer pings the guest over IPv4 and IPv6; VF 0's
# namespace pings the guest (hairpinned in the NIC); iperf3 TCP from the
# peer to the guest; snicd counts the guest's frames on VF 1; `lab down`
# stops QEMU. Skips when no guest kernel can be had (offline, no cache).
#
# usage: lab_vm.sh SNIC SNICD SYSTOOL     exit 77: skipped
set -uo pipefail
NAME=vm
. "$(dirname "$0")/lab-lib.sh"
need_root_and qemu-system-x86_64 busybox

GUEST=198.51.100.11

up_or_skip() {
	LAB_UP=1
	if ! "$SNIC" lab up -p "$P" --snicd "$SNICD" --vfs 1 --vm -q 2>"$TMP/up"; then
		cat "$TMP/up"
		grep -q 'snic lab: --vm:' "$TMP/up" && skip "$(grep -- '--vm:' "$TMP/up")"
		echo "FAIL: snic lab up --vm"
		tail -20 "/run/snic/lab/$P/vm.console" 2>/dev/null
		exit 1
	fi
	export SNIC_SOCKET=/run/snic/lab/$P/snic.sock
}

guest_pinged() {
	local con=/run/snic/lab/$P/vm.console
	if grep -q "snic-guest: ping 198.51.100.1: ok" "$con"; then
		ok "the guest pinged the peer: $(grep 'round-trip' "$con" | tr -d '\r')"
	else
		fail "the guest's ping: $(grep 'snic-guest' "$con" | tr -d '\r' | tr '\n' ' ')"
	fi
}

guest_iperf() {
	local out
	out=$(ip netns exec "$(ns peer)" timeout 40 iperf3 -c "$GUEST" -t 2 2>&1)
	if [ $? -eq 0 ]; then
		ok "iperf3 TCP peer -> guest: $(echo "$out" | grep receiver | tr -s ' ')"
	else
		fail "iperf3 TCP peer -> guest: $(echo "$out" | tail -2 | tr '\n' ' ')"
	fi
}

counted() {
	expect_ge "frames snicd delivered to vf1 (the guest)" \
		"$(stat_sum 'vports.vport=vf1.queues.*.frames')" 40
	expect_ge "frames the guest sent (vf1 tx)" "$(stat 'vports.vport=vf1.tx.in')" 40
	expect_ge "vf0 -> guest hairpinned (vf1 loopback)" \
		"$(stat_sum 'vports.vport=vf1.queues.*.loopback')" 20
}

qemu_gone() {
	local pid
	pid=$(awk '$1 == "pid" && $2 == "qemu-system-x86" { print $3 }' "/run/snic/lab/$P/state")
	"$SNIC" lab down -p "$P" >/dev/null 2>&1 || fail "snic lab down"
	LAB_UP=
	if [ -n "$pid" ] && [ -d "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status"; then
		fail "QEMU (pid $pid) still runs after lab down"
	else
		ok "lab down stopped QEMU"
	fi
}

up_or_skip
guest_pinged
ping_ok "$(ns peer)" "$GUEST" 20
ping_ok "$(ns peer)" 2001:db8:1::11 20
ping_ok "$(ns vm0)" "$GUEST" 20
guest_iperf
counted
qemu_gone
finish
