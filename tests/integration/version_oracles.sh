#!/usr/bin/env bash
# version_oracles.sh [ECOSYSTEM...]
#
# Cross-checks `cguard version compare` against each ecosystem's own tool over real
# version strings (tests/data/versions/real/<ecosystem>.txt). For every ecosystem it
# draws deterministic pseudo-random pairs (mostly two versions of the same package,
# some pairs of any two versions, a few of a version with itself), asks cguard and the
# native oracle (tests/integration/oracles/), and counts:
#   agree            both compared and gave the same answer
#   disagree         both compared and gave different answers
#   invalid-both     both said the pair is not comparable
#   cguard-invalid   cguard refused a pair the tool compared
#   oracle-invalid   cguard compared a pair the tool refuses
#   asymmetric       cguard's cmp(b,a) is not -cmp(a,b) (checked on every pair)
# An ecosystem passes when the last four are all 0. Ecosystems without a native tool on
# Debian 12 (apk, nuget), or whose tool is not installed, are skipped with the reason;
# their pairs still go through the cguard-only symmetry check, and an asymmetry fails.
# Ends with `version_oracles: N passed, N failed[, N skipped]`; exits 77 only when no
# ecosystem could be checked at all.
#
# Environment: CGUARD (the binary; default build/cguard), CG_ORACLE_DIR (where built
# oracles are cached; default beside CGUARD), CG_ORACLE_PAIRS (pairs per ecosystem,
# default 3000), CG_ORACLE_SHOW (disagreements shown per ecosystem, default 5).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=$root/tests/data/versions/real
orc=$here/oracles
CGUARD=${CGUARD:-$root/build/cguard}
cache=${CG_ORACLE_DIR:-$(dirname "$CGUARD")/oracles}
npairs=${CG_ORACLE_PAIRS:-3000}
show=${CG_ORACLE_SHOW:-5}
PY=/usr/bin/python3 # Debian's python: python3-apt, python3-rpm, python3-packaging

ALL=(deb rpm apk pypi npm cargo golang maven gem composer nuget)
[ $# -gt 0 ] && ALL=("$@")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$cache" 2>/dev/null || cache=$work

if [ ! -x "$CGUARD" ]; then
	echo "version_oracles: cguard binary not found at $CGUARD (run make build/cguard)"
	echo "version_oracles: 0 passed, ${#ALL[@]} failed"
	exit 1
fi

# gen_pairs ECO N FILE: up to N distinct pairs "A<TAB>B" from a data file (groups start
# with "# name"). Park-Miller LCG with a fixed seed: exact in any awk's doubles, so the
# same pairs everywhere. Up to 70% are two versions of one package (fewer when few
# packages have several versions), 2% a version with itself, the rest any two versions.
# golang: a quarter of the pairs lose their "v" (the spelling OSV uses).
gen_pairs() {
	awk -v eco="$1" -v N="$2" '
	function rnd(n) { seed = (seed * 16807) % 2147483647; return int(seed / 2147483647 * n) }
	function emit(a, b) {
		if (eco == "golang" && rnd(4) == 0) { sub(/^v/, "", a); sub(/^v/, "", b) }
		if ((a "\t" b) in seen) return
		seen[a "\t" b] = 1; out++
		print a "\t" b
	}
	BEGIN { seed = 20251125; n = 0; g = 0 }
	/^# / { g++; start[g] = n; cnt[g] = 0; next }
	/^$/ { next }
	{ v[n] = $0; grp[n] = g; cnt[g]++; n++ }
	END {
		if (n == 0) exit
		m = 0
		for (i = 0; i < n; i++) if (cnt[grp[i]] >= 2) multi[m++] = i
		same = m * 2 >= n ? 70 : int(140 * m / n)
		for (k = 0; k < 4 * N && out < N; k++) {
			r = rnd(100)
			if (r < same) {
				i = multi[rnd(m)]; gi = grp[i]
				j = start[gi] + rnd(cnt[gi] - 1)
				if (j >= i) j++
				emit(v[i], v[j])
			} else if (r < same + 2) {
				i = rnd(n); emit(v[i], v[i])
			} else {
				emit(v[rnd(n)], v[rnd(n)])
			}
		}
	}' "$3"
}

# prepare_oracle ECO: sets ORACLE (command array) and ORACLE_NAME, or SKIP (the tool is
# not installed: the reason), or BROKEN (it is, but its oracle did not build: a failure).
prepare_oracle() {
	ORACLE=() ORACLE_NAME='' SKIP='' LIMIT='' BROKEN=''
	case $1 in
	deb)
		if [ -x "$PY" ] && "$PY" -c 'import apt_pkg' 2>/dev/null && command -v dpkg >/dev/null; then
			ORACLE=("$PY" "$orc/cmp_deb.py") ORACLE_NAME="apt_pkg (validity: dpkg)"
		elif [ -x "$PY" ] && command -v dpkg >/dev/null; then
			# one dpkg run per answer: keep it to a sample
			ORACLE=("$PY" "$orc/cmp_deb.py" --dpkg) ORACLE_NAME="dpkg --compare-versions"
			LIMIT=1500
		else
			SKIP="needs dpkg and /usr/bin/python3 (Debian packages dpkg, python3, python3-apt)"
		fi ;;
	rpm)
		if "$PY" -c 'import rpm' 2>/dev/null; then
			ORACLE=("$PY" "$orc/cmp_rpm.py") ORACLE_NAME="rpm.labelCompare"
		else
			SKIP="python3 module rpm missing (Debian package python3-rpm)"
		fi ;;
	pypi)
		if "$PY" -c 'import packaging.version' 2>/dev/null; then
			ORACLE=("$PY" "$orc/cmp_pypi.py") ORACLE_NAME="packaging $("$PY" -c 'import packaging; print(packaging.__version__)')"
		else
			SKIP="python3 module packaging missing (Debian package python3-packaging)"
		fi ;;
	gem)
		if command -v ruby >/dev/null && ruby -e 'require "rubygems"' 2>/dev/null; then
			ORACLE=(ruby "$orc/cmp_gem.rb") ORACLE_NAME="Gem::Version $(ruby -e 'print Gem::VERSION')"
		else
			SKIP="ruby missing (Debian package ruby)"
		fi ;;
	maven)
		local jar=
		for j in /usr/share/java/maven-artifact-3.x.jar /usr/share/maven/lib/maven-artifact-3.x.jar \
			/usr/share/maven-repo/org/apache/maven/maven-artifact/3.x/maven-artifact-3.x.jar; do
			[ -f "$j" ] && { jar=$j; break; }
		done
		if ! command -v java >/dev/null; then
			SKIP="java missing (Debian package default-jre-headless)"
		elif [ -z "$jar" ]; then
			SKIP="maven-artifact jar missing (Debian package libmaven3-core-java)"
		else
			# single-file source launch: the JRE's jdk.compiler module, no javac needed
			ORACLE=(java -Xshare:auto -XX:TieredStopAtLevel=1 -cp "$jar" "$orc/CmpMaven.java")
			ORACLE_NAME="ComparableVersion ($(basename "$(readlink -f "$jar")"))"
		fi ;;
	npm)
		if ! command -v node >/dev/null; then
			SKIP="node missing (Debian package nodejs)"
			return
		fi
		# Debian's node-semver, else the copy npm bundles, else one npm installed here
		local p
		for p in /usr/share/nodejs npm "$cache/npm/node_modules"; do
			[ "$p" = npm ] && p=$(npm root -g 2>/dev/null)/npm/node_modules
			if [ -d "$p/semver" ] && NODE_PATH=$p node -e 'require("semver")' 2>/dev/null; then
				ORACLE=(env NODE_PATH="$p" node "$orc/cmp_npm.js")
				ORACLE_NAME="node-semver $(NODE_PATH=$p node -p 'require("semver/package.json").version') ($p)"
				return
			fi
		done
		if command -v npm >/dev/null && npm install --silent --no-audit --no-fund \
			--prefix "$cache/npm" semver@7 >/dev/null 2>&1; then
			ORACLE=(env NODE_PATH="$cache/npm/node_modules" node "$orc/cmp_npm.js")
			ORACLE_NAME="node-semver $(NODE_PATH=$cache/npm/node_modules node -p 'require("semver/package.json").version') (npm install)"
		else
			SKIP="node module semver missing (Debian package node-semver) and npm install failed"
		fi ;;
	composer)
		local al=/usr/share/php/Composer/Semver/autoload.php
		if ! command -v php >/dev/null; then
			SKIP="php missing (Debian package php-cli)"
		elif [ ! -f $al ]; then
			SKIP="composer/semver missing (Debian package php-composer-semver)"
		else
			ORACLE=(php "$orc/cmp_composer.php") ORACLE_NAME="composer/semver (php-composer-semver)"
		fi ;;
	cargo)
		local rustc src
		rustc=$(command -v rustc || { [ -x "$HOME/.cargo/bin/rustc" ] && echo "$HOME/.cargo/bin/rustc"; })
		src=$(find /usr/share/cargo/registry -maxdepth 1 -name 'semver-1.*' 2>/dev/null | sort -V | tail -n 1)
		if [ -z "$rustc" ]; then
			SKIP="rustc missing (Debian package rustc)"
		elif [ -z "$src" ]; then
			SKIP="semver crate source missing (Debian package librust-semver-dev)"
		else
			local bin
			bin=$cache/cmp_cargo-$(basename "$src")
			if [ ! -x "$bin" ] || [ "$orc/cmp_cargo.rs" -nt "$bin" ]; then
				if ! "$rustc" --edition 2018 -O --crate-type rlib --crate-name semver \
					--cap-lints allow -o "$work/libsemver.rlib" "$src/src/lib.rs" \
					>"$work/rustc.log" 2>&1 ||
				   ! "$rustc" --edition 2018 -O --extern semver="$work/libsemver.rlib" \
					-o "$bin" "$orc/cmp_cargo.rs" >>"$work/rustc.log" 2>&1; then
					BROKEN="building the semver oracle failed: $(tail -n 3 "$work/rustc.log")"
					return
				fi
			fi
			ORACLE=("$bin") ORACLE_NAME="semver crate $(basename "$src" | sed 's/semver-//')"
		fi ;;
	golang)
		local gp=/usr/share/gocode
		if ! command -v go >/dev/null; then
			SKIP="go missing (Debian package golang-go)"
		elif [ ! -f $gp/src/golang.org/x/mod/semver/semver.go ]; then
			SKIP="golang.org/x/mod missing (Debian package golang-golang-x-mod-dev)"
		else
			local bin=$cache/cmp_golang
			if [ ! -x "$bin" ] || [ "$orc/cmp_golang.go" -nt "$bin" ]; then
				GO111MODULE=off GOPATH=$gp GOFLAGS='' GOCACHE=${GOCACHE:-$cache/gocache} \
					go build -o "$bin" "$orc/cmp_golang.go" >"$work/go.log" 2>&1 ||
				{ BROKEN="building the x/mod/semver oracle failed: $(tail -n 3 "$work/go.log")"; return; }
			fi
			ORACLE=("$bin") ORACLE_NAME="golang.org/x/mod/semver"
		fi ;;
	apk)
		SKIP="no native tool on Debian 12: apk-tools is not packaged" ;;
	nuget)
		SKIP="no native tool on Debian 12: NuGet.Versioning is not packaged (Debian's nuget is NuGet.Core 2.x on Mono, with other rules)" ;;
	*)
		SKIP="unknown ecosystem" ;;
	esac
}

# classify: reads "A B CG ORACLE CGREV" (TAB-separated) lines, prints counts and
# examples. Output: a line "COUNTS agree disagree invboth cginv orinv asym" first.
classify() {
	awk -F '\t' -v show="$show" -v oname="$1" '
	function num(s) { return s == "-1" || s == "0" || s == "1" }
	function ex(kind, msg) { if (nex[kind]++ < show) exl[++ne] = "  " kind ": " msg }
	{
		a = $1; b = $2; cg = $3; orc = $4; rev = $5
		if (num(cg) != num(rev) || (num(cg) && cg + rev != 0))
			{ asym++; ex("asymmetric", a " vs " b ": cguard says " cg ", reversed " rev) }
		if (orc == "") { next }
		if (num(cg) && num(orc)) {
			if (cg == orc) agree++
			else { dis++; ex("disagree", a " vs " b ": cguard " cg ", " oname " " orc) }
		} else if (!num(cg) && !num(orc)) invb++
		else if (!num(cg)) { cgi++; ex("cguard-invalid", a " vs " b ": cguard \"" cg "\", " oname " " orc) }
		else { ori++; ex("oracle-invalid", a " vs " b ": cguard " cg ", " oname " \"" orc "\"") }
	}
	END {
		printf "COUNTS %d %d %d %d %d %d\n", agree, dis, invb, cgi, ori, asym
		for (i = 1; i <= ne; i++) print exl[i]
	}'
}

passed=0 failed=0 skipped=0
for eco in "${ALL[@]}"; do
	t0=$(date +%s.%N)
	file=$data/$eco.txt
	if [ ! -s "$file" ]; then
		echo "$eco: FAIL: no data file $file"; failed=$((failed + 1)); continue
	fi
	prepare_oracle "$eco"
	if [ -n "$BROKEN" ]; then
		echo "$eco: FAIL: $BROKEN"; failed=$((failed + 1)); continue
	fi
	n=$npairs
	[ -n "$LIMIT" ] && [ "$LIMIT" -lt "$n" ] && n=$LIMIT
	gen_pairs "$eco" "$n" "$file" >"$work/pairs"
	n=$(wc -l <"$work/pairs")
	awk -F '\t' '{ print $2 "\t" $1 }' "$work/pairs" >"$work/rev"

	# cguard: the pairs, then the same pairs reversed, in one run
	cat "$work/pairs" "$work/rev" | "$CGUARD" version compare --ecosystem "$eco" \
		>"$work/cg" 2>"$work/cg.err"
	rc=$?
	got=$(wc -l <"$work/cg")
	if { [ $rc -ne 0 ] && [ $rc -ne 1 ]; } || [ "$got" -ne $((2 * n)) ]; then
		echo "$eco: FAIL: cguard exited $rc after $got of $((2 * n)) answers: $(head -c 300 "$work/cg.err")"
		failed=$((failed + 1)); continue
	fi
	head -n "$n" "$work/cg" >"$work/cg1"
	tail -n "$n" "$work/cg" >"$work/cg2"

	if [ -n "$SKIP" ]; then
		yes '' 2>/dev/null | head -n "$n" >"$work/or"
	else
		"${ORACLE[@]}" <"$work/pairs" >"$work/or" 2>"$work/or.err"
		orc_rc=$?
		if [ $orc_rc -ne 0 ] || [ "$(wc -l <"$work/or")" -ne "$n" ]; then
			echo "$eco: FAIL: oracle $ORACLE_NAME exited $orc_rc after $(wc -l <"$work/or") of $n answers: $(head -c 300 "$work/or.err")"
			failed=$((failed + 1)); continue
		fi
	fi

	paste "$work/pairs" "$work/cg1" "$work/or" "$work/cg2" | classify "${ORACLE_NAME:-none}" >"$work/res"
	read -r _ agree dis invb cgi ori asym <"$work/res"
	secs=$(awk -v s="$t0" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
	if [ -n "$SKIP" ]; then
		if [ "$asym" -gt 0 ]; then
			echo "$eco: FAIL: no oracle ($SKIP); $n pairs, $asym asymmetric in cguard (${secs}s)"
			failed=$((failed + 1))
		else
			echo "$eco: skipped: $SKIP (cguard alone: $n pairs, symmetric) (${secs}s)"
			skipped=$((skipped + 1))
		fi
	else
		line="$eco: $n pairs, $agree agree, $dis disagree, $invb invalid-both, $cgi cguard-invalid, $ori oracle-invalid, $asym asymmetric [$ORACLE_NAME] (${secs}s)"
		if [ $((dis + cgi + ori + asym)) -eq 0 ]; then
			echo "$line"; passed=$((passed + 1))
		else
			echo "FAIL $line"; failed=$((failed + 1))
		fi
	fi
	tail -n +2 "$work/res"
done

if [ $passed -eq 0 ] && [ $failed -eq 0 ]; then
	echo "version_oracles: skipped: no ecosystem has its native tool here"
	exit 77
fi
if [ $skipped -gt 0 ]; then
	echo "version_oracles: $passed passed, $failed failed, $skipped skipped"
else
	echo "version_oracles: $passed passed, $failed failed"
fi
[ $failed -eq 0 ]
