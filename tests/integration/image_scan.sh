#!/usr/bin/env bash
# cguard image scan: images built from parts (dpkg status, apk installed db, Python
# dist-info) against a database built from the committed feed excerpts. The expected
# findings are computed here, independently of cguard: the Debian lists are read with awk
# and compared with `dpkg --compare-versions`, the tracker JSON with jq, the Alpine secdb
# and the PyPA records (their explicit `versions` lists) with python3-yaml.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/images.sh"
feeds=$TOP/tests/data/feeds

# the database: every feed, the Debian excerpts laid out as a tracker checkout
for l in CVE DSA DLA DTSA; do mkdir -p "$T_TMP/tracker/data/$l" && cp "$feeds/debian/$l-list" "$T_TMP/tracker/data/$l/list"; done
cp "$feeds/debian/tracker.json" "$T_TMP/tracker/debian.json"
"$CGUARD" db build -o "$T_TMP/v.db" "osv:$feeds/osv" "debian:$T_TMP/tracker" \
	"debian-support:$feeds/debian-support" "alpine:$feeds/alpine" "rustsec:$feeds/rustsec" \
	"kev:$feeds/kev" >/dev/null 2>&1
check "database built" test -s "$T_TMP/v.db"

layer() { # layer DIR TAR
	tar -C "$1" --numeric-owner -cf "$2" .
}

# ---- Debian 11: source packages below, at and above the bullseye fixes -------------------
# name|Source: line (may be empty)|version
deb_pkgs='curl||7.74.0-1.3+deb11u3
libcurl4|curl|7.74.0-1.3+deb11u7
apache2-bin|apache2|2.4.54-1~deb11u1
libapr1|apr|1.7.0-6+deb11u2
putty||0.74-2
ant||1.10.9-4
xserver-xorg-core|xorg-server (2:1.20.11-1+deb11u5)|2:1.20.11-1+deb11u5+b1
thunderbird||1:102.9.0-1~deb11u1
libsox3|sox (14.4.2+git20190427-2+deb11u1)|14.4.2+git20190427-2+deb11u2+b1
chromium||111.0.5563.64-1~deb11u1
sope4.9|sope|5.0.1-2
python3-py|python-py|1.10.0-1'
r=$T_TMP/deb
mkdir -p "$r/etc" "$r/var/lib/dpkg/info" "$r/bin" "$r/usr/lib/python3/dist-packages/py-1.10.0.dist-info" \
	"$r/usr/local/lib/python3.9/site-packages/Remarshal-0.14.0.dist-info" \
	"$r/usr/local/lib/python3.9/site-packages/remarshal-0.17.1.dist-info"
: >"$r/bin/sh"
printf 'PRETTY_NAME="Debian GNU/Linux 11 (bullseye)"\nID=debian\nVERSION_ID="11"\nVERSION_CODENAME=bullseye\n' >"$r/etc/os-release"
while IFS='|' read -r name src ver; do
	printf 'Package: %s\nStatus: install ok installed\nArchitecture: amd64\n' "$name"
	[ -n "$src" ] && printf 'Source: %s\n' "$src"
	printf 'Version: %s\nDescription: test\n\n' "$ver"
done <<<"$deb_pkgs" >"$r/var/lib/dpkg/status"
# Debian's python3-py owns its dist-info: the PyPI record must not be matched for it
printf 'Metadata-Version: 2.1\nName: py\nVersion: 1.10.0\n' >"$r/usr/lib/python3/dist-packages/py-1.10.0.dist-info/METADATA"
printf '/usr/lib/python3/dist-packages/py-1.10.0.dist-info\n/usr/lib/python3/dist-packages/py-1.10.0.dist-info/METADATA\n' \
	>"$r/var/lib/dpkg/info/python3-py.list"
# pip-installed: one affected (name spelled otherwise than in the record), one fixed
printf 'Metadata-Version: 2.1\nName: Remarshal\nVersion: 0.14.0\n' >"$r/usr/local/lib/python3.9/site-packages/Remarshal-0.14.0.dist-info/METADATA"
printf 'Metadata-Version: 2.1\nName: remarshal\nVersion: 0.17.1\n' >"$r/usr/local/lib/python3.9/site-packages/remarshal-0.17.1.dist-info/METADATA"
layer "$r" "$T_TMP/deb.tar"
oci_layout "$T_TMP/deboci" deb11 "$T_TMP/deb.tar"

"$CGUARD" image scan "oci:$T_TMP/deboci:deb11" --db "$T_TMP/v.db" --format json -q >"$T_TMP/deb.json"
check_eq "debian: exit status 0 with findings" "$?" 0
jq -r '.findings[] | "\(.id) \(.package.name) \(.status) \(.fixed // "-")"' "$T_TMP/deb.json" | sort >"$T_TMP/got"

# expected, independently: each installed package with its source name and version
src_of() { # NAME SRC VER -> "srcname srcver"
	local s=${2%% (*} v=$3
	[ -z "$2" ] && s=$1
	case $2 in *'('*) v=${2#*(}; v=${v%)} ;; esac
	echo "$s $v"
}
lt() { dpkg --compare-versions "$1" lt "$2"; }
expect_deb() {
	local name src ver s v
	while IFS='|' read -r name src ver; do
		read -r s v < <(src_of "$name" "$src" "$ver")
		# DSA/DLA lists: "[bullseye] - pkg VERSION" under an advisory header
		awk -v p="$s" '/^\[/ { for (i = 1; i <= NF; i++) if ($i ~ /^D[SL]A-/) id = $i }
			$1 == "[bullseye]" && $3 == p && $4 !~ /^</ { print id, $4 }' \
			"$feeds/debian/DSA-list" "$feeds/debian/DLA-list" |
			while read -r id fix; do lt "$v" "$fix" && echo "$id $name fixed $fix"; done
		# CVE/list: the bullseye line, else the release-less default line
		awk -v p="$s" '/^CVE-/ { if (id != "") out(); id = $1; def = ""; rel = "" }
			$1 == "-" && $2 == p { def = $3 }
			$1 == "[bullseye]" && $3 == p { rel = $4 }
			function out() { w = rel != "" ? rel : def; if (w != "" && id !~ /XXXX/) print id, w }
			END { if (id != "") out() }' "$feeds/debian/CVE-list" |
			while read -r id w; do
				case $w in
				'<unfixed>' | '<no-dsa>' | '<postponed>' | '<ignored>') echo "$id $name unfixed -" ;;
				'<'*) ;;
				*) lt "$v" "$w" && echo "$id $name fixed $w" ;;
				esac
			done
		# the tracker's JSON: releases.bullseye
		jq -r --arg p "$s" '.[$p] // {} | to_entries[] | select(.value.releases.bullseye) |
			"\(.key) \(.value.releases.bullseye.status) \(.value.releases.bullseye.fixed_version // "-")"' \
			"$feeds/debian/tracker.json" |
			while read -r id st fix; do
				if [ "$st" = open ]; then echo "$id $name unfixed -"
				elif [ "$fix" != 0 ] && lt "$v" "$fix"; then echo "$id $name fixed $fix"; fi
			done
	done <<<"$deb_pkgs"
	# PyPA records: affected when the version is one the record lists
	/usr/bin/python3 -c 'import sys, yaml
for f in sys.argv[1:]:
    r = yaml.safe_load(open(f))
    if "withdrawn" in r: continue
    for a in r["affected"]:
        if a["package"]["name"] != "remarshal": continue
        fixed = [e["fixed"] for g in a["ranges"] if g["type"] == "ECOSYSTEM" for e in g["events"] if "fixed" in e]
        if "0.14.0" in a.get("versions", []):
            print(r["id"], "remarshal", "fixed" if fixed else "unfixed", fixed[0] if fixed else "-")
' "$feeds"/osv/pypa/*.yaml
}
expect_deb | sort -u >"$T_TMP/want"
check "debian: expectations are not trivial" test "$(wc -l <"$T_TMP/want")" -ge 8
check_eq "debian: findings" "$(cat "$T_TMP/got")" "$(cat "$T_TMP/want")"
check_eq "debian: the owned-by-OS py dist-info is not matched" \
	"$(jq '[.findings[] | select(.package.type == "pypi" and .package.name == "py")] | length' "$T_TMP/deb.json")" 0
check_eq "debian: putty's bullseye no-dsa line wins over the default line" \
	"$(jq -r '.findings[] | select(.id == "CVE-2021-36367") | "\(.ecosystem) \(.status) \(.note)"' "$T_TMP/deb.json")" \
	"Debian:11 unfixed no-dsa: Minor issue"
check_eq "debian: ant from the release-less default line" \
	"$(jq -r '.findings[] | select(.id == "CVE-2021-36373") | "\(.ecosystem) \(.severity)"' "$T_TMP/deb.json")" \
	"Debian unimportant"
check_eq "debian: sox judged by its source version" \
	"$(jq -r '.findings[] | select(.package.name == "libsox3") | "\(.matched_name) \(.installed)"' "$T_TMP/deb.json")" \
	"sox 14.4.2+git20190427-2+deb11u1"
check_eq "debian: advisory aliases" \
	"$(jq -c '.findings[] | select(.id == "DSA-5365-1") | .aliases' "$T_TMP/deb.json")" '["CVE-2023-23916"]'
check_eq "debian: counts add up" "$(jq '.counts.findings == (.findings | length) and
	.counts.findings == ([.counts.by_status[]] | add)' "$T_TMP/deb.json")" true
check_eq "debian: image and os in the report" \
	"$(jq -r '"\(.image.transport) \(.os.id) \(.os.version_id)"' "$T_TMP/deb.json")" "oci debian 11"

# the table: one line per finding, sorted by level (highest first) then id
"$CGUARD" image scan "oci:$T_TMP/deboci:deb11" --db "$T_TMP/v.db" -q >"$T_TMP/deb.txt"
check_eq "table: exit status" "$?" 0
check_eq "table: a header and one line per finding" \
	"$(awk 'NF == 0 { exit } { n++ } END { print n - 1 }' "$T_TMP/deb.txt")" "$(jq '.findings | length' "$T_TMP/deb.json")"
check "table: the header" grep -q '^ID  *LEVEL  *CVSS  *URGENCY  *STATUS  *PACKAGE  *INSTALLED  *FIXED' "$T_TMP/deb.txt"
rank() { case $1 in critical) echo 5 ;; high) echo 4 ;; medium) echo 3 ;; low) echo 2 ;; negligible) echo 1 ;; *) echo 0 ;; esac; }
awk 'NR > 1 && NF == 0 { exit } NR > 1 { print $2, $1 }' "$T_TMP/deb.txt" |
	while read -r lv id; do echo "$(rank "$lv") $id"; done >"$T_TMP/order"
check_eq "table: sorted by level, then id" "$(cat "$T_TMP/order")" "$(sort -k1,1nr -k2,2 "$T_TMP/order")"

# ---- Alpine 3.15: apk origins against the secdb --------------------------------------------
r=$T_TMP/alp
mkdir -p "$r/etc" "$r/lib/apk/db" "$r/bin"
: >"$r/bin/sh"
printf 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.15.4\n' >"$r/etc/os-release"
apk_pkgs='zlib zlib 1.2.12-r0
xz-libs xz 5.2.5-r0
zstd-libs zstd 1.5.0-r0
zsh zsh 5.8.1-r0'
while read -r name origin ver; do
	printf 'P:%s\nV:%s\nA:x86_64\no:%s\n\n' "$name" "$ver" "$origin"
done <<<"$apk_pkgs" >"$r/lib/apk/db/installed"
layer "$r" "$T_TMP/alp.tar"
oci_layout "$T_TMP/alpoci" a "$T_TMP/alp.tar"
"$CGUARD" image scan "oci:$T_TMP/alpoci:a" --db "$T_TMP/v.db" -f json -q >"$T_TMP/alp.json"
check_eq "alpine: exit status" "$?" 0
jq -r '.findings[] | "\(.id) \(.package.name) \(.status) \(.fixed // "-")"' "$T_TMP/alp.json" | sort >"$T_TMP/got"
# these versions are plain N.N.N-rN, where apk's order and dpkg's agree
check_eq "alpine: versions of the plain form" "$(grep -cvE ' [0-9.]+-r[0-9]+$' <<<"$apk_pkgs")" 0
/usr/bin/python3 -c 'import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
for p in d["packages"]:
    for fix, ids in (p["pkg"].get("secfixes") or {}).items():
        for i in ids or []:
            print(p["pkg"]["name"], fix, i.split()[0])
' "$feeds/alpine/v3.15-main.yaml" >"$T_TMP/secfixes"
while read -r name origin ver; do
	while read -r o fix id; do
		[ "$o" = "$origin" ] && [ "$fix" != 0 ] && lt "$ver" "$fix" && echo "$id $name fixed $fix"
	done <"$T_TMP/secfixes"
done <<<"$apk_pkgs" | sort >"$T_TMP/want"
check "alpine: expectations are not trivial" test "$(wc -l <"$T_TMP/want")" -ge 2
check_eq "alpine: findings" "$(cat "$T_TMP/got")" "$(cat "$T_TMP/want")"
check_eq "alpine: matched as Alpine:v3.15 by origin" \
	"$(jq -r '[.findings[] | select(.package.name == "xz-libs") | "\(.ecosystem) \(.matched_name)"] | unique | .[]' "$T_TMP/alp.json")" \
	"Alpine:v3.15 xz"

# ---- AlmaLinux without an rpm database: nothing to match, no error -------------------------
r=$T_TMP/alma
mkdir -p "$r/etc" "$r/bin"
: >"$r/bin/sh"
printf 'NAME="AlmaLinux"\nID="almalinux"\nVERSION_ID="9.3"\n' >"$r/etc/os-release"
layer "$r" "$T_TMP/alma.tar"
oci_layout "$T_TMP/almaoci" a "$T_TMP/alma.tar"
"$CGUARD" image scan "oci:$T_TMP/almaoci:a" --db "$T_TMP/v.db" -f json -q >"$T_TMP/alma.json"
check_eq "no rpm database: exit status" "$?" 0
check_eq "no rpm database: no findings" "$(jq '.counts.findings' "$T_TMP/alma.json")" 0

# ---- errors ----------------------------------------------------------------------------------
check_status "scan without --db" 2 "$CGUARD" image scan "oci:$T_TMP/almaoci:a"
check_status "scan: unknown format" 2 "$CGUARD" image scan "oci:$T_TMP/almaoci:a" --db "$T_TMP/v.db" -f spdx
check_status "sbom: --db is not its option" 2 "$CGUARD" image sbom "oci:$T_TMP/almaoci:a" --db "$T_TMP/v.db"
check_status "scan: missing database" 1 "$CGUARD" image scan "oci:$T_TMP/almaoci:a" --db "$T_TMP/none.db"
sqlite3 "$T_TMP/other.db" 'CREATE TABLE t(x)'
"$CGUARD" image scan "oci:$T_TMP/almaoci:a" --db "$T_TMP/other.db" >/dev/null 2>"$T_TMP/err"
check_eq "scan: foreign database: exit status" "$?" 1
check "scan: foreign database: a clear error" grep -q 'not a cguard vulnerability database' "$T_TMP/err"
check_status "scan: image not found" 1 "$CGUARD" image scan "oci:$T_TMP/nothing:a" --db "$T_TMP/v.db"
finish
