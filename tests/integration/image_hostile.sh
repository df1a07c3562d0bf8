#!/usr/bin/env bash
# Hostile images (IMG-01): each gives a clear error or a bounded, documented partial result,
# nothing is written outside the scan, and memory stays bounded. Also zstd and uncompressed
# layers, which real images use beside gzip.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/images.sh"

sbom() { "$CGUARD" image sbom "$@" -f json -q; }
rss_of() { /usr/bin/time -f %M -o "$T_TMP/rss" "$@" >/dev/null 2>&1; cat "$T_TMP/rss"; }

# zstd and uncompressed layers: the same content as a gzip layer gives the same inventory
mkdir -p "$T_TMP/r/var/lib/dpkg" "$T_TMP/r/etc"
printf 'Package: hello\nStatus: install ok installed\nVersion: 2.10-3\nArchitecture: amd64\n\n' >"$T_TMP/r/var/lib/dpkg/status"
printf 'ID=debian\nVERSION_ID="12"\n' >"$T_TMP/r/etc/os-release"
tar -C "$T_TMP/r" -cf "$T_TMP/r.tar" .
oci_layout "$T_TMP/gz" t "$T_TMP/r.tar"
sbom "oci:$T_TMP/gz:t" >"$T_TMP/gz.json"
check_eq "gzip layer: the package" "$(jq -r '.packages[0].name + " " + .packages[0].version' "$T_TMP/gz.json")" "hello 2.10-3"
for comp in zstd none; do
	d=$T_TMP/$comp
	cp -r "$T_TMP/gz" "$d"
	man=$d/blobs/sha256/$(jq -r '.manifests[0].digest' "$d/index.json" | cut -d: -f2)
	old=$(jq -r '.layers[0].digest' "$man" | cut -d: -f2)
	if [ $comp = zstd ]; then zstd -q -c "$T_TMP/r.tar" >"$T_TMP/layer"; mt=application/vnd.oci.image.layer.v1.tar+zstd
	else cp "$T_TMP/r.tar" "$T_TMP/layer"; mt=application/vnd.oci.image.layer.v1.tar; fi
	new=$(sha256sum "$T_TMP/layer" | cut -d' ' -f1)
	cp "$T_TMP/layer" "$d/blobs/sha256/$new"
	rm -f "$d/blobs/sha256/$old"
	jq -c --arg d "sha256:$new" --arg mt "$mt" --argjson s "$(stat -c %s "$T_TMP/layer")" \
		'.layers[0].digest=$d | .layers[0].mediaType=$mt | .layers[0].size=$s' "$man" >"$T_TMP/m.json"
	mnew=$(sha256sum "$T_TMP/m.json" | cut -d' ' -f1)
	cp "$T_TMP/m.json" "$d/blobs/sha256/$mnew"
	jq -c --arg d "sha256:$mnew" --argjson s "$(stat -c %s "$T_TMP/m.json")" '.manifests[0].digest=$d | .manifests[0].size=$s' "$d/index.json" >"$T_TMP/i.json" && mv "$T_TMP/i.json" "$d/index.json"
	sbom "oci:$d:t" >"$T_TMP/$comp.json"
	check_eq "$comp layer: read" "$?" 0
	check_eq "$comp layer: compression seen" "$(jq -r '.image.layers[0].compression' "$T_TMP/$comp.json")" "$comp"
	check_eq "$comp layer: same packages as gzip" "$(jq -c .packages "$T_TMP/$comp.json" | sed 's/"layer_diff_id":"[^"]*"//')" "$(jq -c .packages "$T_TMP/gz.json" | sed 's/"layer_diff_id":"[^"]*"//')"
done

# a zstd decompression bomb: 2 GiB of zeros in a few hundred KB, refused by the ratio limit
head -c 1024 /dev/zero >"$T_TMP/hdr"
/usr/bin/python3 - "$T_TMP/bomb.tar.zst" <<'PY'
import subprocess, sys, tarfile, io
# a tar whose one member is 8 GiB of zeros, produced as a stream straight into zstd
p = subprocess.Popen(["zstd", "-q", "-3", "-c"], stdin=subprocess.PIPE, stdout=open(sys.argv[1], "wb"))
ti = tarfile.TarInfo("zeros"); ti.size = 2 << 30
p.stdin.write(ti.tobuf(format=tarfile.GNU_FORMAT))
chunk = bytes(1 << 20)
for _ in range(2 << 10):
    p.stdin.write(chunk)
p.stdin.write(bytes(1024))
p.stdin.close(); p.wait()
PY
check "the bomb is small on disk" test "$(stat -c %s "$T_TMP/bomb.tar.zst")" -lt 10000000
zstd -q -d -c "$T_TMP/bomb.tar.zst" 2>/dev/null | head -c 0
mkdir -p "$T_TMP/bombimg/blobs/sha256"
b=$(sha256sum "$T_TMP/bomb.tar.zst" | cut -d' ' -f1); cp "$T_TMP/bomb.tar.zst" "$T_TMP/bombimg/blobs/sha256/$b"
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:%064d"]}}' 0 >"$T_TMP/c.json"
c=$(sha256sum "$T_TMP/c.json" | cut -d' ' -f1); cp "$T_TMP/c.json" "$T_TMP/bombimg/blobs/sha256/$c"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+zstd","digest":"sha256:%s","size":%s}]}' \
	"$c" "$(stat -c %s "$T_TMP/c.json")" "$b" "$(stat -c %s "$T_TMP/bomb.tar.zst")" >"$T_TMP/m.json"
m=$(sha256sum "$T_TMP/m.json" | cut -d' ' -f1); cp "$T_TMP/m.json" "$T_TMP/bombimg/blobs/sha256/$m"
printf '{"imageLayoutVersion":"1.0.0"}' >"$T_TMP/bombimg/oci-layout"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s}]}' "$m" "$(stat -c %s "$T_TMP/m.json")" >"$T_TMP/bombimg/index.json"
start=$(date +%s)
"$CGUARD" image sbom "oci:$T_TMP/bombimg" -q >/dev/null 2>"$T_TMP/bomb.err"
check_eq "zstd bomb: refused (exit status)" "$?" 1
check "zstd bomb: named as such" grep -q 'max_ratio' "$T_TMP/bomb.err"
check "zstd bomb: refused early (under 20 s)" test $(( $(date +%s) - start )) -lt 20

# thousands of layers: over max_layers (1000) is refused by name; 300 are read
mkdir -p "$T_TMP/many"
for i in $(seq 1 1001); do mkdir -p "$T_TMP/ml/$i/d" && echo "$i" >"$T_TMP/ml/$i/d/f$i" && tar -C "$T_TMP/ml/$i" -cf "$T_TMP/many/$i.tar" .; done
oci_layout "$T_TMP/img1001" t $(for i in $(seq 1 1001); do echo "$T_TMP/many/$i.tar"; done)
"$CGUARD" image sbom "oci:$T_TMP/img1001:t" -q >/dev/null 2>"$T_TMP/l.err"
check_eq "1001 layers: refused" "$?" 1
check "1001 layers: the limit is named" grep -q 'max_layers' "$T_TMP/l.err"
oci_layout "$T_TMP/img300" t $(for i in $(seq 1 300); do echo "$T_TMP/many/$i.tar"; done)
sbom "oci:$T_TMP/img300:t" >"$T_TMP/300.json"
check_eq "300 layers: read, every file counted" "$(jq .files.unowned_files "$T_TMP/300.json")" 300

# 200,000 files in one layer: read with bounded memory
/usr/bin/python3 - "$T_TMP/files.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    for i in range(200000):
        ti = tarfile.TarInfo(f"srv/d{i % 1000}/f{i}"); ti.size = 1
        t.addfile(ti, io.BytesIO(b"x"))
PY
oci_layout "$T_TMP/files" t "$T_TMP/files.tar"
kb=$(rss_of "$CGUARD" image sbom "oci:$T_TMP/files:t" -f json -q)
check "200,000 files: peak RSS under 64 MB (was ${kb} KB)" test "$kb" -lt 65536
check_eq "200,000 files: all counted" "$(sbom "oci:$T_TMP/files:t" | jq .files.unowned_files)" 200000

# huge names: a 10,000-byte pax path is skipped with a warning; the rest is read
/usr/bin/python3 - "$T_TMP/long.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as t:
    for name in ["a/" * 5000 + "deep", "ok"]:
        ti = tarfile.TarInfo(name); ti.size = 1; t.addfile(ti, io.BytesIO(b"y"))
PY
oci_layout "$T_TMP/long" t "$T_TMP/long.tar"
"$CGUARD" image sbom "oci:$T_TMP/long:t" -f json >"$T_TMP/long.json" 2>"$T_TMP/long.err"
check_eq "huge name: the image is read" "$?" 0
check "huge name: warned" grep -q 'unsafe or unreadable path' "$T_TMP/long.err"
check_eq "huge name: the other file counted" "$(jq .files.unowned_files "$T_TMP/long.json")" 1

# a config that lists fewer layers than the manifest, and a manifest pointing nowhere
cp -r "$T_TMP/gz" "$T_TMP/badcfg"
man=$T_TMP/badcfg/blobs/sha256/$(jq -r '.manifests[0].digest' "$T_TMP/badcfg/index.json" | cut -d: -f2)
jq -c '.layers += .layers' "$man" >"$T_TMP/m2.json"; m2=$(sha256sum "$T_TMP/m2.json" | cut -d' ' -f1); cp "$T_TMP/m2.json" "$T_TMP/badcfg/blobs/sha256/$m2"
jq -c --arg d "sha256:$m2" --argjson s "$(stat -c %s "$T_TMP/m2.json")" '.manifests[0].digest=$d | .manifests[0].size=$s' "$T_TMP/badcfg/index.json" >"$T_TMP/i.json" && mv "$T_TMP/i.json" "$T_TMP/badcfg/index.json"
"$CGUARD" image sbom "oci:$T_TMP/badcfg:t" -q >/dev/null 2>"$T_TMP/badcfg.err"
check_eq "layer count mismatch: refused" "$?" 1
check "layer count mismatch: says so" grep -q 'lists 1 layers (diff_ids) but the manifest has 2' "$T_TMP/badcfg.err"
rm -f "$T_TMP/gz/blobs/sha256/$(jq -r '.layers[0].digest' "$T_TMP/gz/blobs/sha256/$(jq -r '.manifests[0].digest' "$T_TMP/gz/index.json" | cut -d: -f2)" | cut -d: -f2)"
"$CGUARD" image sbom "oci:$T_TMP/gz:t" -q >/dev/null 2>"$T_TMP/missing.err"
check_eq "missing layer blob: refused" "$?" 1
check "missing layer blob: names the layer" grep -q 'layer 0' "$T_TMP/missing.err"
finish
