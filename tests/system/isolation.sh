#!/usr/bin/env bash
# Isolation between VFs, with test frames crafted in the namespaces
# (systool send/recv: EtherType 0x88b5 and a tag per check), on a lab of
# its own whose NIC is then replaced (snic apply) by one where VF 1 is
# untrusted and asks, as its driver would, for promiscuous mode:
#
#   ns P-peer  eth0 ==== [uplink] snicd [vf0] ==== eth0 ns P-vm0  02:5e:00:00:00:10
#                                       [vf1] ==== eth0 ns P-vm1  02:5e:00:00:00:11
#
# Checks: a VF sending with a forged source MAC is dropped and counted as
# spoofed; a VF never receives unicast meant for another VF, nor frames of
# a VLAN it is not in; an untrusted VF asking for promiscuous mode gets
# multicast only (its groups), and once trusted every multicast but still
# no unicast for others: an 82599 gives VFs no promiscuous mode.
#
# usage: isolation.sh SNIC SNICD SYSTOOL     exit 77: skipped
set -uo pipefail
NAME=is
. "$(dirname "$0")/lab-lib.sh"
need_root_and

VF0=02:5e:00:00:00:10
VF1=02:5e:00:00:00:11
NOBODY=02:5e:00:00:00:77
GROUP=01:00:5e:00:00:fb
OTHER_GROUP=01:00:5e:00:00:fc
N=100

# The lab's ports, and VF 1 untrusted asking for promisc.
apply_config() {
	cat >"$TMP/nic.yaml" <<YAML
profile: ixgbe-82599
pf:
  mac: 02:5e:00:00:00:01
numvfs: 2
vfs:
  vf0: {mac: $VF0, assigned: true}
  vf1:
    mac: $VF1
    assigned: true
    trust: off
    guest: {rxmode: promisc, multicast: [$GROUP]}
rss:
  equal: 4
YAML
	sed -n '/^ports:/,$p' "/run/snic/lab/$P/snicd.yaml" >>"$TMP/nic.yaml"
	"$SNIC" apply -c "$TMP/nic.yaml" >/dev/null || fail "snic apply -c $TMP/nic.yaml"
}

# Send N test frames from NS with DST, SRC [VLAN words], tag TAG, and count
# them at the peer and both VFs: frames NS SRC DST TAG [WORDS...]; the counts
# land in $AT_PEER, $AT_VM0, $AT_VM1.
frames() {
	local from=$1 src=$2 dst=$3 tag=$4
	shift 4
	recv_start "$TMP/peer" "$(ns peer)" eth0 1.5 "$tag"
	recv_start "$TMP/vm0" "$(ns vm0)" eth0 1.5 "$tag"
	recv_start "$TMP/vm1" "$(ns vm1)" eth0 1.5 "$tag"
	send "$(ns "$from")" eth0 "$N" "$dst" "$src" "$@" 88b5 "$tag"
	recv_wait
	AT_PEER=$(count "$TMP/peer")
	AT_VM0=$(count "$TMP/vm0")
	AT_VM1=$(count "$TMP/vm1")
}

spoof() {
	local peer before after
	peer=$(mac "$(ns peer)" eth0)
	before=$(stat 'vports.vport=vf0.tx.drops.spoofed')
	frames vm0 02:5e:00:00:00:99 "$peer" 0000b001
	after=$(stat 'vports.vport=vf0.tx.drops.spoofed')
	expect "forged source MAC from vf0: frames at the peer" "$AT_PEER" 0
	expect_ge "forged source MAC from vf0: counted spoofed" $((after - before)) "$N"
	frames vm0 "$VF0" "$peer" 0000b002
	expect "vf0's own source MAC: frames at the peer" "$AT_PEER" "$N"
}

unicast() {
	local peer
	peer=$(mac "$(ns peer)" eth0)
	frames peer "$peer" "$VF1" 0000b003
	expect "unicast for vf1: at vf1" "$AT_VM1" "$N"
	expect "unicast for vf1: at vf0" "$AT_VM0" 0
	frames peer "$peer" "$VF0" 0000b004
	expect "unicast for vf0: at vf0" "$AT_VM0" "$N"
	expect "unicast for vf0: at vf1" "$AT_VM1" 0
}

foreign_vlan() {
	local peer before after
	peer=$(mac "$(ns peer)" eth0)
	before=$(stat rx.drops.vlan_filtered)
	frames peer "$peer" "$VF0" 0000b005 8100 0064
	after=$(stat rx.drops.vlan_filtered)
	expect "vf0's MAC in VLAN 100: at vf0" "$AT_VM0" 0
	expect "vf0's MAC in VLAN 100: at vf1" "$AT_VM1" 0
	expect_ge "vf0's MAC in VLAN 100: counted vlan_filtered" $((after - before)) "$N"
}

rxmode() {
	"$SNIC" vf show 1 -j | "$SYSTOOL" json "$1"
}

promisc() {
	local peer
	peer=$(mac "$(ns peer)" eth0)
	expect "untrusted vf1 asked for" "$(rxmode rxmode)" promisc
	expect "untrusted vf1 got" "$(rxmode rxmode_eff)" multi
	frames peer "$peer" "$NOBODY" 0000b006
	expect "untrusted promisc vf1: unicast for nobody" "$AT_VM1" 0
	frames peer "$peer" "$GROUP" 0000b007
	expect "untrusted promisc vf1: its multicast group" "$AT_VM1" "$N"
	expect "untrusted promisc vf1: the group at vf0 (not joined)" "$AT_VM0" 0
	"$SNIC" vf set 1 trust on >/dev/null || fail "snic vf set 1 trust on"
	expect "trusted vf1 got (82599: no VF promisc)" "$(rxmode rxmode_eff)" allmulti
	frames peer "$peer" "$NOBODY" 0000b008
	expect "trusted promisc vf1: unicast for nobody" "$AT_VM1" 0
	expect "trusted promisc vf1: unicast for nobody at vf0" "$AT_VM0" 0
	frames peer "$peer" "$OTHER_GROUP" 0000b009
	expect "trusted promisc vf1: a group it did not join" "$AT_VM1" "$N"
	expect "trusted promisc vf1: that group at vf0 (not joined)" "$AT_VM0" 0
}

lab_up --vfs 2 -q
apply_config
spoof
unicast
foreign_vlan
promisc
finish
