#!/usr/bin/env bash
# cguard db build / info: a database from real feed files; a bad file is skipped, named and
# counted without losing the rest; the database is replaced only when complete; corrupt or
# foreign database files give clear errors.
. "$(dirname "$0")/lib/common.sh"
feeds=$TOP/tests/data/feeds

types=$("$CGUARD" db types | tr '\n' ' ')
check "db types lists osv" grep -q 'osv' <<<"$types"

# a folder of OSV records (JSON and YAML) from the project's test data
"$CGUARD" db build -o "$T_TMP/v.db" "osv:$feeds/osv" >"$T_TMP/out" 2>"$T_TMP/err"
check_eq "build: exit status" "$?" 0
check "build: says what it wrote" grep -q "^wrote $T_TMP/v.db" "$T_TMP/out"
n=$(find "$feeds/osv" -name '*.json' -o -name '*.yaml' | wc -l)
"$CGUARD" db info --db "$T_TMP/v.db" --json >"$T_TMP/info.json"
check_eq "info: every file read" "$(jq '.feeds[0].files' "$T_TMP/info.json")" "$n"
check_eq "info: nothing skipped" "$(jq '.feeds[0].skipped' "$T_TMP/info.json")" 0
check "info: advisories stored" jq -e '.advisories > 0 and .affected > 0' "$T_TMP/info.json"
check_eq "info: schema" "$(jq .schema "$T_TMP/info.json")" 1
check "info: PyPI records present" jq -e '.affected_by_ecosystem.PyPI > 0' "$T_TMP/info.json"
# the same records, read independently with python3-yaml and sqlite3
live_yaml() { /usr/bin/python3 -c 'import sys, yaml
print(sum(1 for f in sys.argv[1:] if "withdrawn" not in yaml.safe_load(open(f))))' "$@"; }
check_eq "sqlite3: a known advisory's aliases" \
	"$(sqlite3 "$T_TMP/v.db" "SELECT group_concat(l.alias) FROM advisories a JOIN aliases l ON l.advisory = a.id WHERE a.name = 'PYSEC-2023-236'")" \
	"$(/usr/bin/python3 -c 'import sys, yaml; print(",".join(sorted(yaml.safe_load(open(sys.argv[1]))["aliases"])))' "$feeds/osv/pypa/PYSEC-2023-236.yaml")"
check_eq "withdrawn advisories are not stored" \
	"$(sqlite3 "$T_TMP/v.db" "SELECT count(*) FROM advisories WHERE name = 'PYSEC-2023-73'")" 0

# every feed type together, from the committed excerpts of each feed; the Debian excerpts laid
# out as in a security-tracker checkout (data/{CVE,DSA,DLA,DTSA}/list) and its JSON export
for l in CVE DSA DLA DTSA; do mkdir -p "$T_TMP/tracker/data/$l" && cp "$feeds/debian/$l-list" "$T_TMP/tracker/data/$l/list"; done
cp "$feeds/debian/tracker.json" "$T_TMP/tracker/debian.json"
"$CGUARD" db build -o "$T_TMP/all.db" "osv:$feeds/osv" "debian:$T_TMP/tracker" \
	"debian-support:$feeds/debian-support" "alpine:$feeds/alpine" "rustsec:$feeds/rustsec" \
	"kev:$feeds/kev" >"$T_TMP/out" 2>"$T_TMP/err"
check_eq "all feeds: exit status" "$?" 0
"$CGUARD" db info --db "$T_TMP/all.db" --json >"$T_TMP/all.json"
check "all feeds: every feed added advisories" jq -e '[.feeds[] | .advisories > 0] | all' "$T_TMP/all.json"
check "all feeds: Debian releases by number" jq -e '.affected_by_ecosystem["Debian:11"] > 0' "$T_TMP/all.json"
check "all feeds: Alpine releases" jq -e '[.affected_by_ecosystem | keys[] | select(startswith("Alpine:v3."))] | length > 0' "$T_TMP/all.json"
check "all feeds: KEV marks on advisories" jq -e '.kev > 0' "$T_TMP/all.json"
check_eq "all feeds: Log4Shell is known exploited" "$(sqlite3 "$T_TMP/all.db" "SELECT kev FROM advisories WHERE name = 'CVE-2021-44228'")" 1

# one bad file among good ones: skipped, named and counted; the rest is stored
mkdir -p "$T_TMP/mixed"
cp "$feeds"/osv/pypa/*.yaml "$T_TMP/mixed/"
printf '{"id": "BROKEN-1", "affected": [' >"$T_TMP/mixed/broken.json"
head -c 300 /dev/urandom >"$T_TMP/mixed/garbage.json"
"$CGUARD" db build -o "$T_TMP/m.db" "osv:$T_TMP/mixed" >"$T_TMP/out" 2>"$T_TMP/err"
check_eq "bad files: exit status 1 (something was skipped)" "$?" 1
check "bad files: each named" sh -c "grep -q 'broken.json' '$T_TMP/err' && grep -q 'garbage.json' '$T_TMP/err'"
check_eq "bad files: counted" "$("$CGUARD" db info --db "$T_TMP/m.db" --json | jq '.feeds[0].skipped')" 2
check_eq "bad files: the good ones stored" "$(sqlite3 "$T_TMP/m.db" 'SELECT count(*) FROM advisories')" \
	"$(live_yaml "$feeds"/osv/pypa/*.yaml)"
check_eq "bad files: nothing of the broken record" "$(sqlite3 "$T_TMP/m.db" "SELECT count(*) FROM advisories WHERE name = 'BROKEN-1'")" 0

# atomic replacement: a failing build leaves the old database as it was
cp "$T_TMP/v.db" "$T_TMP/keep.db"
before=$(sha256sum <"$T_TMP/keep.db")
"$CGUARD" db build -o "$T_TMP/keep.db" "osv:$T_TMP/does-not-exist" >/dev/null 2>"$T_TMP/err"
check_eq "failed build: exit status" "$?" 1
check_eq "failed build: the old database untouched" "$(sha256sum <"$T_TMP/keep.db")" "$before"
check "failed build: no temporary file left" test -z "$(ls "$T_TMP" | grep 'keep.db.tmp')"

# usage errors and foreign files
check_status "build without --output" 2 "$CGUARD" db build "osv:$feeds/osv"
check_status "unknown feed type" 2 "$CGUARD" db build -o "$T_TMP/x.db" "nvd:$feeds/osv"
check_status "feed without a type" 2 "$CGUARD" db build -o "$T_TMP/x.db" "$feeds/osv"
head -c 4096 /dev/urandom >"$T_TMP/garbage.db"
"$CGUARD" db info --db "$T_TMP/garbage.db" >/dev/null 2>"$T_TMP/err"
check_eq "garbage database: exit status" "$?" 1
check "garbage database: a clear error" grep -qiE 'not a cguard vulnerability database|cannot open' "$T_TMP/err"
sqlite3 "$T_TMP/other.db" 'CREATE TABLE t(x)'
"$CGUARD" db info --db "$T_TMP/other.db" >/dev/null 2>"$T_TMP/err"
check "foreign SQLite file: a clear error" grep -q 'not a cguard vulnerability database' "$T_TMP/err"
check_status "missing database" 1 "$CGUARD" db info --db "$T_TMP/nothing.db"
finish
