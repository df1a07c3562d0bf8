# Running the node agent in the integration tests (sourced after common.sh and
# runc.sh).
#   agent_can_run            root, runc, BTF: else the test skips
#   agent_start ARGS...      start `cguard agent` in the background on $RUNC_ROOT,
#                            events in $EVENTS; waits until it runs
#   agent_stop               SIGTERM and wait
#   wait_event JQ [SECONDS]  wait (default 10 s) for an event line matching the jq
#                            filter (a select() body); prints it; status 1 on timeout
#   events_matching JQ       how many event lines match
EVENTS=$T_TMP/events.jsonl
AGENT_LOG=$T_TMP/agent.log
AGENT_PID=

agent_can_run() {
	runc_available && [ -r /sys/kernel/btf/vmlinux ]
}

agent_start() {
	: >"$EVENTS"
	"$CGUARD" agent --events "$EVENTS" --runc-root "$RUNC_ROOT" --node test-node \
		--stats "$T_TMP/agent-stats.json" "$@" 2>"$AGENT_LOG" &
	AGENT_PID=$!
	local i
	for i in $(seq 1 100); do
		grep -q 'running on node' "$AGENT_LOG" 2>/dev/null && return 0
		kill -0 "$AGENT_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "  agent did not start:" >&2
	sed 's/^/    /' "$AGENT_LOG" >&2
	return 1
}

agent_stop() {
	[ -n "$AGENT_PID" ] || return 0
	kill -TERM "$AGENT_PID" 2>/dev/null
	wait "$AGENT_PID" 2>/dev/null
	AGENT_PID=
}

wait_event() {
	local filter=$1 secs=${2:-10} i
	for i in $(seq 1 $((secs * 20))); do
		if jq -c "select($filter)" "$EVENTS" 2>/dev/null | head -1 | grep -q .; then
			jq -c "select($filter)" "$EVENTS" | head -1
			return 0
		fi
		sleep 0.05
	done
	return 1
}

events_matching() {
	jq -c "select($1)" "$EVENTS" 2>/dev/null | wc -l
}
