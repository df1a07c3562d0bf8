#!/usr/bin/env bash
# The audit trail's tamper evidence (AUD-03) through `cguard server audit-verify`:
# intact after real changes; an edited, a deleted and a reordered record (the
# SQLite file edited with sqlite3) are each caught, naming the first bad record;
# the verify route says the same.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/server.sh"
trap 'srv_stop; [ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"' EXIT

srv_start "$T_TMP/d" || { fail "server start"; finish; exit 1; }
ADMIN_TOKEN=$(login admin "$ADMIN_PW")
TOKEN=$ADMIN_TOKEN
expect "agency" 200 POST /api/v1/agency
for i in 1 2 3; do
	expect "cluster $i" 201 POST /api/v1/clusters "{\"name\":\"c$i\"}"
	expect "policy $i" 201 POST /api/v1/policies "{\"name\":\"p$i\"}"
done
expect "verify route" 200 POST /api/v1/audit/verify
check_eq "intact" "$(jqb .intact)" true
srv_stop

check_status "intact trail verifies" 0 "$CGUARD" server audit-verify --data "$T_TMP/d"
out=$("$CGUARD" server audit-verify --data "$T_TMP/d")
check "says how many" grep -q "8 records intact" <<<"$out"
n=$(sqlite3 "$T_TMP/d/cguard.db" 'SELECT COUNT(*) FROM audit')
check_eq "8 records (login, agency, 6 changes)" "$n" 8

tamper() { # tamper NAME SQL: a copy of the data folder with SQL applied
	rm -rf "$T_TMP/$1"
	cp -r "$T_TMP/d" "$T_TMP/$1"
	sqlite3 "$T_TMP/$1/cguard.db" "$2"
}

tamper edited "UPDATE audit SET user_name = 'eve' WHERE seq = 4"
"$CGUARD" server audit-verify --data "$T_TMP/edited" 2>"$T_TMP/err"
check_eq "edited record: exit 1" $? 1
check "edited record named" grep -q "audit record 4" "$T_TMP/err"

tamper deleted "DELETE FROM audit WHERE seq = 5"
"$CGUARD" server audit-verify --data "$T_TMP/deleted" 2>"$T_TMP/err"
check_eq "deleted record: exit 1" $? 1
check "deleted record named" grep -qE "audit record (5|6)" "$T_TMP/err"

tamper reordered "UPDATE audit SET seq = -1 WHERE seq = 6; UPDATE audit SET seq = 6 WHERE seq = 7; UPDATE audit SET seq = 7 WHERE seq = -1"
"$CGUARD" server audit-verify --data "$T_TMP/reordered" 2>"$T_TMP/err"
check_eq "reordered records: exit 1" $? 1
check "reordered record named" grep -q "audit record 6" "$T_TMP/err"

tamper rehashed "UPDATE audit SET resource_name = 'x', hash = '$(printf '0%.0s' $(seq 64))' WHERE seq = 3"
check_status "a record with a forged hash" 1 "$CGUARD" server audit-verify --data "$T_TMP/rehashed"

# the running server reports the same through its route
srv_start "$T_TMP/edited" || fail "start on the edited store"
TOKEN=$(login admin "$ADMIN_PW")
expect "verify route on the edited store" 200 POST /api/v1/audit/verify
check_eq "not intact" "$(jqb .intact)" false
check_eq "bad seq" "$(jqb .bad_seq)" 4
srv_stop

check_status "no store given" 2 "$CGUARD" server audit-verify
finish
