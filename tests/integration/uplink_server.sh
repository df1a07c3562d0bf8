#!/usr/bin/env bash
# The agent uplink (lib/agent/uplink.c) against the real `cguard server` (SQLite):
# register with a cluster's join token; 10,000 events delivered and stored exactly
# once; the server killed with SIGKILL during delivery and restarted: nothing lost,
# nothing stored twice; the server down for a while: everything delivered after;
# the agent stopped with events journaled and started again: delivered then.
# The agent side is build/tests/test_uplink --drive (the library, no sensor).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/server.sh"
trap 'srv_stop; [ -n "$DRV" ] && kill "$DRV" 2>/dev/null; [ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"' EXIT
DRV=
DRIVE=${UPLINK_DRIVER:-$TOP/build/tests/test_uplink}
[ -x "$DRIVE" ] || { echo "no $DRIVE (make build/tests/test_uplink)"; exit 1; }

# stored NODE: how many events of a node (the server counts exactly up to 10,000)
stored() {
	curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$BASE/api/v1/events?node=$1&limit=1" | jq -r .total
}

# exactly_once WHAT NODE PREFIX N: ids PREFIX-000000 .. N-1, each once, nothing else
exactly_once() {
	local got
	event_ids "$2" >"$T_TMP/ids"
	check_eq "$1: events stored" "$(wc -l <"$T_TMP/ids")" "$4"
	check_eq "$1: distinct ids" "$(sort -u "$T_TMP/ids" | wc -l)" "$4"
	got=$(sort -u "$T_TMP/ids" | md5sum)
	check_eq "$1: exactly the ids pushed" "$got" \
		"$(for ((i = 0; i < $4; i++)); do printf '%s-%06d\n' "$3" "$i"; done | sort | md5sum)"
}

field() { sed -E "s/.*$1 ([0-9.]+).*/\1/" <<<"$2"; }

srv_start "$T_TMP/d" || { fail "server start"; finish; exit 1; }
PORT=$SRV_PORT
ADMIN_TOKEN=$(login admin "$ADMIN_PW")
TOKEN=$ADMIN_TOKEN
expect "agency" 200 POST /api/v1/agency
expect "cluster" 201 POST /api/v1/clusters '{"name":"uplink","protected":true}'
JOIN=$(jqb .join_token) CL=$(jqb .id)

# ---- registration ---------------------------------------------------------------
A1=$("$DRIVE" --drive register "$BASE" "$JOIN" node-up 2>"$T_TMP/reg.err")
check "register with the join token" test -n "$A1"
check_status "a wrong join token is refused" 1 "$DRIVE" --drive register "$BASE" wrong node-x
"$DRIVE" --drive register "$BASE" wrong node-x 2>"$T_TMP/reg.err"
check "the refusal is explained" grep -q "refused the join token" "$T_TMP/reg.err"

# ---- 10,000 events ------------------------------------------------------------------
out=$("$DRIVE" --drive push "$BASE" "$A1" "$T_TMP/j1" ev 0 10000 120000 2>>"$T_TMP/agent.log")
check_eq "10,000 events: nothing left in the journal" "$(field pending "$out")" 0
check_eq "10,000 events: delivered" "$(field delivered "$out")" 10000
echo "uplink -> cguard server (SQLite): 10000 events in $(field seconds "$out") s, $(field rate "$out") events/s"
exactly_once "10,000 events" node-up ev 10000
r=$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$BASE/api/v1/nodes?name=node-up")
check_eq "the node's agent is online after its heartbeat" "$(jq -r '.items[0].agent' <<<"$r")" online
check_eq "the node is running" "$(jq -r '.items[0].state' <<<"$r")" running

# ---- the server killed (SIGKILL) during delivery ---------------------------------------
A2=$("$DRIVE" --drive register "$BASE" "$JOIN" node-kill 2>>"$T_TMP/agent.log")
"$DRIVE" --drive push "$BASE" "$A2" "$T_TMP/j2" kill 0 30000 180000 >"$T_TMP/kill.out" 2>>"$T_TMP/agent.log" &
DRV=$!
for _ in $(seq 1 600); do
	n=$(stored node-kill)
	[ "${n:-0}" -ge 1500 ] && break
	sleep 0.02
done
kill -9 "$SRV_PID"
wait "$SRV_PID" 2>/dev/null
SRV_PID=
BEFORE=$(sqlite3 "$T_TMP/d/cguard.db" "select count(*) from events where node = 'node-kill'" 2>/dev/null || echo "?")
sleep 2
srv_start_on "$T_TMP/d" "$PORT" || fail "restart after SIGKILL"
wait "$DRV"
DRV=
out=$(cat "$T_TMP/kill.out")
echo "killed with $BEFORE of 30000 stored; agent: $out"
check "the kill happened during delivery" test "$(field retries "$out")" -gt 0
check_eq "SIGKILL: nothing left in the journal" "$(field pending "$out")" 0
exactly_once "SIGKILL during delivery" node-kill kill 30000

# ---- the server down for a while ---------------------------------------------------------
A3=$("$DRIVE" --drive register "$BASE" "$JOIN" node-down 2>>"$T_TMP/agent.log")
srv_stop
"$DRIVE" --drive push "$BASE" "$A3" "$T_TMP/j3" down 0 2000 120000 >"$T_TMP/down.out" 2>>"$T_TMP/agent.log" &
DRV=$!
sleep 4
srv_start_on "$T_TMP/d" "$PORT" || fail "restart after the outage"
wait "$DRV"
DRV=
out=$(cat "$T_TMP/down.out")
check "down: retried while the server was away" test "$(field retries "$out")" -gt 2
check_eq "down: nothing left in the journal" "$(field pending "$out")" 0
exactly_once "server down, then up" node-down down 2000

# ---- the agent restarted with events journaled ------------------------------------------
A4=$("$DRIVE" --drive register "$BASE" "$JOIN" node-restart 2>>"$T_TMP/agent.log")
srv_stop
out=$("$DRIVE" --drive push "$BASE" "$A4" "$T_TMP/j4" rs 0 1000 300 2>>"$T_TMP/agent.log")
check_eq "agent stopped while the server is down: 1000 journaled" "$(field pending "$out")" 1000
srv_start_on "$T_TMP/d" "$PORT" || fail "restart"
out=$("$DRIVE" --drive push "$BASE" "$A4" "$T_TMP/j4" rs 1000 1000 60000 2>>"$T_TMP/agent.log")
check_eq "agent started again: the journal drained" "$(field pending "$out")" 0
exactly_once "agent restart" node-restart rs 1000

# the token never reaches the agent's log
check "no agent token in the log" bash -c "! grep -qF -e '$A1' -e '$A2' -e '$A3' -e '$A4' '$T_TMP/agent.log'"
finish
