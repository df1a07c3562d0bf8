#!/usr/bin/env bash
# IMG-01 containers-storage: a real image (debootstrap minbase Debian 12 plus a layer with a
# whiteout, an opaque folder, a hardlink and a trimmed dpkg database) copied by skopeo into
# stores of the test's own, vfs and overlay (and loaded by podman), is read from the store's
# files (images.json, layers.json, big data, layer folders) and gives what oci: gives. Also:
# the ways a name is found, and clear failures (missing name, ambiguous name, unsupported
# driver, a tampered store).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/images.sh"

for tool in skopeo jq; do
	command -v $tool >/dev/null || { echo "image_storage: $tool is missing (scripts/setup installs it)"; echo "image_storage: 0 passed, 1 failed"; exit 1; }
done
# containers/storage's overlay driver leaves its folder bind-mounted (private): unmount at the end
cleanup() {
	awk -v t="$T_TMP/" 'index($5, t) == 1 {print $5}' /proc/self/mountinfo | sort -r | while read -r m; do umount "$m"; done
	rm -rf "$T_TMP"
}
trap cleanup EXIT
root=$(deb12_rootfs) || { echo "image_storage: cannot debootstrap a Debian 12 rootfs"; echo "image_storage: 0 passed, 1 failed"; exit 1; }

tar -C "$root" --numeric-owner --exclude=./.complete -cf "$T_TMP/l1.tar" .
l2=$T_TMP/l2
mkdir -p "$l2/opt/app" "$l2/usr/bin" "$l2/usr/share/doc/app" "$l2/var/lib/dpkg"
head -c 2097152 /dev/urandom >"$l2/opt/app/big.bin"
ln "$l2/opt/app/big.bin" "$l2/opt/app/hard.bin"
ln -s big.bin "$l2/opt/app/link.bin"
: >"$l2/usr/bin/.wh.ls"
: >"$l2/usr/share/doc/.wh..wh..opq"
echo kept >"$l2/usr/share/doc/app/README"
awk 'BEGIN{RS=""; ORS="\n\n"} !/^Package: bsdutils\n/' "$root/var/lib/dpkg/status" >"$l2/var/lib/dpkg/status"
tar -C "$l2" --numeric-owner -cf "$T_TMP/l2.tar" .
oci_layout "$T_TMP/oci" test "$T_TMP/l1.tar" "$T_TMP/l2.tar"
rm -f "$T_TMP/l1.tar" "$T_TMP/l2.tar"
# a second, tiny image
mkdir -p "$T_TMP/t/etc" && echo 'ID=tiny' >"$T_TMP/t/etc/os-release"
tar -C "$T_TMP/t" -cf "$T_TMP/t.tar" .
oci_layout "$T_TMP/tiny" tiny "$T_TMP/t.tar"

sbom() { # sbom NAME REF: JSON into $T_TMP/NAME.json, packages into NAME.pkgs
	"$CGUARD" image sbom "$2" -f json -q -o "$T_TMP/$1.json" 2>"$T_TMP/$1.err"
	check_eq "$1: exit status" "$?" 0
	jq -r '.packages[] | "\(.type)\t\(.name)\t\(.version)\t\(.arch)"' "$T_TMP/$1.json" 2>/dev/null | sort >"$T_TMP/$1.pkgs"
}
same_as_oci() { # same_as_oci NAME
	check "$1: same packages as oci:" cmp -s "$T_TMP/oci.pkgs" "$T_TMP/$1.pkgs"
	check_eq "$1: same file information as oci:" "$(jq -c '.files | del(.top_unowned[].layer)' "$T_TMP/$1.json")" "$(jq -c '.files | del(.top_unowned[].layer)' "$T_TMP/oci.json")"
	check_eq "$1: same OS" "$(jq -c .os "$T_TMP/$1.json")" "$(jq -c .os "$T_TMP/oci.json")"
	check_eq "$1: same config digest" "$(jq -r .image.config_digest "$T_TMP/$1.json")" "$(jq -r .image.config_digest "$T_TMP/oci.json")"
	check_eq "$1: the store's layer digests" "$(jq -c '[.image.layers[] | .digest, .diff_id]' "$T_TMP/$1.json")" "$(jq -c '[.image.layers[] | .digest, .diff_id]' "$T_TMP/oci.json")"
}
fails() { # fails NAME PATTERN REF: exit status 1 and the message matches
	"$CGUARD" image sbom "$3" -q >/dev/null 2>"$T_TMP/$1.err"
	check_eq "$1: exit status" "$?" 1
	check "$1: says '$2'" grep -qE "$2" "$T_TMP/$1.err"
}

sbom oci "oci:$T_TMP/oci:test"
check "oci: a real package list" test "$(wc -l <"$T_TMP/oci.pkgs")" -gt 50
check "oci: bsdutils (removed in layer 2) is gone" bash -c "! grep -q 'bsdutils' $T_TMP/oci.pkgs"
digest=$(jq -r .image.manifest_digest "$T_TMP/oci.json")

for drv in vfs overlay; do
	S=$T_TMP/$drv
	skopeo copy -q "oci:$T_TMP/oci:test" "containers-storage:[$drv@$S/root+$S/run]localhost/cguard/test:1" 2>"$T_TMP/$drv.skopeo"
	check "$drv: skopeo stored the image" test -s "$S/root/$drv-images/images.json"
	skopeo copy -q "oci:$T_TMP/tiny:tiny" "containers-storage:[$drv@$S/root+$S/run]quay.io/other/test:1" 2>>"$T_TMP/$drv.skopeo"
	sbom "$drv" "containers-storage:[$drv@$S/root+$S/run]localhost/cguard/test:1"
	same_as_oci "$drv"
	check_eq "$drv: transport" "$(jq -r .image.transport "$T_TMP/$drv.json")" "containers-storage"
	check_eq "$drv: the name" "$(jq -r .image.name "$T_TMP/$drv.json")" "localhost/cguard/test:1"
	check_eq "$drv: manifest digest" "$(jq -r .image.manifest_digest "$T_TMP/$drv.json")" "$digest"
	id=$(jq -r .image.config_digest "$T_TMP/oci.json" | cut -d: -f2)
	# the ways to name it (no driver given: found by looking)
	sbom "${drv}_short" "containers-storage:[$S/root]cguard/test:1"
	same_as_oci "${drv}_short"
	sbom "${drv}_id" "containers-storage:[$S/root]sha256:$id"
	same_as_oci "${drv}_id"
	sbom "${drv}_prefix" "containers-storage:[$S/root]${id:0:12}"
	same_as_oci "${drv}_prefix"
	sbom "${drv}_digest" "containers-storage:[$S/root]cguard/test@$digest"
	same_as_oci "${drv}_digest"
	"$CGUARD" image sbom "containers-storage:cguard/test:1" --storage-root "$S/root" -f json -q -o "$T_TMP/${drv}_opt.json" 2>/dev/null
	check_eq "$drv: --storage-root" "$(jq -r .image.manifest_digest "$T_TMP/${drv}_opt.json")" "$digest"
	fails "${drv}_missing" "no image 'nope:1' in containers-storage .*localhost/cguard/test:1" "containers-storage:[$S/root]nope:1"
	fails "${drv}_ambiguous" "'test:1' matches several images" "containers-storage:[$S/root]test:1"
done
check "vfs: the top layer's folder only" jq -e '.image.layers[0].entries == 0 and .image.layers[1].entries > 1000' "$T_TMP/vfs.json"
check "overlay: each layer's own folder" jq -e '.image.layers[0].entries > 1000 and .image.layers[1].entries < 20' "$T_TMP/overlay.json"
check_eq "overlay: the whiteout is a 0/0 device" "$(find "$T_TMP"/overlay/root/overlay/*/diff/usr/bin -name ls -type c -printf '%y %M\n' | head -1) $(stat -c '%t:%T' "$(find "$T_TMP"/overlay/root/overlay/*/diff/usr/bin -name ls -type c | head -1)")" "c c--------- 0:0"
check "overlay: the opaque folder has its xattr" /usr/bin/python3 -c 'import glob, os, sys; sys.exit(not any(os.getxattr(d, "trusted.overlay.opaque") == b"y" for d in glob.glob(sys.argv[1]) if "trusted.overlay.opaque" in os.listxattr(d)))' "$T_TMP/overlay/root/overlay/*/diff/usr/share/doc"

# a store written by podman itself
if command -v podman >/dev/null; then
	skopeo copy -q "oci:$T_TMP/oci:test" "docker-archive:$T_TMP/docker.tar:cguard/podman:2"
	P=$T_TMP/podman
	podman --root "$P/root" --runroot "$P/run" --storage-driver overlay load -i "$T_TMP/docker.tar" >"$P.log" 2>&1
	check_eq "podman lists what it loaded" "$(podman --root "$P/root" --runroot "$P/run" --storage-driver overlay images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null)" "docker.io/cguard/podman:2"
	sbom podman "containers-storage:[overlay@$P/root+$P/run]cguard/podman:2"
	check "podman: same packages as oci:" cmp -s "$T_TMP/oci.pkgs" "$T_TMP/podman.pkgs"
	check_eq "podman: same file information as oci:" "$(jq -c '.files | del(.top_unowned[].layer)' "$T_TMP/podman.json")" "$(jq -c '.files | del(.top_unowned[].layer)' "$T_TMP/oci.json")"
else
	fail "podman is missing (scripts/setup installs it)"
fi

# failures
S=$T_TMP/vfs/root
fails no_root "containers-storage root $T_TMP/nothing: No such file" "containers-storage:[$T_TMP/nothing]x"
mkdir -p "$T_TMP/empty"
fails no_store "no containers-storage at $T_TMP/empty \\(no overlay-images/images.json or vfs-images/images.json\\)" "containers-storage:[$T_TMP/empty]x"
fails bad_driver "the btrfs driver is not supported" "containers-storage:[btrfs@$S]cguard/test:1"
fails no_name "wants an image name" "containers-storage:[$S]"
fails bad_bracket "without" "containers-storage:[$S"
cp -a "$T_TMP/vfs" "$T_TMP/bad"
B=$T_TMP/bad/root
jq --arg d "sha256:$(printf '%064d' 1)" '(.[] | select(.parent != null) | ."diff-digest") |= $d' "$B/vfs-layers/layers.json" >"$T_TMP/layers.json" && cp "$T_TMP/layers.json" "$B/vfs-layers/layers.json"
fails bad_diff "layer 1: the store's layer .* has diff-digest sha256:0+1, the config says" "containers-storage:[vfs@$B]cguard/test:1"
cp "$T_TMP/vfs/root/vfs-layers/layers.json" "$B/vfs-layers/layers.json"
cfg=$(ls "$B/vfs-images/$id/"=c2hh* | head -1)
sed -i 's/"amd64"/"arm64"/' "$cfg"
fails bad_config "digest mismatch" "containers-storage:[vfs@$B]cguard/test:1"
finish
