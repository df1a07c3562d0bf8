#!/usr/bin/env bash
# Precision: ordinary workloads in real runc containers produce no event at all:
# a shell script, a C build with gcc and make, a web server under load (wrk).
# The build and web containers see the host's /usr through an overlay (writes
# land in the overlay), so their configuration stays clean.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/runc.sh"
. "$(dirname "$0")/lib/agent.sh"

if ! agent_can_run || ! command -v wrk >/dev/null || ! command -v gcc >/dev/null; then
	echo "$T_NAME: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
OVERLAYS=()
cleanup() {
	agent_stop
	runc_kill_all
	local m
	for m in "${OVERLAYS[@]}"; do umount "$m" 2>/dev/null; done
	[ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"
}
trap cleanup EXIT

# usr_bundle ID: a bundle whose /usr is the host's under a private overlay
usr_bundle() {
	local id=$1 b=$T_TMP/$1
	runc_bundle "$b" image=test/benign:$id seccomp nnp_on
	rm -rf "$b/rootfs/bin" "$b/rootfs/sbin" "$b/rootfs/usr"
	mkdir -p "$b/rootfs/usr" "$b/up" "$b/work" "$b/rootfs/src"
	ln -s usr/bin "$b/rootfs/bin"
	ln -s usr/sbin "$b/rootfs/sbin"
	ln -s usr/lib "$b/rootfs/lib"
	ln -s usr/lib64 "$b/rootfs/lib64"
	mount -t overlay overlay -o "lowerdir=/usr,upperdir=$b/up,workdir=$b/work" "$b/rootfs/usr"
	OVERLAYS+=("$b/rootfs/usr")
}

agent_start || { fail "agent start"; finish; exit 1; }

# --- a shell script -------------------------------------------------------------
runc_bundle "$T_TMP/script" image=test/benign:script seccomp nnp_on
cat >"$T_TMP/script/rootfs/job.sh" <<'SH'
#!/bin/sh
set -e
mkdir -p /tmp/work /var/log
for i in 1 2 3 4 5 6 7 8 9 10; do
	echo "line $i" >>/tmp/work/data.txt
	grep -c line /tmp/work/data.txt >/dev/null
	sed -n 1p /tmp/work/data.txt | awk '{print $2}' >/dev/null
done
cat /etc/passwd /etc/hosts /etc/hostname >/dev/null
ls -la / /etc >/dev/null
ps aux >/dev/null
tar czf /tmp/work/conf.tgz /etc/hosts /etc/hostname /etc/passwd /etc/group 2>/dev/null
sort /tmp/work/data.txt | uniq | wc -l >/dev/null
date >>/var/log/job.log
id >/dev/null; whoami >/dev/null; hostname >/dev/null
cp /tmp/work/data.txt /tmp/work/copy.txt && mv /tmp/work/copy.txt /tmp/work/moved.txt && rm /tmp/work/moved.txt
wget -q -O /dev/null http://127.0.0.1:1/ 2>/dev/null || true
echo done
SH
chmod +x "$T_TMP/script/rootfs/job.sh"
runc_start script "$T_TMP/script" || fail "start script"
out=$(runc_exec script /job.sh 2>&1)
check_eq "the script ran" "$(tail -1 <<<"$out")" "done"

# --- a C build --------------------------------------------------------------------------
usr_bundle build
for i in 1 2 3 4; do
	printf '#include <stdio.h>\nint f%d(int x) { return x * %d; }\n' $i $i >"$T_TMP/build/rootfs/src/f$i.c"
done
printf '#include <stdio.h>\nint f1(int);int f2(int);int f3(int);int f4(int);\nint main(void){printf("%%d\\n", f1(1)+f2(1)+f3(1)+f4(1));return 0;}\n' >"$T_TMP/build/rootfs/src/main.c"
printf 'hello: main.o f1.o f2.o f3.o f4.o\n\t$(CC) -o $@ $^\n%%.o: %%.c\n\t$(CC) -O2 -c -o $@ $<\n' >"$T_TMP/build/rootfs/src/Makefile"
runc_start build "$T_TMP/build" || fail "start build"
out=$(runc_exec build /bin/sh -c 'cd /src && make -j2 CC=gcc >/dev/null && ./hello' 2>&1)
check_eq "the C build ran and its program works" "$out" "10"

# --- a web server under load ------------------------------------------------------------
usr_bundle web
mkdir -p "$T_TMP/web/rootfs/var/www"
echo '<h1>hello</h1>' >"$T_TMP/web/rootfs/var/www/index.html"
runc_start web "$T_TMP/web" || fail "start web"
runc_exec web /bin/busybox httpd -p 8080 -h /var/www
sleep 0.3
out=$(runc_exec web /usr/bin/wrk -t2 -c16 -d4s http://127.0.0.1:8080/index.html 2>&1)
reqs=$(awk '/requests in/ {print $1}' <<<"$out")
check "the web server answered under load" test "${reqs:-0}" -gt 1000
echo "  web server: ${reqs:-0} requests in 4 s"

sleep 1
for id in script build web; do
	n=$(events_matching ".container.id == \"$id\"")
	check_eq "benign $id: no event" "$n" 0
	[ "$n" = 0 ] || jq -c "select(.container.id == \"$id\") | [.rule, .process.exe, .process.cmdline]" "$EVENTS" | head -5
done
finish
