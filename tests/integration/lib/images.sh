# Test images built from real parts (sourced by integration tests).
#
#   deb12_rootfs        a minbase Debian 12 root filesystem from debootstrap, cached in
#                       $CG_TEST_CACHE (default /var/tmp/cguard-test-cache) between runs
#   oci_layout DIR TAG LAYER.tar...
#                       writes an OCI image layout (gzip layers, sha256 digests) with
#                       nothing but tar, gzip and sha256sum
CG_TEST_CACHE=${CG_TEST_CACHE:-/var/tmp/cguard-test-cache}

deb12_rootfs() {
	local dir=$CG_TEST_CACHE/deb12-minbase
	if [ ! -f "$dir/.complete" ]; then
		command -v debootstrap >/dev/null || return 1
		rm -rf "$dir" && mkdir -p "$CG_TEST_CACHE" || return 1
		debootstrap --variant=minbase bookworm "$dir" http://deb.debian.org/debian \
			>"$CG_TEST_CACHE/debootstrap.log" 2>&1 || { tail -5 "$CG_TEST_CACHE/debootstrap.log"; return 1; }
		# drop the downloaded .debs: the image should not carry them
		rm -f "$dir"/var/cache/apt/archives/*.deb
		touch "$dir/.complete"
	fi
	echo "$dir"
}

_blob() { # _blob LAYOUT FILE -> prints "sha256:HEX SIZE" and stores the blob
	local d h s
	h=$(sha256sum "$2" | cut -d' ' -f1)
	s=$(stat -c %s "$2")
	mkdir -p "$1/blobs/sha256"
	cp "$2" "$1/blobs/sha256/$h"
	echo "sha256:$h $s"
}

oci_layout() { # oci_layout DIR TAG LAYER.tar...   ($OCI_CONFIG: JSON merged into the config)
	local dir=$1 tag=$2; shift 2
	local work diff_ids="" layers="" l gz d s cfg cd cs man md ms
	work=$(mktemp -d)
	mkdir -p "$dir"
	for l in "$@"; do
		diff_ids="$diff_ids\"sha256:$(sha256sum "$l" | cut -d' ' -f1)\","
		gz=$work/$(basename "$l").gz
		gzip -n -1 -c "$l" >"$gz"
		read -r d s < <(_blob "$dir" "$gz")
		layers="$layers{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"$d\",\"size\":$s},"
	done
	cfg=$work/config.json
	printf '{"architecture":"amd64","os":"linux","created":"2026-01-01T00:00:00Z","config":{"User":"","Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["bash"]},"rootfs":{"type":"layers","diff_ids":[%s]},"history":[{"created_by":"debootstrap --variant=minbase bookworm"}]}' \
		"${diff_ids%,}" >"$cfg"
	# OCI_CONFIG: a JSON object merged into the config (e.g. its "config" and "history")
	if [ -n "${OCI_CONFIG:-}" ]; then
		jq -c --argjson x "$OCI_CONFIG" '. * $x' "$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"
	fi
	read -r cd cs < <(_blob "$dir" "$cfg")
	man=$work/manifest.json
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[%s]}' \
		"$cd" "$cs" "${layers%,}" >"$man"
	read -r md ms < <(_blob "$dir" "$man")
	printf '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
		"$md" "$ms" "$tag" >"$dir/index.json"
	rm -rf "$work"
}
