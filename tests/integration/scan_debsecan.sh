#!/usr/bin/env bash
# cguard image scan against debsecan (Debian's own vulnerability checker), offline, on the
# same Debian 12 root filesystem (debootstrap --variant=minbase bookworm, lib/images.sh) and
# the same facts: tests/data/scan/debian/facts2feeds.py writes facts.tsv both as the tracker's
# JSON (for cguard) and as debsecan's VERSION 1 feed for bookworm, made as the tracker's
# security_db.py makes it. debsecan fetches SOURCE/SUITE; a file:// source is read offline:
#   debsecan --suite bookworm --source file:///DIR/ --status ROOT/var/lib/dpkg/status --format detail
# The (CVE, binary package) sets and the fixed/unfixed split must be equal, except for the
# designed differences, each checked:
#  1. unimportant issues: the tracker leaves them out of debsecan's feed; cguard reports them
#     (unfixed, level negligible). They are compared separately with the facts.
#  2. debsecan's "not vulnerable" is an exact list of versions (the fixed versions and the
#     archive's versions at or above them); cguard compares with dpkg's order. A version the
#     archive never had but which is above the fix (a local rebuild, 10.42-1+deb12u3 here) is
#     vulnerable to debsecan, fixed to cguard.
#  3. debian-security-support (ended/limited) is not debsecan's business (check-support-status
#     is); this test's database has none of it.
# Skipped (77) without debsecan (Debian package debsecan), debootstrap, jq or python3-apt.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/images.sh"
[ -n "${CG_KEEP_TMP:-}" ] && trap - EXIT && echo "tmp: $T_TMP"
PY=/usr/bin/python3
for t in debsecan jq dpkg-query; do
	command -v $t >/dev/null 2>&1 || { echo "$T_NAME: skipped: no $t (Debian package $t)"; exit 77; }
done
$PY -c 'import apt_pkg' 2>/dev/null || { echo "$T_NAME: skipped: no python3-apt"; exit 77; }
if [ ! -f "$CG_TEST_CACHE/deb12-minbase/.complete" ] && ! command -v debootstrap >/dev/null; then
	echo "$T_NAME: skipped: no debootstrap"; exit 77
fi
R=$(deb12_rootfs) || { fail "debootstrap of bookworm failed"; finish; exit 1; }
D=$TOP/tests/data/scan/debian

mkdir -p "$T_TMP/tracker" "$T_TMP/debsecan"
$PY "$D/facts2feeds.py" "$D/facts.tsv" "$D/archive.tsv" "$T_TMP/tracker/debian.json" "$T_TMP/debsecan"
check "debsecan feed written" test -s "$T_TMP/debsecan/bookworm"
"$CGUARD" db build -o "$T_TMP/v.db" "debian:$T_TMP/tracker" >"$T_TMP/build.out" 2>&1
check_eq "db build: exit status" "$?" 0

# debsecan's detail report -> "CVE binary fixed|unfixed" (the "(fixed...)" note: a fix is
# available for the suite)
run_debsecan() { # STATUSFILE OUT
	debsecan --suite bookworm --source "file://$T_TMP/debsecan/" --status "$1" --format detail \
		--whitelist "$T_TMP/whitelist" >"$2.raw" 2>"$2.err"
	local rc=$?
	awk '/^(CVE|TEMP)-/ { id = $1; st = ($0 ~ /\(fixed/) ? "fixed" : "unfixed" }
		/^  installed: / { print id, $2, st }' "$2.raw" | sort -u >"$2"
	return $rc
}
# cguard -> the same shape; unimportant (negligible) rows apart
run_cguard() { # DIR OUT
	"$CGUARD" image scan "dir:$1" --db "$T_TMP/v.db" -f json -q >"$2.json" 2>"$2.err"
	local rc=$?
	jq -r '.findings[] | select(.level != "negligible") | "\(.id) \(.package.name) \(.status)"' "$2.json" | sort -u >"$2"
	jq -r '.findings[] | select(.level == "negligible") | "\(.id) \(.package.name) \(.status)"' "$2.json" | sort -u >"$2.unimportant"
	return $rc
}
compare() { # WHAT GOT(cguard) WANT(debsecan)
	if cmp -s "$2" "$3"; then ok; else
		fail "$1: cguard and debsecan differ (< only cguard, > only debsecan):"
		diff "$2" "$3" | grep '^[<>]' | head -40
	fi
}

# ---- the root as debootstrap left it --------------------------------------------------------
run_debsecan "$R/var/lib/dpkg/status" "$T_TMP/deb"
check_eq "debsecan: exit status" "$?" 0
check_eq "debsecan: no errors" "$(cat "$T_TMP/deb.err")" ""
run_cguard "$R" "$T_TMP/cg"
check_eq "cguard: exit status" "$?" 0
check "the comparison is not trivial ($(wc -l <"$T_TMP/deb") debsecan rows)" test "$(wc -l <"$T_TMP/deb")" -ge 5
check "both fixed and unfixed rows" sh -c "grep -q ' fixed\$' '$T_TMP/deb' && grep -q ' unfixed\$' '$T_TMP/deb'"
compare rootfs "$T_TMP/cg" "$T_TMP/deb"

# 1. the unimportant rows: exactly the installed binaries of the unimportant facts
dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${db:Status-Abbrev} ${Package} ${source:Package}\n' |
	awk '$1 == "ii" { print $2, $3 }' >"$T_TMP/installed"
grep -v '^#' "$D/facts.tsv" | awk -F'\t' '$5 == "unimportant" { print $1, $2 }' |
	while read -r cve src; do
		awk -v s="$src" -v c="$cve" '$2 == s { print c, $1, "unfixed" }' "$T_TMP/installed"
	done | sort -u >"$T_TMP/unimportant.want"
check "designed difference 1: unimportant rows exist" test -s "$T_TMP/unimportant.want"
check_eq "designed difference 1: cguard's negligible rows are the unimportant facts" \
	"$(cat "$T_TMP/cg.unimportant")" "$(cat "$T_TMP/unimportant.want")"
check_eq "designed difference 1: debsecan has none of them" \
	"$(comm -12 "$T_TMP/deb" "$T_TMP/unimportant.want")" ""

# ---- 2. a version the archive never had, above the fix ------------------------------------------
V=$T_TMP/local
mkdir -p "$V/etc" "$V/var/lib/dpkg"
cp "$R/etc/os-release" "$V/etc/"
awk 'BEGIN { RS = ""; ORS = "\n\n" } /\nSource: pcre2\n/ || /^Package: libpcre2-8-0\n/ {
	sub(/\nVersion: [^\n]*/, "\nVersion: 10.42-1+deb12u3") } { print }' "$R/var/lib/dpkg/status" \
	>"$V/var/lib/dpkg/status"
check "local rebuild: libpcre2-8-0 10.42-1+deb12u3 in the status" \
	grep -qx 'Version: 10.42-1+deb12u3' "$V/var/lib/dpkg/status"
run_debsecan "$V/var/lib/dpkg/status" "$T_TMP/deb.local"
run_cguard "$V" "$T_TMP/cg.local"
check_eq "designed difference 2: debsecan: not an archive version, so vulnerable" \
	"$(grep ' libpcre2-8-0 ' "$T_TMP/deb.local")" "CVE-2026-103111 libpcre2-8-0 fixed"
check_eq "designed difference 2: cguard: 10.42-1+deb12u3 >= the fix 10.42-1+deb12u2, so not" \
	"$(grep ' libpcre2-8-0 ' "$T_TMP/cg.local")" ""
check_eq "designed difference 2: everything else equal" \
	"$(grep -v ' libpcre2-8-0 ' "$T_TMP/deb.local")" "$(grep -v ' libpcre2-8-0 ' "$T_TMP/cg.local")"
finish
