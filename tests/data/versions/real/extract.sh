#!/usr/bin/env bash
# extract.sh [FEEDS_DIR]   (re)build tests/data/versions/real/<ecosystem>.txt
#
# Pulls real version strings out of the offline advisory feeds (default
# /work/shared/feeds, see its README.md and MANIFEST.tsv) and out of this machine's
# Debian package lists (`apt-cache dumpavail`) and installed package metadata.
# Run it once and commit the output; README.md beside it says where each file comes
# from. Needs /usr/bin/python3 with python3-yaml (PyYAML). The output is deterministic
# for the same inputs; the machine-derived parts change with the machine's apt lists.
#
# Output format, one file per purl type: a line `# <package>` starts the versions of
# one package, then one version a line. A version is unique within its package but
# may repeat under other packages. At most ~3000 versions a file, at most 20 a package.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
feeds=${1:-/work/shared/feeds}
[ -f "$feeds/MANIFEST.tsv" ] || { echo "extract.sh: no feeds at $feeds" >&2; exit 1; }
command -v apt-cache >/dev/null || { echo "extract.sh: apt-cache missing" >&2; exit 1; }

dumpavail=$(mktemp)
trap 'rm -f "$dumpavail"' EXIT
apt-cache dumpavail >"$dumpavail"

FEEDS=$feeds OUT=$here DUMPAVAIL=$dumpavail /usr/bin/python3 - <<'PY'
import glob, json, os, random, re, sys, tomllib
import yaml

FEEDS, OUT, DUMPAVAIL = os.environ["FEEDS"], os.environ["OUT"], os.environ["DUMPAVAIL"]
CAP_TOTAL, CAP_PKG, MAX_LEN = 3000, 20, 200

groups = {}   # ecosystem -> {package: {version: None}} (insertion-ordered sets)


def add(eco, pkg, ver):
    if not isinstance(ver, str):
        return
    ver = ver.strip()
    # "0" is OSV's "from the beginning" sentinel, not a release.
    if not ver or ver == "0" or len(ver) > MAX_LEN or ver.startswith("#"):
        return
    if any(c.isspace() for c in ver) or not ver.isprintable() or not ver.isascii():
        return
    groups.setdefault(eco, {}).setdefault(pkg.strip() or "?", {})[ver] = None


def files(pattern):
    return sorted(glob.glob(os.path.join(FEEDS, pattern), recursive=True))


def osv_events(aff):
    for r in aff.get("ranges") or []:
        if r.get("type") == "GIT":
            continue
        for ev in r.get("events") or []:
            for k in ("introduced", "fixed", "last_affected"):
                if k in ev:
                    yield ev[k]


# --- OSV feeds ------------------------------------------------------------------------
OSV_ECO = {"PyPI": "pypi", "npm": "npm", "Go": "golang", "Maven": "maven",
           "RubyGems": "gem", "crates.io": "cargo", "NuGet": "nuget",
           "Packagist": "composer"}


def osv_doc(doc, go_v=False):
    if doc.get("withdrawn"):
        return
    for aff in doc.get("affected") or []:
        pkg = aff.get("package") or {}
        eco = pkg.get("ecosystem", "")
        eco = "rpm" if eco.startswith(("AlmaLinux", "Rocky")) else OSV_ECO.get(eco)
        if not eco:
            continue
        name = pkg.get("name", "")
        for v in list(osv_events(aff)) + list(aff.get("versions") or []):
            # OSV writes Go versions without the "v" that go.mod and build info carry.
            if eco == "golang" and isinstance(v, str) and v != "0" and v[:1].isdigit():
                v = "v" + v
            add(eco, name, v)


# BaseLoader: every scalar stays a string ("1.10" must not become the float 1.1).
for f in files("osv/pypi-pypa-advisory-database/vulns/**/*.yaml"):
    with open(f) as fh:
        osv_doc(yaml.load(fh, Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader)))
for pat in ("osv/go-vulndb/data/osv/*.json",
            "osv/almalinux-osv-database/advisories/**/*.json",
            "osv/ghsa-samples-trivy-db-testdata/**/*.json"):
    for f in files(pat):
        with open(f) as fh:
            osv_doc(json.load(fh))

# --- Debian security tracker lists: "[release] - srcpkg VERSION" -------------------------
line_re = re.compile(r"^\s+(?:\[[a-z-]+\]\s+)?-\s+(\S+)\s+([^\s<(][^\s(]*)")
for f in files("debian/security-tracker-*/data/*/list"):
    with open(f, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            m = line_re.match(line)
            if m:
                add("deb", m.group(1), m.group(2))

# --- Alpine secdb (YAML, and the fixtures' JSON form) ------------------------------------
for f in files("alpine/**/*.yaml") + files("alpine/**/*.json"):
    with open(f) as fh:
        doc = (json.load(fh) if f.endswith(".json")
               else yaml.load(fh, Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader)))
    for p in (doc or {}).get("packages") or []:
        pkg = (p or {}).get("pkg") or {}
        for v in (pkg.get("secfixes") or {}):
            add("apk", pkg.get("name", ""), v)

# --- RustSec: versions inside [versions] patched/unaffected requirements ------------------
semver_tok = re.compile(r"(?<![\w.+-])(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)")
for f in files("rustsec/advisory-db/crates/**/*.md"):
    text = open(f, encoding="utf-8").read()
    m = re.match(r"```toml\n(.*?)\n```", text, re.S)
    if not m:
        continue
    try:
        doc = tomllib.loads(m.group(1))
    except tomllib.TOMLDecodeError:
        continue
    adv, vers = doc.get("advisory", {}), doc.get("versions", {})
    if adv.get("withdrawn"):
        continue
    for req in (vers.get("patched") or []) + (vers.get("unaffected") or []):
        for v in semver_tok.findall(req):
            add("cargo", adv.get("package", ""), v)

# --- npm: nodejs security-wg ranges and RetireJS bounds -----------------------------------
for f in files("npm/nodejs-security-wg/vuln/npm/*.json"):
    doc = json.load(open(f))
    for k in ("vulnerable_versions", "patched_versions"):
        for v in semver_tok.findall(doc.get(k) or ""):
            add("npm", doc.get("module_name", ""), v)
for f in files("npm/retirejs/repository/*.json"):
    doc = json.load(open(f))
    if not isinstance(doc, dict):
        continue
    for lib, ent in doc.items():
        if not isinstance(ent, dict):
            continue
        for vul in ent.get("vulnerabilities") or []:
            for k in ("atOrAbove", "below", "above", "atOrBelow"):
                add("npm", lib, vul.get(k))

# --- this machine: installed npm, gem and Maven metadata ---------------------------------
for f in sorted(glob.glob("/usr/lib/node_modules/**/package.json", recursive=True)
                + glob.glob("/usr/share/nodejs/*/package.json")):
    try:
        doc = json.load(open(f))
    except (OSError, ValueError):
        continue
    if isinstance(doc, dict) and isinstance(doc.get("name"), str):
        add("npm", doc["name"], doc.get("version"))
gemspec = re.compile(r"^(.+)-(\d[^-]*)\.gemspec$")
for f in sorted(glob.glob("/usr/lib/ruby/gems/*/specifications/**/*.gemspec", recursive=True)
                + glob.glob("/usr/share/rubygems-integration/*/specifications/*.gemspec")
                + glob.glob("/var/lib/gems/*/specifications/*.gemspec")):
    m = gemspec.match(os.path.basename(f))
    if m:
        add("gem", m.group(1), m.group(2))
for f in sorted(glob.glob("/usr/share/maven-repo/**/*.pom", recursive=True)):
    parts = os.path.relpath(f, "/usr/share/maven-repo").split(os.sep)
    if len(parts) >= 4:
        add("maven", ".".join(parts[:-3]) + ":" + parts[-3], parts[-2])

# --- this machine: apt-cache dumpavail --------------------------------------------------
# deb: every Version: field, grouped by source package. Other ecosystems: the upstream
# part of Debian's packagings of their libraries, when Debian did not mangle it.
def upstream(debver):
    v = re.sub(r"^\d+:", "", debver)
    if "-" in v:
        v = v.rsplit("-", 1)[0]
    v = re.sub(r"[+~](dfsg|ds|repack|debian)\d*$", "", v)
    return v if re.fullmatch(r"\d[0-9A-Za-z.\-]*", v) and "~" not in v else None


LANG = [  # (ecosystem, binary-package regex, group name from the source package)
    ("gem", re.compile(r"^ruby-"), lambda s: s[5:] if s.startswith("ruby-") else s),
    ("cargo", re.compile(r"^librust-.*-dev$"), lambda s: s[5:] if s.startswith("rust-") else s),
    ("maven", re.compile(r"^lib.*-java$"), lambda s: s),
    ("composer", re.compile(r"^php-(?!.*(apcu|xdebug|imagick|redis|memcache|igbinary|"
                            r"msgpack|mongodb|amqp|ast|ds|gmagick|gnupg|http|mailparse|"
                            r"oauth|pcov|ps|psr|raphf|rrd|smbclient|solr|ssh2|stomp|uopz|"
                            r"uploadprogress|uuid|yac|yaml|zmq|zstd|luasandbox|excimer|"
                            r"geoip|lz4|tideways|xhprof|xmlrpc|propro|grpc|protobuf|"
                            r"maxminddb|interbase|sqlsrv|wikidiff2|pinba)\b)"),
     lambda s: s[4:] if s.startswith("php-") else s),
    ("nuget", re.compile(r"-cil$|-cil-dev$"), lambda s: s),
]
stanza = {}
with open(DUMPAVAIL, encoding="utf-8", errors="replace") as fh:
    for line in list(fh) + ["\n"]:
        if line.strip():
            if not line[0].isspace() and ":" in line:
                k, v = line.split(":", 1)
                stanza[k] = v.strip()
            continue
        name, ver = stanza.get("Package"), stanza.get("Version")
        src = (stanza.get("Source") or name or "").split(" ")[0]
        stanza = {}
        if not name or not ver:
            continue
        add("deb", src, ver)
        for eco, rx, gname in LANG:
            if rx.search(name):
                up = upstream(ver)
                if up:
                    add(eco, gname(src), up)

# --- write --------------------------------------------------------------------------------
ALL = ["deb", "rpm", "apk", "pypi", "npm", "cargo", "golang", "maven", "gem", "composer",
       "nuget"]
for eco in ALL:
    pk = groups.get(eco, {})
    chosen, total = {}, 0
    names = sorted(pk)
    random.Random("order-" + eco).shuffle(names)
    # Packages with several versions first: they give the same-package pairs.
    names.sort(key=lambda n: len(pk[n]) < 2)
    for n in names:
        vs = list(pk[n])
        if len(vs) > CAP_PKG:
            keep = set(random.Random(eco + "/" + n).sample(range(len(vs)), CAP_PKG))
            vs = [v for i, v in enumerate(vs) if i in keep]
        if total + len(vs) > CAP_TOTAL:
            continue
        chosen[n] = vs
        total += len(vs)
    path = os.path.join(OUT, eco + ".txt")
    with open(path, "w") as out:
        for n in sorted(chosen):
            out.write("# %s\n" % n)
            for v in chosen[n]:
                out.write(v + "\n")
    print("%-9s %5d versions in %4d packages (from %d versions in %d packages)" % (
        eco, total, len(chosen), sum(len(x) for x in pk.values()), len(pk)))
PY
