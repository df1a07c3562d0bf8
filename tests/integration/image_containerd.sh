#!/usr/bin/env bash
# IMG-01 containerd: a real image (debootstrap minbase Debian 12 plus a layer with a whiteout
# and a trimmed dpkg database) imported by `ctr images import` into a containerd of the test's
# own (root, state and socket in a temp folder; no CRI) is read from containerd's files alone
# (bbolt meta.db + content store, while containerd runs) and gives what oci: gives. Also: short
# and digest names, a second namespace (option and CONTAINERD_NAMESPACE), an index target, and
# clear failures for a missing name, namespace, root and layer blob.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/images.sh"

for tool in containerd ctr skopeo jq; do
	command -v $tool >/dev/null || { echo "image_containerd: $tool is missing (scripts/setup installs it)"; echo "image_containerd: 0 passed, 1 failed"; exit 1; }
done
root=$(deb12_rootfs) || { echo "image_containerd: cannot debootstrap a Debian 12 rootfs"; echo "image_containerd: 0 passed, 1 failed"; exit 1; }

# the image: the rootfs, then a layer that removes /usr/bin/ls and bsdutils' dpkg record
tar -C "$root" --numeric-owner --exclude=./.complete -cf "$T_TMP/l1.tar" .
mkdir -p "$T_TMP/l2/usr/bin" "$T_TMP/l2/var/lib/dpkg"
: >"$T_TMP/l2/usr/bin/.wh.ls"
awk 'BEGIN{RS=""; ORS="\n\n"} !/^Package: bsdutils\n/' "$root/var/lib/dpkg/status" >"$T_TMP/l2/var/lib/dpkg/status"
tar -C "$T_TMP/l2" --numeric-owner -cf "$T_TMP/l2.tar" .
oci_layout "$T_TMP/oci" test "$T_TMP/l1.tar" "$T_TMP/l2.tar"
rm -f "$T_TMP/l1.tar" "$T_TMP/l2.tar"
skopeo copy -q "oci:$T_TMP/oci:test" "oci-archive:$T_TMP/img.tar:docker.io/cguard/test:1"
check "skopeo wrote an oci-archive" test -s "$T_TMP/img.tar"

# containerd of our own
C=$T_TMP/ctd
mkdir -p "$C"
cat >"$C/config.toml" <<EOF
version = 2
root = "$C/root"
state = "$C/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$C/sock"
[ttrpc]
  address = "$C/sock.ttrpc"
EOF
containerd --config "$C/config.toml" >"$C/log" 2>&1 &
ctd_pid=$!
stop_containerd() {
	if [ -n "${ctd_pid:-}" ]; then
		kill "$ctd_pid" 2>/dev/null
		wait "$ctd_pid" 2>/dev/null
		ctd_pid=
	fi
}
trap 'stop_containerd; rm -rf "$T_TMP"' EXIT
for _ in $(seq 100); do ctr -a "$C/sock" version >/dev/null 2>&1 && break; sleep 0.1; done
check "containerd answers" ctr -a "$C/sock" version
CTR=(ctr -a "$C/sock")
"${CTR[@]}" images import "$T_TMP/img.tar" >"$C/import.log" 2>&1
check_eq "ctr imported the image" "$("${CTR[@]}" images ls -q)" "docker.io/cguard/test:1"
"${CTR[@]}" -n team2 images import --index-name registry.local/app:index "$T_TMP/img.tar" >>"$C/import.log" 2>&1
"${CTR[@]}" -n team2 images tag docker.io/cguard/test:1 registry.local/app:2 >/dev/null
check_eq "team2 has three names" "$("${CTR[@]}" -n team2 images ls -q | wc -l)" 3

sbom() { # sbom NAME REF [cguard options...]: JSON into $T_TMP/NAME.json, packages into NAME.pkgs
	local name=$1 ref=$2; shift 2
	"$CGUARD" image sbom "$ref" -f json -q -o "$T_TMP/$name.json" "$@" 2>"$T_TMP/$name.err"
	check_eq "$name: exit status" "$?" 0
	jq -r '.packages[] | "\(.type)\t\(.name)\t\(.version)\t\(.arch)"' "$T_TMP/$name.json" 2>/dev/null | sort >"$T_TMP/$name.pkgs"
}
same_as_oci() { # same_as_oci NAME
	check "$1: same packages as oci:" cmp -s "$T_TMP/oci.pkgs" "$T_TMP/$1.pkgs"
	check_eq "$1: same files as oci:" "$(jq -c '.files' "$T_TMP/$1.json")" "$(jq -c '.files' "$T_TMP/oci.json")"
	check_eq "$1: same config digest" "$(jq -r .image.config_digest "$T_TMP/$1.json")" "$(jq -r .image.config_digest "$T_TMP/oci.json")"
	check_eq "$1: same layers" "$(jq -c '[.image.layers[] | .digest, .diff_id]' "$T_TMP/$1.json")" "$(jq -c '[.image.layers[] | .digest, .diff_id]' "$T_TMP/oci.json")"
}

sbom oci "oci:$T_TMP/oci:test"
check "oci: a real package list" test "$(wc -l <"$T_TMP/oci.pkgs")" -gt 50
check "oci: bsdutils (removed in layer 2) is gone" bash -c "! grep -q 'bsdutils' $T_TMP/oci.pkgs"
digest=$(jq -r .image.manifest_digest "$T_TMP/oci.json")

R=(--containerd-root "$C/root")
sbom full "containerd:docker.io/cguard/test:1" "${R[@]}"
same_as_oci full
check_eq "full: the name as stored" "$(jq -r .image.name "$T_TMP/full.json")" "docker.io/cguard/test:1"
check_eq "full: transport" "$(jq -r .image.transport "$T_TMP/full.json")" "containerd"
check_eq "full: manifest digest" "$(jq -r .image.manifest_digest "$T_TMP/full.json")" "$digest"
sbom short "containerd:cguard/test:1" "${R[@]}"
same_as_oci short
sbom bydigest "containerd:cguard/test@$digest" "${R[@]}"
same_as_oci bydigest
sbom tagdigest "containerd:docker.io/cguard/test:1@$digest" "${R[@]}"
same_as_oci tagdigest

# the second namespace: by option, by environment, an index target
sbom team2 "containerd:registry.local/app:2" "${R[@]}" --containerd-namespace team2
same_as_oci team2
CONTAINERD_NAMESPACE=team2 sbom team2env "containerd:registry.local/app:2" "${R[@]}"
same_as_oci team2env
sbom index "containerd:registry.local/app:index" "${R[@]}" --containerd-namespace team2
same_as_oci index
check_eq "index: the manifest under the index" "$(jq -r .image.manifest_digest "$T_TMP/index.json")" "$digest"

# failures
fails() { # fails NAME PATTERN REF [options...]: exit status 1 and the message matches
	local name=$1 pattern=$2 ref=$3; shift 3
	"$CGUARD" image sbom "$ref" -q "$@" >/dev/null 2>"$T_TMP/$name.err"
	check_eq "$name: exit status" "$?" 1
	check "$name: says '$pattern'" grep -qE "$pattern" "$T_TMP/$name.err"
}
fails missing "no image 'nope:1' in containerd namespace 'default'.*docker.io/cguard/test:1" "containerd:nope:1" "${R[@]}"
fails other_ns "no image 'registry.local/app:2' in containerd namespace 'default'" "containerd:registry.local/app:2" "${R[@]}"
fails no_ns "namespace 'k8s.io' does not exist.*'default', 'team2'" "containerd:cguard/test:1" "${R[@]}" --containerd-namespace k8s.io
fails bad_ns "not a containerd namespace" "containerd:cguard/test:1" "${R[@]}" --containerd-namespace '../x'
fails wrong_digest "no image" "containerd:cguard/test@sha256:$(printf '%064d' 0)" "${R[@]}"
fails no_root "meta.db: No such file" "containerd:cguard/test:1" --containerd-root "$T_TMP/nothing"
check_status "no name" 1 "$CGUARD" image sbom "containerd:" "${R[@]}"

# containerd stopped: its files still read; then a layer blob gone
stop_containerd
sbom stopped "containerd:cguard/test:1" "${R[@]}"
same_as_oci stopped
rm -f "$C/root/io.containerd.content.v1.content/blobs/sha256/$(jq -r '.image.layers[1].digest' "$T_TMP/oci.json" | cut -d: -f2)"
fails no_blob "layer 1: blob sha256:[0-9a-f]+ is not in containerd's content store" "containerd:cguard/test:1" "${R[@]}"
finish
