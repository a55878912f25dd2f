# Shared by the system tests (lab-lib.sh sources it too): sourced after
# setting SNICD (the daemon), T (a prefix for links, namespaces and EAL
# files) and DIR (a scratch directory). Exit status of a test: 0 passed, 1
# failed, 77 skipped (not root, a tool missing).

FAILS=0
SNICD_PID=

skip() {
	echo "SKIP: $*"
	exit 77
}

fail() {
	echo "FAIL: $*"
	FAILS=$((FAILS + 1))
}

# Skip unless root (for $1, what root is needed for), every tool named
# after it on the PATH and snicd there.
needs() {
	local why=$1 t
	shift
	[ "$(id -u)" -eq 0 ] || skip "needs root ($why)"
	for t in "$@"; do
		command -v "$t" >/dev/null || skip "needs $t"
	done
	[ -x "$SNICD" ] || skip "no snicd at '$SNICD'"
}

# A veth pair: $1 the root end, $2 the namespace (made here) holding eth0,
# $3 its address (/24), $4 its MAC or "". One queue each way: XDP on a
# veth wants as many rx queues as its peer has tx queues.
veth() {
	ip netns add "$2" || return 1
	ip link add "$1" numtxqueues 1 numrxqueues 1 type veth peer name eth0 netns "$2" \
		numtxqueues 1 numrxqueues 1 || return 1
	[ -n "$4" ] && ip -n "$2" link set eth0 address "$4"
	ip -n "$2" addr add "$3/24" dev eth0
	ip -n "$2" link set lo up
	ip -n "$2" link set eth0 up
	ip link set "$1" up
}

# Start snicd on config $1, its output in log $2, and wait until it says
# it is ready; its pid in SNICD_PID. $3: lcores (default 0@0,1@0), $4: the
# EAL's file prefix and socket name (default $T). 1 when it did not start
# (its log shown, nothing left running).
snicd_start() {
	local cfg=$1 log=$2 lcores=${3:-0@0,1@0} name=${4:-$T} pid
	"$SNICD" -c "$cfg" --socket "$DIR/$name.sock" --lcores "$lcores" \
		-- --no-huge -m 256 --no-pci --no-shconf --file-prefix "$name" >"$log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		if grep -qs '^snicd: ready' "$log"; then
			SNICD_PID=$pid
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "snicd did not start ($cfg):"
	cat "$log"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 1
}

# Stop snicd $1 (default SNICD_PID) with SIGTERM; its exit status (1:
# conservation failed).
snicd_stop() {
	local pid=${1:-$SNICD_PID} rc
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	[ "$pid" = "$SNICD_PID" ] && SNICD_PID=
	return $rc
}
