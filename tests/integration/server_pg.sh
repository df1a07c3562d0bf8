#!/usr/bin/env bash
# The server's HTTP suites (server_api.sh, server_roles.sh) again on PostgreSQL:
# PostgreSQL 15 started here as the postgres user on 127.0.0.1 and a free port,
# one fresh database per suite.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/server.sh"
trap 'pg_stop; [ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"' EXIT

chmod 755 "$T_TMP"
pg_start "$T_TMP/pg"
rc=$?
if [ $rc -eq 77 ]; then echo "PostgreSQL is not installed: skipped"; exit 77; fi
[ $rc -eq 0 ] || { fail "PostgreSQL start: $(tail -3 "$T_TMP/pg/pg.log" 2>/dev/null)"; finish; exit 1; }
port=${CG_SERVER_DB##*:}; port=${port%%/*}
for suite in server_api server_roles; do
	runuser -u postgres -- "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -q -c "CREATE DATABASE $suite" || fail "create $suite"
	out=$(CG_SERVER_DB="postgres://postgres@127.0.0.1:$port/$suite" "$(dirname "$0")/$suite.sh" 2>&1)
	line=$(grep -E '^[a-z_]+: [0-9]+ passed, [0-9]+ failed' <<<"$out" | tail -1)
	echo "$suite on PostgreSQL: ${line#*: }"
	p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")
	f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
	[ -n "$p" ] || { fail "$suite printed no summary"; echo "$out" | tail -20; continue; }
	T_PASS=$((T_PASS + p))
	T_FAIL=$((T_FAIL + f))
	[ "$f" -eq 0 ] || echo "$out" | grep FAIL | head -30
done
finish
