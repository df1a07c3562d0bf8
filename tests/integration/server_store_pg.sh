#!/usr/bin/env bash
# The server store on a real PostgreSQL: a throwaway server (initdb/pg_ctl on
# 127.0.0.1, a free port, trust auth, in $T_TMP, run as the postgres user) and the
# store's unit test binary run against it through CG_TEST_PG_URL, so every case of
# tests/unit/test_db.c (db.h, migrations, the audit chain and its tamper checks,
# event ingest and queries) passes on both backends. Then the store bench's query
# path once, small.
. "$(dirname "$0")/lib/common.sh"
BIN=$(dirname "$CGUARD")
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$PGBIN" ] || ! id postgres >/dev/null 2>&1; then
	echo "server_store_pg: PostgreSQL is not installed (scripts/setup installs it)"
	fail "PostgreSQL present"
	finish
	exit
fi
chmod 755 "$T_TMP"
PGDATA=$T_TMP/pg
mkdir -p "$PGDATA" && chown postgres:postgres "$PGDATA" && chmod 700 "$PGDATA"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
stop_pg() { runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1; }
trap 'stop_pg; [ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"' EXIT

runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust >"$T_TMP/initdb.log" 2>&1
check_eq "initdb" "$?" 0
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/log" \
	-o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDATA -c fsync=off" -w start >/dev/null 2>&1
check_eq "pg_ctl start" "$?" 0
psql() { runuser -u postgres -- "$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -qAt "$@"; }
psql -c "CREATE DATABASE cgtest" >/dev/null
check_eq "create database" "$?" 0

export CG_TEST_PG_URL="postgresql://postgres@127.0.0.1:$PORT/cgtest"
out=$("$BIN/tests/test_db" 2>&1)
status=$?
echo "$out" | grep -v '^test_db:' | sed 's/^/  /'
check_eq "test_db on SQLite and PostgreSQL: exit status" "$status" 0
check "test_db: ran cases" grep -Eq '^test_db: [1-9][0-9]* passed, 0 failed' <<<"$out"

# the store as PostgreSQL sees it: the tables of migration 001, recorded
check_eq "schema_migrations" "$(psql -d cgtest -c 'SELECT max(version) FROM schema_migrations')" 2
check_eq "audit chain anchored" "$(psql -d cgtest -c 'SELECT count(*) FROM audit_anchor')" 1

# the bench's loader and queries on PostgreSQL, small (numbers in docs/server-storage.md)
if [ -x "$BIN/bench/store" ]; then
	"$BIN/bench/store" --db "$CG_TEST_PG_URL" --events 20000 >"$T_TMP/bench.out" 2>&1
	check_eq "bench/store on PostgreSQL" "$?" 0
	sed 's/^/  /' "$T_TMP/bench.out"
fi
finish
