#!/usr/bin/env bash
# IMG-01: an image the Docker engine holds, read through the engine's API socket
# (docker-daemon:NAME). The test starts a real dockerd of its own (Debian's docker.io: vfs
# storage, no networking, its own data root and socket), loads an image built here, and
# checks the inventory equals the oci: transport's of the same image.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/images.sh"

command -v dockerd >/dev/null || { echo "image_daemon: no dockerd (docker.io) installed"; exit 77; }
D=$T_TMP/docker
mkdir -p "$D"
dockerd --data-root "$D/root" --exec-root "$D/exec" --pidfile "$D/pid" -H "unix://$D/sock" \
	--iptables=false --ip6tables=false --bridge=none --storage-driver=vfs >"$D/log" 2>&1 &
stop_dockerd() {
	[ -f "$D/pid" ] && kill "$(cat "$D/pid")" 2>/dev/null
	for _ in $(seq 1 50); do [ -e "$D/pid" ] || break; sleep 0.2; done
	grep " $D" /proc/mounts | awk '{print $2}' | sort -r | xargs -r umount -l 2>/dev/null
	rm -rf "$T_TMP"
}
trap stop_dockerd EXIT
api() { curl -s --unix-socket "$D/sock" "$@"; }
for _ in $(seq 1 100); do api http://docker/_ping 2>/dev/null | grep -q OK && break; sleep 0.2; done
check "dockerd answers" sh -c "curl -s --unix-socket '$D/sock' http://docker/_ping | grep -q OK"

root=$(deb12_rootfs) || { echo "image_daemon: no Debian rootfs"; finish; exit; }
tar -C "$root" --numeric-owner --exclude=./.complete -cf "$T_TMP/l1.tar" .
oci_layout "$T_TMP/oci" test "$T_TMP/l1.tar"
skopeo copy -q "oci:$T_TMP/oci:test" "docker-archive:$T_TMP/img.tar:cguard/daemon:1"
api -X POST -H 'Content-Type: application/x-tar' --data-binary "@$T_TMP/img.tar" http://docker/images/load >"$T_TMP/load.out"
check "the engine loaded the image" grep -q 'cguard/daemon:1' "$T_TMP/load.out"

"$CGUARD" image sbom "oci:$T_TMP/oci:test" -f json -q | jq -r '.packages[] | "\(.name)\t\(.version)"' | sort >"$T_TMP/want"
DOCKER_HOST="unix://$D/sock" "$CGUARD" image sbom docker-daemon:cguard/daemon:1 -f json -q -o "$T_TMP/got.json"
check_eq "docker-daemon: exit status" "$?" 0
jq -r '.packages[] | "\(.name)\t\(.version)"' "$T_TMP/got.json" | sort >"$T_TMP/got"
check "docker-daemon: same packages as oci:" cmp -s "$T_TMP/want" "$T_TMP/got"
check "docker-daemon: packages found" test "$(wc -l <"$T_TMP/got")" -gt 50
check_eq "docker-daemon: the image id" "$(jq -r .image.config_digest "$T_TMP/got.json")" \
	"$(api http://docker/images/cguard/daemon:1/json | jq -r .Id)"
DOCKER_HOST="unix://$D/sock" "$CGUARD" image sbom docker-daemon:nothing/here:1 -q >/dev/null 2>"$T_TMP/err"
check_eq "docker-daemon: a missing image fails" "$?" 1
check "docker-daemon: the engine's message" grep -qi 'no such image' "$T_TMP/err"
DOCKER_HOST="unix://$T_TMP/none.sock" "$CGUARD" image sbom docker-daemon:cguard/daemon:1 -q >/dev/null 2>"$T_TMP/err2"
check_eq "docker-daemon: no engine fails" "$?" 1
check "docker-daemon: says where it looked" grep -q 'none.sock' "$T_TMP/err2"
finish
