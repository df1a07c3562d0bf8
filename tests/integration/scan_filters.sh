#!/usr/bin/env bash
# cguard image scan: what each finding carries beyond the match (CVSS base score, fix
# urgency, fix command) and what the filters remove (--severity, --ignore-unfixed,
# --ignore-file in both formats, --vex), the CI gate (--exit-code) and the table's
# "Fix now" list. Expectations are computed here with jq from the unfiltered JSON report
# and the documented rules (include/cguard/vulndb.h, docs/scanning.md).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/images.sh"
feeds=$TOP/tests/data/feeds

for l in CVE DSA DLA DTSA; do mkdir -p "$T_TMP/tracker/data/$l" && cp "$feeds/debian/$l-list" "$T_TMP/tracker/data/$l/list"; done
cp "$feeds/debian/tracker.json" "$T_TMP/tracker/debian.json"
"$CGUARD" db build -o "$T_TMP/v.db" "osv:$feeds/osv" "debian:$T_TMP/tracker" \
	"debian-support:$feeds/debian-support" "kev:$feeds/kev" >/dev/null 2>&1
check "database built" test -s "$T_TMP/v.db"

# a Debian 11 image: binaries built from curl (same version), sox (binNMU: own version),
# packages below fixes, with and without CVSS vectors; a pip-installed package
deb_pkgs='curl||7.74.0-1.3+deb11u3
libcurl4|curl|7.74.0-1.3+deb11u3
apache2-bin|apache2|2.4.54-1~deb11u1
libapr1|apr|1.7.0-6+deb11u2
putty||0.74-2
ant||1.10.9-4
libsox3|sox (14.4.2+git20190427-2+deb11u1)|14.4.2+git20190427-2+deb11u2+b1
chromium||111.0.5563.64-1~deb11u1'
r=$T_TMP/deb
mkdir -p "$r/etc" "$r/var/lib/dpkg" "$r/usr/local/lib/python3.9/site-packages/Remarshal-0.14.0.dist-info"
printf 'PRETTY_NAME="Debian GNU/Linux 11 (bullseye)"\nID=debian\nVERSION_ID="11"\nVERSION_CODENAME=bullseye\n' >"$r/etc/os-release"
while IFS='|' read -r name src ver; do
	printf 'Package: %s\nStatus: install ok installed\nArchitecture: amd64\n' "$name"
	[ -n "$src" ] && printf 'Source: %s\n' "$src"
	printf 'Version: %s\nDescription: test\n\n' "$ver"
done <<<"$deb_pkgs" >"$r/var/lib/dpkg/status"
printf 'Metadata-Version: 2.1\nName: Remarshal\nVersion: 0.14.0\n' >"$r/usr/local/lib/python3.9/site-packages/Remarshal-0.14.0.dist-info/METADATA"
tar -C "$r" --numeric-owner -cf "$T_TMP/deb.tar" .
oci_layout "$T_TMP/oci" deb11 "$T_TMP/deb.tar"
img="oci:$T_TMP/oci:deb11"
scan() { "$CGUARD" image scan "$img" --db "$T_TMP/v.db" -q "$@"; }

scan -f json >"$T_TMP/all.json"
check_eq "unfiltered: exit 0" "$?" 0
n_all=$(jq '.findings | length' "$T_TMP/all.json")
check "unfiltered: enough findings to filter" test "$n_all" -ge 7
check_eq "unfiltered: nothing suppressed" "$(jq '.counts.suppressed, (.suppressed | length)' "$T_TMP/all.json" | tr '\n' ' ')" "0 0 "

# ---- derived fields ----------------------------------------------------------------------
check_eq "cvss_score is the highest v3/v4 base score of the severities (else v2)" \
	"$(jq '[.findings[] | ([.severities[] | select(.type == "CVSS_V3" or .type == "CVSS_V4") | .base_score // empty] | max) as $b
		| ([.severities[] | select(.type == "CVSS_V2") | .base_score // empty] | max) as $b2
		| select(.cvss_score != ($b // $b2))] | length' "$T_TMP/all.json")" 0
check "some findings have a CVSS score" test "$(jq '[.findings[] | select(.cvss_score != null)] | length' "$T_TMP/all.json")" -ge 1
# the urgency rule, restated
check_eq "urgency follows the documented rule for every finding" \
	"$(jq -r '.findings[] | (.level as $l | (.kev or $l == "high" or $l == "critical") as $s |
		if $l == "negligible" and (.kev | not) then "no-fix-needed-yet"
		elif .status == "fixed" then (if $s then "fix-now" else "can-defer" end)
		elif .status == "end-of-life" then (if .kev then "fix-now" else "can-defer" end)
		elif $s then "can-defer" else "no-fix-needed-yet" end) as $want |
		select(.urgency != $want) | "\(.id) \(.package.name) \(.urgency) want \($want)"' "$T_TMP/all.json")" ""
check_eq "urgency counts add up" "$(jq '([.counts.by_urgency[]] | add) == .counts.findings' "$T_TMP/all.json")" true
check_eq "fix command: binary with the source's version gets NAME=VERSION" \
	"$(jq -r '[.findings[] | select(.package.name == "libcurl4" and .status == "fixed")][0] | .fix_command == "apt-get install --only-upgrade libcurl4=\(.fixed)"' "$T_TMP/all.json")" true
check_eq "fix command: a binNMU binary (own version) gets no version" \
	"$(jq -r '[.findings[] | select(.package.name == "libsox3" and .status == "fixed")][0].fix_command' "$T_TMP/all.json")" \
	"apt-get install --only-upgrade libsox3"
check_eq "fix command: pip" \
	"$(jq -r '[.findings[] | select(.package.type == "pypi" and .status == "fixed")][0] | .fix_command == "pip install \(.package.name)==\(.fixed)"' "$T_TMP/all.json")" true
check_eq "fix command: none without a fixed version" \
	"$(jq '[.findings[] | select(.status != "fixed" and .fix_command != null)] | length' "$T_TMP/all.json")" 0

# ---- --severity and --ignore-unfixed -----------------------------------------------------
scan -f json --severity high+ >"$T_TMP/hi.json"
check_eq "--severity high+: only high and critical remain" \
	"$(jq -c '[.findings[].level] | unique - ["critical","high"]' "$T_TMP/hi.json")" "[]"
check_eq "--severity high+: as many as the unfiltered report has" \
	"$(jq '.findings | length' "$T_TMP/hi.json")" \
	"$(jq '[.findings[] | select(.level == "high" or .level == "critical")] | length' "$T_TMP/all.json")"
check_eq "--severity high+: the others are listed as suppressed (severity)" \
	"$(jq '[.suppressed[] | select(.suppressed == "severity")] | length' "$T_TMP/hi.json")" \
	"$(jq '[.findings[] | select(.level != "high" and .level != "critical")] | length' "$T_TMP/all.json")"
scan -f json --severity unimportant >/dev/null 2>&1
check_eq "--severity with an unknown level: exit 2" "$?" 2
scan -f json --severity low,unknown >"$T_TMP/lo.json"
check_eq "--severity low,unknown: exactly those" "$(jq -c '[.findings[].level] | unique' "$T_TMP/lo.json")" \
	"$(jq -c '[.findings[] | select(.level == "low" or .level == "unknown") | .level] | unique' "$T_TMP/all.json")"
scan -f json --ignore-unfixed >"$T_TMP/fx.json"
check_eq "--ignore-unfixed: only fixed findings" \
	"$(jq '[.findings[] | select(.status != "fixed")] | length' "$T_TMP/fx.json")" 0
check_eq "--ignore-unfixed: every fixed one kept" "$(jq '.findings | length' "$T_TMP/fx.json")" \
	"$(jq '[.findings[] | select(.status == "fixed")] | length' "$T_TMP/all.json")"

# ---- ignore files ------------------------------------------------------------------------
id1=$(jq -r '[.findings[] | select(.package.name == "curl")][0].id' "$T_TMP/all.json")
alias2=$(jq -r '[.findings[] | select((.aliases | length) > 0 and .package.name != "curl")][0] | .aliases[0]' "$T_TMP/all.json")
id2=$(jq -r --arg a "$alias2" '[.findings[] | select(.aliases | index($a))][0].id' "$T_TMP/all.json")
cat >"$T_TMP/ignore.txt" <<EOF
# accepted risks
$id1 libcurl4   # not reachable: curl is only used at build time
$alias2 exp:2999-01-01
CVE-2000-0001 exp:2001-01-01
EOF
scan -f json --ignore-file "$T_TMP/ignore.txt" >"$T_TMP/ig.json"
check_eq "ignore (text): the libcurl4 rule hides libcurl4's finding, not curl's" \
	"$(jq -r --arg i "$id1" '[.findings[] | select(.id == $i) | .package.name] | unique | join(",")' "$T_TMP/ig.json")" \
	"$(jq -r --arg i "$id1" '[.findings[] | select(.id == $i and .package.name != "libcurl4") | .package.name] | unique | join(",")' "$T_TMP/all.json")"
check_eq "ignore (text): an alias hides the advisory" \
	"$(jq --arg i "$id2" '[.findings[] | select(.id == $i)] | length' "$T_TMP/ig.json")" 0
check_eq "ignore (text): the reason is kept" \
	"$(jq -r --arg i "$id1" '[.suppressed[] | select(.id == $i)][0].suppressed' "$T_TMP/ig.json")" \
	"ignore rule 2: not reachable: curl is only used at build time"
check_eq "ignore (text): counts" "$(jq '.counts.suppressed + .counts.findings' "$T_TMP/ig.json")" "$n_all"
printf '%s exp:2020-01-31 # expired\n' "$id2" >"$T_TMP/expired.txt"
"$CGUARD" image scan "$img" --db "$T_TMP/v.db" -f json --ignore-file "$T_TMP/expired.txt" >"$T_TMP/ex.json" 2>"$T_TMP/ex.err"
check_eq "ignore: an expired rule hides nothing" "$(jq '.counts.suppressed' "$T_TMP/ex.json")" 0
check "ignore: an expired rule is warned about" grep -q "past their expiry" "$T_TMP/ex.err"
cat >"$T_TMP/ignore.yaml" <<EOF
ignore:
  - id: $id1
    package: libcurl4
    reason: not reachable
  - id: $alias2
    expires: "2999-01-01"
EOF
scan -f json --ignore-file "$T_TMP/ignore.yaml" >"$T_TMP/igy.json"
check_eq "ignore (YAML): the same findings as the text rules" \
	"$(jq -c '[.findings[] | [.id, .package.name]] | sort' "$T_TMP/igy.json")" \
	"$(jq -c '[.findings[] | [.id, .package.name]] | sort' "$T_TMP/ig.json")"
printf 'vulnerabilities:\n  - id: %s\n    paths: ["usr/bin/curl"]\n' "$id1" >"$T_TMP/trivy.yaml"
scan --ignore-file "$T_TMP/trivy.yaml" >/dev/null 2>"$T_TMP/err"
check_eq "ignore: keys it cannot honour (Trivy's paths) are refused: exit 1" "$?" 1
check "ignore: ... naming the key" grep -q "unknown key 'paths'" "$T_TMP/err"
printf 'CVE-2023-1\nCVE-2023-2 pkg exp:2023-02-30x\n' >"$T_TMP/bad.txt"
scan --ignore-file "$T_TMP/bad.txt" >/dev/null 2>"$T_TMP/err"
check_eq "ignore: a bad date is refused: exit 1" "$?" 1
check "ignore: ... with its line" grep -q "line 2: expiry" "$T_TMP/err"
printf 'CVE-2023-1; rm -rf /\n' >"$T_TMP/bad2.txt"
scan --ignore-file "$T_TMP/bad2.txt" >/dev/null 2>&1
check_eq "ignore: a token that is no id is refused" "$?" 1

# ---- OpenVEX -----------------------------------------------------------------------------
cfg=$(jq -r '.image.config_digest' "$T_TMP/all.json")
"$CGUARD" image sbom "$img" -f json -q >"$T_TMP/sbom.json"
purl_of() { jq -r --arg n "$1" '[.packages[] | select(.name == $n)][0].purl' "$T_TMP/sbom.json"; }
apr_id=$(jq -r '[.findings[] | select(.package.name == "apache2-bin")][0].id' "$T_TMP/all.json")
put_id=$(jq -r '[.findings[] | select(.package.name == "putty")][0].id' "$T_TMP/all.json")
ant_id=$(jq -r '[.findings[] | select(.package.name == "ant")][0].id' "$T_TMP/all.json")
cat >"$T_TMP/vex.json" <<EOF
{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1",
 "author": "ops", "timestamp": "2026-01-01T00:00:00Z", "version": 1,
 "statements": [
  {"vulnerability": {"name": "$apr_id"},
   "products": [{"@id": "pkg:oci/deb11@${cfg/:/%3A}", "subcomponents": [{"@id": "$(purl_of apache2-bin)"}]}],
   "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
  {"vulnerability": {"name": "$put_id"}, "products": [{"@id": "${cfg}"}], "status": "fixed"},
  {"vulnerability": {"name": "$ant_id"}, "products": [{"@id": "pkg:deb/debian/ant"}],
   "status": "not_affected", "justification": "component_not_present", "timestamp": "2026-01-01T00:00:00Z"},
  {"vulnerability": {"name": "$ant_id"}, "products": [{"@id": "pkg:deb/debian/ant"}],
   "status": "affected", "action_statement": "upgrade", "timestamp": "2026-02-01T00:00:00Z"}
 ]}
EOF
scan -f json --vex "$T_TMP/vex.json" >"$T_TMP/vx.json"
check_eq "vex: not_affected for a subcomponent of the image (pkg:oci product)" \
	"$(jq -r --arg i "$apr_id" '[.suppressed[] | select(.id == $i and .package.name == "apache2-bin")][0].suppressed' "$T_TMP/vx.json")" \
	"vex: not_affected: vulnerable_code_not_in_execute_path"
check_eq "vex: fixed for the whole image (its digest) hides every package's finding" \
	"$(jq --arg i "$put_id" '[.findings[] | select(.id == $i)] | length' "$T_TMP/vx.json")" 0
check_eq "vex: the later 'affected' statement wins over the earlier not_affected" \
	"$(jq --arg i "$ant_id" '[.findings[] | select(.id == $i)] | length' "$T_TMP/vx.json")" \
	"$(jq --arg i "$ant_id" '[.findings[] | select(.id == $i)] | length' "$T_TMP/all.json")"
check_eq "vex: nothing else suppressed" "$(jq '.counts.suppressed' "$T_TMP/vx.json")" \
	"$(jq --arg a "$apr_id" --arg p "$put_id" '[.findings[] | select((.id == $a and .package.name == "apache2-bin") or .id == $p)] | length' "$T_TMP/all.json")"
echo '{"statements": []}' >"$T_TMP/notvex.json"
scan --vex "$T_TMP/notvex.json" >/dev/null 2>"$T_TMP/err"
check_eq "vex: a document without the OpenVEX context is refused" "$?" 1
echo '{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"vulnerability": {"name": "X-1"}, "products": [{"@id": "a"}], "status": "maybe"}]}' >"$T_TMP/badvex.json"
scan --vex "$T_TMP/badvex.json" >/dev/null 2>"$T_TMP/err"
check_eq "vex: an unknown status is refused" "$?" 1
check "vex: ... naming the statement" grep -q "statement 1: status" "$T_TMP/err"

# ---- the CI gate -------------------------------------------------------------------------
scan --exit-code 3 >/dev/null
check_eq "--exit-code 3 with findings: exit 3" "$?" 3
scan --exit-code 3 --severity critical --ignore-unfixed -f json >"$T_TMP/gate.json"
st=$?
want=$([ "$(jq '.findings | length' "$T_TMP/gate.json")" -gt 0 ] && echo 3 || echo 0)
check_eq "--exit-code follows what remains after the filters" "$st" "$want"
echo '{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"vulnerability": "x", "products": ["y"], "status": "fixed"}]}' >"$T_TMP/v0.json"
jq -r '.findings[].id' "$T_TMP/all.json" | sort -u >"$T_TMP/every.txt"
scan --exit-code 4 --scanners vuln --severity critical,high,medium,low,negligible --ignore-unfixed \
	--ignore-file "$T_TMP/every.txt" --vex "$T_TMP/v0.json" >/dev/null
check_eq "--exit-code: 0 when every finding is filtered" "$?" 0
scan --exit-code 0 >/dev/null 2>&1
check_eq "--exit-code 0 is a usage error" "$?" 2
# the gate counts the image's content findings too: this image runs as root (baseline)
scan --exit-code 5 --scanners baseline >/dev/null
check_eq "--exit-code with --scanners baseline: the root user trips the gate" "$?" 5
scan --exit-code 5 --scanners baseline --severity high+ >/dev/null
check_eq "--exit-code: --severity applies to content findings" "$?" 0
check_eq "--severity: content findings below it are not listed either" \
	"$("$CGUARD" image scan "$img" -q --scanners baseline --severity high+ -f json | jq '.content | length'):$("$CGUARD" image scan "$img" -q --scanners baseline --severity medium -f json | jq -r '[.content[].rule] | join(",")')" \
	"0:baseline-user-root"
scan --scanners history,baseline -f json >"$T_TMP/content.json"
check_eq "--scanners without vuln: no --db needed, no vulnerability findings" \
	"$("$CGUARD" image scan "$img" -q --scanners baseline -f json | jq '.findings | length')" 0
check_eq "content: the root user and the missing health check" \
	"$(jq -r '[.content[].rule] | sort | join(" ")' "$T_TMP/content.json")" \
	"baseline-no-healthcheck baseline-user-root"

# ---- the table ---------------------------------------------------------------------------
scan >"$T_TMP/t.txt"
n_now=$(jq '[.findings[] | select(.urgency == "fix-now" and .fix_command != null) | .fix_command] | unique | length' "$T_TMP/all.json")
if [ "$n_now" -gt 0 ]; then
	check_eq "table: the Fix now list has each command once" \
		"$(sed -n '/^Fix now:/,/^$/p' "$T_TMP/t.txt" | grep -c '^  ')" "$n_now"
fi
check "table: the summary counts" grep -q "^$n_all findings (fix now" "$T_TMP/t.txt"

# ---- the database's age ------------------------------------------------------------------
"$CGUARD" image scan "$img" --db "$T_TMP/v.db" >/dev/null 2>"$T_TMP/err"
check_eq "a fresh database: no age warning" "$(grep -c 'days ago' "$T_TMP/err")" 0
sqlite3 "$T_TMP/v.db" "UPDATE meta SET value = '2020-01-01T00:00:00Z' WHERE key = 'built'"
"$CGUARD" image scan "$img" --db "$T_TMP/v.db" >/dev/null 2>"$T_TMP/err"
check "an old database: the age warning" grep -q "built [0-9]* days ago" "$T_TMP/err"
"$CGUARD" image scan "$img" --db "$T_TMP/v.db" --db-max-age 0 >/dev/null 2>"$T_TMP/err"
check_eq "--db-max-age 0: no warning" "$(grep -c 'days ago' "$T_TMP/err")" 0
finish
