#!/usr/bin/env bash
# cguard image scan of language packages, end to end, against real OSV records copied into
# tests/data/scan/lang (PyPA advisory database, Go vulnerability database, GHSA samples;
# README.md there), with expectations computed independently of cguard:
#  - PyPI: python3's packaging.version (PEP 440) over each record's ranges and `versions`,
#    names PEP 503-normalised; pip-installed .dist-info in /usr/local and in a venv, names
#    spelled otherwise than in the records (Jinja2, PyYAML), a pre-release (urllib3 2.0.0a3);
#  - Go: a Go program built here, offline, from vendored modules at chosen versions (release
#    and pseudo-versions); its modules as `go version -m` lists them, judged by
#    golang.org/x/mod/semver's ordering (re-implemented in python below: numeric
#    major.minor.patch, a pre-release sorts before its release, identifiers compared
#    numerically or in ASCII, build metadata ignored), stdlib as "go1.X.Y" -> "1.X.Y";
#  - npm: node_modules/<name>/package.json, judged with Debian's node-semver
#    (/usr/share/nodejs/semver) under node;
#  - a Python distribution installed by a deb (Debian's python3-urllib3, its real file list
#    in /var/lib/dpkg/info) is not a PyPI finding.
# Rows (id, package, version, status, fixed) must be equal, exactly.
# Skipped (77) without jq or python3-packaging; the Go part needs go, the npm part node and
# node-semver (each said when missing).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/images.sh"
[ -n "${CG_KEEP_TMP:-}" ] && trap - EXIT && echo "tmp: $T_TMP"
PY=/usr/bin/python3
command -v jq >/dev/null 2>&1 || { echo "$T_NAME: skipped: no jq"; exit 77; }
$PY -c 'import packaging.version, yaml' 2>/dev/null || { echo "$T_NAME: skipped: no python3-packaging / python3-yaml"; exit 77; }
L=$TOP/tests/data/scan/lang
r=$T_TMP/root

# ---- the root ----------------------------------------------------------------------------------
mkdir -p "$r/etc" "$r/var/lib/dpkg/info" "$r/usr/local/bin"
printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' >"$r/etc/os-release"
cp "$L/deb/status" "$r/var/lib/dpkg/status"
cp "$L/deb/python3-urllib3.list" "$r/var/lib/dpkg/info/"
mkdir -p "$r/usr/lib/python3/dist-packages/urllib3-1.26.12.egg-info"
cp "$L/deb/PKG-INFO" "$r/usr/lib/python3/dist-packages/urllib3-1.26.12.egg-info/PKG-INFO"
# pip: site-packages folder|Name as written|version
pypi='/usr/local/lib/python3.11/site-packages|urllib3|1.26.5
/usr/local/lib/python3.11/site-packages|Jinja2|2.11.2
/usr/local/lib/python3.11/site-packages|PyYAML|6.0.1
/usr/local/lib/python3.11/site-packages|requests|2.25.1
/usr/local/lib/python3.11/site-packages|certifi|2022.12.7
/usr/local/lib/python3.11/site-packages|idna|3.7
/usr/local/lib/python3.11/site-packages|wheel|0.37.1
/opt/venv/lib/python3.11/site-packages|urllib3|2.0.0a3
/opt/venv/lib/python3.11/site-packages|requests|2.31.0'
while IFS='|' read -r sp name ver; do
	d=$r$sp/$name-$ver.dist-info
	mkdir -p "$d"
	printf 'Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: test\n' "$name" "$ver" >"$d/METADATA"
done <<<"$pypi"
# npm: app folder|name|version
npm='/srv/a|formidable|3.5.1
/srv/b|formidable|2.1.2
/srv/c|formidable|1.2.6
/srv/d|formidable|3.5.3
/srv/e|formidable|3.1.1-canary.20211029'
while IFS='|' read -r app name ver; do
	mkdir -p "$r$app/node_modules/$name"
	printf '{"name": "%s", "version": "%s", "license": "MIT"}\n' "$name" "$ver" >"$r$app/node_modules/$name/package.json"
done <<<"$npm"

# ---- a Go program from vendored modules, offline --------------------------------------------------
gomods='golang.org/x/crypto v0.17.0 golang.org/x/crypto/ssh
golang.org/x/net v0.0.0-20220906165146-f3363e06e74c golang.org/x/net/html
golang.org/x/text v0.3.7 golang.org/x/text/language
github.com/aws/aws-sdk-go v1.44.0 github.com/aws/aws-sdk-go/aws'
have_go=false
if command -v go >/dev/null 2>&1; then
	export GOPATH=$T_TMP/gopath GOCACHE=${CG_GOCACHE:-$CG_TEST_CACHE/gocache} GOPROXY=off GOSUMDB=off \
		GOTOOLCHAIN=local GOFLAGS= CGO_ENABLED=0 HOME=${HOME:-$T_TMP}
	mkdir -p "$GOCACHE" 2>/dev/null || export GOCACHE=$T_TMP/gocache
	src=$T_TMP/goapp
	mkdir -p "$src"
	{
		printf 'module example.com/goapp\n\ngo 1.17\n\nrequire (\n'
		while read -r m v p; do printf '\t%s %s\n' "$m" "$v"; done <<<"$gomods"
		printf ')\n'
	} >"$src/go.mod"
	{
		printf 'package main\n\nimport (\n\t"fmt"\n'
		i=0
		while read -r m v p; do i=$((i + 1)); printf '\tp%d "%s"\n' $i "$p"; done <<<"$gomods"
		printf ')\n\nfunc main() { fmt.Println(p1.F() + p2.F() + p3.F() + p4.F()) }\n'
	} >"$src/main.go"
	: >"$src/vendor.txt"
	while read -r m v p; do
		mkdir -p "$src/vendor/$p"
		printf 'package %s\n\nfunc F() int { return %d }\n' "$(basename "$p")" "${#m}" >"$src/vendor/$p/f.go"
		printf '# %s %s\n## explicit\n%s\n' "$m" "$v" "$p" >>"$src/vendor/modules.txt"
	done <<<"$gomods"
	(cd "$src" && GOFLAGS=-mod=vendor go build -trimpath -o "$r/usr/local/bin/goapp" .) >"$T_TMP/go.err" 2>&1
	check "go build (vendored modules, offline)" test -x "$r/usr/local/bin/goapp"
	[ -x "$r/usr/local/bin/goapp" ] && have_go=true || sed 's/^/    /' "$T_TMP/go.err" | head
	# what the binary says it holds: "module version" (stdlib as the Go database names it)
	go version -m "$r/usr/local/bin/goapp" |
		awk 'NR == 1 { v = $2; sub(/^go/, "", v); print "stdlib", v } $1 == "dep" { print $2, $3 }' >"$T_TMP/gomods"
	check_eq "go version -m lists the vendored modules" "$(grep -vc '^stdlib' "$T_TMP/gomods")" 4
else
	echo "  (no go: the Go part is skipped)"
fi

# ---- the database and the scan --------------------------------------------------------------------
"$CGUARD" db build -o "$T_TMP/v.db" "osv:$L/pypa" "osv:$L/go" "osv:$L/ghsa" >"$T_TMP/build.out" 2>&1
check_eq "db build: exit status" "$?" 0
"$CGUARD" image scan "dir:$r" --db "$T_TMP/v.db" -f json -q >"$T_TMP/scan.json" 2>"$T_TMP/scan.err"
check_eq "scan: exit status" "$?" 0
got() { # got TYPE
	jq -r --arg t "$1" '.findings[] | select(.package.type == $t) |
		"\(.id) \(.matched_name) \(.package.version) \(.status) \(.fixed // "-")"' "$T_TMP/scan.json" | sort -u
}
compare() { # WHAT GOTFILE WANTFILE
	if cmp -s "$2" "$3"; then ok; else
		fail "$1: findings differ from the expectation (< only cguard, > only expected):"
		diff "$2" "$3" | grep '^[<>]' | head -40
	fi
}

# ---- PyPI ------------------------------------------------------------------------------------------
got pypi >"$T_TMP/got.pypi"
cut -d'|' -f2,3 <<<"$pypi" | tr '|' ' ' >"$T_TMP/pypi.installed"
$PY - "$T_TMP/pypi.installed" "$L"/pypa/*/*.yaml >"$T_TMP/want.pypi" <<'EOF'
import re, sys, yaml
from packaging.version import Version

def norm(n):
    return re.sub(r'[-_.]+', '-', n).lower()

inst = [l.split() for l in open(sys.argv[1]) if l.strip()]
out = set()
for path in sys.argv[2:]:
    rec = yaml.safe_load(open(path))
    if rec.get('withdrawn'):
        continue
    for aff in rec.get('affected', []):
        pkg = aff['package']
        if pkg['ecosystem'] != 'PyPI':
            continue
        for name, ver in inst:
            if norm(name) != norm(pkg['name']):
                continue
            v = Version(ver)
            hit, fixes = False, []
            for rng in aff.get('ranges', []):
                if rng['type'] != 'ECOSYSTEM':
                    continue
                lo, inside = None, False
                for ev in rng['events']:
                    (k, x), = ev.items()
                    x = str(x)
                    if k == 'introduced':
                        lo = x
                    elif lo is not None:
                        above = lo == '0' or v >= Version(lo)
                        if above and ((k in ('fixed', 'limit') and v < Version(x)) or (k == 'last_affected' and v <= Version(x))):
                            inside = True
                        lo = None
                if lo is not None and (lo == '0' or v >= Version(lo)):
                    inside = True
                if inside:
                    hit = True
                    fixes = [str(e['fixed']) for e in rng['events'] if 'fixed' in e and Version(str(e['fixed'])) > v]
                    break
            if not hit and any(Version(str(x)) == v for x in aff.get('versions', [])):
                hit = True
            if hit:
                best = min(fixes, key=Version) if fixes else None
                out.add('%s %s %s %s %s' % (rec['id'], pkg['name'], ver, 'fixed' if best else 'unfixed', best or '-'))
for l in sorted(out):
    print(l)
EOF
sort -o "$T_TMP/want.pypi" "$T_TMP/want.pypi"
check "pypi: expectations are not trivial ($(wc -l <"$T_TMP/want.pypi") rows)" test "$(wc -l <"$T_TMP/want.pypi")" -ge 5
compare pypi "$T_TMP/got.pypi" "$T_TMP/want.pypi"
check_eq "pypi: the deb-owned urllib3 1.26.12 (python3-urllib3) is not a PyPI finding" \
	"$(jq '[.findings[] | select(.package.type == "pypi" and .package.version == "1.26.12")] | length' "$T_TMP/scan.json")" 0
check "pypi: ... though 1.26.12 is inside records (the check is not empty)" \
	grep -q ' urllib3 1.26.5 ' "$T_TMP/want.pypi"
check_eq "pypi: Jinja2 and PyYAML found under their record names" \
	"$(jq -r '[.findings[] | select(.package.type == "pypi") | .matched_name] | unique | map(select(. == "jinja2" or . == "Jinja2")) | length' "$T_TMP/scan.json")" 1

# ---- Go -------------------------------------------------------------------------------------------
if $have_go; then
	got golang >"$T_TMP/got.go"
	$PY - "$T_TMP/gomods" "$L"/go/*.json "$L"/ghsa/*.json >"$T_TMP/want.go" <<'EOF'
import json, re, sys

# golang.org/x/mod/semver.Compare on "v"-less versions
SEM = re.compile(r'^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$')

def key(v):
    m = SEM.match(v[1:] if v.startswith('v') else v)
    if not m:
        raise ValueError(v)
    return m

def cmp_pre(a, b):
    if a == b:
        return 0
    if a is None:
        return 1
    if b is None:
        return -1
    x, y = a.split('.'), b.split('.')
    for p, q in zip(x, y):
        if p == q:
            continue
        pn, qn = p.isdigit(), q.isdigit()
        if pn and qn:
            return -1 if int(p) < int(q) else 1
        if pn != qn:
            return -1 if pn else 1
        return -1 if p < q else 1
    return (len(x) > len(y)) - (len(x) < len(y))

def cmp(a, b):
    ma, mb = key(a), key(b)
    for i in (1, 2, 3):
        x, y = int(ma.group(i)), int(mb.group(i))
        if x != y:
            return -1 if x < y else 1
    return cmp_pre(ma.group(4), mb.group(4))

mods = dict(l.split() for l in open(sys.argv[1]) if l.strip())
out = set()
for path in sys.argv[2:]:
    rec = json.load(open(path))
    if rec.get('withdrawn'):
        continue
    for aff in rec.get('affected', []):
        pkg = aff['package']
        if pkg['ecosystem'] != 'Go' or pkg['name'] not in mods:
            continue
        v = mods[pkg['name']]
        hit, fixes = False, []
        for rng in aff.get('ranges', []):
            if rng['type'] not in ('SEMVER', 'ECOSYSTEM'):
                continue
            lo, inside = None, False
            for ev in rng['events']:
                (k, x), = ev.items()
                if k == 'introduced':
                    lo = x
                elif lo is not None:
                    above = lo == '0' or cmp(v, lo) >= 0
                    if above and ((k in ('fixed', 'limit') and cmp(v, x) < 0) or (k == 'last_affected' and cmp(v, x) <= 0)):
                        inside = True
                    lo = None
            if lo is not None and (lo == '0' or cmp(v, lo) >= 0):
                inside = True
            if inside:
                hit = True
                fixes = [e['fixed'] for e in rng['events'] if 'fixed' in e and cmp(e['fixed'], v) > 0]
                break
        if not hit and any(cmp(x, v) == 0 for x in aff.get('versions', [])):
            hit = True
        if hit:
            best = None
            for f in fixes:
                if best is None or cmp(f, best) < 0:
                    best = f
            out.add('%s %s %s %s %s' % (rec['id'], pkg['name'], v, 'fixed' if best else 'unfixed', best or '-'))
for l in sorted(out):
    print(l)
EOF
	sort -o "$T_TMP/want.go" "$T_TMP/want.go"
	check "go: expectations are not trivial ($(wc -l <"$T_TMP/want.go") rows)" test "$(wc -l <"$T_TMP/want.go")" -ge 10
	compare go "$T_TMP/got.go" "$T_TMP/want.go"
	check "go: an unfixed record (aws-sdk-go, no fix) is expected" grep -q '^GO-2022-0646 .* unfixed -$' "$T_TMP/want.go"
	check "go: a pseudo-version inside a range (x/net GO-2022-1144)" grep -q '^GO-2022-1144 golang.org/x/net ' "$T_TMP/want.go"
fi

# ---- npm ------------------------------------------------------------------------------------------
SEMVER=/usr/share/nodejs/semver
if command -v node >/dev/null 2>&1 && NODE_PATH=/usr/share/nodejs node -e 'require("semver")' 2>/dev/null; then
	got npm >"$T_TMP/got.npm"
	cut -d'|' -f2,3 <<<"$npm" | tr '|' ' ' >"$T_TMP/npm.installed"
	NODE_PATH=/usr/share/nodejs node - "$SEMVER" "$T_TMP/npm.installed" "$L"/ghsa/*.json >"$T_TMP/want.npm" <<'EOF'
const fs = require('fs');
const [semverPath, instPath, ...files] = process.argv.slice(2);
const semver = require(semverPath);
const inst = fs.readFileSync(instPath, 'utf8').trim().split('\n').map(l => l.split(' '));
const cmp = (a, b) => semver.compare(a, b);
const merged = new Map();
for (const f of files) {
  const rec = JSON.parse(fs.readFileSync(f, 'utf8'));
  if (rec.withdrawn) continue;
  for (const aff of rec.affected || []) {
    if (aff.package.ecosystem !== 'npm') continue;
    for (const [name, v] of inst) {
      if (name !== aff.package.name) continue;
      let hit = false, fixes = [];
      for (const rng of aff.ranges || []) {
        if (rng.type !== 'SEMVER' && rng.type !== 'ECOSYSTEM') continue;
        let lo = null, inside = false;
        for (const ev of rng.events) {
          const [k, x] = Object.entries(ev)[0];
          if (k === 'introduced') { lo = x; continue; }
          if (lo === null) continue;
          const above = lo === '0' || cmp(v, lo) >= 0;
          if (above && (((k === 'fixed' || k === 'limit') && cmp(v, x) < 0) || (k === 'last_affected' && cmp(v, x) <= 0))) inside = true;
          lo = null;
        }
        if (lo !== null && (lo === '0' || cmp(v, lo) >= 0)) inside = true;
        if (inside) {
          hit = true;
          fixes = rng.events.filter(e => e.fixed && cmp(e.fixed, v) > 0).map(e => e.fixed);
          break;
        }
      }
      if (!hit && (aff.versions || []).some(x => cmp(x, v) === 0)) hit = true;
      if (hit) {
        // several entries of one record for the same package: the record is fixed only by
        // a version outside all of them, so unfixed when any entry has no fix above v,
        // else the highest of the entries' fixes
        fixes.sort(cmp);
        const key = `${rec.id} ${name} ${v}`;
        const mine = fixes.length ? fixes[0] : null;
        const prev = merged.has(key) ? merged.get(key) : undefined;
        if (prev === undefined) merged.set(key, mine);
        else if (prev !== null) merged.set(key, mine === null ? null : (cmp(mine, prev) > 0 ? mine : prev));
      }
    }
  }
}
for (const [k, f] of [...merged.entries()].sort()) console.log(`${k} ${f ? 'fixed' : 'unfixed'} ${f || '-'}`);
EOF
	sort -o "$T_TMP/want.npm" "$T_TMP/want.npm"
	check "npm: expectations are not trivial ($(wc -l <"$T_TMP/want.npm") rows)" test "$(wc -l <"$T_TMP/want.npm")" -ge 2
	check "npm: formidable at 3.5.3 is still inside the record's open range from 2.1.0" \
		grep -q '^GHSA-75v8-2h7p-7m2m formidable 3.5.3 unfixed -$' "$T_TMP/want.npm"
	# one record, two entries for formidable: 3.5.1 is inside both, and the first one's
	# fix (3.5.3) is still inside the second (introduced 2.1.0, no fix): unfixed
	check_eq "npm: overlapping entries of one record give their union (unfixed)" \
		"$(grep '^GHSA-75v8-2h7p-7m2m formidable 3.5.1 ' "$T_TMP/got.npm")" \
		"GHSA-75v8-2h7p-7m2m formidable 3.5.1 unfixed -"
	compare npm "$T_TMP/got.npm" "$T_TMP/want.npm"
else
	echo "  (no node or node-semver: the npm part is skipped)"
fi
check_eq "no entry skipped" "$(jq '.counts.entries_skipped' "$T_TMP/scan.json")" 0
finish
