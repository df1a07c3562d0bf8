#!/usr/bin/env bash
# The node agent's cost (issue 6, SPEC RUN-09), agent off and on in the same run,
# workloads inside a real runc container:
#   - 20,000 fork+exec of /bin/true
#   - 2,000,000 open/close pairs
#   - a C build (gcc, make -j2) of cguard's own lib/util, version, pkg and vulndb
# then the agent's CPU when idle (60 s; BENCH_IDLE=N to change), its peak RSS,
# records lost during the exec storm, and event-to-line latency (kernel record to
# JSON line written) over 2,000 events. Targets: <= 5% slower at peak, < 1% CPU
# idle, RSS < 64 MB, no drops, p99 latency < 100 ms. Each workload runs
# BENCH_RUNS times (default 3) alternating off/on; the medians are compared.
set -u
: "${CGUARD:?set CGUARD (make bench does)}"
TOP=$(cd "$(dirname "$0")/.." && pwd)
T_TMP=$(mktemp -d /tmp/cguard-bench-agent.XXXXXX)
T_NAME=bench-agent
export CGUARD T_TMP
RUNS=${BENCH_RUNS:-3}
IDLE=${BENCH_IDLE:-60}

. "$TOP/tests/integration/lib/runc.sh"
. "$TOP/tests/integration/lib/agent.sh"
OVERLAY=
cleanup() {
	agent_stop
	runc_kill_all
	[ -n "$OVERLAY" ] && umount "$OVERLAY" 2>/dev/null
	rm -rf "$T_TMP"
}
trap cleanup EXIT
agent_can_run || { echo "bench/agent: needs root, runc and BTF"; exit 0; }

gcc -static -O2 -o "$T_TMP/attack" "$TOP/tests/integration/helpers/attack.c" || exit 1
b=$T_TMP/bench
runc_bundle "$b" image=bench/agent:1 seccomp nnp_on
rm -rf "$b/rootfs/bin" "$b/rootfs/sbin" "$b/rootfs/usr"
mkdir -p "$b/rootfs/usr" "$b/up" "$b/work" "$b/rootfs/src"
ln -s usr/bin "$b/rootfs/bin"; ln -s usr/sbin "$b/rootfs/sbin"
ln -s usr/lib "$b/rootfs/lib"; ln -s usr/lib64 "$b/rootfs/lib64"
mount -t overlay overlay -o "lowerdir=/usr,upperdir=$b/up,workdir=$b/work" "$b/rootfs/usr"
OVERLAY=$b/rootfs/usr
cp "$T_TMP/attack" "$b/rootfs/attack"
cp -r "$TOP/include" "$TOP/lib" "$b/rootfs/src/"
cat >"$b/rootfs/src/Makefile" <<'MK'
SRC := $(wildcard lib/util/*.c lib/version/*.c lib/pkg/*.c lib/vulndb/*.c)
OBJ := $(SRC:.c=.o)
CFLAGS := -std=gnu11 -O2 -Iinclude -Ilib $(shell pkg-config --cflags jansson yaml-0.1)
all: $(OBJ)
clean:
	rm -f $(OBJ)
MK
runc_start bench "$b" || { echo "cannot start the bench container"; exit 1; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# run_load NAME CMD...: milliseconds of the command in the container
run_load() {
	local t0 t1; t0=$(now_ms)
	runc_exec bench "$@" >/dev/null 2>&1
	t1=$(now_ms)
	echo $((t1 - t0))
}

declare -A OFF ON
measure() {
	local name=$1; shift
	local offs="" ons="" i
	for i in $(seq 1 "$RUNS"); do
		[ "$name" = build ] && runc_exec bench make -C /src clean >/dev/null 2>&1
		offs="$offs $(run_load "$@")"
		agent_start >/dev/null 2>&1 || { echo "agent did not start"; exit 1; }
		[ "$name" = build ] && runc_exec bench make -C /src clean >/dev/null 2>&1
		ons="$ons $(run_load "$@")"
		agent_stop
		cp "$T_TMP/agent-stats.json" "$T_TMP/stats-${name//[^a-z0-9]/_}-$i.json"
	done
	OFF[$name]=$(tr ' ' '\n' <<<"$offs" | grep . | median)
	ON[$name]=$(tr ' ' '\n' <<<"$ons" | grep . | median)
	printf '%-26s off %7d ms   on %7d ms   ratio %.3f   (runs: off%s / on%s)\n' "$name" \
		"${OFF[$name]}" "${ON[$name]}" "$(echo "${ON[$name]} / ${OFF[$name]}" | bc -l)" "$offs" "$ons"
}

echo "bench/agent: $RUNS runs each, medians; 2 CPUs; workloads in a runc container"
measure "fork+exec x20000" /attack forkexec 20000 /bin/true
lost=$(jq -s 'map(.lost) | add' "$T_TMP"/stats-fork_exec*.json)
recs=$(jq -s 'map(.records) | add' "$T_TMP"/stats-fork_exec*.json)
echo "  exec storm: $recs records seen, $lost lost"
measure "open/close x2000000" /attack openloop 2000000 /etc/hostname
measure "build" make -C /src -j2 CC=gcc

# idle CPU and RSS
agent_start >/dev/null 2>&1
pid=$AGENT_PID
t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
sleep "$IDLE"
t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
hz=$(getconf CLK_TCK)
idle=$(echo "($t1 - $t0) * 100 / $hz / $IDLE" | bc -l)
printf 'idle CPU over %d s:          %.3f %%  (target < 1%%)\n' "$IDLE" "$idle"

# latency: 2,000 events (a program named like a miner, run 2,000 times)
runc_exec bench sh -c 'cp /bin/true /tmp/xmrig; i=0; while [ $i -lt 2000 ]; do /tmp/xmrig; i=$((i+1)); done' >/dev/null 2>&1
sleep 1.5
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
agent_stop
jq -r '"event-to-line latency over \(.events) events: p50 \(.latency_ms_p50) ms, p99 \(.latency_ms_p99) ms, max \(.latency_ms_max) ms  (target p99 < 100 ms); lost \(.lost)"' "$T_TMP/agent-stats.json"
printf 'peak RSS:                     %d MB  (target < 64 MB)\n' $((hwm / 1024))
