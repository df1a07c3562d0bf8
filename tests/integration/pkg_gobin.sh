#!/usr/bin/env bash
# IMG-07: Go build information (lib/pkg/gobin.c) read from real Go executables, streamed in
# random chunks, gives what `go version -m` gives, with gobin.c's rules applied (stdlib as
# the Go vulnerability database's SEMVER, "=>" replacements, local directories and "(devel)"
# as empty versions; see tests/data/pkg/gobin/make-windows.py, whose expected() is used).
#  - two programs built here with Debian's Go, offline: one with vendored modules (a module
#    replaced by another, one replaced by a local directory, Debian's golang.org/x/mod),
#    one in module mode with a replace directive to /usr/share/gocode;
#  - every Go executable in the directories of $PATH and Go's own tool directory.
# Skipped (77) without go; needs cc and the static library beside $CGUARD.
. "$(dirname "$0")/lib/common.sh"
[ -n "${CG_KEEP_TMP:-}" ] && trap - EXIT && echo "tmp: $T_TMP"

command -v go >/dev/null 2>&1 || { echo "pkg_gobin: no go: skipped"; exit 77; }
LIB=$(dirname "$CGUARD")/libcguard.a
[ -f "$LIB" ] || { echo "pkg_gobin: no $LIB"; echo "pkg_gobin: 0 passed, 1 failed"; exit 1; }

# ---- a driver: each file streamed in pseudo-random chunks --------------------------------
cat >"$T_TMP/drv.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>
#include <cguard/pkg.h>
#include "pkg/gobin.h"

static cg_err_t add(void *ud, const struct cg_pkg *p, const char *const *f, size_t nf)
{
	(void)ud; (void)f; (void)nf;
	if (strcmp(p->type, "golang") != 0)
		return CG_ERR_INTERNAL;
	printf("%s%s%s\t%s\n", p->namespace_ ? p->namespace_ : "", p->namespace_ ? "/" : "",
	       p->name, p->version);
	return CG_OK;
}

static void warn(void *ud, const char *path, const char *msg)
{
	(void)ud; (void)path;
	fprintf(stderr, "WARN\t%s\n", msg);
}

int main(int argc, char **argv)
{
	static unsigned char buf[1 << 17];
	struct cg_pkg_sink sink = { add, warn, NULL };
	unsigned seed = 12345;
	for (int a = 1; a < argc; a++) {
		FILE *f = fopen(argv[a], "rb");
		struct cg_gobin g;
		size_t n;
		if (!f)
			return 2;
		cg_gobin_init(&g);
		for (;;) {
			seed = seed * 1103515245u + 12345u;
			n = fread(buf, 1, 1 + (seed >> 8) % sizeof(buf), f);
			if (!n || !cg_gobin_feed(&g, buf, n))
				break;
		}
		fclose(f);
		printf("== %s\n", argv[a]);
		if (cg_gobin_finish(&g, argv[a], 0, &sink) != CG_OK)
			return 3;
	}
	return 0;
}
EOF
PKGLIBS=$(pkg-config --libs jansson libarchive libcrypto zlib libzstd sqlite3 2>/dev/null)
cc -std=gnu11 -O2 -I"$TOP/include" -I"$TOP/lib" -o "$T_TMP/drv" "$T_TMP/drv.c" "$LIB" $PKGLIBS -lpthread
check "the driver builds" test -x "$T_TMP/drv"

# `go version -m` of each file, with gobin.c's rules, in the driver's format
expect() {
	python3 - "$TOP/tests/data/pkg/gobin/make-windows.py" "$@" <<'EOF'
import importlib.util, sys
spec = importlib.util.spec_from_file_location('mw', sys.argv[1])
mw = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mw)
for f in sys.argv[2:]:
    sys.stdout.write('== %s\n%s' % (f, mw.expected(f)))
EOF
}

# ---- programs built here ------------------------------------------------------------------
export GOPATH=$T_TMP/gopath GOCACHE=${CG_GOCACHE:-$T_TMP/gocache} GOPROXY=off GOSUMDB=off \
	GOTOOLCHAIN=local GOFLAGS= HOME=${HOME:-$T_TMP}
src=$T_TMP/app
mkdir -p "$src/vendor/example.com/liba" "$src/vendor/example.com/libb" \
	"$src/vendor/golang.org/x/mod" "$src/third_party/mod"
cat >"$src/go.mod" <<'EOF'
module example.com/app

go 1.17

require (
	example.com/liba v1.2.3
	example.com/libb v0.1.0
	golang.org/x/mod v0.7.0
)

replace example.com/libb => example.com/forkb v0.1.1-0.20230102030405-abcdefabcdef

replace golang.org/x/mod => ./third_party/mod
EOF
echo 'module golang.org/x/mod' >"$src/third_party/mod/go.mod"
echo 'package liba; func A() int { return 1 }' >"$src/vendor/example.com/liba/a.go"
echo 'package libb; func B() int { return 2 }' >"$src/vendor/example.com/libb/b.go"
gocode=/usr/share/gocode/src/golang.org/x/mod
if [ -d "$gocode/semver" ]; then
	cp -r "$gocode/semver" "$src/vendor/golang.org/x/mod/"
else # no Debian golang-golang-x-mod-dev: a stand-in package of the same path
	mkdir -p "$src/vendor/golang.org/x/mod/semver"
	echo 'package semver; func Compare(a, b string) int { return len(a) - len(b) }' \
		>"$src/vendor/golang.org/x/mod/semver/s.go"
fi
cat >"$src/vendor/modules.txt" <<'EOF'
# example.com/liba v1.2.3
## explicit
example.com/liba
# example.com/libb v0.1.0 => example.com/forkb v0.1.1-0.20230102030405-abcdefabcdef
## explicit
example.com/libb
# golang.org/x/mod v0.7.0 => ./third_party/mod
## explicit; go 1.17
golang.org/x/mod/semver
# example.com/libb => example.com/forkb v0.1.1-0.20230102030405-abcdefabcdef
# golang.org/x/mod => ./third_party/mod
EOF
cat >"$src/main.go" <<'EOF'
package main

import (
	"fmt"
	"os"

	"example.com/liba"
	"example.com/libb"
	"golang.org/x/mod/semver"
)

func main() { fmt.Fprintln(os.Stderr, liba.A()+libb.B(), semver.Compare("v1.0.0", "v1.1.0")) }
EOF
start=$(date +%s)
(cd "$src" && GOFLAGS=-mod=vendor go build -o "$T_TMP/bin/app" .) 2>"$T_TMP/build.err"
check "go build (vendored modules, offline)" test -x "$T_TMP/bin/app"
[ -x "$T_TMP/bin/app" ] || sed 's/^/    /' "$T_TMP/build.err" | head -20

if [ -d "$gocode" ]; then
	mkdir -p "$T_TMP/app2"
	cat >"$T_TMP/app2/go.mod" <<EOF
module example.com/hello

go 1.17

require golang.org/x/mod v0.7.0

replace golang.org/x/mod => $gocode
EOF
	cat >"$T_TMP/app2/main.go" <<'EOF'
package main

import (
	"fmt"

	"golang.org/x/mod/semver"
)

func main() { fmt.Println(semver.Compare("v1.0.0", "v1.1.0")) }
EOF
	(cd "$T_TMP/app2" && GOFLAGS=-mod=mod go build -o "$T_TMP/bin/hello" .) 2>>"$T_TMP/build.err"
	check "go build (module mode, replace to /usr/share/gocode)" test -x "$T_TMP/bin/hello"
fi
secs=$(($(date +%s) - start))
check "the Go builds take under 60 s (took ${secs}s)" test "$secs" -lt 60

built=$(ls "$T_TMP"/bin/* 2>/dev/null)
if [ -n "$built" ]; then
	expect $built >"$T_TMP/built.want"
	"$T_TMP/drv" $built >"$T_TMP/built.got" 2>"$T_TMP/built.warn"
	check_eq "built programs: exit status" "$?" 0
	check "built programs: packages equal go version -m's" diff -u "$T_TMP/built.want" "$T_TMP/built.got"
	diff -u "$T_TMP/built.want" "$T_TMP/built.got" | head -20
	check_eq "built programs: no warnings" "$(wc -l <"$T_TMP/built.warn")" 0
	check "app: the replaced module is the fork" grep -qx $'example.com/forkb\tv0.1.1-0.20230102030405-abcdefabcdef' "$T_TMP/built.got"
	check "app: stdlib in the vulnerability database's form" grep -qE $'^stdlib\t[0-9]+\\.[0-9]+\\.[0-9]+$' "$T_TMP/built.got"
	check "app: the main module (devel) has an empty version" grep -qx $'example.com/app\t' "$T_TMP/built.got"
	check "app: the module replaced by a directory has an empty version" grep -qx $'golang.org/x/mod\t' "$T_TMP/built.got"
fi

# ---- every Go executable of $PATH and of Go's tool directory ---------------------------------
dirs=$(echo "$PATH" | tr ':' '\n'; go env GOTOOLDIR 2>/dev/null; dirname "$(readlink -f "$(command -v go)")")
find $(printf '%s\n' $dirs | sort -u | while read -r d; do [ -d "$d" ] && echo "$d"; done) \
	-maxdepth 1 -type f -perm /111 -size +300k 2>/dev/null | sort -u |
	while read -r f; do
		case "$(go version "$f" 2>&1)" in "$f: go"* | "$f: devel"*) echo "$f" ;; esac
	done | head -n 150 >"$T_TMP/sys.list"
nsys=$(wc -l <"$T_TMP/sys.list")
check "some Go executables installed (found $nsys)" test "$nsys" -gt 0
if [ "$nsys" -gt 0 ]; then
	mapfile -t sys <"$T_TMP/sys.list"
	expect "${sys[@]}" >"$T_TMP/sys.want"
	"$T_TMP/drv" "${sys[@]}" >"$T_TMP/sys.got" 2>"$T_TMP/sys.warn"
	check_eq "installed executables: exit status" "$?" 0
	# per executable: the same list in the same order
	same=$(python3 - "$T_TMP/sys.want" "$T_TMP/sys.got" <<'EOF'
import sys
def blocks(p):
    b, cur = {}, None
    for line in open(p):
        if line.startswith('== '):
            cur = line[3:].rstrip('\n'); b[cur] = []
        else:
            b[cur].append(line)
    return b
w, g = blocks(sys.argv[1]), blocks(sys.argv[2])
ok = [f for f in w if g.get(f) == w[f]]
bad = [f for f in w if g.get(f) != w[f]]
pk = sum(len(w[f]) for f in ok)
print(len(ok), len(w), pk)
for f in bad[:5]:
    print('differs:', f, file=sys.stderr)
EOF
)
	read -r nok nall npk <<<"$same"
	echo "  installed Go executables: $nok of $nall agree with go version -m ($npk packages)"
	check_eq "installed executables: all agree with go version -m" "$nok" "$nall"
	# a warning only for Go versions that are no release
	check "installed executables: warnings only for non-release toolchains" \
		bash -c "! grep -v 'is no release' '$T_TMP/sys.warn' | grep -q ."
fi

finish
