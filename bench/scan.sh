#!/usr/bin/env bash
# bench/scan: `cguard image sbom` against the floor every scanner pays, `gzip -dc` of all the
# image's layers, measured in the same run, on two images:
#   debian     a minbase Debian 12 (debootstrap, one gzip layer)
#   synthetic  about 1 GB in 100,000 files over 4 gzip layers
# Then `cguard image scan` with every content check (target ratio <= 1.5).
# Prints wall times (median of 3), the ratio (target <= 1.0) and cguard's peak RSS
# (target < 64 MB). Images are cached in $CG_TEST_CACHE.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
CGUARD=${CGUARD:-$top/build/cguard}
. "$top/tests/integration/lib/images.sh"
work=$CG_TEST_CACHE/bench
mkdir -p "$work"

median3() { sort -n | sed -n 2p; }

build_debian() {
	[ -f "$work/debian/index.json" ] && return
	local root
	root=$(deb12_rootfs)
	tar -C "$root" --numeric-owner --exclude=./.complete -cf "$work/debian.tar" .
	oci_layout "$work/debian" bench "$work/debian.tar"
	rm -f "$work/debian.tar"
}

build_synthetic() {
	[ -f "$work/synthetic/index.json" ] && return
	/usr/bin/python3 - "$work" <<'PY'
import io, os, random, sys, tarfile
work = sys.argv[1]
rnd = random.Random(42)
words = [bytes(rnd.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(2, 9))) for _ in range(5000)]
def content(size):
    # half text-like (compresses like code and docs), half random (like binaries)
    if rnd.random() < 0.5:
        out = bytearray()
        while len(out) < size:
            out += rnd.choice(words) + b" "
        return bytes(out[:size])
    return rnd.randbytes(size)
files_per_layer = 25000
for layer in range(4):
    with tarfile.open(f"{work}/syn{layer}.tar", "w") as t:
        for i in range(files_per_layer):
            size = int(rnd.expovariate(1 / 10000))
            size = min(size, 2_000_000)
            data = content(size)
            ti = tarfile.TarInfo(f"srv/data{layer}/d{i % 500}/f{i}.bin")
            ti.size = len(data); ti.mode = 0o644
            t.addfile(ti, io.BytesIO(data))
PY
	oci_layout "$work/synthetic" bench "$work"/syn0.tar "$work"/syn1.tar "$work"/syn2.tar "$work"/syn3.tar
	rm -f "$work"/syn?.tar
}

measure() { # measure NAME [what: sbom | content]
	local dir=$work/$1 what=${2:-sbom} blobs g c rss i target=1.0 rsst=64
	blobs=$(jq -r '.layers[].digest' "$dir/blobs/sha256/$(jq -r '.manifests[0].digest' "$dir/index.json" | cut -d: -f2)" | sed 's|sha256:|'"$dir"'/blobs/sha256/|')
	for i in 1 2 3; do
		/usr/bin/time -f %e -o "$work/t" sh -c "for b in $(echo $blobs); do gzip -dc \$b; done >/dev/null"
		cat "$work/t"
	done | median3 >"$work/g"
	for i in 1 2 3; do
		if [ "$what" = sbom ]; then
			/usr/bin/time -f '%e %M' -o "$work/t" "$CGUARD" image sbom "oci:$dir:bench" -f json -q -o /dev/null
		else
			/usr/bin/time -f '%e %M' -o "$work/t" "$CGUARD" image scan "oci:$dir:bench" -f json -q \
				--scanners malware,secret,files,baseline,history -o /dev/null
		fi
		cat "$work/t"
	done >"$work/c"
	[ "$what" = sbom ] || { target=1.5; rsst=100; }
	g=$(cat "$work/g")
	c=$(awk '{print $1}' "$work/c" | median3)
	rss=$(awk '{print $2}' "$work/c" | sort -n | tail -1)
	awk -v n="$1" -v g="$g" -v c="$c" -v r="$rss" -v t="$target" -v rt="$rsst" -v s="$(du -sm "$dir" | cut -f1)" 'BEGIN {
		printf "%-10s %6d MB  gzip -dc %6.2f s  cguard %6.2f s  ratio %5.2f (target <= %.1f)  peak RSS %5.1f MB (target < %d)\n",
			n, s, g, c, (g > 0 ? c / g : 0), t, r / 1024, rt }'
}

build_debian
build_synthetic
echo "cguard image sbom vs gzip -dc over the same layers (median of 3; $(nproc) CPUs)"
measure debian
measure synthetic
echo "cguard image scan --scanners malware,secret,files,baseline,history (every content check,"
echo "no vulnerability database) vs gzip -dc"
measure debian content
measure synthetic content
