#!/usr/bin/env bash
# IMG-01/07/08: one real image (a debootstrap minbase Debian 12 plus a second layer with
# whiteouts, an opaque folder, a hardlink and a trimmed dpkg database) read through every
# local transport gives the inventory dpkg-query gives for the same tree, and the same
# answer from each transport. Corrupt and hostile variants fail cleanly.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/images.sh"

root=$(deb12_rootfs) || { echo "image_inventory: cannot debootstrap a Debian 12 rootfs"; echo "image_inventory: 0 passed, 1 failed"; exit 1; }

# layer 1: the whole rootfs; layer 2: changes on top
tar -C "$root" --numeric-owner --exclude=./.complete -cf "$T_TMP/l1.tar" .
l2=$T_TMP/l2
mkdir -p "$l2/opt/app" "$l2/usr/bin" "$l2/usr/share/doc" "$l2/var/lib/dpkg"
head -c 3145728 /dev/urandom >"$l2/opt/app/big.bin"
ln "$l2/opt/app/big.bin" "$l2/opt/app/hard.bin"
ln -s big.bin "$l2/opt/app/link.bin"
: >"$l2/usr/bin/.wh.ls"
: >"$l2/usr/share/doc/.wh..wh..opq"
mkdir -p "$l2/usr/share/doc/app" && echo "kept" >"$l2/usr/share/doc/app/README"
# the status file without bsdutils, as if `dpkg --purge bsdutils` had run in layer 2
awk 'BEGIN{RS=""; ORS="\n\n"} !/^Package: bsdutils\n/' "$root/var/lib/dpkg/status" >"$l2/var/lib/dpkg/status"
tar -C "$l2" --numeric-owner -cf "$T_TMP/l2.tar" .
oci_layout "$T_TMP/oci" test "$T_TMP/l1.tar" "$T_TMP/l2.tar"

# what dpkg itself says of the final database
mkdir -p "$T_TMP/admin" && cp -r "$root/var/lib/dpkg/info" "$T_TMP/admin/" && cp "$l2/var/lib/dpkg/status" "$T_TMP/admin/status"
dpkg-query --admindir="$T_TMP/admin" -W -f '${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n' |
	awk -F'\t' '$1 ~ /^ii/ {print $2"\t"$3"\t"$4}' | sort >"$T_TMP/want"
check "dpkg-query sees the trimmed database" test "$(wc -l <"$T_TMP/want")" -gt 50

inventory() { # inventory REF NAME: JSON into $T_TMP/NAME.json, packages into $T_TMP/NAME.pkgs
	"$CGUARD" image sbom "$1" -f json -q -o "$T_TMP/$2.json" 2>"$T_TMP/$2.err"
	check_eq "$2: exit status" "$?" 0
	jq -r '.packages[] | select(.type=="deb") | "\(.name)\t\(.version)\t\(.arch)"' "$T_TMP/$2.json" | sort >"$T_TMP/$2.pkgs"
}

inventory "oci:$T_TMP/oci:test" oci
check "oci: packages equal dpkg-query's" cmp -s "$T_TMP/want" "$T_TMP/oci.pkgs"
check "oci: bsdutils (removed in layer 2) is gone" bash -c "! grep -q '^bsdutils' $T_TMP/oci.pkgs"
check_eq "oci: OS" "$(jq -r '.os.id + " " + .os.version_id' "$T_TMP/oci.json")" "debian 12"
check_eq "oci: two layers" "$(jq '.image.layers | length' "$T_TMP/oci.json")" 2
check_eq "oci: layer 2 diff_id is the tar's sha256" "$(jq -r '.image.layers[1].diff_id' "$T_TMP/oci.json")" "sha256:$(sha256sum "$T_TMP/l2.tar" | cut -d' ' -f1)"
check "oci: the unowned file of layer 2" jq -e '[.files.top_unowned[] | select(.path=="/opt/app/big.bin" and .size==3145728 and .layer==1)] | length == 1' "$T_TMP/oci.json"
check "oci: the hardlink has the size of its target" jq -e '[.files.top_unowned[] | select(.path=="/opt/app/hard.bin" and .size==3145728)] | length == 1' "$T_TMP/oci.json"
check "oci: owned files counted" jq -e '.files.owned_files > 1000 and .files.unowned_files > 0' "$T_TMP/oci.json"
check_eq "oci: config cmd" "$(jq -c .image.config.cmd "$T_TMP/oci.json")" '["bash"]'
check_eq "oci: history step -> layer" "$(jq -c '[.image.history[].layer]' "$T_TMP/oci.json")" '[0]'
check "oci: packages come from layer 2's status" jq -e '[.packages[] | select(.type=="deb" and .layer != 1)] | length == 0' "$T_TMP/oci.json"

# the same image through skopeo's other transports, and unpacked by umoci
skopeo copy -q "oci:$T_TMP/oci:test" "docker-archive:$T_TMP/docker.tar:cguard/test:1" 2>"$T_TMP/skopeo.err"
check "skopeo wrote a docker-archive" test -s "$T_TMP/docker.tar"
skopeo copy -q "oci:$T_TMP/oci:test" "oci-archive:$T_TMP/oci.tar:test" 2>>"$T_TMP/skopeo.err"
check "skopeo wrote an oci-archive" test -s "$T_TMP/oci.tar"
inventory "docker-archive:$T_TMP/docker.tar" docker
inventory "docker-archive:$T_TMP/docker.tar:cguard/test:1" docker_named
inventory "oci-archive:$T_TMP/oci.tar:test" ociar
umoci unpack --image "$T_TMP/oci:test" "$T_TMP/bundle" >/dev/null 2>&1
check "umoci unpacked the image" test -d "$T_TMP/bundle/rootfs/usr"
check "umoci applied the whiteout too" test ! -e "$T_TMP/bundle/rootfs/usr/bin/ls"
inventory "dir:$T_TMP/bundle/rootfs" dir
for t in docker docker_named ociar dir; do
	check "$t: same packages as oci:" cmp -s "$T_TMP/oci.pkgs" "$T_TMP/$t.pkgs"
	check_eq "$t: same file information as oci:" "$(jq -c '.files | del(.top_unowned[].layer)' "$T_TMP/$t.json")" "$(jq -c '.files | del(.top_unowned[].layer)' "$T_TMP/oci.json")"
done
check_eq "docker-archive: the name" "$(jq -r .image.name "$T_TMP/docker_named.json")" "cguard/test:1"

# SBOM formats
"$CGUARD" image sbom "oci:$T_TMP/oci:test" -f cyclonedx -q >"$T_TMP/cdx.json"
n=$(wc -l <"$T_TMP/want")
check_eq "cyclonedx: one component per package plus the OS" "$(jq '.components | length' "$T_TMP/cdx.json")" "$((n + 1))"
check "cyclonedx: spec 1.5" jq -e '.bomFormat == "CycloneDX" and .specVersion == "1.5"' "$T_TMP/cdx.json"
check "cyclonedx: Debian purls with the distro" jq -e '[.components[] | select(.type=="library") | .purl | test("^pkg:deb/debian/[^@]+@[^?]+\\?arch=[a-z0-9]+&distro=debian-12")] | all' "$T_TMP/cdx.json"
check "cyclonedx: bom-refs are unique" jq -e '[.components[]."bom-ref"] | length == (unique | length)' "$T_TMP/cdx.json"
check_eq "cyclonedx: libc6's purl" "$(jq -r '.components[] | select(.name=="libc6") | .purl' "$T_TMP/cdx.json")" \
	"pkg:deb/debian/libc6@$(awk -F'\t' '$1=="libc6"{print $2}' "$T_TMP/want" | sed 's/+/%2B/g')?arch=amd64&distro=debian-12&upstream=glibc"
"$CGUARD" image sbom "oci:$T_TMP/oci:test" -f spdx -q >"$T_TMP/spdx.json"
check_eq "spdx: packages (+ image + OS)" "$(jq '.packages | length' "$T_TMP/spdx.json")" "$((n + 2))"
check "spdx: 2.3 with a DESCRIBES relationship" jq -e '.spdxVersion == "SPDX-2.3" and ([.relationships[] | select(.relationshipType=="DESCRIBES")] | length == 1)' "$T_TMP/spdx.json"
"$CGUARD" image sbom "oci:$T_TMP/oci:test" -q >"$T_TMP/table.txt"
check "table: names the OS" grep -q '^OS: *Debian GNU/Linux 12 (bookworm)' "$T_TMP/table.txt"
check "table: lists libc6" grep -qE '^libc6 +2\.36' "$T_TMP/table.txt"

# corrupt and hostile input: clear errors, exit status 1
cp -r "$T_TMP/oci" "$T_TMP/bad"
blob=$(jq -r '.layers[1].digest' "$T_TMP/bad/blobs/sha256/$(jq -r '.manifests[0].digest' "$T_TMP/bad/index.json" | cut -d: -f2)" | cut -d: -f2)
printf '\x00' | dd of="$T_TMP/bad/blobs/sha256/$blob" bs=1 seek=100 conv=notrunc 2>/dev/null
"$CGUARD" image sbom "oci:$T_TMP/bad:test" -q >/dev/null 2>"$T_TMP/bad.err"
check_eq "corrupt layer: exit status" "$?" 1
check "corrupt layer: a clear error" grep -qE 'layer 1: (gzip|digest mismatch|diff_id mismatch)' "$T_TMP/bad.err"
head -c 100000000 "$T_TMP/docker.tar" >"$T_TMP/trunc.tar"
"$CGUARD" image sbom "docker-archive:$T_TMP/trunc.tar" -q >/dev/null 2>"$T_TMP/trunc.err"
check_eq "truncated archive: exit status" "$?" 1
check "truncated archive: says so" grep -qiE 'truncated|past the end' "$T_TMP/trunc.err"
check_status "missing image" 1 "$CGUARD" image sbom "oci:$T_TMP/nothing:test"
check_status "unknown transport" 1 "$CGUARD" image sbom "ftp:x"
check_status "no transport" 1 "$CGUARD" image sbom "/tmp/x.tar"
check_status "no reference" 2 "$CGUARD" image sbom
# a layer with ../ and absolute paths: read, warned about, nothing written
mkdir -p "$T_TMP/evil" && /usr/bin/python3 - "$T_TMP/evil.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    for name in ["../../../tmp/cguard-escape", "/etc/cguard-abs", "ok/../../escape2", "etc/good"]:
        data = b"x"
        i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
PY
oci_layout "$T_TMP/evilimg" evil "$T_TMP/evil.tar"
"$CGUARD" image sbom "oci:$T_TMP/evilimg:evil" -f json -o "$T_TMP/evil.json" 2>"$T_TMP/evil.err"
check_eq "unsafe paths: still read" "$?" 0
check "unsafe paths: warned" grep -q 'unsafe' "$T_TMP/evil.err"
check "unsafe paths: nothing escaped" test ! -e /tmp/cguard-escape
check_eq "unsafe paths: only the safe ones count" "$(jq '.files.unowned_files' "$T_TMP/evil.json")" 2
finish
