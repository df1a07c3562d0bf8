#!/usr/bin/env bash
# RUN-10, POL-01/02 on the node: a process off the whitelist of an enforce-mode
# policy is killed before its own code runs; protected paths refuse writes while
# reads work; alert-mode policies only report; learning mode proposes a whitelist.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/runc.sh"
. "$(dirname "$0")/lib/agent.sh"

if ! agent_can_run; then
	echo "$T_NAME: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
trap 'agent_stop; runc_kill_all; [ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"' EXIT

cat >"$T_TMP/policy.json" <<'JSON'
[
  {"name": "web", "mode": "enforce",
   "process_whitelist": ["/bin/sleep", "/bin/sh", "/bin/cat", "/bin/echo", "/bin/httpd"],
   "protected_paths": ["/etc/passwd", "/var/www"],
   "images": ["test/web:1"]},
  {"name": "watch-only", "mode": "alert",
   "process_whitelist": ["/bin/sleep", "/bin/sh"],
   "protected_paths": ["/etc/group"],
   "images": ["test/watched:1"]}
]
JSON
agent_start --policy "$T_TMP/policy.json" || { fail "agent start"; finish; exit 1; }

runc_bundle "$T_TMP/web" image=test/web:1 seccomp nnp_on
runc_start web "$T_TMP/web" || fail "start web"
runc_bundle "$T_TMP/watched" image=test/watched:1 seccomp nnp_on
runc_start watched "$T_TMP/watched" || fail "start watched"
runc_bundle "$T_TMP/free" image=test/free:1 seccomp nnp_on
runc_start free "$T_TMP/free" || fail "start free"
# the policy is applied when the agent sees the container (well under a second)
sleep 1

# --- process whitelist, enforce -------------------------------------------------
runc_exec web /bin/cat /var/www/index.html >/dev/null 2>&1
check_eq "a whitelisted program runs" "$?" 0
out=$(runc_exec web /bin/ls / 2>&1); st=$?
check_eq "a program off the whitelist is killed (status 137)" "$st" 137
check_eq "... before it printed anything" "$out" ""
ev=$(wait_event '.container.id == "web" and .rule == "process.not_whitelisted" and .action == "killed"')
check "the kill is an event" test -n "$ev"
check_eq "... naming the program" "$(jq -r .process.exe <<<"$ev")" "/bin/ls"
# a shell running a program off the list: the shell lives, the program dies
out=$(runc_exec web /bin/sh -c '/bin/id; echo after' 2>&1)
check "a shell's child off the list is killed, the shell goes on" grep -qx after <<<"$out"
check "... and the child printed nothing" bash -c "! grep -q uid= <<<'$out'"
# many attempts: none escapes
escaped=0
for i in $(seq 1 50); do
	runc_exec web /bin/uname >/dev/null 2>&1 && escaped=$((escaped + 1))
done
check_eq "50 runs off the list: none escapes" "$escaped" 0
echo "  whitelist: 0 of 50 escaped"

# --- alert mode: reported, not killed --------------------------------------------
runc_exec watched /bin/ls / >/dev/null 2>&1
check_eq "alert mode: the program runs" "$?" 0
check "alert mode: an alert" wait_event '.container.id == "watched" and .rule == "process.not_whitelisted" and .action == "alert"'

# --- file protection ---------------------------------------------------------------
out=$(runc_exec web /bin/cat /etc/passwd 2>&1)
check "a protected file can be read" grep -q '^root:' <<<"$out"
runc_exec web /bin/sh -c 'echo "evil:x:0:0::/:/bin/sh" >> /etc/passwd' >/dev/null 2>&1
check_eq "a write to a protected file is refused" "$?" 1
check "... the file is unchanged" bash -c "! grep -q evil '$T_TMP/web/rootfs/etc/passwd'"
check "... and the refusal is an event" wait_event '.container.id == "web" and .rule == "file.protected_write" and .action == "denied"'
runc_exec web /bin/sh -c 'echo defaced > /var/www/index.html' >/dev/null 2>&1
check_eq "a protected folder refuses writes inside it" "$?" 1
check_eq "... the page is intact" "$(cat "$T_TMP/web/rootfs/var/www/index.html")" "hello from the container"
runc_exec web /bin/sh -c 'echo x > /tmp/scratch && cat /tmp/scratch' >/dev/null 2>&1
check_eq "unprotected paths stay writable" "$?" 0
# alert-mode protection reports the write and lets it happen
runc_exec watched /bin/sh -c 'echo "staff:x:50:" >> /etc/group' >/dev/null 2>&1
check_eq "alert mode: the write happens" "$?" 0
check "alert mode: the write is reported" wait_event '.container.id == "watched" and .rule == "file.protected_write" and .action == "alert"'

# --- no policy: nothing enforced ----------------------------------------------------
runc_exec free /bin/ls / >/dev/null 2>&1
check_eq "a container without policy runs anything" "$?" 0
check_eq "... with no whitelist event" "$(events_matching '.container.id == "free" and .rule == "process.not_whitelisted"')" 0

# --- policy reload (SIGHUP): bad file keeps the old policy ---------------------------
echo '[{"name": "broken", "mode": "sometimes"}]' >"$T_TMP/policy.json"
kill -HUP "$AGENT_PID"
sleep 0.5
check "a malformed policy file is refused, naming the field" grep -q 'mode' "$AGENT_LOG"
runc_exec web /bin/ls / >/dev/null 2>&1
check_eq "... and the old policy stays in force" "$?" 137
agent_stop

# --- learning mode --------------------------------------------------------------------
runc_kill_all
agent_start --learn 3 --learn-out "$T_TMP/learned.json" || fail "agent start (learning)"
runc_bundle "$T_TMP/app" image=test/app:2 seccomp nnp_on args="/bin/sh -c while:;do:;done"
jq '.process.args = ["/bin/sh", "-c", "while true; do /bin/date >/dev/null; /bin/sleep 0.2; done"]' \
	"$T_TMP/app/config.json" >"$T_TMP/app/c.json" && mv "$T_TMP/app/c.json" "$T_TMP/app/config.json"
runc_start app "$T_TMP/app" || fail "start app"
sleep 4
check "learning writes proposed policies" test -s "$T_TMP/learned.json"
check "... for the image" jq -e '.[] | select(.images == ["test/app:2"])' "$T_TMP/learned.json"
check "... with the programs it ran" jq -e '.[] | select(.images == ["test/app:2"]) | .process_whitelist | (index("/bin/date") != null and index("/bin/sleep") != null)' "$T_TMP/learned.json"
check "... that the agent accepts as a policy file" "$CGUARD" agent --policy "$T_TMP/learned.json" --check-policy
agent_stop
finish
