# Shared by the system tests that run on `snic lab`: sourced after setting
# NAME (two letters, part of the lab's prefix). The test's arguments are
# SNIC SNICD SYSTOOL (meson passes the build tree's).
#
# Each test has a lab of its own (prefix t<NAME><pid>), removed on exit.
# Exit status: 0 passed, 1 failed, 77 skipped (not root, a tool missing).

SNIC=${1:-${SNIC:-snic}}
SNICD=${2:-${SNICD:-snicd}}
SYSTOOL=${3:-${SYSTOOL:-systool}}
P=t${NAME}$(($$ % 100000))
TMP=$(mktemp -d "/tmp/snic-$P.XXXXXX")
LAB_UP=
BG_PIDS=()
RECV_PIDS=()
# skip, fail and FAILS
. "$(dirname "${BASH_SOURCE[0]}")/snicd-lib.sh"

ok() {
	echo "ok: $*"
}

need_root_and() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, veth, AF_XDP)"
	for t in ip ping iperf3 taskset "$@"; do
		command -v "$t" >/dev/null || skip "needs $t"
	done
	[ -x "$SNIC" ] || skip "no snic at '$SNIC'"
	[ -x "$SNICD" ] || skip "no snicd at '$SNICD'"
	[ -x "$SYSTOOL" ] || skip "no systool at '$SYSTOOL'"
}

lab_cleanup() {
	local p
	for p in "${BG_PIDS[@]}" "${RECV_PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	[ -n "$LAB_UP" ] && "$SNIC" lab down -p "$P" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap lab_cleanup EXIT

# snic lab up with the test's prefix; its socket becomes the default.
lab_up() {
	LAB_UP=1
	if ! "$SNIC" lab up -p "$P" --snicd "$SNICD" "$@"; then
		echo "FAIL: snic lab up -p $P $*"
		exit 1
	fi
	export SNIC_SOCKET=/run/snic/lab/$P/snic.sock
}

# ping_ok NS TO [COUNT]: COUNT pings (10) 50 ms apart from NS to TO, none
# lost.
ping_ok() {
	local ns=$1 to=$2 n=${3:-10} out
	out=$(ip netns exec "$ns" ping -c "$n" -i 0.05 -W 2 "$to" 2>&1)
	if echo "$out" | grep -q ' 0% packet loss'; then
		ok "ping $ns -> $to: $(echo "$out" | tail -1)"
	else
		fail "ping $ns -> $to: $(echo "$out" | tail -2 | head -1)"
	fi
}

# A value of `snic stats -j`: stat PATH (see systool json).
stat() {
	"$SNIC" stats -j | "$SYSTOOL" json "$1"
}

# The sum of the values at PATH.
stat_sum() {
	stat "$1" | awk '{ s += $1 } END { print s + 0 }'
}

# The namespace of the lab's part: ns peer, ns vm0, ...
ns() {
	echo "$P-$1"
}

# A namespace's interface's MAC: mac NS DEV.
mac() {
	ip -n "$1" link show "$2" | awk '/link\/ether/ { print $2 }'
}

# Count test frames with TAG on DEV in NS for SECS seconds, in the
# background; the count lands in FILE: recv_start FILE NS DEV SECS TAG.
# Returns once the receiver listens.
recv_start() {
	local i
	rm -f "$1.ready"
	ip netns exec "$2" "$SYSTOOL" recv "$3" "$4" "$5" "$1.ready" >"$1" &
	RECV_PIDS+=($!)
	for i in $(seq 100); do
		[ -e "$1.ready" ] && return 0
		sleep 0.05
	done
	echo "receiver on $2 $3 did not start"
}

# Wait for the receivers started so far.
recv_wait() {
	local p
	for p in "${RECV_PIDS[@]}"; do
		wait "$p"
	done
	RECV_PIDS=()
}

# A receiver's count: count FILE.
count() {
	cat "$1" 2>/dev/null || echo missing
}

# Test frames: send NS DEV N DST SRC [WORDS...]; the tag comes after 88b5.
send() {
	local ns=$1 dev=$2 n=$3
	shift 3
	ip netns exec "$ns" "$SYSTOOL" send "$dev" "$n" "$@"
}

# Expect: expect WHAT GOT WANT.
expect() {
	if [ "$2" = "$3" ]; then
		ok "$1: $2"
	else
		fail "$1: got $2, want $3"
	fi
}

# Expect at least: expect_ge WHAT GOT MIN.
expect_ge() {
	if [ "$2" -ge "$3" ] 2>/dev/null; then
		ok "$1: $2 (>= $3)"
	else
		fail "$1: got $2, want at least $3"
	fi
}

finish() {
	if [ "$FAILS" -ne 0 ]; then
		echo "--- the end of snicd's log"
		tail -20 "/run/snic/lab/$P/snicd.log" 2>/dev/null
		echo "$FAILS failed"
		exit 1
	fi
	echo "all passed"
	exit 0
}
