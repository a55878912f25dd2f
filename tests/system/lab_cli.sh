#!/usr/bin/env bash
# snic lab itself: its refusals, `status`, a short `bench` in JSON and as a
# table, `up` after a crash (snicd killed, a namespace left over), and
# `down` leaving nothing behind.
#
#   P-peer ==== snicd ==== P-vm0        P-peer ==== br0 (P-sw) ==== P-swvm
#                                       P-peer ==== P-direct
#
# usage: lab_cli.sh SNIC SNICD SYSTOOL     exit 77: skipped
set -uo pipefail
NAME=lc
. "$(dirname "$0")/lab-lib.sh"
need_root_and

# refuse STATUS PATTERN ARGS...: `snic lab ARGS` exits STATUS saying PATTERN.
refuse() {
	local want=$1 pattern=$2 rc
	shift 2
	"$SNIC" lab "$@" >"$TMP/out" 2>&1
	rc=$?
	if [ $rc -eq "$want" ] && grep -q -- "$pattern" "$TMP/out"; then
		ok "snic lab $*: $(head -1 "$TMP/out")"
	else
		fail "snic lab $*: exit $rc, '$(head -1 "$TMP/out")', want $want and /$pattern/"
	fi
}

refusals() {
	refuse 1 "is not up" bench -p "$P"
	refuse 2 "unknown action 'frob'" frob
	refuse 2 "lower-case letters" up -p 'Bad!'
	refuse 2 "1 to 8 characters" up -p toolongname
	refuse 2 "bad value '99' for --vfs" up -p "$P" --vfs 99
	refuse 2 "--queues 9" up -p "$P" --queues 9 --snicd "$SNICD"
}

status() {
	"$SNIC" lab status -p "$P" -j >"$TMP/status"
	expect "status: vfs" "$("$SYSTOOL" json vfs <"$TMP/status")" 1
	expect "status: queues" "$("$SYSTOOL" json queues <"$TMP/status")" 2
	expect "status: the bridge's far end" "$("$SYSTOOL" json paths.bridge.far4 <"$TMP/status")" \
		198.51.100.74
	expect "snicd's RETA names queues 0..1 only" \
		"$("$SNIC" rss show -j | "$SYSTOOL" json 'reta' | tr -d '[]' | tr ',' '\n' |
			sort -u | tr '\n' ' ')" "0 1 "
}

bench() {
	local p
	"$SNIC" lab bench -p "$P" -c 20 -t 1 -j >"$TMP/bench" || fail "snic lab bench -j"
	for p in sriov bridge direct; do
		expect "bench $p: ping loss" "$("$SYSTOOL" json $p.ping_loss_pct <"$TMP/bench")" 0
		"$SYSTOOL" json $p.tcp_gbps <"$TMP/bench" | grep -qv null &&
			ok "bench $p: TCP $("$SYSTOOL" json $p.tcp_gbps <"$TMP/bench") Gbit/s" ||
			fail "bench $p: no TCP figure"
		"$SYSTOOL" json $p.udp64_pps <"$TMP/bench" | grep -qv null &&
			ok "bench $p: UDP $("$SYSTOOL" json $p.udp64_pps <"$TMP/bench") pps" ||
			fail "bench $p: no UDP figure"
	done
	"$SNIC" lab bench -p "$P" -c 10 -t 1 -q >"$TMP/table" || fail "snic lab bench"
	grep -Eq '^ +sriov +bridge +direct$' "$TMP/table" && grep -q '^ping avg (ms)' "$TMP/table" &&
		ok "bench: the table" || fail "bench: the table: $(cat "$TMP/table")"
}

crash() {
	local pid
	pid=$(awk '$1 == "pid" && $2 == "snicd" { print $3 }' "/run/snic/lab/$P/state")
	kill -9 "$pid"
	ip netns add "$P-vm7"
	if "$SNIC" lab up -p "$P" --snicd "$SNICD" --vfs 1 -q; then
		ok "up after snicd was killed"
	else
		fail "up after snicd was killed"
	fi
	[ -e "/run/netns/$P-vm7" ] && fail "up left $P-vm7 behind" || ok "up removed $P-vm7"
	ip netns exec "$(ns peer)" ping -c 3 -i 0.1 -W 2 198.51.100.10 >/dev/null &&
		ok "the new lab forwards" || fail "the new lab does not forward"
}

down_clean() {
	"$SNIC" lab down -p "$P" >/dev/null || fail "snic lab down"
	LAB_UP=
	local left
	left=$(ip netns list | grep -c "^$P-")
	expect "namespaces left" "$left" 0
	expect "links left" "$(ip -o link show | grep -c ": $P-")" 0
	[ -e "/run/snic/lab/$P" ] && fail "/run/snic/lab/$P left" || ok "state removed"
	refuse 0 "nothing was up" down -p "$P"
}

refusals
lab_up --vfs 1 --queues 2 -q
status
bench
crash
down_clean
finish
