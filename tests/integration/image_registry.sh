#!/usr/bin/env bash
# IMG-01 docker:// against real registries on loopback: Debian's docker-registry
# (distribution 2.8) with a filesystem store, an image pushed by skopeo, then read back
# plain (HTTP), with Basic auth (htpasswd), with Bearer tokens (a token server of this
# test signing RS256 JWTs with a key made here), through a front that redirects blobs to
# another origin (the Authorization header must not follow), and over HTTPS with a
# self-signed certificate. Every server is stopped at the end.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/images.sh"

for tool in docker-registry skopeo htpasswd openssl python3 jq curl; do
	command -v $tool >/dev/null || { echo "image_registry: $tool is missing (scripts/setup installs it)"; echo "image_registry: 0 passed, 1 failed"; exit 1; }
done
root=$(deb12_rootfs) || { echo "image_registry: cannot debootstrap a Debian 12 rootfs"; echo "image_registry: 0 passed, 1 failed"; exit 1; }

if "$CGUARD" image sbom docker://127.0.0.1:1/x 2>&1 | grep -q "unsupported transport"; then
	echo "image_registry: this cguard has no docker transport (CG_SOURCE(docker) in lib/image/sources.def, libcurl in the Makefile's PKGS)"
	echo "image_registry: 0 passed, 1 failed"; exit 1
fi

PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$T_TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # wait_http URL [curl args]: until anything answers (10 s)
	local url=$1 i; shift
	for i in $(seq 100); do
		curl -s -o /dev/null "$@" "$url" && return 0
		sleep 0.1
	done
	echo "  (nothing answers at $url)"; return 1
}
STORE=$T_TMP/store
# start_registry NAME PORT [extra YAML lines]: one registry on the shared store
start_registry() {
	local name=$1 port=$2; shift 2
	{
		printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n'
		printf 'storage:\n  filesystem:\n    rootdirectory: %s\n' "$STORE"
		printf 'http:\n  addr: 127.0.0.1:%s\n  secret: cguard-test\n' "$port"
		local l; for l in "$@"; do printf '%s\n' "$l"; done
	} >"$T_TMP/$name.yml"
	docker-registry serve "$T_TMP/$name.yml" >"$T_TMP/$name.log" 2>&1 &
	PIDS+=($!)
}

# ---- the images: Debian 12 (amd64), a small arm64 one, an index of both -------------
tar -C "$root" --numeric-owner --exclude=./.complete -cf "$T_TMP/l1.tar" .
oci_layout "$T_TMP/oci" test "$T_TMP/l1.tar"
"$CGUARD" image sbom "oci:$T_TMP/oci:test" -f json -q -o "$T_TMP/oci.json"
check_eq "oci: exit status" "$?" 0
pkgs() { jq -r '.packages[] | "\(.type)\t\(.name)\t\(.version)\t\(.arch)"' "$1" | sort; }
pkgs "$T_TMP/oci.json" >"$T_TMP/oci.pkgs"
check "oci: many Debian packages" test "$(wc -l <"$T_TMP/oci.pkgs")" -gt 50

multi=$T_TMP/multi
cp -r "$T_TMP/oci" "$multi"
mkdir -p "$T_TMP/arm/etc" "$T_TMP/arm/var/lib/dpkg"
cp -L "$root/etc/os-release" "$T_TMP/arm/etc/os-release"
printf 'Package: hello-arm\nStatus: install ok installed\nPriority: optional\nSection: misc\nMaintainer: cguard tests\nArchitecture: arm64\nVersion: 1.0-1\nDescription: a package of the arm64 image\n\n' >"$T_TMP/arm/var/lib/dpkg/status"
tar -C "$T_TMP/arm" --numeric-owner -cf "$T_TMP/arm.tar" .
gzip -n -c "$T_TMP/arm.tar" >"$T_TMP/arm.tar.gz"
read -r ald als < <(_blob "$multi" "$T_TMP/arm.tar.gz")
printf '{"architecture":"arm64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
	"$(sha256sum "$T_TMP/arm.tar" | cut -d' ' -f1)" >"$T_TMP/arm.cfg"
read -r acd acs < <(_blob "$multi" "$T_TMP/arm.cfg")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
	"$acd" "$acs" "$ald" "$als" >"$T_TMP/arm.man"
read -r amd ams < <(_blob "$multi" "$T_TMP/arm.man")
xmd=$(jq -r '.manifests[0].digest' "$T_TMP/oci/index.json")
xms=$(jq -r '.manifests[0].size' "$T_TMP/oci/index.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"platform":{"architecture":"amd64","os":"linux"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]}' \
	"$xmd" "$xms" "$amd" "$ams" >"$T_TMP/index.blob"
read -r ixd ixs < <(_blob "$multi" "$T_TMP/index.blob")
# two layers (Debian, then the arm64 one's files on top): read in parallel
l1d=$(jq -r '.layers[0].digest' "$T_TMP/oci/blobs/sha256/${xmd#sha256:}")
l1s=$(jq -r '.layers[0].size' "$T_TMP/oci/blobs/sha256/${xmd#sha256:}")
printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["sha256:%s","sha256:%s"]}}' \
	"$(sha256sum "$T_TMP/l1.tar" | cut -d' ' -f1)" "$(sha256sum "$T_TMP/arm.tar" | cut -d' ' -f1)" >"$T_TMP/two.cfg"
read -r tcd tcs < <(_blob "$multi" "$T_TMP/two.cfg")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s},{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
	"$tcd" "$tcs" "$l1d" "$l1s" "$ald" "$als" >"$T_TMP/two.man"
read -r tmd tms < <(_blob "$multi" "$T_TMP/two.man")
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"multi"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"two"}}]}' \
	"$ixd" "$ixs" "$tmd" "$tms" >"$multi/index.json"

# ---- a plain registry: push, then read back --------------------------------------
P=$(free_port)
REG=127.0.0.1:$P
start_registry plain "$P"
wait_http "http://$REG/v2/"
check "registry: answers" curl -sf "http://$REG/v2/"
skopeo copy -q --dest-tls-verify=false "oci:$T_TMP/oci:test" "docker://$REG/cguard/deb12:test" 2>"$T_TMP/skopeo.err"
check_eq "skopeo pushed the Debian image" "$?" 0
skopeo copy -q --dest-tls-verify=false --format v2s2 "oci:$T_TMP/oci:test" "docker://$REG/cguard/deb12:v2s2" 2>>"$T_TMP/skopeo.err"
check_eq "skopeo pushed it as Docker v2 schema 2" "$?" 0
skopeo copy -q --all --dest-tls-verify=false "oci:$multi:multi" "docker://$REG/cguard/multi:1" 2>>"$T_TMP/skopeo.err"
check_eq "skopeo pushed the multi-platform index" "$?" 0
skopeo copy -q --dest-tls-verify=false "oci:$T_TMP/oci:test" "docker://$REG/cguard/public:1" 2>>"$T_TMP/skopeo.err"
skopeo copy -q --dest-tls-verify=false "oci:$multi:two" "docker://$REG/cguard/two:1" 2>>"$T_TMP/skopeo.err"
[ -s "$T_TMP/skopeo.err" ] && cat "$T_TMP/skopeo.err"

sbom() { # sbom NAME REF [flags]: JSON into $T_TMP/NAME.json, stderr into NAME.err, packages into NAME.pkgs
	local name=$1 ref=$2; shift 2
	"$CGUARD" image sbom "$ref" -f json -o "$T_TMP/$name.json" "$@" 2>"$T_TMP/$name.err" </dev/null
	local st=$?
	[ $st -eq 0 ] && pkgs "$T_TMP/$name.json" >"$T_TMP/$name.pkgs"
	return $st
}

t0=$(date +%s.%N)
sbom reg "docker://$REG/cguard/deb12:test" --insecure-registry "$REG"
check_eq "docker: exit status" "$?" 0
t1=$(date +%s.%N)
check "docker: same packages as oci:" cmp -s "$T_TMP/oci.pkgs" "$T_TMP/reg.pkgs"
check_eq "docker: same file information as oci:" "$(jq -c .files "$T_TMP/reg.json")" "$(jq -c .files "$T_TMP/oci.json")"
check_eq "docker: the manifest digest" "$(jq -r .image.manifest_digest "$T_TMP/reg.json")" "$xmd"
check_eq "docker: the name" "$(jq -r .image.name "$T_TMP/reg.json")" "$REG/cguard/deb12:test"
check_eq "docker: the transport" "$(jq -r .image.transport "$T_TMP/reg.json")" "docker"
skopeo_t0=$(date +%s.%N)
skopeo copy -q --src-tls-verify=false "docker://$REG/cguard/deb12:test" "dir:$T_TMP/skopeo-dir" 2>/dev/null
skopeo_t1=$(date +%s.%N)
layer_size=$(jq -r '.layers[0].size' "$T_TMP/oci/blobs/sha256/${xmd#sha256:}")
echo "  (Debian image, a $layer_size-byte layer: cguard sbom from the registry $(awk "BEGIN{printf \"%.2f\", $t1 - $t0}") s, skopeo copy to dir: $(awk "BEGIN{printf \"%.2f\", $skopeo_t1 - $skopeo_t0}") s)"

# streaming: the layer never sits in memory whole
if [ -x /usr/bin/time ] && ! grep -qa __asan_init "$CGUARD"; then # (not under ASan: its shadow memory)
	/usr/bin/time -f %M -o "$T_TMP/rss" "$CGUARD" image sbom "docker://$REG/cguard/deb12:test" --insecure-registry "$REG" -q -o /dev/null
	check "docker: peak memory ($(cat "$T_TMP/rss") KiB) below the compressed layer's size" \
		test "$(cat "$T_TMP/rss")" -lt $((layer_size / 1024))
fi

sbom v2s2 "docker://$REG/cguard/deb12:v2s2" --insecure-registry "$REG"
check_eq "docker v2s2: exit status" "$?" 0
check "docker v2s2: same packages" cmp -s "$T_TMP/oci.pkgs" "$T_TMP/v2s2.pkgs"

sbom bydigest "docker://$REG/cguard/deb12@$xmd" --insecure-registry "$REG"
check_eq "by digest: exit status" "$?" 0
check "by digest: same packages" cmp -s "$T_TMP/oci.pkgs" "$T_TMP/bydigest.pkgs"
check_eq "by digest: the name" "$(jq -r .image.name "$T_TMP/bydigest.json")" "$REG/cguard/deb12@$xmd"
sbom bydigest2 "docker://$REG/cguard/deb12:test@$xmd" --insecure-registry "$REG"
check_eq "tag and digest: exit status" "$?" 0
bad=sha256:$(printf '%064d' 0)
sbom baddigest "docker://$REG/cguard/deb12@$bad" --insecure-registry "$REG"
check_eq "unknown digest: exit status" "$?" 1
check "unknown digest: says not found" grep -q "not found" "$T_TMP/baddigest.err"

sbom missing "docker://$REG/cguard/deb12:nope" --insecure-registry "$REG"
check_eq "missing tag: exit status" "$?" 1
check "missing tag: a clear message" grep -q "manifest 'nope' not found in $REG/cguard/deb12 (HTTP 404: MANIFEST_UNKNOWN" "$T_TMP/missing.err"
sbom norepo "docker://$REG/cguard/nothing:1" --insecure-registry "$REG"
check_eq "missing repository: exit status" "$?" 1
sbom plainnoflag "docker://$REG/cguard/deb12:test"
check_eq "plain HTTP without --insecure-registry: refused" "$?" 1
check "plain HTTP without --insecure-registry: says why" grep -q "needs --insecure-registry $REG" "$T_TMP/plainnoflag.err"
sbom badref "docker://$REG/Cguard/deb12:test" --insecure-registry "$REG"
check_eq "uppercase repository: exit status" "$?" 1
check "uppercase repository: says why" grep -q "lowercase" "$T_TMP/badref.err"

sbom multi "docker://$REG/cguard/multi:1" --insecure-registry "$REG"
check_eq "index: exit status" "$?" 0
check "index: linux/amd64 by default" cmp -s "$T_TMP/oci.pkgs" "$T_TMP/multi.pkgs"
sbom arm "docker://$REG/cguard/multi:1" --insecure-registry "$REG" --platform linux/arm64
check_eq "index --platform linux/arm64: exit status" "$?" 0
check_eq "index --platform linux/arm64: its one package" "$(cat "$T_TMP/arm.pkgs")" "$(printf 'deb\thello-arm\t1.0-1\tarm64')"
check_eq "index --platform linux/arm64: its manifest" "$(jq -r .image.manifest_digest "$T_TMP/arm.json")" "$amd"
check_eq "index --platform linux/arm64: its architecture" "$(jq -r .image.architecture "$T_TMP/arm.json")" "arm64"
sbom s390x "docker://$REG/cguard/multi:1" --insecure-registry "$REG" --platform linux/s390x
check_eq "index --platform linux/s390x: exit status" "$?" 1
check "index --platform linux/s390x: says why" grep -q "no manifest for platform linux/s390x" "$T_TMP/s390x.err"
sbom two "docker://$REG/cguard/two:1" --insecure-registry "$REG" --threads 2
check_eq "two layers read in parallel: exit status" "$?" 0
check_eq "two layers read in parallel: both layers" "$(jq '.image.layers | length' "$T_TMP/two.json")" 2
check_eq "two layers read in parallel: the top layer's dpkg status" "$(cat "$T_TMP/two.pkgs" 2>/dev/null)" "$(printf 'deb\thello-arm\t1.0-1\tarm64')"
sbom multidigest "docker://$REG/cguard/multi@$ixd" --insecure-registry "$REG" --platform linux/arm64/v8
check_eq "index by digest, linux/arm64/v8" "$(cat "$T_TMP/multidigest.pkgs" 2>/dev/null)" "$(printf 'deb\thello-arm\t1.0-1\tarm64')"

# ---- Basic auth (htpasswd, bcrypt) ------------------------------------------------
htpasswd -Bbn alice 's3cret pass' >"$T_TMP/htpasswd" 2>/dev/null
PB=$(free_port)
REGB=127.0.0.1:$PB
start_registry basic "$PB" 'auth:' '  htpasswd:' '    realm: cguard-basic' "    path: $T_TMP/htpasswd"
wait_http "http://$REGB/v2/"
check_eq "basic: the registry asks for credentials" "$(curl -s -o /dev/null -w '%{http_code}' "http://$REGB/v2/")" 401
sbom b_anon "docker://$REGB/cguard/deb12:test" --insecure-registry "$REGB"
check_eq "basic, no credentials: exit status" "$?" 1
check "basic, no credentials: says so" grep -q "requires authentication" "$T_TMP/b_anon.err"
echo wrong >"$T_TMP/wrongpw"
"$CGUARD" image sbom "docker://$REGB/cguard/deb12:test" --insecure-registry "$REGB" --username alice --password-stdin -q -o /dev/null <"$T_TMP/wrongpw" 2>"$T_TMP/b_wrong.err"
check_eq "basic, wrong password: exit status" "$?" 1
check "basic, wrong password: says the credentials were refused" grep -q "authentication failed" "$T_TMP/b_wrong.err"
check "basic, wrong password: no password in the message" bash -c "! grep -q wrong '$T_TMP/b_wrong.err'"
printf 's3cret pass\n' >"$T_TMP/pw"
"$CGUARD" image sbom "docker://$REGB/cguard/deb12:test" --insecure-registry "$REGB" --username alice --password-stdin -f json -q -o "$T_TMP/b_ok.json" <"$T_TMP/pw" 2>"$T_TMP/b_ok.err"
check_eq "basic, --password-stdin: exit status" "$?" 0
pkgs "$T_TMP/b_ok.json" >"$T_TMP/b_ok.pkgs" 2>/dev/null
check "basic, --password-stdin: same packages" cmp -s "$T_TMP/oci.pkgs" "$T_TMP/b_ok.pkgs"
sbom b_flag "docker://$REGB/cguard/deb12:test" --insecure-registry "$REGB" --username alice --password 's3cret pass'
check_eq "basic, --password: exit status" "$?" 0
mkdir -p "$T_TMP/dockercfg"
printf '{"auths":{"other.example:5000":{"auth":"%s"},"%s":{"auth":"%s"}},"credHelpers":{"gcr.io":"gcloud"}}' \
	"$(printf 'x:y' | base64)" "$REGB" "$(printf 'alice:s3cret pass' | base64)" >"$T_TMP/dockercfg/config.json"
sbom b_authfile "docker://$REGB/cguard/deb12:test" --insecure-registry "$REGB" --authfile "$T_TMP/dockercfg/config.json"
check_eq "basic, --authfile: exit status" "$?" 0
check "basic, --authfile: same packages" cmp -s "$T_TMP/oci.pkgs" "$T_TMP/b_authfile.pkgs"
DOCKER_CONFIG=$T_TMP/dockercfg sbom b_dockercfg "docker://$REGB/cguard/deb12:test" --insecure-registry "$REGB"
check_eq "basic, \$DOCKER_CONFIG/config.json: exit status" "$?" 0
printf '{"auths":{"http://%s/v1/":{"auth":"%s"}}}' "$REGB" "$(printf 'alice:nope' | base64)" >"$T_TMP/badcfg.json"
sbom b_badcfg "docker://$REGB/cguard/deb12:test" --insecure-registry "$REGB" --authfile "$T_TMP/badcfg.json"
check_eq "basic, authfile with a wrong password: exit status" "$?" 1
check "basic, authfile with a wrong password: says so" grep -q "authentication failed" "$T_TMP/b_badcfg.err"
printf '{"auths":{"%s":{}},"credsStore":"desktop"}' "$REGB" >"$T_TMP/storecfg.json"
sbom b_store "docker://$REGB/cguard/deb12:test" --insecure-registry "$REGB" --authfile "$T_TMP/storecfg.json"
check_eq "basic, credsStore only: exit status" "$?" 1
check "basic, credsStore only: warns that helpers are not run" grep -q "credsStore (docker-credential-desktop), which cguard does not use" "$T_TMP/b_store.err"
sbom b_nofile "docker://$REGB/cguard/deb12:test" --insecure-registry "$REGB" --authfile "$T_TMP/absent.json"
check_eq "basic, missing --authfile: exit status" "$?" 1

# ---- a front that redirects blobs to another origin ---------------------------------
cat >"$T_TMP/front.py" <<'EOF'
# Registry front: relays /v2/ to the upstream registry (the first manifest GET gets a 503,
# the first GET of each blob a 429, to be retried), but answers blob GETs with a 307
# to a storage server on another origin (localhost instead of 127.0.0.1) that serves the
# blob from the registry's store and refuses any request carrying Authorization.
import http.client, http.server, os, sys, threading
front_port, store_port, upstream, store, log = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
def note(s):
    with open(log, "a") as f: f.write(s + "\n")
seen = set()
class Front(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def busy(self, code, what):
        note("%d %s" % (code, what))
        self.send_response(code)
        if code == 503: self.send_header("Retry-After", "0")
        self.send_header("Content-Length", "0")
        self.end_headers()
    def relay(self, method):
        c = http.client.HTTPConnection(upstream, timeout=30)
        hdrs = {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "accept")}
        c.request(method, self.path, headers=hdrs)
        return c.getresponse()
    def do_GET(self):
        if self.path not in seen and ("/manifests/" in self.path or "/blobs/" in self.path):
            seen.add(self.path)
            return self.busy(503 if "/manifests/" in self.path else 429, self.path)
        if "/blobs/sha256:" in self.path:
            r = self.relay("HEAD")
            r.read()
            if r.status == 200:
                hexd = self.path.rsplit("sha256:", 1)[1]
                self.send_response(307)
                self.send_header("Location", "http://localhost:%d/data/%s?X-Signature=secret" % (store_port, hexd))
                self.send_header("Content-Length", "0")
                self.end_headers()
                note("redirect " + hexd)
                return
        else:
            r = self.relay("GET")
        body = r.read()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() in ("www-authenticate", "content-type", "docker-content-digest"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
class Storage(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        if self.headers.get("Authorization"):
            note("LEAK " + self.path)
            self.send_response(400); self.send_header("Content-Length", "0"); self.end_headers(); return
        hexd = self.path.split("/data/", 1)[1].split("?", 1)[0]
        p = os.path.join(store, "docker/registry/v2/blobs/sha256", hexd[:2], hexd, "data")
        size = os.path.getsize(p)
        self.send_response(200)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        with open(p, "rb") as f:
            while True:
                b = f.read(1 << 16)
                if not b: break
                self.wfile.write(b)
        note("served " + hexd)
s1 = http.server.ThreadingHTTPServer(("127.0.0.1", front_port), Front)
s2 = http.server.ThreadingHTTPServer(("127.0.0.1", store_port), Storage)
threading.Thread(target=s2.serve_forever, daemon=True).start()
s1.serve_forever()
EOF
PF=$(free_port); PS=$(free_port)
python3 "$T_TMP/front.py" "$PF" "$PS" "$REGB" "$STORE" "$T_TMP/front.log" 2>"$T_TMP/front.err" &
PIDS+=($!)
wait_http "http://127.0.0.1:$PF/v2/"
sbom redirect "docker://127.0.0.1:$PF/cguard/deb12:test" --insecure-registry "127.0.0.1:$PF" --username alice --password 's3cret pass'
check_eq "redirected blobs: exit status" "$?" 0
check "redirected blobs: same packages" cmp -s "$T_TMP/oci.pkgs" "$T_TMP/redirect.pkgs"
check_eq "redirected blobs: config and layer came from the storage origin" "$(grep -c '^served' "$T_TMP/front.log")" 2
check_eq "redirected blobs: 503 and 429 answers were retried" "$(grep -c '^50[3] .*/manifests/test' "$T_TMP/front.log") $(grep -c '^429 .*/blobs/' "$T_TMP/front.log")" "1 2"
check "redirected blobs: Authorization never went to the storage origin" bash -c "! grep -q LEAK '$T_TMP/front.log'"
check "redirected blobs: the signed query is not logged" bash -c "CGUARD_DEBUG=1 '$CGUARD' image sbom docker://127.0.0.1:$PF/cguard/deb12:test --insecure-registry 127.0.0.1:$PF --username alice --password 's3cret pass' -q -o /dev/null 2>&1 | grep -q 'GET http://localhost:$PS/data/' && ! CGUARD_DEBUG=1 '$CGUARD' image sbom docker://127.0.0.1:$PF/cguard/deb12:test --insecure-registry 127.0.0.1:$PF --username alice --password 's3cret pass' -q -o /dev/null 2>&1 | grep -qi 'signature\\|s3cret'"

# ---- Bearer tokens: a token server of our own, RS256 JWTs ------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T_TMP/token.key" -out "$T_TMP/token.crt" -days 2 -subj "/CN=cguard token signer" 2>/dev/null
openssl x509 -in "$T_TMP/token.crt" -outform DER | base64 -w0 >"$T_TMP/token.x5c"
cat >"$T_TMP/token.py" <<'EOF'
# A docker token server: Basic credentials alice:"s3cret pass" get pull on what they ask;
# anonymous requests get pull on cguard/public only. Tokens are RS256 JWTs signed by
# openssl with the key of this test, the certificate in x5c.
import base64, http.server, json, os, subprocess, sys, time, urllib.parse
port, key, x5c, log = int(sys.argv[1]), sys.argv[2], open(sys.argv[3]).read().strip(), sys.argv[4]
def b64u(b): return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(u.query)
        user = None
        auth = self.headers.get("Authorization")
        if auth:
            try:
                up = base64.b64decode(auth.split(" ", 1)[1]).decode()
            except Exception:
                up = ""
            if not auth.startswith("Basic ") or up != "alice:s3cret pass":
                with open(log, "a") as f: f.write("refused\n")
                self.send_response(401); self.send_header("Content-Length", "0"); self.end_headers(); return
            user = "alice"
        access = []
        for sc in q.get("scope", []):
            typ, name, actions = sc.split(":")
            if typ == "repository" and (user or name == "cguard/public"):
                access.append({"type": typ, "name": name, "actions": ["pull"]})
        now = int(time.time())
        hdr = {"typ": "JWT", "alg": "RS256", "x5c": [x5c]}
        claims = {"iss": "cguard-test-issuer", "sub": user or "", "aud": q.get("service", [""])[0],
                  "exp": now + 300, "nbf": now - 10, "iat": now, "jti": os.urandom(8).hex(), "access": access}
        si = b64u(json.dumps(hdr).encode()) + "." + b64u(json.dumps(claims).encode())
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=si.encode(),
                             capture_output=True, check=True).stdout
        tok = si + "." + b64u(sig)
        body = json.dumps({"access_token": tok, "expires_in": 300} if user else {"token": tok}).encode()
        with open(log, "a") as f: f.write("token user=%s scope=%s service=%s\n" % (user, ",".join(q.get("scope", [])), q.get("service", [""])[0]))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
EOF
PT=$(free_port)
python3 "$T_TMP/token.py" "$PT" "$T_TMP/token.key" "$T_TMP/token.x5c" "$T_TMP/token.log" 2>"$T_TMP/token.err" &
PIDS+=($!)
wait_http "http://127.0.0.1:$PT/token"
PK=$(free_port)
REGT=127.0.0.1:$PK
start_registry bearer "$PK" 'auth:' '  token:' "    realm: http://127.0.0.1:$PT/token" \
	'    service: cguard-test-registry' '    issuer: cguard-test-issuer' "    rootcertbundle: $T_TMP/token.crt"
wait_http "http://$REGT/v2/"
check "bearer: the registry sends a Bearer challenge" bash -c "curl -sI http://$REGT/v2/ | grep -qi '^www-authenticate: Bearer realm=\"http://127.0.0.1:$PT/token\"'"
sbom t_ok "docker://$REGT/cguard/deb12:test" --insecure-registry "$REGT" --username alice --password 's3cret pass'
check_eq "bearer, right password: exit status" "$?" 0
check "bearer, right password: same packages" cmp -s "$T_TMP/oci.pkgs" "$T_TMP/t_ok.pkgs"
check "bearer: the token server got service and scope" grep -q "token user=alice scope=repository:cguard/deb12:pull service=cguard-test-registry" "$T_TMP/token.log"
sbom t_wrong "docker://$REGT/cguard/deb12:test" --insecure-registry "$REGT" --username alice --password 'not it'
check_eq "bearer, wrong password: exit status" "$?" 1
check "bearer, wrong password: the token server refused" grep -q "authentication failed: the token server refused the username or password (HTTP 401)" "$T_TMP/t_wrong.err"
sbom t_anon "docker://$REGT/cguard/deb12:test" --insecure-registry "$REGT"
check_eq "bearer, anonymous on a private repository: exit status" "$?" 1
check "bearer, anonymous on a private repository: says access was denied" grep -q "access denied (insufficient_scope)" "$T_TMP/t_anon.err"
sbom t_public "docker://$REGT/cguard/public:1" --insecure-registry "$REGT"
check_eq "bearer, anonymous on a public repository: exit status" "$?" 0
check "bearer, anonymous on a public repository: same packages" cmp -s "$T_TMP/oci.pkgs" "$T_TMP/t_public.pkgs"
sbom t_authfile "docker://$REGT/cguard/multi:1" --insecure-registry "$REGT" --authfile "$T_TMP/dockercfg/config.json" --platform linux/arm64
check_eq "bearer, no entry for this host in the authfile: refused" "$?" 1
printf '{"auths":{"%s":{"auth":"%s"}}}' "$REGT" "$(printf 'alice:s3cret pass' | base64)" >"$T_TMP/tcfg.json"
sbom t_authfile "docker://$REGT/cguard/multi:1" --insecure-registry "$REGT" --authfile "$T_TMP/tcfg.json" --platform linux/arm64
check_eq "bearer, authfile, index: exit status" "$?" 0
check_eq "bearer, authfile, index: the arm64 package" "$(cat "$T_TMP/t_authfile.pkgs" 2>/dev/null)" "$(printf 'deb\thello-arm\t1.0-1\tarm64')"

# ---- HTTPS with a self-signed certificate ------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T_TMP/tls.key" -out "$T_TMP/tls.crt" -days 2 \
	-subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
PH=$(free_port)
REGS=127.0.0.1:$PH
start_registry tls "$PH" '  tls:' "    certificate: $T_TMP/tls.crt" "    key: $T_TMP/tls.key"
wait_http "https://$REGS/v2/" -k
sbom s_strict "docker://$REGS/cguard/deb12:test"
check_eq "https, self-signed, verified: refused" "$?" 1
check "https, self-signed, verified: a verification error" grep -q "TLS certificate verification failed for $REGS" "$T_TMP/s_strict.err"
CGUARD_DEBUG=1 sbom s_insecure "docker://$REGS/cguard/deb12:test" --insecure-registry "$REGS"
check_eq "https, self-signed, --insecure-registry: exit status" "$?" 0
check "https, self-signed, --insecure-registry: same packages" cmp -s "$T_TMP/oci.pkgs" "$T_TMP/s_insecure.pkgs"
check "https, self-signed, --insecure-registry: stays on HTTPS" bash -c "grep -q 'GET https://$REGS/v2/cguard/deb12/manifests/test' '$T_TMP/s_insecure.err' && ! grep -q 'GET http://' '$T_TMP/s_insecure.err'"
mkdir -p "$T_TMP/certs.d/$REGS"
cp "$T_TMP/tls.crt" "$T_TMP/certs.d/$REGS/ca.crt"
CGUARD_CERTS_DIR=$T_TMP/certs.d sbom s_ca "docker://$REGS/cguard/deb12:test"
check_eq "https, self-signed, its CA in a certs.d folder: exit status" "$?" 0
check "https, self-signed, its CA in a certs.d folder: same packages" cmp -s "$T_TMP/oci.pkgs" "$T_TMP/s_ca.pkgs"
mkdir -p "$T_TMP/certs.d/other:1"
mv "$T_TMP/certs.d/$REGS/ca.crt" "$T_TMP/certs.d/other:1/"
CGUARD_CERTS_DIR=$T_TMP/certs.d sbom s_ca_other "docker://$REGS/cguard/deb12:test"
check_eq "https, the CA filed under another host: refused" "$?" 1

finish
