#!/usr/bin/env bash
# The agent and the server together (issue 7): a real agent registers with a
# cluster's join token, events from real runc containers reach the server; a
# policy created on the server reaches the agent and is enforced; the server
# killed with SIGKILL while events flow and started again loses no acknowledged
# event and stores none twice; a server down for a while gets everything after.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/runc.sh"
. "$(dirname "$0")/lib/agent.sh"
. "$(dirname "$0")/lib/server.sh"

if ! agent_can_run; then
	echo "$T_NAME: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
trap 'agent_stop; srv_stop; runc_kill_all; [ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"' EXIT

srv_start "$T_TMP/srv" --heartbeat-interval 1 -q || { fail "server start"; finish; exit 1; }
PORT=$SRV_PORT
TOKEN=$(login admin "$ADMIN_PW")
ADMIN_TOKEN=$TOKEN
expect "agency" 200 POST /api/v1/agency
expect "a protected cluster" 201 POST /api/v1/clusters '{"name":"prod","protected":true}'
JOIN=$(jq -r .join_token <<<"$BODY")

# delivered: wait (up to 60 s) until the server holds every id of the events file
delivered() {
	local i
	for i in $(seq 1 120); do
		jq -r .id "$EVENTS" | sort -u >"$T_TMP/want"
		event_ids test-node | sort >"$T_TMP/got"
		[ -s "$T_TMP/want" ] && cmp -s "$T_TMP/want" <(sort -u "$T_TMP/got") && return 0
		sleep 0.5
	done
	return 1
}

agent_start --server "$BASE" --join-token "$JOIN" --journal "$T_TMP/journal" \
	|| { fail "agent start"; finish; exit 1; }
check "the agent token is kept for restarts (0600)" test "$(stat -c %a "$T_TMP/journal/agent-token")" = 600
check "no token in the agent's log" bash -c "! grep -q '$JOIN' '$AGENT_LOG'"

# --- events from a real container reach the server ---------------------------------
runc_bundle "$T_TMP/c1" image=test/srv:1 seccomp nnp_on
runc_start c1 "$T_TMP/c1" || fail "start c1"
sleep 0.5
runc_exec c1 sh -c 'cp /bin/busybox /tmp/xmrig; /tmp/xmrig true -o stratum+tcp://p:3333; unshare -m true' >/dev/null 2>&1
wait_event '.container.id == "c1" and .category == "abnormal process"' >/dev/null || fail "the agent saw the miner"
check "the events reach the server, each once" delivered
check_eq "... no duplicates" "$(wc -l <"$T_TMP/got")" "$(sort -u "$T_TMP/got" | wc -l)"
api GET "/api/v1/events?node=test-node&category=abnormal%20process"
check "the server answers queries on them" jq -e '.items[0].container.image == "test/srv:1" or .items[0].image == "test/srv:1"' <<<"$BODY"
api GET "/api/v1/nodes?name=test-node"
check_eq "the node's agent is online" "$(jq -r '.items[0].agent' <<<"$BODY")" online

# --- a policy made on the server is enforced on the node -------------------------------
expect "create an enforce policy" 201 POST /api/v1/policies \
	'{"name":"srv-web","mode":"enforce","process_whitelist":["/bin/sleep","/bin/sh","/bin/cat"],"protected_paths":["/etc/passwd"],"images":["test/web:2"]}'
runc_bundle "$T_TMP/w" image=test/web:2 seccomp nnp_on
for i in $(seq 1 40); do
	grep -q 'polic.* from the server' "$AGENT_LOG" && break
	sleep 0.25
done
check "the agent took the server's policies" grep -q 'polic.* from the server' "$AGENT_LOG"
runc_start w "$T_TMP/w" || fail "start w"
sleep 1
runc_exec w /bin/ls / >/dev/null 2>&1
check_eq "a program off the server's whitelist is killed" "$?" 137
runc_exec w /bin/sh -c 'echo x >> /etc/passwd' >/dev/null 2>&1
check_eq "a protected file is read-only" "$?" 1
check "... and both are events on the server" delivered
api GET "/api/v1/events?node=test-node&rule=process.not_whitelisted"
check_eq "the kill is on the server" "$(jq -r '.items[0].action' <<<"$BODY")" killed

# --- SIGKILL of the server while events flow ---------------------------------------------
runc_exec c1 sh -c 'i=0; while [ $i -lt 600 ]; do /tmp/xmrig true -o stratum+tcp://p:3333; i=$((i+1)); done' >/dev/null 2>&1 &
LOAD=$!
sleep 1.5
kill -9 "$SRV_PID"; wait "$SRV_PID" 2>/dev/null; SRV_PID=
sleep 1
srv_start_on "$T_TMP/srv" "$PORT" --heartbeat-interval 1 -q || fail "server restart after SIGKILL"
wait "$LOAD"
n=$(jq -r .id "$EVENTS" | wc -l)
check "after a SIGKILL of the server, all $n events arrive" delivered
check_eq "... none twice" "$(wc -l <"$T_TMP/got")" "$(sort -u "$T_TMP/got" | wc -l)"

# --- the server down for a while ------------------------------------------------------------
DOWN=${AGENT_SERVER_DOWN:-30}
srv_stop
runc_exec c1 sh -c 'i=0; while [ $i -lt 200 ]; do /tmp/xmrig true -o stratum+tcp://p:3333; i=$((i+1)); done' >/dev/null 2>&1
sleep "$DOWN"
check "while the server is down the events wait in the journal" test -n "$(ls "$T_TMP/journal")"
srv_start_on "$T_TMP/srv" "$PORT" --heartbeat-interval 1 -q || fail "server start after $DOWN s down"
n=$(jq -r .id "$EVENTS" | wc -l)
check "after $DOWN s down, all $n events arrive" delivered
echo "  $n events on the server, each once, after a SIGKILL and $DOWN s down"

# --- audit: the agent's registration and the policy are in the trail --------------------------
api GET "/api/v1/audit?limit=100"
check "registration is audited" jq -e '[.items[].event_name] | index("registerAgent") != null' <<<"$BODY"
agent_stop
check_status "the audit chain is intact" 0 "$CGUARD" server audit-verify --data "$T_TMP/srv"
finish
