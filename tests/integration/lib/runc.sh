# Real runc containers for the agent tests (sourced after common.sh).
#
#   runc_bundle DIR [VARIANT...]   a busybox-static bundle; variants:
#       privileged  all capabilities, all devices, no seccomp
#       caps=CAP_X,CAP_Y  add capabilities to runc's default set
#       nnp_off     noNewPrivileges false        hostpid  no pid namespace
#       hostnet     no network namespace         mount=SRC:DST[:ro]  a bind mount
#       image=REF   io.cguard.image annotation   digest=sha256:...  io.cguard.image-digest
#       args=...    the init process (default: sleep 3600)
#   runc_start ID BUNDLE           run detached under $RUNC_ROOT
#   runc_exec ID CMD...            run a command inside (busybox applets)
#   runc_kill_all                  stop and delete every container of $RUNC_ROOT
RUNC_ROOT=${RUNC_ROOT:-$T_TMP/runc}
mkdir -p "$RUNC_ROOT"

runc_available() {
	command -v runc >/dev/null 2>&1 && [ -x /bin/busybox ] && [ "$(id -u)" = 0 ]
}

# The busybox rootfs, built once per test and copied (hard links) per bundle.
_runc_rootfs() {
	local base=$T_TMP/.busybox-rootfs
	if [ ! -d "$base" ]; then
		mkdir -p "$base"/{bin,etc,tmp,proc,sys,dev,root,var/www,usr/bin,usr/sbin,sbin}
		cp /bin/busybox "$base/bin/busybox"
		for app in $(/bin/busybox --list); do
			[ "$app" = busybox ] || ln -sf busybox "$base/bin/$app"
		done
		printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$base/etc/passwd"
		printf 'root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n' >"$base/etc/shadow"
		printf 'root:x:0:\nnobody:x:65534:\n' >"$base/etc/group"
		chmod 600 "$base/etc/shadow"
		echo 'hello from the container' >"$base/var/www/index.html"
		echo '127.0.0.1 localhost' >"$base/etc/hosts"
		echo 'container' >"$base/etc/hostname"
	fi
	echo "$base"
}

runc_bundle() {
	local dir=$1; shift
	local base; base=$(_runc_rootfs)
	mkdir -p "$dir"
	cp -a "$base" "$dir/rootfs"
	(cd "$dir" && runc spec)
	local f='.process.terminal = false | .process.args = ["sleep","3600"] | .root.readonly = false'
	local v
	for v in "$@"; do
		case $v in
		privileged)
			f="$f | .process.capabilities = {bounding: \$all, effective: \$all, permitted: \$all}"
			f="$f | .linux.resources.devices = [{allow: true, access: \"rwm\"}] | del(.linux.seccomp) | .linux.maskedPaths = [] | .linux.readonlyPaths = []";;
		caps=*)
			local caps=${v#caps=}
			f="$f | .process.capabilities.bounding += (\"$caps\" | split(\",\")) | .process.capabilities.effective += (\"$caps\" | split(\",\")) | .process.capabilities.permitted += (\"$caps\" | split(\",\"))";;
		nnp_off) f="$f | .process.noNewPrivileges = false";;
		nnp_on) f="$f | .process.noNewPrivileges = true";;
		seccomp)
			# a filter that blocks a few calls (enough for Seccomp: 2)
			f="$f | .linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\", architectures: [\"SCMP_ARCH_X86_64\"], syscalls: [{names: [\"kexec_load\", \"open_by_handle_at\", \"init_module\", \"finit_module\"], action: \"SCMP_ACT_ERRNO\"}]}";;
		hostpid) f="$f | .linux.namespaces |= map(select(.type != \"pid\"))";;
		hostnet) f="$f | .linux.namespaces |= map(select(.type != \"network\"))";;
		mount=*)
			local m=${v#mount=} src dst opt
			IFS=: read -r src dst opt <<<"$m"
			local opts='["rbind"]'
			[ "$opt" = ro ] && opts='["rbind","ro"]'
			f="$f | .mounts += [{destination: \"$dst\", type: \"bind\", source: \"$src\", options: $opts}]";;
		image=*) f="$f | .annotations[\"io.cguard.image\"] = \"${v#image=}\"";;
		digest=*) f="$f | .annotations[\"io.cguard.image-digest\"] = \"${v#digest=}\"";;
		args=*) f="$f | .process.args = (\"${v#args=}\" | split(\" \"))";;
		*) echo "runc_bundle: unknown variant $v" >&2; return 1;;
		esac
	done
	local all
	# "all capabilities": every one in this host's bounding set (a sandbox may
	# lack some, e.g. CAP_SYS_RESOURCE here), in bit order
	local bnd i=0 c
	bnd=$((16#$(awk '/^CapBnd/ {print $2}' /proc/self/status)))
	all=$(for c in CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP \
		LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER \
		SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE \
		SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP \
		MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF \
		CHECKPOINT_RESTORE; do
		[ $(((bnd >> i) & 1)) = 1 ] && printf 'CAP_%s\n' "$c"
		i=$((i + 1))
	done | jq -R . | jq -sc .)
	jq --argjson all "$all" "$f" "$dir/config.json" >"$dir/config.json.new" && mv "$dir/config.json.new" "$dir/config.json"
}

runc_start() {
	local id=$1 bundle=$2
	runc --root "$RUNC_ROOT" run -d -b "$bundle" --pid-file "$bundle/pid" "$id" \
		</dev/null >"$bundle/out.log" 2>&1
}

runc_exec() {
	local id=$1; shift
	# shellcheck disable=SC2086 # RUNC_EXEC_OPTS is a list of options
	runc --root "$RUNC_ROOT" exec ${RUNC_EXEC_OPTS:-} "$id" "$@"
}

runc_pid() {
	runc --root "$RUNC_ROOT" state "$1" 2>/dev/null | jq -r .pid
}

runc_kill_all() {
	local id
	for id in $(runc --root "$RUNC_ROOT" list -q 2>/dev/null); do
		runc --root "$RUNC_ROOT" kill "$id" KILL >/dev/null 2>&1
		runc --root "$RUNC_ROOT" delete -f "$id" >/dev/null 2>&1
	done
}
