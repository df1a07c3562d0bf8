#!/usr/bin/env bash
# RUN-05: the environment of each container is checked when it starts: real runc
# containers with all capabilities, seccomp off, no-new-privileges off, the host
# pid namespace, host /etc mounted, and /etc/hosts mounted (which is normal and
# must say nothing).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/runc.sh"
. "$(dirname "$0")/lib/agent.sh"

if ! agent_can_run; then
	echo "$T_NAME: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
trap 'agent_stop; runc_kill_all; [ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"' EXIT
agent_start || { fail "agent start"; finish; exit 1; }

# start ID VARIANT...: a container whose only weaknesses are the variants
start() {
	local id=$1; shift
	runc_bundle "$T_TMP/$id" image=test/env:$id seccomp nnp_on "$@"
	runc_start "$id" "$T_TMP/$id" || fail "start $id"
}
# has ID RULE [JQ]: an event of that rule for that container
has() {
	local ev
	ev=$(wait_event ".container.id == \"$1\" and .rule == \"$2\" and (${3:-true})" 10)
	if [ -n "$ev" ]; then
		ok
		check_eq "$1 $2: category" "$(jq -r .category <<<"$ev")" "container environment"
		check_eq "$1 $2: image" "$(jq -r .container.image <<<"$ev")" "test/env:$1"
	else
		fail "$1: no $2 event"
	fi
}

start clean
start priv privileged
start capsys caps=CAP_SYS_ADMIN,CAP_NET_ADMIN
start nnpoff nnp_off
start hostpid hostpid
start hostetc mount=/etc:/host-etc:ro
start hosts mount=/etc/hosts:/etc/hosts:ro mount=/etc/resolv.conf:/etc/resolv.conf:ro
runc_bundle "$T_TMP/noseccomp" image=test/env:noseccomp nnp_on
runc_start noseccomp "$T_TMP/noseccomp" || fail "start noseccomp"

has priv env.privileged
has capsys env.cap_added '(.details|tostring|test("CAP_SYS_ADMIN")) and (.details|tostring|test("CAP_NET_ADMIN"))'
has nnpoff env.no_new_privs_off
has hostpid env.host_pid
has hostetc env.host_mount '(.details|tostring|test("/etc"))'
has noseccomp env.seccomp_unconfined
# give the quiet ones the same time the others had, then check they stayed quiet
sleep 1
check_eq "a clean container has no environment finding" "$(events_matching '.container.id == "clean"')" 0
check_eq "/etc/hosts and /etc/resolv.conf mounts are normal" "$(events_matching '.container.id == "hosts"')" 0
check_eq "capsys is not called privileged" "$(events_matching '.container.id == "capsys" and .rule == "env.privileged"')" 0
check_eq "hostpid: only host_pid" "$(events_matching '.container.id == "hostpid" and .rule != "env.host_pid"')" 0
finish
