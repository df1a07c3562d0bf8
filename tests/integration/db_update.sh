#!/usr/bin/env bash
# cguard db update against servers on loopback: the project's feed excerpts packed on the fly
# into .zip and .tar.gz (as OSV and GitHub serve them) and served by `python3 -m http.server`
# and by an HTTPS server with a certificate made here (it also sends ETags, truncates,
# redirects and streams without a length on request). The database must hold what
# `cguard db build` makes from the same files; a second update must be all 304s and keep the
# database; every failure (bad sha256, 404, truncated, ../ in a zip, zip bomb, --max-size,
# untrusted certificate, https->http redirect, plain http) must name the cause and leave the
# previous database byte-identical.
. "$(dirname "$0")/lib/common.sh"
feeds=$TOP/tests/data/feeds

for tool in python3 openssl jq sqlite3 curl sha256sum; do
	command -v $tool >/dev/null || { echo "db_update: $tool is missing"; echo "db_update: 0 passed, 1 failed"; exit 1; }
done

PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	[ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # wait_http URL [curl args]
	local url=$1 i; shift
	for i in $(seq 100); do
		curl -s -o /dev/null "$@" "$url" && return 0
		sleep 0.1
	done
	echo "  (nothing answers at $url)"; return 1
}

# ---- what the servers serve ----------------------------------------------------------------
www=$T_TMP/www
mkdir -p "$www/kev" "$www/debian-support" "$www/alpine/v3.12" "$www/alpine/v3.11" "$www/tracker/data"
cp "$feeds/kev/known_exploited_vulnerabilities.json" "$www/kev/"
cp "$feeds/debian-support/security-support-ended.deb12" "$feeds/debian-support/security-support-limited" "$www/debian-support/"
cp "$feeds/alpine/312-main.json" "$www/alpine/v3.12/main.json"
cp "$feeds/alpine/311-main.json" "$www/alpine/v3.11/main.json"
cp "$feeds/debian/tracker.json" "$www/tracker/data/json"
python3 - "$feeds" "$www" <<'EOF'
import os, sys, tarfile, zipfile
feeds, www = sys.argv[1:]
osv = os.path.join(feeds, 'osv')
# OSV's all.zip: the records of an ecosystem, flat
with zipfile.ZipFile(os.path.join(www, 'osv.zip'), 'w', zipfile.ZIP_DEFLATED) as z:
    for root, dirs, files in sorted(os.walk(osv)):
        for f in sorted(files):
            if f.endswith(('.json', '.yaml')):
                z.write(os.path.join(root, f), f)
# GitHub's archive of rustsec/advisory-db main: one top folder
with tarfile.open(os.path.join(www, 'rustsec-main.tar.gz'), 'w:gz') as t:
    t.add(os.path.join(feeds, 'rustsec'), arcname='advisory-db-main')
# the same tar.gz under a name that says nothing: recognised by its bytes
os.link(os.path.join(www, 'rustsec-main.tar.gz'), os.path.join(www, 'rustsec-archive'))
# a zip whose second entry climbs out of the folder
with zipfile.ZipFile(os.path.join(www, 'evil.zip'), 'w') as z:
    z.writestr('ok.json', '{"id": "OK-1", "affected": []}')
    z.writestr('../../escaped.json', '{"id": "EVIL-1", "affected": []}')
# a zip with an absolute name
with zipfile.ZipFile(os.path.join(www, 'abs.zip'), 'w') as z:
    z.writestr('ok.json', '{"id": "OK-1", "affected": []}')
    zi = zipfile.ZipInfo('/tmp/cguard-db-update-absolute.json')
    z.writestr(zi, '{}')
# a tar.gz with a symlink out and a file written through it
with tarfile.open(os.path.join(www, 'links.tar.gz'), 'w:gz') as t:
    ti = tarfile.TarInfo('top/out'); ti.type = tarfile.SYMTYPE; ti.linkname = '/tmp'
    t.addfile(ti)
    import io
    data = b'{"id": "LINK-1", "affected": []}'
    ti = tarfile.TarInfo('top/out/cguard-db-update-through-link.json'); ti.size = len(data)
    t.addfile(ti, io.BytesIO(data))
# a zip bomb: 300 MiB of zeros in a few hundred KiB
with zipfile.ZipFile(os.path.join(www, 'bomb.zip'), 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    with z.open('bomb.json', 'w', force_zip64=True) as f:
        chunk = b'\0' * (1 << 20)
        for _ in range(300):
            f.write(chunk)
# named like a zip, but not one
with open(os.path.join(www, 'fake.zip'), 'wb') as f:
    f.write(b'{"this": "is not a zip"}\n')
EOF
sha() { sha256sum "$1" | cut -d' ' -f1; }

# plain HTTP: python3's own http.server (If-Modified-Since -> 304)
HP=$(free_port)
(cd "$www" && exec python3 -m http.server --bind 127.0.0.1 "$HP") >"$T_TMP/http.log" 2>&1 &
PIDS+=($!)
H=http://127.0.0.1:$HP

# HTTPS with a self-signed certificate; ETags; /truncate/, /nolength/, /to-http/, /hop/ paths
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T_TMP/key.pem" -out "$T_TMP/cert.pem" -days 2 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
cat >"$T_TMP/https.py" <<'EOF'
import hashlib, http.server, os, ssl, sys
root, port, cert, key, log, http_port = sys.argv[1:]
class H(http.server.SimpleHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def log_message(self, fmt, *args):
        with open(log, 'a') as f:
            f.write('"%s" %s ua=%s\n' % (self.requestline, args[1] if len(args) > 1 else '-',
                                          self.headers.get('User-Agent', '') if self.headers else ''))
    def body(self, rel):
        p = os.path.join(root, rel.lstrip('/'))
        return open(p, 'rb').read() if os.path.isfile(p) else None
    def do_GET(self):
        path = self.path
        if path.startswith('/to-http/'):
            self.send_response(302)
            self.send_header('Location', 'http://127.0.0.1:%s/%s' % (http_port, path[9:]))
            self.send_header('Content-Length', '0'); self.end_headers(); return
        if path.startswith('/hop/'):  # https -> https is fine
            self.send_response(301)
            self.send_header('Location', path[4:])
            self.send_header('Content-Length', '0'); self.end_headers(); return
        trunc = path.startswith('/truncate/')
        nolen = path.startswith('/nolength/')
        if trunc or nolen:
            path = path[path.index('/', 1):]
        data = self.body(path)
        if data is None:
            self.send_error(404); return
        etag = '"%s"' % hashlib.sha256(data).hexdigest()[:20]
        if self.headers.get('If-None-Match') == etag:
            self.send_response(304); self.send_header('ETag', etag); self.end_headers(); return
        self.send_response(200)
        self.send_header('ETag', etag)
        if nolen:
            self.send_header('Connection', 'close')
            self.end_headers(); self.wfile.write(data); self.close_connection = True; return
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        if trunc:
            self.wfile.write(data[:len(data) // 2]); self.wfile.flush(); self.close_connection = True
            return
        self.wfile.write(data)
httpd = http.server.ThreadingHTTPServer(('127.0.0.1', int(port)), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
httpd.serve_forever()
EOF
SP=$(free_port)
python3 "$T_TMP/https.py" "$www" "$SP" "$T_TMP/cert.pem" "$T_TMP/key.pem" "$T_TMP/https.log" "$HP" >"$T_TMP/https.err" 2>&1 &
PIDS+=($!)
S=https://127.0.0.1:$SP
wait_http "$H/kev/known_exploited_vulnerabilities.json" || { finish; exit 1; }
wait_http "$S/kev/known_exploited_vulnerabilities.json" --cacert "$T_TMP/cert.pem" || { finish; exit 1; }

# ---- a first update: every feed type, over HTTP and HTTPS -----------------------------------
cat >"$T_TMP/feeds.conf" <<EOF
# the test feeds
osv            $H/osv.zip
rustsec        $H/rustsec-main.tar.gz   # GitHub's archive layout
kev            $H/kev/known_exploited_vulnerabilities.json
debian-support $H/debian-support/security-support-ended.deb12
debian-support $H/debian-support/security-support-limited
alpine         $S/alpine/v3.12/main.json
debian         $S/tracker/data/json
EOF
nsrc=7
db=$T_TMP/db/vuln.db
mkdir -p "$T_TMP/db"
U() { "$CGUARD" db update --db "$db" "$@"; }
U --config "$T_TMP/feeds.conf" --allow-http --ca-file "$T_TMP/cert.pem" >"$T_TMP/out" 2>"$T_TMP/err"
check_eq "first update: exit status" "$?" 0
check "first update: says it wrote the database" grep -q "^wrote $db" "$T_TMP/out"
check "first update: progress on stderr" grep -q "osv $H/osv.zip: downloaded" "$T_TMP/err"
check "first update: archives unpacked" grep -q "rustsec $H/rustsec-main.tar.gz: unpacked" "$T_TMP/err"
"$CGUARD" db info --db "$db" --json >"$T_TMP/info.json"
check_eq "info lists every feed" "$(jq '.feeds | length' "$T_TMP/info.json")" $nsrc
check_eq "info: the feed types in order" "$(jq -r '[.feeds[].type] | join(",")' "$T_TMP/info.json")" \
	"osv,rustsec,kev,debian-support,debian-support,alpine,debian"
check "info: every feed added advisories" jq -e '[.feeds[] | .advisories > 0] | all' "$T_TMP/info.json"
check "info: nothing skipped" jq -e '[.feeds[] | .skipped == 0] | all' "$T_TMP/info.json"
check "info: archives read from the cache" jq -e '.feeds[0].path | test("/.cguard-feeds/osv-.*/tree$")' "$T_TMP/info.json"

# the same data through `cguard db build` from the committed files
"$CGUARD" db build -o "$T_TMP/ref.db" "osv:$feeds/osv" "rustsec:$feeds/rustsec" "kev:$feeds/kev" \
	"debian-support:$feeds/debian-support/security-support-ended.deb12" \
	"debian-support:$feeds/debian-support/security-support-limited" \
	"alpine:$feeds/alpine/312-main.json" "debian:$feeds/debian/tracker.json" >/dev/null 2>&1
"$CGUARD" db info --db "$T_TMP/ref.db" --json >"$T_TMP/ref.json"
for k in advisories affected kev; do
	check_eq "same $k as db build" "$(jq .$k "$T_TMP/info.json")" "$(jq .$k "$T_TMP/ref.json")"
done
check_eq "same files per feed as db build" "$(jq -c '[.feeds[] | [.files, .advisories]]' "$T_TMP/info.json")" \
	"$(jq -c '[.feeds[] | [.files, .advisories]]' "$T_TMP/ref.json")"
check_eq "same affected per ecosystem" "$(jq -c .affected_by_ecosystem "$T_TMP/info.json")" \
	"$(jq -c .affected_by_ecosystem "$T_TMP/ref.json")"
check_eq "sqlite3: advisories from the tar.gz" "$(sqlite3 "$db" "SELECT count(*) FROM advisories WHERE source = 'rustsec'")" \
	"$(find "$feeds/rustsec" -name 'RUSTSEC-*.md' | wc -l)"
check "HTTPS requests carry User-Agent cguard/VERSION" \
	grep -q " ua=cguard/$("$CGUARD" --version | cut -d' ' -f2)\$" "$T_TMP/https.log"
good=$(sha "$db")

# ---- a second update: nothing changed -> 304s, the database kept ------------------------------
hl=$(wc -l <"$T_TMP/http.log"); sl=$(wc -l <"$T_TMP/https.log")
U --config "$T_TMP/feeds.conf" --allow-http --ca-file "$T_TMP/cert.pem" >"$T_TMP/out" 2>"$T_TMP/err"
check_eq "second update: exit status" "$?" 0
check_eq "second update: HTTP requests all 304" "$(tail -n +$((hl + 1)) "$T_TMP/http.log" | grep -c '" 304 ')" 5
check_eq "second update: no HTTP 200" "$(tail -n +$((hl + 1)) "$T_TMP/http.log" | grep -c '" 200 ')" 0
check_eq "second update: HTTPS requests 304 (ETag)" "$(tail -n +$((sl + 1)) "$T_TMP/https.log" | grep -c '" 304')" 2
check "second update: says up to date" grep -q "is up to date: $nsrc feeds not modified" "$T_TMP/out"
check_eq "second update: the database kept byte for byte" "$(sha "$db")" "$good"
check "second update: progress says not modified" grep -q "kev $H/kev/known_exploited_vulnerabilities.json: not modified" "$T_TMP/err"

# --force rebuilds from the cache without downloading
U --config "$T_TMP/feeds.conf" --allow-http --ca-file "$T_TMP/cert.pem" --force -q >"$T_TMP/out" 2>"$T_TMP/err"
check_eq "--force: exit status" "$?" 0
check "--force: rebuilt" grep -q "^wrote $db" "$T_TMP/out"
check_eq "--quiet: no progress" "$(wc -c <"$T_TMP/err")" 0
check_eq "--force: same content" "$("$CGUARD" db info --db "$db" --json | jq -c '[.advisories, .affected, .kev]')" \
	"$(jq -c '[.advisories, .affected, .kev]' "$T_TMP/info.json")"
good=$(sha "$db")
cp "$db" "$T_TMP/good.db"

# a changed feed is downloaded again and the database rebuilt
python3 - "$www/kev/known_exploited_vulnerabilities.json" <<'EOF'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d['vulnerabilities'].append(dict(d['vulnerabilities'][0], cveID='CVE-2099-0001'))
json.dump(d, open(p, 'w'))
EOF
touch -d "@$(($(date +%s) + 5))" "$www/kev/known_exploited_vulnerabilities.json"
U --config "$T_TMP/feeds.conf" --allow-http --ca-file "$T_TMP/cert.pem" >"$T_TMP/out" 2>"$T_TMP/err"
check_eq "changed feed: exit status" "$?" 0
check "changed feed: downloaded again" grep -q "kev $H/kev/known_exploited_vulnerabilities.json: downloaded" "$T_TMP/err"
check_eq "changed feed: only it downloaded" "$(grep -c ': downloaded' "$T_TMP/err")" 1
check_eq "changed feed: the new entry is in the database" \
	"$(sqlite3 "$db" "SELECT kev FROM advisories WHERE name = 'CVE-2099-0001'")" 1
good=$(sha "$db")

# ---- failures: each names its cause and leaves the database as it was ---------------------------
# fails DESCRIPTION WANT_REGEX ARGS...: exit status 1, the message, the database untouched
fails() {
	local what=$1 want=$2; shift 2
	U "$@" >"$T_TMP/out" 2>"$T_TMP/err"
	check_eq "$what: exit status" "$?" 1
	[ -z "${T_VERBOSE:-}" ] || sed 's/^/    | /' "$T_TMP/err"
	check "$what: says why ($want)" grep -qE "$want" "$T_TMP/err"
	check_eq "$what: the database byte-identical" "$(sha "$db")" "$good"
	check "$what: no temporary database left" test -z "$(ls "$T_TMP/db" | grep -v '^vuln.db$')"
}
K=$H/kev/known_exploited_vulnerabilities.json
Z=$(printf '0%.0s' $(seq 64))
fails "bad sha256" "sha256 mismatch: the download \([0-9]+ bytes\) is [0-9a-f]{64}, want 0{64}" \
	--source "kev=$K?fresh sha256=$Z"
fails "bad sha256 of a cached copy (304)" "sha256 mismatch: the server's copy is unchanged \(HTTP 304\) and is [0-9a-f]{64}, want 0{64}" \
	--source "kev=$K sha256=$Z"
fails "404" "HTTP 404" --allow-http --source "kev=$H/kev/nothing.json"
fails "404 among good feeds" "debian $S/tracker/data/missing: HTTP 404" \
	--allow-http --ca-file "$T_TMP/cert.pem" --source "kev=$K" --source "debian=$S/tracker/data/missing"
fails "truncated download" "truncated" --ca-file "$T_TMP/cert.pem" --source "kev=$S/truncate/kev/known_exploited_vulnerabilities.json"
fails "zip with ../" "unsafe entry '../../escaped.json' in the archive: a '..' component" --allow-http --source "osv=$H/evil.zip"
check "zip with ../: nothing escaped" test -z "$(find "$T_TMP" -name escaped.json)"
fails "zip with an absolute name" "an absolute path" --allow-http --source "osv=$H/abs.zip"
check "zip with an absolute name: nothing written there" test ! -e /tmp/cguard-db-update-absolute.json
fails "zip bomb" "times its size .*zip bomb" --allow-http --source "osv=$H/bomb.zip"
check "zip bomb: its partial folder removed" test -z "$(find "$T_TMP/db/.cguard-feeds" -name 'tree.*')"
fails "extract cap" "unpacks to more than 1000 bytes" --allow-http --max-extract 1000 --source "osv=$H/osv.zip?cap1"
fails "entry cap" "more than 3 entries" --allow-http --max-entries 3 --source "osv=$H/osv.zip?cap2"
fails "not an archive named .zip" "named like an archive \(fake.zip\)" --allow-http --source "osv=$H/fake.zip"
fails "--max-size (Content-Length)" "larger than the size limit of 2048 bytes" --allow-http --max-size 2K --source "kev=$K?cap3"
fails "--max-size (no Content-Length)" "larger than the size limit of 2048 bytes" --ca-file "$T_TMP/cert.pem" \
	--max-size 2K --source "kev=$S/nolength/kev/known_exploited_vulnerabilities.json"
check "--max-size: no partial download left" test -z "$(find "$T_TMP/db/.cguard-feeds" -name 'dl.tmp.*')"
fails "untrusted certificate" "TLS certificate verification failed" --source "kev=$S/kev/known_exploited_vulnerabilities.json"
fails "https -> http redirect" "refusing a redirect from https:// to another protocol" \
	--ca-file "$T_TMP/cert.pem" --source "kev=$S/to-http/kev/known_exploited_vulnerabilities.json"
hl=$(wc -l <"$T_TMP/http.log")
fails "plain http without sha256" "plain http:// without a sha256 is refused" --source "kev=$K"
check_eq "plain http: nothing was asked of the server" "$(wc -l <"$T_TMP/http.log")" "$hl"
fails "credentials never shown" "kev http://\*\*\*@127.0.0.1:$HP/nothing.json: HTTP 404" \
	--allow-http --source "kev=http://alice:s3cret@127.0.0.1:$HP/nothing.json"
check "credentials never shown: no password on stderr" sh -c "! grep -q s3cret '$T_TMP/err'"
check "credentials never shown: none in the cache" sh -c "! grep -rq s3cret '$T_TMP/db/.cguard-feeds'"

# what works: https -> https redirects, a sha256 over plain HTTP, archives known by their bytes
U --ca-file "$T_TMP/cert.pem" --source "kev=$S/hop/kev/known_exploited_vulnerabilities.json" >/dev/null 2>"$T_TMP/err"
check_eq "https -> https redirect: exit status" "$?" 0
U --source "kev=$K sha256=$(sha "$www/kev/known_exploited_vulnerabilities.json")" -q >/dev/null 2>"$T_TMP/err"
check_eq "plain http with the right sha256: exit status" "$?" 0
U --allow-http --source "rustsec=$H/rustsec-archive" -q >/dev/null 2>"$T_TMP/err"
check_eq "a tar.gz without a telling name: exit status" "$?" 0
check_eq "a tar.gz without a telling name: advisories" "$(sqlite3 "$db" 'SELECT count(*) FROM advisories')" \
	"$(find "$feeds/rustsec" -name 'RUSTSEC-*.md' | wc -l)"
U --allow-http --source "osv=$H/links.tar.gz" -q >/dev/null 2>"$T_TMP/err"
check_eq "symlinks in a tar.gz: skipped, the rest read" "$?" 0
check "symlinks in a tar.gz: not followed" test ! -e /tmp/cguard-db-update-through-link.json
check_eq "symlinks in a tar.gz: the file stayed inside" "$(sqlite3 "$db" "SELECT count(*) FROM advisories WHERE name = 'LINK-1'")" 1

# ---- --keep-going: build from what could be had ---------------------------------------------
U --config "$T_TMP/feeds.conf" --allow-http --ca-file "$T_TMP/cert.pem" -q >/dev/null 2>&1
good=$(sha "$db")
mv "$www/osv.zip" "$T_TMP/osv.zip.away"
fails "a feed gone" "osv $H/osv.zip: HTTP 404" --config "$T_TMP/feeds.conf" --allow-http --ca-file "$T_TMP/cert.pem"
cat "$T_TMP/feeds.conf" >"$T_TMP/kg.conf"
echo "kev $H/kev/never-there.json" >>"$T_TMP/kg.conf"
U --config "$T_TMP/kg.conf" --allow-http --ca-file "$T_TMP/cert.pem" --keep-going >"$T_TMP/out" 2>"$T_TMP/err"
check_eq "--keep-going: exit status 1" "$?" 1
check "--keep-going: names the failed feeds" sh -c "grep -q 'osv $H/osv.zip: FAILED: HTTP 404' '$T_TMP/err' && grep -q 'never-there.json: FAILED: HTTP 404' '$T_TMP/err'"
check "--keep-going: the last good copy of a failed feed" grep -q "osv $H/osv.zip: using the last good copy" "$T_TMP/err"
check "--keep-going: the database rebuilt" grep -q "^wrote $db: $nsrc feeds" "$T_TMP/out"
check_eq "--keep-going: OSV advisories still there" "$("$CGUARD" db info --db "$db" --json | jq '.feeds[0] | [.type, .advisories > 0]' -c)" '["osv",true]'
mv "$T_TMP/osv.zip.away" "$www/osv.zip"
good=$(sha "$db")

# ---- the command line and the config file -----------------------------------------------------
printf 'osv %s/osv.zip\n\nkev\n' "$H" >"$T_TMP/bad.conf"
U --config "$T_TMP/bad.conf" >/dev/null 2>"$T_TMP/err"
check_eq "config: a bad line is a usage error" "$?" 2
check "config: file and line named" grep -q "bad.conf:3: want TYPE URL \[sha256=HEX\]" "$T_TMP/err"
printf 'osv ftp://example.org/x.zip\n' >"$T_TMP/bad.conf"
U --config "$T_TMP/bad.conf" >/dev/null 2>"$T_TMP/err"
check "config: only http(s)" grep -q "bad.conf:1: not an http:// or https:// URL" "$T_TMP/err"
printf 'nvd https://example.org/x.json\n' >"$T_TMP/bad.conf"
check_status "config: an unknown feed type" 2 U --config "$T_TMP/bad.conf"
printf '# nothing\n' >"$T_TMP/bad.conf"
check_status "config: no sources" 2 U --config "$T_TMP/bad.conf"
check_status "config: missing file" 1 U --config "$T_TMP/none.conf"
check_status "--source and --config together" 2 U --config "$T_TMP/feeds.conf" --source "kev=$K"
check_status "--source without TYPE=" 2 U --source "$K"
check_status "--max-size 0" 2 U --max-size 0 --source "kev=$K"
check_status "update without --db" 2 "$CGUARD" db update --source "kev=$K"
"$CGUARD" db --help >"$T_TMP/out"
check "usage text names update" grep -q "cguard db update --db FILE" "$T_TMP/out"
check_eq "the database survived all of it" "$(sha "$db")" "$good"
finish
