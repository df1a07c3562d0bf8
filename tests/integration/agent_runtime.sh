#!/usr/bin/env bash
# The node agent against real attacks in real runc containers: each action
# produces its event (right rule category, container and image) within a
# second or so; latencies are printed, not asserted (CI machines are noisy).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/runc.sh"
. "$(dirname "$0")/lib/agent.sh"

if ! agent_can_run; then
	echo "$T_NAME: skipped (needs root, runc and kernel BTF)"
	echo "$T_NAME: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
trap 'agent_stop; runc_kill_all; [ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"' EXIT

gcc -static -O2 -o "$T_TMP/attack" "$TOP/tests/integration/helpers/attack.c" || {
	fail "build the attack helper"; finish; exit 1; }

# A ClamAV hash list naming one "malware" program: a busybox copy made unique.
cp /bin/busybox "$T_TMP/evilbox"
printf 'cguard-test-marker' >>"$T_TMP/evilbox"
printf '%s:%s:Unix.Trojan.CguardTest-1\n' "$(sha256sum "$T_TMP/evilbox" | cut -d' ' -f1)" \
	"$(stat -c %s "$T_TMP/evilbox")" >"$T_TMP/test.hsb"

agent_start --hashes "$T_TMP/test.hsb" || { fail "agent start"; finish; exit 1; }

# The attack container: the busybox rootfs plus the helper, as image test/attack:1.
DIGEST=sha256:$(printf 'test/attack:1' | sha256sum | cut -d' ' -f1)
runc_bundle "$T_TMP/atk" image=test/attack:1 digest=$DIGEST
cp "$T_TMP/attack" "$T_TMP/atk/rootfs/usr/bin/attack"
cp "$T_TMP/evilbox" "$T_TMP/atk/rootfs/tmp/evilbox"
runc_start atk "$T_TMP/atk" || fail "start the attack container"

LAT_MAX=0
# attack NAME JQ-FILTER COMMAND...: run COMMAND in the container, expect an event
# of the container matching the filter.
attack() {
	local name=$1 filter=$2; shift 2
	local t0 t1 ev
	t0=$(date +%s%N)
	runc_exec atk "$@" >/dev/null 2>&1
	ev=$(wait_event ".container.id == \"atk\" and ($filter)" 10)
	t1=$(date +%s%N)
	if [ -z "$ev" ]; then
		fail "$name: no event matching $filter"
		return
	fi
	ok
	local ms=$(((t1 - t0) / 1000000))
	[ "$ms" -gt "$LAT_MAX" ] && LAT_MAX=$ms
	printf '  %-28s %5d ms  %s\n' "$name" "$ms" "$(jq -r '.rule' <<<"$ev")"
	check_eq "$name: image" "$(jq -r .container.image <<<"$ev")" "test/attack:1"
	check_eq "$name: image digest" "$(jq -r .container.image_digest <<<"$ev")" "$DIGEST"
	check_eq "$name: node" "$(jq -r .node <<<"$ev")" "test-node"
	check "$name: process pid" jq -e '.process.pid > 0' <<<"$ev"
	check "$name: has mitre, message, solution" jq -e '(.mitre|length>0) and (.message|length>0) and (.solution|length>0)' <<<"$ev"
}

attack "escape: shocker" '.category == "escape" and (.rule|test("handle"))' attack shocker
attack "escape: runc /proc/self/exe" '.category == "escape" and (.details|tostring|test("exe"))' attack runc_exe
attack "escape: core_pattern" '.category == "escape" and (.details|tostring|test("core_pattern"))' \
	sh -c 'echo "|/tmp/x" > /proc/sys/kernel/core_pattern'
attack "escape: cgroup mount" '.category == "escape" and (.details|tostring|test("cgroup"))' attack mount_cgroup
attack "high-risk: ptrace" '.category == "high-risk syscall" and (.rule|test("ptrace"))' attack ptrace
# (init_module, finit_module, delete_module and kexec_* have no tracepoint on a
# kernel built without modules and kexec, as this one: docs/sensor.md)
attack "high-risk: perf_event_open" '.category == "high-risk syscall" and (.details|tostring|test("perf_event_open"))' attack perf
attack "high-risk: keyring" '.category == "high-risk syscall" and (.details|tostring|test("add_key"))' attack keyctl
attack "high-risk: process_vm_writev" '(.rule|test("process_vm"))' attack vmwrite
attack "high-risk: bpf" '.category == "high-risk syscall" and (.rule|test("bpf"))' attack bpf
attack "high-risk: unshare" '(.rule|test("unshare"))' unshare -m true
attack "abnormal: miner" '.category == "abnormal process" and (.process.cmdline|test("stratum"))' \
	sh -c 'cp /bin/busybox /tmp/xmrig; /tmp/xmrig true -o stratum+tcp://pool.example:3333'
attack "abnormal: fileless memfd" '.category == "abnormal process" and (.process.exe|tostring|test("memfd"))' attack memfd
attack "abnormal: malware hash" '.rule == "malware.hash" and (.details|tostring|test("CguardTest"))' /tmp/evilbox true
attack "reverse shell: dup2 socket" '.category == "reverse shell"' \
	sh -c '(nc -l -p 4444 >/dev/null &) ; sleep 0.3; attack revshell 4444'
RUNC_EXEC_OPTS="--user 65534:65534" attack "privilege escalation: setuid" \
	'.category == "privilege escalation" and (.rule|test("setuid"))' attack setuid0
attack "privilege escalation: chmod u+s" '.category == "privilege escalation" and (.rule|test("chmod|suid|setuid"))' \
	sh -c 'cp /bin/busybox /tmp/sb; chmod u+s /tmp/sb'
attack "key file: sshd_config" '.category == "key file change" and (.details|tostring|test("sshd_config"))' \
	sh -c 'mkdir -p /etc/ssh; echo "PermitRootLogin yes" >> /etc/ssh/sshd_config'
attack "account: shadow write" '.category == "account" and (.details|tostring|test("shadow"))' \
	sh -c 'echo "x:x:1:1:::" >> /etc/shadow'
attack "persistence: crontab" '.category == "persistence"' \
	sh -c 'mkdir -p /etc/cron.d; echo "* * * * * root /tmp/x" > /etc/cron.d/evil'
attack "account: uid 0" '.category == "account" and (.details|tostring|test("evil"))' \
	sh -c 'echo "evil:x:0:0::/root:/bin/sh" >> /etc/passwd'
attack "network: mining pool port" '.category == "network" and (.details|tostring|test("3333"))' \
	sh -c '(nc -l -p 3333 >/dev/null &); sleep 0.3; attack connect 127.0.0.1 3333'
attack "network: metadata service" '.category == "network" and (.details|tostring|test("169.254.169.254"))' \
	attack connect 169.254.169.254 80
attack "network: port forwarding" '.category == "network" and (.rule|test("forward"))' \
	sh -c 'cp /bin/busybox /tmp/socat; /tmp/socat true TCP-LISTEN:8080,fork TCP:10.0.0.1:80'
attack "brute force" '(.rule|test("brute"))' attack connect 127.0.0.1 22 40
attack "file anomaly: binary replaced" '.category == "file anomaly"' \
	sh -c 'echo "#!/bin/sh" > /usr/bin/evil-tool'
echo "  slowest event: $LAT_MAX ms after its action began (including runc exec)"

agent_stop
check "agent exited cleanly and wrote its counters" jq -e '.records > 0' "$T_TMP/agent-stats.json"
check_eq "no events lost" "$(jq -r .lost "$T_TMP/agent-stats.json")" 0
finish
