#!/usr/bin/env bash
# bench/db: the vulnerability database end to end, on the real feeds of $CG_FEEDS (default
# /work/shared/feeds; the benchmark is skipped without them):
#   build  `cguard db build` of every feed (median of 3 wall times, peak RSS, file size)
#   match  cg_vulndb_match() alone (bench/match.c) on three inventories of 2,000 packages made
#          from real data, in ms per 2,000 packages with the ratio to the 20 ms target
#   scan   `cguard image scan` of the Debian image against the floor, `gzip -dc` of the same
#          layers in the same run (median of 5): ratio (target <= 1.1), peak RSS (< 100 MB)
# The inventories are root filesystems (dir:), cached in $CG_TEST_CACHE/bench:
#   debian12    the debootstrap bookworm system's packages plus binaries of the sources the
#               Debian feed names (at most 4 a source), as the system's Packages file has them
#   almalinux9  binary rpms the AlmaLinux 9 advisories name, in an rpmdb.sqlite; the binaries of
#               a source at one version: the fix of the middle one of the first's advisories
#   lang        PyPI (dist-info), npm (node_modules) and Go (build information of 5 programs)
#               packages the feeds name, each at the fix of the middle one of its advisories
# (Remove $CG_TEST_CACHE/bench/inv after changing how they are made.) The figures are printed,
# never asserted.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
CGUARD=${CGUARD:-$top/build/cguard}
feeds=${CG_FEEDS:-/work/shared/feeds}
. "$top/tests/integration/lib/images.sh"
work=$CG_TEST_CACHE/bench
PY=/usr/bin/python3
mkdir -p "$work"

if [ ! -d "$feeds/osv" ]; then
	echo "bench/db: no feeds in $feeds (set CG_FEEDS): skipped"
	exit 0
fi
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# ---- build ----------------------------------------------------------------------------------
specs="osv:$feeds/osv debian:$feeds/debian debian-support:$feeds/debian/debian-security-support
alpine:$feeds/alpine rustsec:$feeds/rustsec kev:$feeds/kev"
"$CGUARD" db types | grep -qx nodejs && specs="$specs nodejs:$feeds/npm/nodejs-security-wg"
db=$work/all.db
for i in 1 2 3; do
	# shellcheck disable=SC2086
	/usr/bin/time -f '%e %M' -o "$work/t" "$CGUARD" db build -o "$db" $specs >/dev/null 2>&1
	cat "$work/t"
done >"$work/b"
build_s=$(awk '{print $1}' "$work/b" | median)
build_rss=$(awk '{print $2}' "$work/b" | sort -n | tail -1)
db_bytes=$(stat -c %s "$db")
packed_bytes=$(sqlite3 "$db" 'SELECT sum(length(rows)) FROM by_package' 2>/dev/null || echo 0)

# ---- inventories ----------------------------------------------------------------------------
root=$(deb12_rootfs)
for inv in debian12 almalinux9 lang; do
	[ -f "$work/inv/$inv/.complete" ] && continue
	rm -rf "$work/inv/$inv"
	$PY - "$root" "$feeds" "$work/inv" "$inv" >/dev/null <<'PY'
import glob, hashlib, json, os, re, sqlite3, struct, sys
rootfs, feeds, out = sys.argv[1:4]
N = 2000

def spread(names):
    # a fixed order that is no alphabet: a sample of any size is spread over all names
    return sorted(set(names), key=lambda s: hashlib.sha1(s.encode()).hexdigest())

def osrel(root, text):
    os.makedirs(root + "/etc", exist_ok=True)
    with open(root + "/etc/os-release", "w") as f:
        f.write(text)

def stanzas(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for block in f.read().split("\n\n"):
            d = {}
            for line in block.split("\n"):
                if line and not line[0].isspace() and ":" in line:
                    k, v = line.split(":", 1)
                    d[k] = v.strip()
            if "Package" in d:
                yield d

def mid(pairs):
    # the version of the middle one of (published, version) pairs
    pairs = sorted(pairs)
    return pairs[len(pairs) // 2][1]

# ---- Debian 12: the debootstrap system plus binaries of sources the Debian feed names ----
def debian():
    root = out + "/debian12"
    real = list(stanzas(rootfs + "/var/lib/dpkg/status"))
    have = {p["Package"] for p in real}
    srcs = set()
    for l in ("DSA", "DLA", "DTSA"):
        path = glob.glob(feeds + "/debian/security-tracker-*/data/%s/list" % l)[0]
        text = open(path, encoding="utf-8", errors="replace").read()
        for m in re.finditer(r"^\s*(?:\[\w+\] )?- (\S+) ", text, re.M):
            srcs.add(m.group(1))
    by_src = {}
    for p in stanzas(glob.glob(rootfs + "/var/lib/apt/lists/*_Packages")[0]):
        s = p.get("Source", p["Package"]).split(" ")[0]
        name = p["Package"]
        if s in srcs and name not in have and not name.endswith(("-dbgsym", "-doc")):
            by_src.setdefault(s, []).append(p)
    extra = []
    for s in spread(by_src):  # a few binaries of each source, as real systems have
        for p in by_src[s][:4]:
            if len(real) + len(extra) < N:
                extra.append(p)
    os.makedirs(root + "/var/lib/dpkg", exist_ok=True)
    with open(root + "/var/lib/dpkg/status", "w") as f:
        for p in real + extra:
            f.write("Package: %s\nStatus: install ok installed\nArchitecture: %s\n" %
                    (p["Package"], p.get("Architecture", "amd64")))
            if "Source" in p:
                f.write("Source: %s\n" % p["Source"])
            f.write("Version: %s\nDescription: %s\n\n" % (p["Version"], p.get("Description", "-")))
    osrel(root, open(rootfs + "/etc/os-release").read())
    return len(real) + len(extra)

# ---- AlmaLinux 9: binary rpms the AlmaLinux advisories name, at a mid-life version ----------
def rpm_header(name, epoch, ver, rel, src):
    # a legacy header blob (no region): entries sorted by tag, data packed tightly
    ents, data = [], b""
    def add(tag, typ, val, count=1):
        nonlocal data
        if typ == 4:
            data += b"\0" * (-len(data) % 4)
        ents.append(struct.pack(">IIII", tag, typ, len(data), count))
        data += val
    add(1000, 6, name.encode() + b"\0")
    add(1001, 6, ver.encode() + b"\0")
    add(1002, 6, rel.encode() + b"\0")
    if epoch:
        add(1003, 4, struct.pack(">I", int(epoch)))
    add(1022, 6, b"x86_64\0")
    add(1044, 6, ("%s-%s-%s.src.rpm" % (src, ver, rel)).encode() + b"\0")
    return struct.pack(">II", len(ents), len(data)) + b"".join(ents) + data

def almalinux():
    root = out + "/almalinux9"
    fixes = {}
    for path in glob.glob(feeds + "/osv/almalinux-osv-database/advisories/almalinux9/*.json"):
        a = json.load(open(path))
        for af in a.get("affected", []):
            if af["package"]["ecosystem"] != "AlmaLinux:9":
                continue
            for r in af.get("ranges", []):
                for e in r["events"]:
                    if "fixed" in e:
                        fixes.setdefault(af["package"]["name"], []).append(
                            (a["published"], e["fixed"]))
    os.makedirs(root + "/var/lib/rpm", exist_ok=True)
    db = root + "/var/lib/rpm/rpmdb.sqlite"
    if os.path.exists(db):
        os.unlink(db)
    c = sqlite3.connect(db)
    c.execute("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)")
    names = spread(fixes)[:N]
    # -devel, -libs, ... come from the rpm named before the first such suffix; the binaries
    # of one source are installed at one version: installed when half of the advisories
    # of the source's first binary were out
    sub = r"-(devel|libs|headers|common|tools|doc|static|utils)(-.*)?$"
    src = {n: re.sub(sub, "", n) for n in names}
    evr = {}
    for n in sorted(names):
        evr.setdefault(src[n], mid(fixes[n]))
    for n in names:
        epoch, _, vr = evr[src[n]].rpartition(":")
        ver, _, rel = vr.rpartition("-")
        c.execute("INSERT INTO Packages (blob) VALUES (?)",
                  (rpm_header(n, epoch, ver, rel, src[n]),))
    c.commit()
    c.close()
    osrel(root, 'NAME="AlmaLinux"\nVERSION="9.4 (Seafoam Ocelot)"\nID="almalinux"\n'
          'ID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\nPRETTY_NAME="AlmaLinux 9.4"\n')
    return len(names)

# ---- languages: PyPI, npm and Go packages the feeds name -------------------------------
def uvarint(n):
    b = b""
    while n >= 0x80:
        b += bytes([n & 0x7f | 0x80])
        n >>= 7
    return b + bytes([n])

def gobin(path, main, mods):
    # Go >= 1.18 inline build information, as bench/../tests/data/pkg/gobin holds trimmed
    mi = "path\t%s\nmod\t%s\t(devel)\t\n" % (main, main)
    mi += "".join("dep\t%s\tv%s\th1:%s=\n" % (n, v, "A" * 43) for n, v in mods)
    mi = b"0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6" + mi.encode() + \
        b"\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2"
    ver = b"go1.22.8"
    blob = b"\xff Go buildinf:\x08\x02" + bytes(16)
    blob += uvarint(len(ver)) + ver + uvarint(len(mi)) + mi
    blob += bytes(-len(blob) % 16)
    with open(path, "wb") as f:
        f.write(b"\x7fELF" + bytes(12) + blob + bytes(max(0, 65536 - 16 - len(blob))))
    os.chmod(path, 0o755)

def lang():
    import yaml
    root = out + "/lang"
    py = {}
    for path in glob.glob(feeds + "/osv/pypi-pypa-advisory-database/vulns/*/*.yaml"):
        a = yaml.load(open(path), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        for af in a.get("affected", []):
            for r in af.get("ranges", []):
                for e in r.get("events", []):
                    if "fixed" in e:
                        py.setdefault(af["package"]["name"], []).append(
                            (str(a.get("published")), str(e["fixed"])))
    npm = {}
    for path in glob.glob(feeds + "/npm/nodejs-security-wg/vuln/npm/*.json"):
        a = json.load(open(path))
        m = re.search(r"\d+\.\d+\.\d+", a.get("vulnerable_versions") or "")
        if a.get("module_name") and m:
            npm.setdefault(a["module_name"], []).append((a.get("publish_date") or "", m.group(0)))
    repo = json.load(open(feeds + "/npm/retirejs/repository/npmrepository.json"))
    for n, lib in repo.items():
        for v in lib.get("vulnerabilities", []):
            if re.fullmatch(r"\d+\.\d+\.\d+", v.get("below", "")):
                npm.setdefault(n, []).append(("", v["below"]))
    go = {}
    for path in glob.glob(feeds + "/osv/go-vulndb/data/osv/GO-*.json"):
        a = json.load(open(path))
        for af in a.get("affected", []):
            n = af["package"]["name"]
            if n == "stdlib" or n == "toolchain" or "/" not in n:
                continue
            for r in af.get("ranges", []):
                for e in r.get("events", []):  # a fix, else where it began
                    v = e.get("fixed", e.get("introduced", "0"))
                    if re.fullmatch(r"\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?", v) and v != "0.0.0":
                        go.setdefault(n, []).append((a.get("published", ""), v))
    site = root + "/usr/local/lib/python3.11/site-packages"
    os.makedirs(site, exist_ok=True)
    pys = spread(py)[:N // 3]
    for n in pys:
        d = "%s/%s-%s.dist-info" % (site, re.sub(r"[-_.]+", "_", n), mid(py[n]))
        os.makedirs(d, exist_ok=True)
        with open(d + "/METADATA", "w") as f:
            f.write("Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (n, mid(py[n])))
    gos = spread(go)[:N // 2]
    nms = spread(npm)[:N - len(pys) - len(gos) - 5]  # and 5 stdlib entries
    for n in nms:
        d = root + "/srv/app/node_modules/" + n
        os.makedirs(d, exist_ok=True)
        with open(d + "/package.json", "w") as f:
            json.dump({"name": n, "version": mid(npm[n])}, f)
    os.makedirs(root + "/usr/local/bin", exist_ok=True)
    for b in range(5):
        part = gos[b::5]
        gobin("%s/usr/local/bin/app%d" % (root, b), "example.com/app%d" % b,
              [(n, mid(go[n])) for n in part])
    osrel(root, 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n')
    return len(pys) + len(nms) + len(gos) + 5

which = sys.argv[4]
print({"debian12": debian, "almalinux9": almalinux, "lang": lang}[which]())
PY
	touch "$work/inv/$inv/.complete"
done

# ---- match ----------------------------------------------------------------------------------
make -C "$top" -s build/bench/match >/dev/null
"$top/build/bench/match" "$db" debian12="dir:$work/inv/debian12" \
	almalinux9="dir:$work/inv/almalinux9" lang="dir:$work/inv/lang" >"$work/m"

# ---- scan -----------------------------------------------------------------------------------
img=$work/debian
if [ ! -f "$img/index.json" ]; then # as bench/scan.sh builds it
	tar -C "$root" --numeric-owner --exclude=./.complete -cf "$work/debian.tar" .
	oci_layout "$img" bench "$work/debian.tar"
	rm -f "$work/debian.tar"
fi
manifest=$img/blobs/sha256/$(jq -r '.manifests[0].digest' "$img/index.json" | cut -d: -f2)
blobs=$(jq -r '.layers[].digest' "$manifest" | sed 's|sha256:|'"$img"'/blobs/sha256/|')
for i in 1 2 3 4 5; do
	/usr/bin/time -f %e -o "$work/t" sh -c "for b in $(echo $blobs); do gzip -dc \$b; done >/dev/null"
	cat "$work/t"
done | median >"$work/g"
for i in 1 2 3 4 5; do
	/usr/bin/time -f '%e %M' -o "$work/t" "$CGUARD" image scan "oci:$img:bench" --db "$db" -f json -q \
		-o /dev/null || true
	cat "$work/t"
done >"$work/c"

# ---- the table ------------------------------------------------------------------------------
echo "bench/db: the real feeds of $feeds; $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
awk -v s="$build_s" -v r="$build_rss" -v b="$db_bytes" -v p="$packed_bytes" 'BEGIN {
	printf "db build   all feeds: %.2f s (median of 3), peak RSS %.1f MB, database %.1f MB",
		s, r / 1024, b / 1048576
	printf " (by_package %.1f MB)\n",
		p / 1048576 }'
echo "match      cg_vulndb_match() alone:"
sed 's/^/  /' "$work/m"
awk -v g="$(cat "$work/g")" -v c="$(awk '{print $1}' "$work/c" | median)" \
	-v r="$(awk '{print $2}' "$work/c" | sort -n | tail -1)" -v s="$(du -sm "$img" | cut -f1)" 'BEGIN {
	printf "image scan debian (%d MB): gzip -dc %.2f s, cguard %.2f s, ratio %.2f (target <= 1.1),",
		s, g, c, (g > 0 ? c / g : 0)
	printf " peak RSS %.1f MB (target < 100)\n", r / 1024 }'
