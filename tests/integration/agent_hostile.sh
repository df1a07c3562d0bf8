#!/usr/bin/env bash
# Hostile input for the agent: malformed policy files, malformed and oversized
# runtime state, containers that exit at once, a thousand short-lived
# containers. The agent refuses bad configuration with a clear message, and
# otherwise keeps running and says what it skipped.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/runc.sh"
. "$(dirname "$0")/lib/agent.sh"

if ! agent_can_run; then
	echo "$T_NAME: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
trap 'agent_stop; runc_kill_all; [ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"' EXIT

# --- bad policy files: refused at start, naming what is wrong --------------------
bad_policy() {
	local what=$1 text=$2 want=$3 out
	printf '%s' "$text" >"$T_TMP/bad.json"
	out=$("$CGUARD" agent --policy "$T_TMP/bad.json" --check-policy 2>&1)
	check_eq "policy $what: refused" "$?" 1
	check "policy $what: the message says '$want'" grep -qi -- "$want" <<<"$out"
}
bad_policy "not JSON" '[{"name": "a",' 'JSON'
bad_policy "not an array" '{"name": "a"}' 'array'
bad_policy "bad mode" '[{"name":"a","mode":"maybe","process_whitelist":[],"protected_paths":[],"images":[]}]' 'mode'
bad_policy "relative path" '[{"name":"a","mode":"enforce","process_whitelist":["bin/sh"],"protected_paths":[],"images":[]}]' 'absolute'
bad_policy "duplicate name" '[{"name":"a","mode":"alert","images":[]},{"name":"a","mode":"alert","images":[]}]' 'name'
bad_policy "name too long" "[{\"name\":\"$(printf 'x%.0s' $(seq 1 200))\",\"mode\":\"alert\",\"images\":[]}]" 'name'
bad_policy "NUL in a path" '[{"name":"a","mode":"alert","process_whitelist":["/bin/s\u0000h"],"images":[]}]' 'not allowed'
head -c 20000000 /dev/zero | tr '\0' ' ' >"$T_TMP/huge.json"
out=$("$CGUARD" agent --policy "$T_TMP/huge.json" --check-policy 2>&1)
check_eq "a 20 MB policy file is refused" "$?" 1
st=0; "$CGUARD" agent --events "$T_TMP/e" --policy "$T_TMP/bad.json" --runc-root "$RUNC_ROOT" >/dev/null 2>&1 || st=$?
check_eq "the agent does not start on a bad policy file" "$st" 1

# --- malformed runtime state: skipped and counted, the agent runs on ----------------
agent_start || { fail "agent start"; finish; exit 1; }
mkdir -p "$RUNC_ROOT/garbage" "$RUNC_ROOT/huge" "$RUNC_ROOT/badbundle"
printf '{"id": "garbage", "init_process_pid": "x' >"$RUNC_ROOT/garbage/state.json"
head -c 6000000 /dev/zero | tr '\0' 'a' >"$RUNC_ROOT/huge/state.json"
printf '{"id":"badbundle","init_process_pid":1,"init_process_start":1,"bundle":"/nonexistent/../../etc","rootfs":"/"}' >"$RUNC_ROOT/badbundle/state.json"
sleep 1.5
check "the agent survives malformed state" kill -0 "$AGENT_PID"
check "... and counts what it skipped" jq -e '.skipped_state >= 2' "$T_TMP/agent-stats.json"
rm -rf "$RUNC_ROOT/garbage" "$RUNC_ROOT/huge" "$RUNC_ROOT/badbundle"

# --- containers that exit at once, and a thousand short-lived ones ---------------------
runc_bundle "$T_TMP/short" image=test/short:1 seccomp nnp_on args=true
t0=$(date +%s)
pids=()
for i in $(seq 1 1000); do
	runc --root "$RUNC_ROOT" run -b "$T_TMP/short" "short$i" </dev/null >/dev/null 2>&1 &
	pids+=($!)
	if [ ${#pids[@]} = 4 ]; then wait "${pids[@]}"; pids=(); fi
done
[ ${#pids[@]} = 0 ] || wait "${pids[@]}"
t1=$(date +%s)
echo "  1000 short-lived containers in $((t1 - t0)) s"
check "the agent survives 1000 short-lived containers" kill -0 "$AGENT_PID"
# a real container after the storm is still seen and judged
runc_bundle "$T_TMP/after" image=test/after:1 seccomp nnp_on
runc_start after "$T_TMP/after" || fail "start after"
runc_exec after sh -c 'cp /bin/busybox /tmp/xmrig; /tmp/xmrig true --donate-level 1 -o stratum+tcp://x:3333' >/dev/null 2>&1
check "after the storm, attacks are still seen" wait_event '.container.id == "after" and .category == "abnormal process"'
sleep 1.2
check "the agent's process table stayed bounded" jq -e '.records > 0' "$T_TMP/agent-stats.json"
rss=$(awk '/VmRSS/ {print $2}' "/proc/$AGENT_PID/status")
echo "  agent RSS after the storm: $((rss / 1024)) MB"
check "agent RSS under 64 MB" test "$rss" -lt 65536
agent_stop
finish
