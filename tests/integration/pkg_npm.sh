#!/usr/bin/env bash
# The npm collector on node_modules trees that npm installs at test time: the
# inventory of installed packages (directory and name@version of each) must
# equal `npm ls --all --parseable --long`. The comparison is made by the unit
# test binary (t_installed reads the tree named by CG_NPM_TREE); this script
# only installs and lists. Needs npm and its registry: skipped (exit 77)
# without them.
. "$(dirname "$0")/lib/common.sh"

BIN=$(dirname "$CGUARD")/tests/test_pkg_npm
if [ ! -x "$BIN" ]; then
	echo "$T_NAME: skipped: no $BIN (make $(dirname "$CGUARD")/tests/test_pkg_npm)"
	exit 77
fi
if ! command -v npm >/dev/null; then
	echo "$T_NAME: skipped: npm is not installed"
	exit 77
fi

# install NAME PACKAGE...: a project in $T_TMP/NAME with these packages
install() {
	local dir=$T_TMP/$1
	shift
	mkdir -p "$dir" && (cd "$dir" && npm init -y >/dev/null &&
		timeout 600 npm install --no-audit --no-fund --ignore-scripts "$@" >npm.log 2>&1)
}

# compare NAME: the collector against `npm ls` on $T_TMP/NAME
compare() {
	local dir=$T_TMP/$1 n
	(cd "$dir" && npm ls --all --parseable --long 2>/dev/null) |
		awk -F: 'NF == 2' | grep -v "^$dir:" | sed "s#^$dir/##" | tr ':' ' ' |
		sort >"$dir.expect"
	n=$(wc -l <"$dir.expect")
	echo "  $1: $n installed packages"
	check "$1: npm ls lists packages ($n)" test "$n" -gt 10
	if CG_NPM_TREE=$dir CG_NPM_EXPECT=$dir.expect "$BIN" t_installed >"$dir.out" 2>&1; then
		ok
	else
		fail "$1: inventory differs from npm ls"
		sed 's/^/    /' "$dir.out" | head -20
	fi
}

# old and new packages: nested node_modules, scoped names, legacy license forms
if ! install web lodash@4.17.15 express@4.17.1 @babel/code-frame json-schema@0.2.3 \
	pause-stream@0.0.11 request@2.88.2; then
	echo "$T_NAME: skipped: npm install failed (no registry?)"
	sed 's/^/    /' "$T_TMP/web/npm.log" | tail -5
	exit 77
fi
compare web
install tools mocha@10 eslint@8 @types/node@20 && compare tools ||
	fail "tools: npm install failed"

finish
