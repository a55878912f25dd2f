#!/usr/bin/env bash
# snicd forwarding against dpdk-testpmd's io forwarding on the same ports,
# and ping through a snicd VF against the Linux bridge, in one run. Never
# asserts a rate or a time. As root:
#
#   meson setup build/release && ninja -C build/release
#   bench/forward.sh [BUILD_DIR] [RUNS] [SECONDS]
#
# BUILD_DIR defaults to build/release (it needs daemon/snicd and
# bench/blast), RUNS to 5, SECONDS (each rate measurement) to 5.
# dpdk-testpmd comes from Debian's dpdk-dev. About RUNS * (4 * SECONDS +
# 30) seconds in all.
#
#  ns $T-s (the wire's far end)        root ns                          ns $T-r (VF 0's "VM")
#  eth0 10.79.0.1 ====veth==== ${T}a  [port A]  ...  [port B]  ${T}b ====veth==== eth0 10.79.0.10
#  blast, ping                                                                     02:00:00:00:00:10
#  eth1 10.79.1.1 ====veth==== ${T}c  [  bridge ${T}br   ]  ${T}d ====veth==== eth1 10.79.1.10
#
# Between ports A and B runs, in turn:
#  - snicd: A is the uplink, B is VF 0's port (MAC 02:00:00:00:00:10), both
#    net_af_xdp with `csum: off`, so every frame crosses the whole pipeline
#    (parse, switch, RSS) as wire -> VF 0, and back for ping replies;
#  - dpdk-testpmd --forward-mode=io on the same two net_af_xdp ports.
# Beside them, the same two namespaces are joined by a Linux bridge with
# ${T}c and ${T}d as its ports, all the time.
# DPDK's lcores (main and one data lcore) share CPU 0; the traffic (blast,
# ping) runs on CPU 1. snicd runs with its defaults (it polls without pause
# for a while after each frame, then sleeps between polls: see
# daemon/dataplane.c); SNICD_ARGS adds options, e.g. SNICD_ARGS="--idle-sleep
# 0" for polling without pause.
#
# PARTS picks what to measure, words of "rate rtt null" (default all
# three), e.g. PARTS=rtt for the pings alone; the figures of the parts left
# out are null.
#
# Figures, each the median over RUNS runs (snicd and testpmd alternate):
#  - rate: bench/blast sends 60-byte UDP frames of 64 flows from $T-s to
#    VF 0's MAC for SECONDS + 2 s; the rate is what eth0 in $T-r received
#    (its rx_packets) over SECONDS s in the middle. The sender's rate is
#    shown too: only while it is above the delivered rate is the forwarder
#    the bottleneck. The receiving kernel drops the frames (nothing listens
#    on UDP port 9); it does so on CPU 0, inside the forwarder's transmit.
#    Also shown: the frames per second of CPU time of the forwarder's data
#    lcore (its system calls included), which other work on CPU 0 changes
#    less than the rate.
#  - RTT: pings at 10 ms from $T-s to $T-r, with no other traffic, through
#    the forwarder and through the bridge in turn, 4 blocks of 50 each while
#    the forwarder runs, so that both paths are measured in the same
#    seconds (on a shared machine RTTs drift by tens of percent from one
#    minute to the next): the average over the pings of each path (the
#    ratio's) and the median ping (p50). snicd's ratio is against the
#    bridge's blocks of snicd's runs; testpmd's, shown beside it, against
#    those of its own. Also per run, the forwarder's average over the
#    bridge's of that same run: the median of those ratios, and in how
#    many runs the forwarder was not slower (ratio at most 1). A run's
#    ratio leaves out the drift from one run to the next; the ratio itself
#    still moves with the host's state (README), so take RUNS of 25 or
#    more and several sets.
#  - null: the pipeline's own cost where I/O is nearly free. A is net_null
#    (64-byte frames of zeros: unknown unicast, so the switch sends them to
#    the PF's pool), B is net_null with no-rx, as the PF's port. The
#    frames each sent on B over its whole run of about SECONDS s (snicd's
#    final counters, testpmd's forward statistics), per second of CPU time
#    of its data lcore over that same run, stop included (stop_lcore_ns):
#    on a shared machine other programs take part of CPU 0, and per CPU
#    second the two compare at the same share. Per second of wall clock is
#    shown too (testpmd's: the mean of its per-second Tx-pps).
#
# On a machine shared with other work, RTTs through a forwarder that polls
# vary with what else runs on CPU 0; the bridge's do not (the kernel
# forwards in ping's own system call). Look at several runs.
#
# On veth, a forwarder's ping crosses more of the kernel than the bridge's:
# per hop an XDP redirect into the AF_XDP ring (the frame copied out of
# its skb) and a transmit that builds an skb again, where the bridge hands
# the same skb on.
#
# The last line is JSON:
#   {"bench":"forward","runs":R,"seconds":S,"snicd_pps":P,"testpmd_pps":P,
#    "ratio_vs_testpmd":R,"ratio_vs_testpmd_cpu":R,"snicd_rtt_ms":T,
#    "bridge_rtt_ms":T,"testpmd_rtt_ms":T,"rtt_ratio_vs_bridge":R,
#    "rtt_ratio_paired":R,"rtt_runs_not_slower":N,"testpmd_rtt_ratio_paired":R,
#    "snicd_rtt_p50_ms":T,"bridge_rtt_p50_ms":T,"snicd_null_mpps":M,
#    "testpmd_null_mpps":M,"ratio_vs_testpmd_null":R,
#    "ratio_vs_testpmd_null_wall":R}
# The ratios are snicd's rate over testpmd's (higher is better): on veth
# per second (with _cpu per CPU second), on null per CPU second (with
# _wall per second); rtt_ratio_vs_bridge is snicd's average RTT over the
# bridge's in the same runs (lower is better), rtt_ratio_paired the median
# of the runs' own ratios, rtt_runs_not_slower how many of those are at
# most 1. A figure that could not be measured is null.
set -uo pipefail

build=${1:-build/release}
runs=${2:-5}
seconds=${3:-5}
snicd=$build/daemon/snicd
blast=$build/bench/blast
testpmd=${TESTPMD:-dpdk-testpmd}
parts=" ${PARTS:-rate rtt null} "

T=bf$$
VF_MAC=02:00:00:00:00:10
S_IP=10.79.0.1
R_IP=10.79.0.10
S_IP2=10.79.1.1 # the bridge's path
R_IP2=10.79.1.10
DPDK_CPU=0
TRAFFIC_CPU=1
EAL="--no-huge -m 512 --no-pci --no-shconf --file-prefix $T"
DIR=$(mktemp -d "${TMPDIR:-/tmp}/snic-bench-forward-XXXXXX")
PID=
BLAST_PID=

die() {
	echo "bench/forward.sh: $*" >&2
	exit 2
}

for p in $parts; do
	case $p in
	rate | rtt | null) ;;
	*) die "PARTS: '$p': words of 'rate rtt null'" ;;
	esac
done
[ "$(id -u)" -eq 0 ] || die "needs root (namespaces, veth, AF_XDP)"
for t in ip ping taskset "$testpmd"; do
	command -v "$t" >/dev/null || die "needs $t"
done
for exe in "$snicd" "$blast"; do
	[ -x "$exe" ] || die "$exe is missing: build $build first"
done
[ "$(nproc)" -ge 2 ] || die "needs two CPUs (DPDK on one, the traffic on the other)"
# This script's own processes (ip, ping's start, sed) on the traffic's CPU
# too: on DPDK's they would preempt the forwarder (snicd then counts its
# core as shared and sleeps between polls, see daemon/dataplane.c). The
# forwarders place their threads themselves (--lcores).
taskset -pc "$TRAFFIC_CPU" $$ >/dev/null || die "can't move to CPU $TRAFFIC_CPU"

cleanup() {
	[ -n "$BLAST_PID" ] && kill "$BLAST_PID" 2>/dev/null
	if [ -n "$PID" ]; then
		kill -INT "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null
	fi
	ip link del "${T}br" 2>/dev/null
	ip link del "${T}a" 2>/dev/null
	ip link del "${T}b" 2>/dev/null
	ip link del "${T}c" 2>/dev/null
	ip link del "${T}d" 2>/dev/null
	ip netns del "$T-s" 2>/dev/null
	ip netns del "$T-r" 2>/dev/null
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- The topology -------------------------------------------------------------------

# A veth pair: $1 the root end, $2 the namespace (made with its first
# pair), $3 the far end's name there, $4 its address, $5 its MAC. One queue
# each way: XDP on a veth wants as many rx queues as its peer has tx
# queues. No IPv6: its chatter would cross the forwarders too.
veth() {
	if [ ! -e "/run/netns/$2" ]; then
		ip netns add "$2" || return 1
		ip netns exec "$2" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		ip -n "$2" link set lo up
	fi
	ip link add "$1" numtxqueues 1 numrxqueues 1 type veth peer name "$3" netns "$2" \
		numtxqueues 1 numrxqueues 1 || return 1
	sysctl -qw "net.ipv6.conf.$1.disable_ipv6=1"
	ip -n "$2" link set "$3" address "$5"
	ip -n "$2" addr add "$4/24" dev "$3"
	ip -n "$2" link set "$3" up
	ip link set "$1" up
}

topology() {
	veth "${T}a" "$T-s" eth0 "$S_IP" 02:00:00:00:00:20 &&
		veth "${T}b" "$T-r" eth0 "$R_IP" "$VF_MAC" &&
		veth "${T}c" "$T-s" eth1 "$S_IP2" 02:00:00:00:01:20 &&
		veth "${T}d" "$T-r" eth1 "$R_IP2" 02:00:00:00:01:10 &&
		ip link add "${T}br" type bridge stp_state 0 forward_delay 0 &&
		sysctl -qw "net.ipv6.conf.${T}br.disable_ipv6=1" &&
		ip link set "${T}c" master "${T}br" && ip link set "${T}d" master "${T}br" &&
		ip link set "${T}br" up
}

# --- The forwarders -----------------------------------------------------------------

configs() {
	cat >"$DIR/veth.yaml" <<EOF
profile: ixgbe-82599
pf:
  mac: 02:00:00:00:00:01
numvfs: 1
vfs:
  vf0: {mac: $VF_MAC}
ports:
  uplink: {devargs: "net_af_xdp0,iface=${T}a", csum: off}
  vf0: {devargs: "net_af_xdp1,iface=${T}b", csum: off}
EOF
	cat >"$DIR/null.yaml" <<EOF
profile: ixgbe-82599
pf:
  mac: 02:00:00:00:00:01
ports:
  uplink: {devargs: "net_null0,size=64,copy=0", queues: 1}
  pf: {devargs: "net_null1,no-rx=1", queues: 1}
EOF
}

# Wait until log $1 has a line matching $2; 1 when the process died first.
wait_log() {
	for _ in $(seq 150); do
		grep -qs -- "$2" "$1" && return 0
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "bench/forward.sh: the forwarder did not start:" >&2
	tail -20 "$1" >&2
	PID=
	return 1
}

# snicd on config $1, log $2.
snicd_start() {
	"$snicd" -c "$1" --socket "$DIR/snic.sock" --lcores "0@$DPDK_CPU,1@$DPDK_CPU" \
		${SNICD_ARGS:-} -- $EAL >"$2" 2>&1 &
	PID=$!
	wait_log "$2" '^snicd: ready'
}

# testpmd io forwarding, log $1, the rest its --vdev devargs.
testpmd_start() {
	local log=$1 args=()
	shift
	for v in "$@"; do
		args+=(--vdev "$v")
	done
	"$testpmd" --lcores "0@$DPDK_CPU,1@$DPDK_CPU" $EAL "${args[@]}" -- --forward-mode=io \
		--stats-period 1 --rxd 4096 --txd 1024 --burst 32 --total-num-mbufs 16384 \
		</dev/null >"$log" 2>&1 &
	PID=$!
	wait_log "$log" 'forwards packets on'
}

# Say so when snicd's final counters (log $1) fail their checks.
conserved() {
	grep -q '^conservation ok' "$1" ||
		echo "bench/forward.sh: snicd: $(grep conservation "$1")" >&2
}

# Stop the forwarder (SIGINT ends testpmd's run and snicd's alike).
stop() {
	kill -INT "$PID" 2>/dev/null
	wait "$PID" 2>/dev/null
	PID=
}

# --- Measurements -------------------------------------------------------------------

now() {
	date +%s.%N
}

rx_packets() {
	ip netns exec "$T-r" cat /sys/class/net/eth0/statistics/rx_packets
}

# Nanoseconds the forwarder's data lcore (the EAL names it rte-worker-1)
# has run on a CPU so far.
lcore_ns() {
	local t
	for t in /proc/"$PID"/task/*; do
		if [ "$(cat "$t/comm" 2>/dev/null)" = rte-worker-1 ]; then
			awk '{ print $1 }' "$t/schedstat"
			return
		fi
	done
	echo 0
}

# Stop the forwarder, and set LCORE_NS to the nanoseconds its data lcore
# ran in all: sampled until the thread is gone, so that they cover every
# frame the forwarder counts, also those it forwards while it stops
# (testpmd goes on for the rest of its one-second stats sleep after SIGINT,
# a fifth of a 5 s run). Not in a subshell: it waits for the forwarder.
stop_lcore_ns() {
	local t task='' v
	LCORE_NS=0
	for t in /proc/"$PID"/task/*; do
		[ "$(cat "$t/comm" 2>/dev/null)" = rte-worker-1 ] && task=$t
	done
	kill -INT "$PID" 2>/dev/null
	while [ -n "$task" ] && v=$(awk '{ print $1 }' "$task/schedstat" 2>/dev/null) &&
		[ -n "$v" ]; do
		LCORE_NS=$v
		sleep 0.01
	done
	wait "$PID" 2>/dev/null
	PID=
}

# What eth0 in $T-r received while blast ran: "PPS SENT CPU_PPS", frames
# per second of wall clock, the sender's rate, and frames per second of
# CPU time of the forwarder's data lcore (its system calls included: the
# receiving kernel's work happens inside its transmit).
rate() {
	local r0 r1 t0 t1 c0 c1 sent
	ip netns exec "$T-s" taskset -c "$TRAFFIC_CPU" "$blast" eth0 "$VF_MAC" "$R_IP" \
		$((seconds + 2)) 64 >"$DIR/blast.out" &
	BLAST_PID=$!
	sleep 1
	c0=$(lcore_ns)
	r0=$(rx_packets)
	t0=$(now)
	sleep "$seconds"
	c1=$(lcore_ns)
	r1=$(rx_packets)
	t1=$(now)
	wait "$BLAST_PID"
	BLAST_PID=
	sent=$(sed -n 's/.*: \([0-9]*\) pps.*/\1/p' "$DIR/blast.out")
	awk -v a="$r0" -v b="$r1" -v t0="$t0" -v t1="$t1" -v c0="$c0" -v c1="$c1" \
		-v s="${sent:-0}" 'BEGIN { c = "nan"
			if (c1 > c0)
				c = sprintf("%.0f", (b - a) / (c1 - c0) * 1e9)
			printf "%.0f %s %s\n", (b - a) / (t1 - t0), s, c }'
}

# Wait until a ping to $1 from $T-s comes back (the address resolved, the
# path up).
ping_ready() {
	for _ in 1 2 3 4 5; do
		ip netns exec "$T-s" ping -c 1 -W 1 "$1" >/dev/null 2>&1 && return 0
	done
	return 1
}

# The times in ms of 50 pings at 10 ms from $T-s to $1, one a line; nothing
# when any was lost. One ping before them, not counted, so that each block
# starts alike: snicd sleeps between polls after some idle time (see
# daemon/dataplane.c), as it does during the other path's block.
ping_block() {
	local out
	ip netns exec "$T-s" ping -c 1 -W 1 "$1" >/dev/null 2>&1
	out=$(ip netns exec "$T-s" taskset -c "$TRAFFIC_CPU" ping -c 50 -i 0.01 -W 1 "$1" 2>&1)
	if ! echo "$out" | grep -q ' 0% packet loss'; then
		echo "bench/forward.sh: ping $1 lost frames: $(echo "$out" | grep loss)" >&2
		return
	fi
	echo "$out" | sed -n 's/.* time=\([0-9.]*\) ms/\1/p'
}

# "AVG P50" in ms of the times on stdin, "nan nan" for fewer than $1.
rtt_of() {
	local v
	v=$(grep .)
	if [ "$(echo "$v" | grep -c .)" -lt "$1" ]; then
		echo "nan nan"
		return
	fi
	echo "$(echo "$v" | awk '{ s += $1 } END { printf "%.4f", s / NR }')" \
		"$(echo "$v" | median | awk '{ printf "%.4f", $1 }')"
}

# RTTs through the forwarder ($R_IP) and through the bridge ($R_IP2),
# blocks of 50 pings in turn, 200 each: "AVG P50 BRIDGE_AVG BRIDGE_P50"
# (rtt_of), "nan" for a path that lost a ping.
rtt() {
	local f=$DIR/rtt-fwd b=$DIR/rtt-bridge
	: >"$f"
	: >"$b"
	if ping_ready "$R_IP" && ping_ready "$R_IP2"; then
		for _ in 1 2 3 4; do
			ping_block "$R_IP" >>"$f"
			ping_block "$R_IP2" >>"$b"
		done
	fi
	echo "$(rtt_of 200 <"$f") $(rtt_of 200 <"$b")"
}

# Frames $1 over $2 ns of CPU and $3 s of wall clock: "CPU_MPPS WALL_MPPS".
mpps() {
	awk -v n="$1" -v c="$2" -v t="$3" 'BEGIN {
		a = "nan"; b = "nan"
		if (c > 0)
			a = sprintf("%.3f", n / c * 1e3)
		if (t > 0)
			b = sprintf("%.3f", n / t / 1e6)
		print a, b }'
}

# snicd on null ports: the frames it sent on the PF's port over its whole
# run (its final counters), per second of its data lcore's CPU time and per
# second of its run.
null_snicd() {
	local log=$DIR/snicd-null.log cpu n t
	snicd_start "$DIR/null.yaml" "$log" || return 1
	sleep "$seconds"
	stop_lcore_ns
	cpu=$LCORE_NS
	conserved "$log"
	t=$(awk '/^snicd: final counters after/ { print $5 }' "$log")
	n=$(awk '/^port pf / { for (i = 3; i < NF; i++) if ($i == "tx") print $(i + 1) }' "$log")
	mpps "${n:-0}" "$cpu" "${t:-0}"
}

# testpmd the same way: the frames sent on port 1 over its whole run (its
# forward statistics); for the wall clock, the mean of its per-second
# Tx-pps on port 1, the first left out (it spans the start).
null_testpmd() {
	local log=$DIR/testpmd-null.log cpu n w
	testpmd_start "$log" net_null0,size=64,copy=0 net_null1,no-rx=1 || return 1
	sleep "$seconds"
	stop_lcore_ns
	cpu=$LCORE_NS
	n=$(awk '/Forward statistics for port 1/ { p = 1 }
		 p && /TX-packets:/ { print $2; exit }' "$log")
	w=$(awk '/Tx-pps:/ { if (port++ % 2 == 1) v[n++] = $2 }
		 END { for (i = 1; i < n; i++) s += v[i];
		       if (n > 1) printf "%.3f\n", s / (n - 1) / 1e6; else print "nan" }' "$log")
	echo "$(mpps "${n:-0}" "$cpu" 0 | cut -d' ' -f1) $w"
}

# Whether part $1 is to be measured.
part() {
	[[ $parts == *" $1 "* ]]
}

median() {
	tr ' ' '\n' | grep -v '^$' | grep -v nan | sort -g |
		awk '{ v[NR] = $1 } END { if (!NR) print "nan";
			else if (NR % 2) print v[(NR + 1) / 2];
			else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || b == 0) print "null";
		else printf "%.3f\n", a / b }'
}

# $1 with three decimals, or nan.
fmt3() {
	awk -v a="$1" 'BEGIN { if (a == "nan" || a == "") print "nan"; else printf "%.3f\n", a }'
}

# The ratios of the words of $1 to those of $2, run by run, leaving out a
# run where either is nan: "MEDIAN NOT_SLOWER N", the median ratio (fmt3),
# how many are at most 1 and how many there are ("nan 0 0" when none).
paired() {
	local r
	r=$(awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " ")
		for (i = 1; i <= n; i++)
			if (x[i] != "nan" && y[i] != "nan" && y[i] > 0) print x[i] / y[i] }')
	echo "$(fmt3 "$(echo "$r" | median)") $(echo "$r" | awk '$1 != "" && $1 <= 1' | wc -l)" \
		"$(echo "$r" | awk '$1 != ""' | wc -l)"
}

# A figure as a JSON number, or null.
num() {
	[ "$1" = nan ] && echo null || echo "$1"
}

# --- One run of everything -------------------------------------------------------------

# Figures of every run, space-separated, by name: F[snicd_pps] ... (none
# for the parts not measured: their medians are nan).
declare -A F
for k in snicd_pps snicd_sent snicd_cpu_pps testpmd_pps testpmd_sent testpmd_cpu_pps \
	snicd_rtt snicd_p50 testpmd_rtt testpmd_p50 bridge_rtt bridge_p50 tbridge_rtt tbridge_p50 \
	snicd_null snicd_null_wall testpmd_null testpmd_null_wall; do
	F[$k]=
done

# Add the words of $2 to the figures named in $1, in order.
add() {
	local names vals i
	read -ra names <<<"$1"
	read -ra vals <<<"$2"
	for i in "${!names[@]}"; do
		F[${names[$i]}]+=" ${vals[$i]:-nan}"
	done
}

run_snicd_veth() {
	local log=$DIR/snicd-veth.log r="nan nan nan" t="nan nan nan nan"
	snicd_start "$DIR/veth.yaml" "$log" || return 1
	part rtt && t=$(rtt)
	part rate && r=$(rate)
	stop
	conserved "$log"
	echo "  snicd    delivered, sent, per lcore CPU s: $r pps; rtt avg, p50, bridge's: $t ms;" \
		"$(grep '^lcore ' "$log" | head -1)"
	add "snicd_pps snicd_sent snicd_cpu_pps" "$r"
	add "snicd_rtt snicd_p50 bridge_rtt bridge_p50" "$t"
}

run_testpmd_veth() {
	local r="nan nan nan" t="nan nan nan nan"
	testpmd_start "$DIR/testpmd-veth.log" "net_af_xdp0,iface=${T}a" "net_af_xdp1,iface=${T}b" ||
		return 1
	part rtt && t=$(rtt)
	part rate && r=$(rate)
	stop
	echo "  testpmd  delivered, sent, per lcore CPU s: $r pps; rtt avg, p50, bridge's: $t ms"
	add "testpmd_pps testpmd_sent testpmd_cpu_pps" "$r"
	add "testpmd_rtt testpmd_p50 tbridge_rtt tbridge_p50" "$t"
}

run_null() {
	local a b
	a=$(null_snicd) || return 1
	b=$(null_testpmd) || return 1
	echo "  null     per lcore CPU s, per s: snicd $a Mpps, testpmd $b Mpps"
	add "snicd_null snicd_null_wall" "$a"
	add "testpmd_null testpmd_null_wall" "$b"
}

topology || die "can't build the topology"
configs
for i in $(seq "$runs"); do
	echo "run $i/$runs"
	if part rate || part rtt; then
		if [ $((i % 2)) -eq 1 ]; then
			run_snicd_veth && run_testpmd_veth || exit 1
		else
			run_testpmd_veth && run_snicd_veth || exit 1
		fi
	fi
	if part null; then
		run_null || exit 1
	fi
done

# M[name]: the median of a figure over the runs.
declare -A M
for k in "${!F[@]}"; do
	M[$k]=$(echo "${F[$k]}" | median)
done
read -r paired_med paired_ok paired_n < <(paired "${F[snicd_rtt]}" "${F[bridge_rtt]}")
read -r tpaired_med tpaired_ok tpaired_n < <(paired "${F[testpmd_rtt]}" "${F[tbridge_rtt]}")
echo "medians of $runs runs:"
echo "  veth:  snicd ${M[snicd_pps]} pps (sent ${M[snicd_sent]}), testpmd ${M[testpmd_pps]} pps" \
	"(sent ${M[testpmd_sent]}): ratio $(ratio "${M[snicd_pps]}" "${M[testpmd_pps]}") (goal >= 0.9);" \
	"per lcore CPU s ${M[snicd_cpu_pps]} and ${M[testpmd_cpu_pps]}:" \
	"$(ratio "${M[snicd_cpu_pps]}" "${M[testpmd_cpu_pps]}")"
echo "  ping:  avg (p50) snicd ${M[snicd_rtt]} (${M[snicd_p50]}) ms, bridge ${M[bridge_rtt]}" \
	"(${M[bridge_p50]}) ms: ratio $(ratio "${M[snicd_rtt]}" "${M[bridge_rtt]}") (goal <= 1);" \
	"testpmd ${M[testpmd_rtt]} (${M[testpmd_p50]}) ms, bridge ${M[tbridge_rtt]}" \
	"(${M[tbridge_p50]}) ms: $(ratio "${M[testpmd_rtt]}" "${M[tbridge_rtt]}")"
echo "         run by run: snicd's ratio median $paired_med, not slower in $paired_ok" \
	"of $paired_n; testpmd's $tpaired_med, $tpaired_ok of $tpaired_n"
echo "  null:  snicd ${M[snicd_null]} Mpps per lcore CPU s (${M[snicd_null_wall]} per s)," \
	"testpmd ${M[testpmd_null]} (${M[testpmd_null_wall]}):" \
	"ratio $(ratio "${M[snicd_null]}" "${M[testpmd_null]}") (goal >= 0.5)"
printf '{"bench":"forward","runs":%s,"seconds":%s' "$runs" "$seconds"
printf ',"snicd_pps":%s,"testpmd_pps":%s,"ratio_vs_testpmd":%s' "$(num "${M[snicd_pps]}")" \
	"$(num "${M[testpmd_pps]}")" "$(ratio "${M[snicd_pps]}" "${M[testpmd_pps]}")"
printf ',"ratio_vs_testpmd_cpu":%s' "$(ratio "${M[snicd_cpu_pps]}" "${M[testpmd_cpu_pps]}")"
printf ',"snicd_rtt_ms":%s,"bridge_rtt_ms":%s,"testpmd_rtt_ms":%s,"rtt_ratio_vs_bridge":%s' \
	"$(num "${M[snicd_rtt]}")" "$(num "${M[bridge_rtt]}")" "$(num "${M[testpmd_rtt]}")" \
	"$(ratio "${M[snicd_rtt]}" "${M[bridge_rtt]}")"
printf ',"rtt_ratio_paired":%s,"rtt_runs_not_slower":%s,"testpmd_rtt_ratio_paired":%s' \
	"$(num "$paired_med")" "$paired_ok" "$(num "$tpaired_med")"
printf ',"snicd_rtt_p50_ms":%s,"bridge_rtt_p50_ms":%s' "$(num "${M[snicd_p50]}")" \
	"$(num "${M[bridge_p50]}")"
printf ',"snicd_null_mpps":%s,"testpmd_null_mpps":%s,"ratio_vs_testpmd_null":%s' \
	"$(num "${M[snicd_null]}")" "$(num "${M[testpmd_null]}")" \
	"$(ratio "${M[snicd_null]}" "${M[testpmd_null]}")"
printf ',"ratio_vs_testpmd_null_wall":%s}\n' \
	"$(ratio "${M[snicd_null_wall]}" "${M[testpmd_null_wall]}")"
