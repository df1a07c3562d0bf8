#!/usr/bin/env bash
# cguard image scan --scanners baseline,history: an image built here with planted
# weaknesses, each found exactly once with its path, layer and level; a weakness a later
# layer fixes is not reported (baseline judges the final filesystem); a clean debootstrap
# Debian image gives only what it really has.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/images.sh"

r=$T_TMP/l0
mkdir -p "$r/etc/ssh" "$r/etc/sudoers.d" "$r/usr/sbin" "$r/usr/local/bin" "$r/usr/bin" \
	"$r/srv/upload" "$r/tmp" "$r/var/lib/apt/lists/partial" "$r/var/cache/apt/archives"
printf 'root:x:0:0:root:/root:/bin/bash\ntoor:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n' >"$r/etc/passwd"
printf 'root:*:19000:0:99999:7:::\ntoor:!:19000::::::\napp:$y$j9T$abc$def:19000::::::\nguest::19000:0:99999:7:::\n' >"$r/etc/shadow"
printf 'app ALL=(ALL) NOPASSWD: ALL\n# %%admin ALL=(ALL) NOPASSWD: ALL\n' >"$r/etc/sudoers.d/app"
printf 'Port 22\nPermitRootLogin yes\n' >"$r/etc/ssh/sshd_config"
printf '#!/bin/sh\n' >"$r/usr/sbin/sshd"
printf 'ELF' >"$r/usr/local/bin/bash" && chmod 4755 "$r/usr/local/bin/bash"       # a setuid shell copy
printf 'ELF' >"$r/usr/bin/passwd" && chmod 4755 "$r/usr/bin/passwd"              # allowed
printf 'ELF' >"$r/usr/local/bin/helper" && chmod 2755 "$r/usr/local/bin/helper"  # setgid, unknown
chmod 0777 "$r/srv/upload"
chmod 1777 "$r/tmp"
printf 'x' >"$r/srv/upload/notes.txt" && chmod 0666 "$r/srv/upload/notes.txt"
head -c 2048 /dev/zero >"$r/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease"
head -c 4096 /dev/zero >"$r/var/cache/apt/archives/curl_7.88.1-10_amd64.deb"
tar -C "$r" --numeric-owner -cf "$T_TMP/l0.tar" .
# layer 1 fixes sshd_config: the root-login finding must go
r1=$T_TMP/l1
mkdir -p "$r1/etc/ssh"
printf 'Port 22\nPermitRootLogin no\n' >"$r1/etc/ssh/sshd_config"
tar -C "$r1" --numeric-owner -cf "$T_TMP/l1.tar" .
OCI_CONFIG='{"config":{"User":"","ExposedPorts":{"22/tcp":{},"8080/tcp":{}},
  "Labels":{"org.opencontainers.image.base.name":"docker.io/library/debian:12",
   "org.opencontainers.image.base.digest":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}},
 "history":[{"created_by":"ADD rootfs.tar.xz / # buildkit"},
  {"created_by":"CMD [\"bash\"]","empty_layer":true},
  {"created_by":"RUN /bin/sh -c curl -fsSL https://get.example.com/install.sh | sh # buildkit"},
  {"created_by":"RUN /bin/sh -c chmod 777 /srv/upload && apt-get update && apt-get install -y curl # buildkit"},
  {"created_by":"COPY sshd_config /etc/ssh/ # buildkit"}]}' \
	oci_layout "$T_TMP/oci" planted "$T_TMP/l0.tar" "$T_TMP/l1.tar"

"$CGUARD" image scan "oci:$T_TMP/oci:planted" --scanners baseline,history -f json -q >"$T_TMP/p.json"
check_eq "planted: exit status" "$?" 0
row() { jq -r --arg r "$1" '[.content[] | select(.rule == $r)] | map("\(.level) \(.path // .where) \(.layer)") | join(";")' "$T_TMP/p.json"; }
check_eq "a second uid 0 (toor), at its line" "$(jq -r '.content[] | select(.rule == "baseline-second-uid0") | "\(.path):\(.line) \(.title)"' "$T_TMP/p.json")" \
	"/etc/passwd:2 an account other than root has uid 0: toor"
check_eq "an empty password in shadow (guest), not the locked or hashed ones" \
	"$(jq -r '[.content[] | select(.rule == "baseline-empty-password") | .title] | join(";")' "$T_TMP/p.json")" \
	"an account has an empty password: guest"
check_eq "sudo NOPASSWD: the rule, not the comment" "$(row baseline-sudo-nopasswd)" "medium /etc/sudoers.d/app 0"
check_eq "sshd root login fixed by layer 1: not reported" "$(row baseline-ssh-root-login)" ""
check_eq "the setuid shell copy: critical" "$(row baseline-setuid-shell)" "critical /usr/local/bin/bash 0"
check_eq "an unknown setgid program; passwd is allowed" "$(row baseline-setuid)" "medium /usr/local/bin/helper 0"
check_eq "a world-writable folder without sticky bit; /tmp (1777) is fine" "$(row baseline-world-writable-dir)" "medium /srv/upload 0"
check_eq "a world-writable file" "$(row baseline-world-writable-file)" "medium /srv/upload/notes.txt 0"
check_eq "sshd installed" "$(jq '[.content[] | select(.rule == "baseline-sshd-installed")] | length' "$T_TMP/p.json")" 1
check_eq "package caches: one finding, both apt folders counted" \
	"$(jq -r '.content[] | select(.rule == "baseline-package-cache") | .title' "$T_TMP/p.json")" \
	"package-manager caches left in the image: 2 files, 6 KiB"
check_eq "root user (config)" "$(row baseline-user-root)" "medium config:User -1"
check_eq "no health check (config)" "$(row baseline-no-healthcheck)" "low config:Healthcheck -1"
check_eq "sensitive port 22, not 8080" "$(row baseline-sensitive-port)" "medium config:ExposedPorts:22/tcp -1"
check_eq "history: curl | sh, on its step" "$(row history-curl-pipe-shell)" "high history:2 -1"
check_eq "history: chmod 777" "$(row history-chmod-777)" "medium history:3 -1"
check_eq "history: apt-get install without --no-install-recommends" "$(row history-apt-recommends)" "low history:3 -1"
check_eq "history: ADD of an archive" "$(row history-add-archive)" "low history:0 -1"
check_eq "nothing else" "$(jq '.content | length' "$T_TMP/p.json")" 16
# IMG-15: the base image and the registry
check_eq "base image: the base's name, digest and layers (up to its CMD), the OS the layers hold" \
	"$(jq -c '.base_image | [.name, (.digest | .[0:15]), .layers, .os]' "$T_TMP/p.json")" \
	'["docker.io/library/debian:12","sha256:01234567",1,null]'
check_eq "no trusted list: no registry finding" "$(row baseline-untrusted-registry)" ""
"$CGUARD" image scan "oci:$T_TMP/oci:planted" --scanners baseline -f json -q \
	--trusted-registry registry.local:5000 >"$T_TMP/t.json"
check_eq "a trusted list the image is not from (a layout: unknown source): high" \
	"$(jq -r '.content[] | select(.rule == "baseline-untrusted-registry") | "\(.level) \(.title)"' "$T_TMP/t.json")" \
	"high the image comes from an unknown source, not a trusted registry"
"$CGUARD" image scan "oci:$T_TMP/oci:planted" --scanners history -f json -q | jq -r '[.content[].kind] | unique | join(",")' >"$T_TMP/k"
check_eq "--scanners history: only history findings" "$(cat "$T_TMP/k")" "history"
"$CGUARD" image scan "oci:$T_TMP/oci:planted" --scanners baseline -q >"$T_TMP/p.txt"
check "table: the content section" grep -q '^Image content:' "$T_TMP/p.txt"
check "table: critical first" test "$(sed -n '/^Image content:/{n;p}' "$T_TMP/p.txt" | awk '{print $1}')" = critical

# a clean debootstrap Debian 12: only the apt lists debootstrap leaves (and nothing
# of setuid, world-writable or accounts)
if root=$(deb12_rootfs); then
	"$CGUARD" image scan "dir:$root" --scanners baseline -f json -q >"$T_TMP/d.json"
	check_eq "debian minbase: only the package cache" "$(jq -r '[.content[].rule] | join(" ")' "$T_TMP/d.json")" \
		"baseline-package-cache"
else
	echo "  (no debootstrap: the Debian part is skipped)"
fi
finish
