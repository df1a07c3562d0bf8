#!/usr/bin/env bash
# cguard image scan on an AlmaLinux 9 rpm database, end to end, against real AlmaLinux OSV
# advisories (tests/data/scan/almalinux9, untouched copies; README.md there).
#  - the rpm database is written by rpm itself: tiny .rpm packages with real AlmaLinux 9
#    names, epochs, versions, releases and source rpms, built here with rpmbuild and put in
#    with `rpm --root ROOT -i --justdb` (SQLite backend, /var/lib/rpm/rpmdb.sqlite);
#  - the expected findings are computed here by python3-rpm: each advisory's events are
#    evaluated with rpm.labelCompare (the rpm library's own ordering), by binary name (the
#    AlmaLinux records name binary rpms), ecosystem "AlmaLinux:9" only;
#  - the (id, package, status, fixed) rows must be equal, exactly.
# Cases: below, at and above fixes; epochs (openssl 1:, tar 2:, bind 32: — tar is installed at
# exactly its latest fix, so an epoch dropped on either side would report it); rpm's "p"
# versions (sudo 1.9.5p2 < 1.9.17p2); "~" (sisu 1:0.9.0~M3 at its fix); ".alma.N" releases;
# a binary whose source rpm has another name (python3-libs from python3.9); a package no
# advisory names; AlmaLinux 10 records with higher fixes that must not apply to AlmaLinux 9.
# Skipped (77) without rpm, rpmbuild, python3-rpm or jq.
. "$(dirname "$0")/lib/common.sh"
[ -n "${CG_KEEP_TMP:-}" ] && trap - EXIT && echo "tmp: $T_TMP"
PY=/usr/bin/python3
for t in rpm rpmbuild jq; do
	command -v $t >/dev/null 2>&1 || { echo "$T_NAME: skipped: no $t (Debian package rpm / jq)"; exit 77; }
done
$PY -c 'import rpm' 2>/dev/null || { echo "$T_NAME: skipped: no python3-rpm"; exit 77; }
data=$TOP/tests/data/scan

# ---- the installed packages: source|epoch|version|release|binary rpms ----------------------
pkgs='openssl|1|3.0.7|27.el9|openssl openssl-libs
curl||7.76.1|29.el9_4.1|curl-minimal libcurl-minimal
glibc||2.34|100.el9_4.2|glibc glibc-common glibc-minimal-langpack
tar|2|1.34|9.el9_7|tar
sqlite||3.34.1|9.el9_7|sqlite-libs
sudo||1.9.5p2|10.el9_3|sudo
systemd||252|32.el9_4.alma.1|systemd systemd-libs
bind|32|9.16.23|34.el9_7.2|bind-libs bind-license
python3.9||3.9.18|3.el9|python3 python3-libs
sisu|1|0.9.0~M3|7.module_el9.6.0+148+fb6dc857|sisu
bash||5.1.8|9.el9|bash'
top=$T_TMP/rpmbuild
root=$T_TMP/root
mkdir -p "$top/SPECS" "$root/etc" "$root/var/lib/rpm"
while IFS='|' read -r src epoch ver rel bins; do
	spec=$top/SPECS/$src.spec
	{
		printf 'Name: %s\nVersion: %s\nRelease: %s\nSummary: test\nLicense: MIT\n' "$src" "$ver" "$rel"
		[ -n "$epoch" ] && printf 'Epoch: %s\n' "$epoch"
		printf '%%description\ntest\n'
		for b in $bins; do
			if [ "$b" = "$src" ]; then
				printf '%%files\n'
			else
				printf '%%package -n %s\nSummary: test\n%%description -n %s\ntest\n%%files -n %s\n' "$b" "$b" "$b"
			fi
		done
	} >"$spec"
	rpmbuild --quiet --define "_topdir $top" --define '_build_id_links none' --target x86_64 \
		-bb "$spec" >>"$T_TMP/rpmbuild.log" 2>&1 || { echo "  rpmbuild $src failed:"; tail -5 "$T_TMP/rpmbuild.log"; }
done <<<"$pkgs"
printf 'NAME="AlmaLinux"\nVERSION="9.4 (Seafoam Ocelot)"\nID="almalinux"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\nPLATFORM_ID="platform:el9"\nPRETTY_NAME="AlmaLinux 9.4 (Seafoam Ocelot)"\n' \
	>"$root/etc/os-release"
rpm --root "$root" --dbpath /var/lib/rpm --define '_db_backend sqlite' --initdb
rpm --root "$root" --dbpath /var/lib/rpm --define '_db_backend sqlite' -i --justdb --nodeps \
	--ignorearch --ignoreos "$top"/RPMS/*/*.rpm 2>&1 | grep -v 'should not be used directly\|know what you are doing'
nbins=$(awk -F'|' '{ n += split($5, a, " ") } END { print n }' <<<"$pkgs")
check_eq "rpm database holds every binary rpm" \
	"$(rpm --root "$root" --dbpath /var/lib/rpm -qa 2>/dev/null | wc -l)" "$nbins"
check "rpm database is SQLite" test -s "$root/var/lib/rpm/rpmdb.sqlite"
# what rpm itself says is installed: name epoch version release sourcerpm
rpm --root "$root" --dbpath /var/lib/rpm -qa --qf '%{NAME}\t%{EPOCHNUM}\t%{VERSION}\t%{RELEASE}\t%{SOURCERPM}\n' \
	2>/dev/null | sort >"$T_TMP/installed.tsv"
check "python3-libs comes from the python3.9 source rpm" \
	grep -q $'^python3-libs\t0\t3.9.18\t3.el9\tpython3.9-3.9.18-3.el9.src.rpm$' "$T_TMP/installed.tsv"

# ---- the database: AlmaLinux 9 records, plus AlmaLinux 10 ones that must not apply ---------
"$CGUARD" db build -o "$T_TMP/v.db" "osv:$data/almalinux9" "osv:$data/almalinux10" >"$T_TMP/build.out" 2>&1
check_eq "db build: exit status" "$?" 0
check_eq "db build: every advisory stored" \
	"$(sqlite3 "$T_TMP/v.db" 'SELECT count(*) FROM advisories')" \
	"$(ls "$data/almalinux9" "$data/almalinux10" | grep -c '\.json$')"

# ---- the scan, as a folder and as an OCI image -------------------------------------------
"$CGUARD" image scan "dir:$root" --db "$T_TMP/v.db" -f json -q >"$T_TMP/scan.json" 2>"$T_TMP/scan.err"
check_eq "scan: exit status" "$?" 0
jq -r '.findings[] | "\(.id) \(.package.name) \(.status) \(.fixed // "-")"' "$T_TMP/scan.json" |
	sort >"$T_TMP/got"

# ---- the expectation, with rpm's own comparison ------------------------------------------
$PY - "$T_TMP/installed.tsv" "$data"/almalinux9/*.json "$data"/almalinux10/*.json >"$T_TMP/want" <<'EOF'
import json, sys, rpm

def evr(s):
    e, _, vr = s.rpartition(':') if ':' in s else ('0', '', s)
    v, _, r = vr.rpartition('-')
    return (e or '0', v, r)

def cmp(a, b):
    return rpm.labelCompare(evr(a), evr(b))

installed = {}
for line in open(sys.argv[1]):
    name, epoch, ver, rel, srpm = line.rstrip('\n').split('\t')
    installed[name] = '%s:%s-%s' % (epoch, ver, rel)

out = set()
for path in sys.argv[2:]:
    rec = json.load(open(path))
    if rec.get('withdrawn'):
        continue
    for aff in rec['affected']:
        pkg = aff['package']
        if pkg['ecosystem'] != 'AlmaLinux:9' or pkg['name'] not in installed:
            continue
        v = installed[pkg['name']]
        hit, fixes = False, []
        for rng in aff.get('ranges', []):
            if rng['type'] != 'ECOSYSTEM':
                continue
            # OSV: the union of [introduced, fixed) and [introduced, last_affected]
            lo = None
            inside = False
            for ev in rng['events']:
                (k, x), = ev.items()
                if k == 'introduced':
                    lo = x
                elif lo is not None:
                    above = lo == '0' or cmp(v, lo) >= 0
                    if above and ((k == 'fixed' and cmp(v, x) < 0) or (k == 'last_affected' and cmp(v, x) <= 0) or (k == 'limit' and cmp(v, x) < 0)):
                        inside = True
                    lo = None
            if lo is not None and (lo == '0' or cmp(v, lo) >= 0):
                inside = True
            if inside:
                hit = True
                fixes += [list(e.values())[0] for e in rng['events'] if 'fixed' in e and cmp(list(e.values())[0], v) > 0]
                break
        if not hit and any(cmp(v, x) == 0 for x in aff.get('versions', [])):
            hit = True
        if hit:
            best = None
            for f in fixes:
                if best is None or cmp(f, best) < 0:
                    best = f
            out.add('%s %s %s %s' % (rec['id'], pkg['name'], 'fixed' if best else 'unfixed', best or '-'))
for l in sorted(out):
    print(l)
EOF
sort -o "$T_TMP/want" "$T_TMP/want"
check "expectations are not trivial ($(wc -l <"$T_TMP/want") rows)" test "$(wc -l <"$T_TMP/want")" -ge 40
if cmp -s "$T_TMP/got" "$T_TMP/want"; then ok; else
	fail "findings differ from rpm.labelCompare's (< only cguard, > only expected):"
	diff "$T_TMP/got" "$T_TMP/want" | grep '^[<>]' | head -40
fi

# ---- the cases named above, one by one ----------------------------------------------------
row() { jq -r --arg n "$1" --arg i "$2" '.findings[] | select(.package.name == $n and .id == $i) |
	"\(.ecosystem) \(.matched_name) \(.installed) \(.status) \(.fixed // "-")"' "$T_TMP/scan.json"; }
check_eq "epoch: openssl-libs compared as E:V-R" "$(row openssl-libs ALSA-2024:6783)" \
	"AlmaLinux:9 openssl-libs 1:3.0.7-27.el9 fixed 1:3.0.7-28.el9_4"
check_eq "epoch: openssl-libs at the fix 1:3.0.7-27.el9 of ALSA-2024:2447: not reported" \
	"$(row openssl-libs ALSA-2024:2447)" ""
check_eq "epoch: tar at its latest fix (2:1.34-9.el9_7) has no finding" \
	"$(jq '[.findings[] | select(.package.name == "tar")] | length' "$T_TMP/scan.json")" 0
check_eq "epoch 32: bind-libs below a later fix" "$(row bind-libs ALSA-2026:54510)" \
	"AlmaLinux:9 bind-libs 32:9.16.23-34.el9_7.2 fixed 32:9.16.23-40.el9_8.8"
check_eq "at the fix: bind-libs not reported for the advisory whose fix it is" "$(row bind-libs ALSA-2026:8075)" ""
check_eq "p-versions: sudo 1.9.5p2 below 1.9.17p2" "$(row sudo ALSA-2026:19220)" \
	"AlmaLinux:9 sudo 1.9.5p2-10.el9_3 fixed 1.9.17p2-3.el9_8"
check_eq "source rpm named otherwise: python3-libs matched by its binary name" \
	"$(jq -r '[.findings[] | select(.package.name == "python3-libs") | .matched_name] | unique | .[]' "$T_TMP/scan.json")" \
	"python3-libs"
check_eq "tilde: sisu at its fix 1:0.9.0~M3-7 has no finding" \
	"$(jq '[.findings[] | select(.package.name == "sisu")] | length' "$T_TMP/scan.json")" 0
check_eq "a package no advisory names: nothing" \
	"$(jq '[.findings[] | select(.package.name == "bash")] | length' "$T_TMP/scan.json")" 0
check_eq "AlmaLinux 10 records do not apply to AlmaLinux 9" \
	"$(jq '[.findings[] | select(.ecosystem != "AlmaLinux:9")] | length' "$T_TMP/scan.json")" 0
check_eq "every binary rpm was matched" "$(jq '.counts.packages_matched' "$T_TMP/scan.json")" "$nbins"
check_eq "no entry skipped" "$(jq '.counts.entries_skipped' "$T_TMP/scan.json")" 0

# the same rootfs as a one-layer OCI image gives the same findings
. "$(dirname "$0")/lib/images.sh"
tar -C "$root" --numeric-owner -cf "$T_TMP/layer.tar" .
oci_layout "$T_TMP/oci" alma9 "$T_TMP/layer.tar"
"$CGUARD" image scan "oci:$T_TMP/oci:alma9" --db "$T_TMP/v.db" -f json -q >"$T_TMP/oci.json" 2>/dev/null
check_eq "oci: exit status" "$?" 0
check_eq "oci: the same findings as the folder" \
	"$(jq -r '.findings[] | "\(.id) \(.package.name) \(.status) \(.fixed // "-")"' "$T_TMP/oci.json" | sort)" \
	"$(cat "$T_TMP/got")"
finish
