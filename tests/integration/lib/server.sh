# Helpers of the server tests (sourced after common.sh): start the real server,
# call it with curl, sign in. CG_SERVER_DB (a postgres:// URL) runs the same
# tests on PostgreSQL (tests/integration/server_pg.sh sets it).
SRV_PID=
SRV_PORT=
BASE=
ADMIN_PW=admin-password-1
TOKEN=
ST=
BODY=

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# srv_start DIR [ARGS...]: start the server on a free port and wait for /healthz.
srv_start() {
	local dir=$1; shift
	local db=()
	[ -n "${CG_SERVER_DB:-}" ] && db=(--db "$CG_SERVER_DB")
	SRV_PORT=$(free_port)
	BASE=http://127.0.0.1:$SRV_PORT
	CGUARD_ADMIN_PASSWORD=${CGUARD_ADMIN_PASSWORD-$ADMIN_PW} \
		"$CGUARD" server --data "$dir" --listen "127.0.0.1:$SRV_PORT" "${db[@]}" "$@" \
		2>>"$T_TMP/server.log" &
	SRV_PID=$!
	for _ in $(seq 1 100); do
		curl -s -o /dev/null "$BASE/healthz" && return 0
		kill -0 "$SRV_PID" 2>/dev/null || { echo "server died:"; tail -5 "$T_TMP/server.log"; return 1; }
		sleep 0.1
	done
	echo "server did not answer /healthz"
	return 1
}

srv_stop() {
	[ -n "$SRV_PID" ] || return 0
	kill "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	SRV_PID=
}

# api METHOD PATH [JSON] : sets ST (status) and BODY; uses $TOKEN when set.
api() {
	local m=$1 p=$2 d=${3-} args=()
	[ -n "$TOKEN" ] && args+=(-H "Authorization: Bearer $TOKEN")
	[ -n "$d" ] && args+=(-H 'Content-Type: application/json' --data-binary "$d")
	ST=$(curl -s -o "$T_TMP/body" -w '%{http_code}' -X "$m" "${args[@]}" "$BASE$p")
	BODY=$(cat "$T_TMP/body")
}

# login USER PASSWORD: prints the token
login() {
	curl -s -X POST -H 'Content-Type: application/json' \
		--data-binary "{\"username\":\"$1\",\"password\":\"$2\"}" "$BASE/api/v1/auth/login" | jq -r .token
}

# expect DESCRIPTION STATUS METHOD PATH [JSON]
expect() {
	local what=$1 want=$2; shift 2
	api "$@"
	if [ "$ST" == "$want" ]; then ok; else fail "$what: $1 $2 -> $ST (want $want): ${BODY:0:300}"; fi
}

# jqb FILTER: jq over the last body
jqb() { jq -r "$1" <<<"$BODY"; }

# the newest audit record's field (with the admin token in ADMIN_TOKEN)
last_audit() {
	curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$BASE/api/v1/audit?limit=1" | jq -r ".items[0].$1"
}

pg_start() {
	# pg_start DIR: PostgreSQL 15 as the postgres user on a free port; sets CG_SERVER_DB
	local dir=$1 port bin
	bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	[ -x "$bin/initdb" ] || return 77
	port=$(free_port)
	mkdir -p "$dir" && chown postgres "$dir"
	runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth=trust >"$dir/initdb.log" 2>&1 || return 1
	runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/pg.log" \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $dir" -w start >/dev/null || return 1
	PG_DIR=$dir PG_BIN=$bin
	runuser -u postgres -- "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -q -c 'CREATE DATABASE cguard' || return 1
	export CG_SERVER_DB="postgres://postgres@127.0.0.1:$port/cguard"
}

pg_stop() {
	[ -n "${PG_DIR:-}" ] && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1
	PG_DIR=
}

# srv_start_on DIR PORT [ARGS...]: the server again on the same port and data (what
# agents know), e.g. after a SIGKILL; waits for /healthz.
srv_start_on() {
	local dir=$1 port=$2; shift 2
	CGUARD_ADMIN_PASSWORD=$ADMIN_PW "$CGUARD" server --data "$dir" --listen "127.0.0.1:$port" \
		"$@" 2>>"$T_TMP/server.log" &
	SRV_PID=$!
	for _ in $(seq 1 100); do
		curl -s -o /dev/null "$BASE/healthz" && return 0
		sleep 0.1
	done
	return 1
}

# event_ids NODE: every stored event id of a node, one per line (all pages; $ADMIN_TOKEN)
event_ids() {
	local cur= r
	while :; do
		r=$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" \
			"$BASE/api/v1/events?node=$1&limit=1000${cur:+&cursor=$cur}")
		jq -r '.items[].id' <<<"$r"
		cur=$(jq -r '.next // empty' <<<"$r")
		[ -n "$cur" ] || break
	done
}
