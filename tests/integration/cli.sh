#!/usr/bin/env bash
# The command line: help, version, the subcommand table, usage errors, and
# `cguard version compare|check|list` as a user types them.
. "$(dirname "$0")/lib/common.sh"

out=$("$CGUARD" --help); check_status "--help" 0 "$CGUARD" --help
check "--help lists the version command" grep -q '^  version ' <<<"$out"
check_eq "--version" "$("$CGUARD" --version)" "cguard 0.1.0"
check_status "no arguments" 2 "$CGUARD"
check_status "unknown command" 2 "$CGUARD" frobnicate
err=$("$CGUARD" frobnicate 2>&1 >/dev/null)
check "unknown command says so on stderr" grep -q "'frobnicate' is not a cguard command" <<<"$err"
check_status "unknown global flag" 2 "$CGUARD" --frob
check_status "unknown subcommand flag" 2 "$CGUARD" version compare --frob
err=$("$CGUARD" version compare --frob 2>&1 >/dev/null)
check "usage on stderr for a bad flag" grep -q '^usage: cguard version' <<<"$err"
check_status "version --help" 0 "$CGUARD" version --help
check "version --help prints usage" grep -q 'cguard version compare' <<<"$("$CGUARD" version --help)"
check "help version" grep -q 'cguard version compare' <<<"$("$CGUARD" help version)"
check_status "missing --ecosystem" 2 "$CGUARD" version compare 1 2
check_status "unknown ecosystem" 2 "$CGUARD" version compare --ecosystem cobol 1 2
check_eq "list names 11 ecosystems" "$("$CGUARD" version list | wc -l)" 11

# compare from arguments and from stdin
check_eq "deb epoch" "$("$CGUARD" version compare -e deb 1:1.0 2.0)" "1"
check_eq "deb tilde" "$("$CGUARD" version compare -e deb 1.0~rc1 1.0)" "-1"
check_eq "deb backport" "$("$CGUARD" version compare -e deb 2.36-9+deb12u3 2.36-9+deb12u4)" "-1"
check_eq "npm prerelease" "$("$CGUARD" version compare --ecosystem npm 1.0.0-rc.1 1.0.0)" "-1"
check_eq "pypi post" "$("$CGUARD" version compare --ecosystem pypi 1.0.post1 1.0)" "1"
got=$(printf '1.0\t1.0\n2.0\t1.0\r\n1.0~b\t1.0~a\n' | "$CGUARD" version compare -e deb | tr '\n' ' ')
check_eq "stdin lines (CRLF too)" "$got" "0 1 1 "
printf '1.0\t1.0\nnotab\n\t1.0\n' | "$CGUARD" version compare -e deb >"$T_TMP/out"
st=$?
check_eq "stdin with bad lines: exit status" "$st" "1"
check_eq "stdin with bad lines: first line still compared" "$(sed -n 1p "$T_TMP/out")" "0"
check "no TAB is reported" grep -q '^invalid: no TAB' "$T_TMP/out"
check "empty version is reported as invalid" grep -q '^invalid: a is not a valid deb version' "$T_TMP/out"
check_eq "three answers for three lines" "$(wc -l <"$T_TMP/out")" "3"
head -c 20000 /dev/zero | tr '\0' 'x' >"$T_TMP/long"; printf '\n1\t2\n' >>"$T_TMP/long"
got=$("$CGUARD" version compare -e deb <"$T_TMP/long" | tr '\n' '|')
check_eq "over-long line refused, next line compared" "$got" "invalid: line longer than 8190 bytes|-1|"

check "check valid" grep -q $'^1.2.3\tvalid' <<<"$("$CGUARD" version check -e npm 1.2.3)"
check_status "check invalid exits 1" 1 "$CGUARD" version check -e npm 01.2.3
finish
