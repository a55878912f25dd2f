#!/usr/bin/env bash
# snicd's control socket under bad requests, on a lab of its own: a request
# that is not JSON, one naming no command and one longer than the socket
# takes each get an error reply, and snicd keeps serving (snic stats, help)
# and forwarding (ping through VF 0).
#
#   systool ctl ──unix socket──> snicd ──> snic stats, ping P-peer -> P-vm0
#
# usage: ctl_socket.sh SNIC SNICD SYSTOOL     exit 77: skipped
set -uo pipefail
NAME=cs
. "$(dirname "$0")/lab-lib.sh"
need_root_and

# reply TEXT-or-args...: snicd's one-line reply.
reply() {
	"$SYSTOOL" ctl "$SNIC_SOCKET" "$@" 2>&1
}

# expect_reply WHAT PATTERN ARGS...
expect_reply() {
	local what=$1 pattern=$2 r
	shift 2
	r=$(reply "$@")
	if echo "$r" | grep -q "$pattern"; then
		ok "$what: $(echo "$r" | cut -c1-100)"
	else
		fail "$what: got '$(echo "$r" | cut -c1-200)', want /$pattern/"
	fi
}

still_serving() {
	local in
	in=$(stat rx.in)
	[ -n "$in" ] && ok "$1: snic stats still answers (rx.in $in)" ||
		fail "$1: snic stats does not answer"
	expect_reply "$1: help" '"ok": *true' '{"cmd": "help"}'
}

lab_up --vfs 1 -q
expect_reply "not JSON" '"ok": *false' 'this is not json {'
still_serving "after a malformed request"
expect_reply "no such command" '"ok": *false' '{"cmd": "no.such.command"}'
expect_reply "args not an object" '"ok": *false' '{"cmd": "stats", "args": [1, 2]}'
expect_reply "oversize request" 'longer than' --oversize 100000
still_serving "after an oversize request"
for i in $(seq 20); do reply 'garbage' >/dev/null; done
still_serving "after 20 malformed requests"
if ip netns exec "$(ns peer)" ping -c 3 -i 0.1 -W 2 198.51.100.10 >/dev/null; then
	ok "snicd still forwards"
else
	fail "snicd stopped forwarding"
fi
finish
