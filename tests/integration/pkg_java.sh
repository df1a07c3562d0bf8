#!/usr/bin/env bash
# IMG-07: Java archives (lib/pkg/java.c) on this machine's real jars.
#  - /usr/share/maven-repo: each jar against the .pom beside it (groupId and version from
#    <parent> when the project has none), leaving out Debian's version aliases ("debian",
#    "3.x", ...): the counts of exact (group, name, version) and of (name, version) matches
#    are printed; name and version must match for 95% of them;
#  - /usr/share/java: every jar with pom.properties gives exactly those (read here with
#    Python's zipfile), plus at most its manifest's own name when no pom.properties is its own;
#  - a war assembled here with `jar` (else Python's zipfile) from those jars, with a fat jar
#    nested in it: each nested jar gives what it gives alone, under "app.war!/...";
#  - a jar of 100001 entries: refused past the entry count limit, with a warning.
# Skipped (77) when there is no /usr/share/java; needs cc, python3 and the static library
# beside $CGUARD.
. "$(dirname "$0")/lib/common.sh"

[ -d /usr/share/java ] || { echo "pkg_java: no /usr/share/java: skipped"; exit 77; }
LIB=$(dirname "$CGUARD")/libcguard.a
[ -f "$LIB" ] || { echo "pkg_java: no $LIB"; echo "pkg_java: 0 passed, 1 failed"; exit 1; }

cat >"$T_TMP/drv.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>
#include <cguard/pkg.h>
#include "pkg/collector.h"

extern const struct cg_pkg_collector cg_collector_java;

static cg_err_t add(void *ud, const struct cg_pkg *p, const char *const *f, size_t nf)
{
	(void)ud; (void)f; (void)nf;
	printf("%s\t%s\t%s\t%s\n", p->path, p->namespace_ ? p->namespace_ : "", p->name,
	       p->version);
	return CG_OK;
}

static void warn(void *ud, const char *path, const char *msg)
{
	(void)ud;
	fprintf(stderr, "%s\t%s\n", path, msg);
}

int main(int argc, char **argv)
{
	struct cg_pkg_sink sink = { add, warn, NULL };
	for (int a = 1; a < argc; a++) {
		FILE *f = fopen(argv[a], "rb");
		struct cg_pkg_file pf;
		struct cg_error err;
		unsigned char *d;
		long n;
		if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
			return 2;
		d = malloc((size_t)n + 1);
		if (!d || fread(d, 1, (size_t)n, f) != (size_t)n)
			return 2;
		fclose(f);
		pf.path = argv[a];
		pf.layer = 0;
		pf.data = d;
		pf.len = (size_t)n;
		if (cg_collector_java.collect(&pf, 1, &sink, &err) != CG_OK)
			return 3;
		free(d);
	}
	return 0;
}
EOF
PKGLIBS=$(pkg-config --libs jansson libarchive libcrypto zlib libzstd sqlite3 2>/dev/null)
cc -std=gnu11 -O2 -I"$TOP/include" -I"$TOP/lib" -o "$T_TMP/drv" "$T_TMP/drv.c" "$LIB" $PKGLIBS -lpthread
check "the driver builds" test -x "$T_TMP/drv"

# ---- /usr/share/maven-repo against its poms -----------------------------------------------
if [ -d /usr/share/maven-repo ]; then
	find /usr/share/maven-repo -name '*.jar' | sort >"$T_TMP/mr.list"
	mapfile -t mr <"$T_TMP/mr.list"
	"$T_TMP/drv" "${mr[@]}" >"$T_TMP/mr.got" 2>"$T_TMP/mr.warn"
	check_eq "maven-repo: exit status" "$?" 0
	read -r total exact nv <<<"$(python3 - "$T_TMP/mr.got" 2>"$T_TMP/mr.diag" <<'EOF'
import collections, os, re, sys
import xml.etree.ElementTree as ET
got = collections.defaultdict(set)
for line in open(sys.argv[1]):
    c = line.rstrip('\n').split('\t')
    got[c[0]].add((c[1], c[2], c[3]))
def txt(e, tag):
    x = None if e is None else e.find('{*}' + tag)
    return x.text.strip() if x is not None and x.text else None
total = exact = nv = 0
for root, dirs, files in os.walk('/usr/share/maven-repo'):
    ver = os.path.basename(root)
    # Debian's aliases: "debian", "3.x", "0.x": not versions the jar states
    if ver == 'debian' or re.search(r'(^|\.)x$', ver):
        continue
    for f in files:
        pomf = os.path.join(root, f[:-4] + '.pom')
        if not f.endswith('.jar') or not os.path.exists(pomf):
            continue
        p = ET.parse(pomf).getroot()
        par = p.find('{*}parent')
        want = (txt(p, 'groupId') or txt(par, 'groupId'), txt(p, 'artifactId'),
                txt(p, 'version') or txt(par, 'version'))
        g = got[os.path.join(root, f)]
        total += 1
        exact += want in g
        nv += any(x[1:] == want[1:] for x in g)
        if not any(x[1:] == want[1:] for x in g):
            print('maven-repo: %s: %s, pom says %s' % (os.path.join(root, f), sorted(g), want),
                  file=sys.stderr)
print(total, exact, nv)
EOF
)"
	sed 's/^/  /' "$T_TMP/mr.diag"
	echo "  maven-repo: $total jars with a pom: $exact exact (group, name, version), $nv (name, version)"
	check "maven-repo: some jars compared" test "${total:-0}" -gt 0
	check "maven-repo: name and version agree for 95%" test $((nv * 100)) -ge $((total * 95))
	check_eq "maven-repo: no warnings" "$(wc -l <"$T_TMP/mr.warn")" 0
fi

# ---- /usr/share/java against the pom.properties inside -----------------------------------
find /usr/share/java -maxdepth 1 -type f -name '*.jar' -size -64M | sort >"$T_TMP/sj.list"
mapfile -t sj <"$T_TMP/sj.list"
"$T_TMP/drv" "${sj[@]}" >"$T_TMP/sj.got" 2>"$T_TMP/sj.warn"
check_eq "/usr/share/java: exit status" "$?" 0
check_eq "/usr/share/java: no warnings" "$(wc -l <"$T_TMP/sj.warn")" 0
read -r njars nwith nok nfallback <<<"$(python3 - "$T_TMP/sj.got" "${sj[@]}" 2>"$T_TMP/sj.diag" <<'EOF'
import collections, sys, zipfile
got = collections.defaultdict(set)
for line in open(sys.argv[1]):
    c = line.rstrip('\n').split('\t')
    got[c[0]].add((c[1], c[2], c[3]))
def props(b):
    d = {}
    for line in b.decode('latin-1').splitlines():
        line = line.strip()
        if line and line[0] not in '#!' and '=' in line:
            k, v = line.split('=', 1)
            d[k.strip()] = v.strip()
    return d
n = with_poms = ok = fallback = 0
for path in sys.argv[2:]:
    n += 1
    z = zipfile.ZipFile(path)
    poms = set()
    for name in z.namelist():
        if name.startswith('META-INF/maven/') and name.endswith('/pom.properties'):
            p = props(z.read(name))
            poms.add((p.get('groupId'), p.get('artifactId'), p.get('version')))
    if not poms:
        fallback += bool(got[path])
        continue
    with_poms += 1
    extra = got[path] - poms
    arts = {p[1].lower() for p in poms}
    if poms <= got[path] and len(extra) <= 1 and all(e[1].lower() not in arts for e in extra):
        ok += 1
    else:
        print('%s: %s, pom.properties say %s' % (path, sorted(got[path]), sorted(poms)),
              file=sys.stderr)
print(n, with_poms, ok, fallback)
EOF
)"
sed 's/^/  /' "$T_TMP/sj.diag"
echo "  /usr/share/java: $njars jars, $nwith with pom.properties ($nok exact), $nfallback of the others named by manifest or file name"
check "/usr/share/java: every jar with pom.properties gives them" test "$nok" -eq "$nwith"

# ---- a war with nested jars ---------------------------------------------------------------
w=$T_TMP/war
mkdir -p "$w/WEB-INF/lib" "$w/WEB-INF/classes" "$T_TMP/fat/BOOT-INF/lib" "$T_TMP/fat/META-INF"
nested=$(head -n 8 "$T_TMP/sj.list")
for j in $nested; do cp "$j" "$w/WEB-INF/lib/"; done
for j in $(sed -n '9,11p' "$T_TMP/sj.list"); do cp "$j" "$T_TMP/fat/BOOT-INF/lib/"; done
printf 'Manifest-Version: 1.0\nImplementation-Title: fat\nImplementation-Version: 2.5\n' \
	>"$T_TMP/fat/META-INF/MANIFEST.MF"
echo 'class' >"$w/WEB-INF/classes/App.class"
mkzip() { # mkzip OUT DIR
	if command -v jar >/dev/null 2>&1; then
		(cd "$2" && jar --create --file "$1" --no-manifest .)
	else
		python3 -c 'import os, sys, zipfile
z = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED)
for r, _, fs in os.walk(sys.argv[2]):
    for f in fs:
        p = os.path.join(r, f); z.write(p, os.path.relpath(p, sys.argv[2]))' "$1" "$2"
	fi
}
mkzip "$w/WEB-INF/lib/fat-2.5.jar" "$T_TMP/fat"
mkzip "$T_TMP/app.war" "$w"
check "the war was written" test -s "$T_TMP/app.war"
"$T_TMP/drv" "$T_TMP/app.war" >"$T_TMP/war.got" 2>"$T_TMP/war.warn"
check_eq "war: exit status" "$?" 0
check_eq "war: no warnings" "$(wc -l <"$T_TMP/war.warn")" 0
want=$(for j in $nested; do grep -F "$j	" "$T_TMP/sj.got" | sed "s|^$j|$T_TMP/app.war!/WEB-INF/lib/$(basename "$j")|"; done
	for j in $(sed -n '9,11p' "$T_TMP/sj.list"); do grep -F "$j	" "$T_TMP/sj.got" |
		sed "s|^$j|$T_TMP/app.war!/WEB-INF/lib/fat-2.5.jar!/BOOT-INF/lib/$(basename "$j")|"; done
	echo "$T_TMP/app.war!/WEB-INF/lib/fat-2.5.jar		fat	2.5")
check_eq "war: each nested jar gives what it gives alone" "$(sort "$T_TMP/war.got")" "$(sort <<<"$want")"
check "war: some packages" test "$(wc -l <"$T_TMP/war.got")" -gt 8

# ---- too many entries ---------------------------------------------------------------------
python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("META-INF/maven/org.example/many/pom.properties",
               "groupId=org.example\nartifactId=many\nversion=1.0\n")
    for i in range(100001):
        z.writestr("e/%d" % i, b"")' "$T_TMP/many-1.0.jar"
"$T_TMP/drv" "$T_TMP/many-1.0.jar" >"$T_TMP/many.got" 2>"$T_TMP/many.warn"
check_eq "many entries: exit status" "$?" 0
check "many entries: the limit is named" grep -q "entry count limit" "$T_TMP/many.warn"
check "many entries: what was read before is reported" grep -q $'\torg.example\tmany\t1.0$' "$T_TMP/many.got"

finish
