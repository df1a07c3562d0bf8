#!/usr/bin/env bash
# bench/server: the management server on 127.0.0.1 under wrk (SQLite by default,
# BENCH_DB=postgres://... for PostgreSQL):
#   ingest   POST /api/v1/agents/events, batches of 100 events with unique ids made by
#            wrk's request() (bench/server_ingest.lua): events/s (target 20,000 on SQLite)
#   load     BENCH_EVENTS events (default 1,000,000) stored through the API in batches of 5,000
#   queries  p50/p99 of GET /api/v1/events (newest page; by category and last 7 days; by
#            container) and GET /api/v1/audit with that many events stored (target p99 < 50 ms)
#   login    POST /api/v1/auth/login with the right password: sign-ins/s (argon2id m=19 MiB t=2)
# Every load is bounded in time (wrk -d) and sent to 127.0.0.1 only. Figures are
# printed, never asserted.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
CGUARD=${CGUARD:-$top/build/cguard}
EVENTS=${BENCH_EVENTS:-1000000}
DUR=${BENCH_SECONDS:-10}
command -v wrk >/dev/null || { echo "bench/server: wrk is not installed: skipped"; exit 0; }
tmp=$(mktemp -d /tmp/cguard-bench-server.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
B=http://127.0.0.1:$port
db=()
[ -n "${BENCH_DB:-}" ] && db=(--db "$BENCH_DB")
CGUARD_ADMIN_PASSWORD=bench-password-1 "$CGUARD" server --data "$tmp/d" --listen "127.0.0.1:$port" -q "${db[@]}" 2>"$tmp/log" &
pid=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "$B/healthz" && break; sleep 0.1; done
J='Content-Type: application/json'
T=$(curl -s -H "$J" -d '{"username":"admin","password":"bench-password-1"}' "$B/api/v1/auth/login" | jq -r .token)
curl -s -X POST -H "Authorization: Bearer $T" "$B/api/v1/agency" >/dev/null
JOIN=$(curl -s -H "Authorization: Bearer $T" -H "$J" -d '{"name":"bench"}' "$B/api/v1/clusters" | jq -r .join_token)
A=$(curl -s -H "Authorization: Bearer $JOIN" -H "$J" -d '{"node":"bench-node"}' "$B/api/v1/agents/register" | jq -r .token)
echo "server: $B ($(nproc) cores), store ${BENCH_DB:-SQLite}"

pct() { # pct FILE: "p50 X p99 Y" from wrk --latency output
	awk '/^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {printf "p50 %s  p99 %s", p50, p99}' "$1"
}

# ---- ingest ---------------------------------------------------------------------
wrk -t2 -c8 -d"${DUR}s" --latency -s "$here/server_ingest.lua" -H "Authorization: Bearer $A" "$B/api/v1/agents/events" >"$tmp/ingest" 2>&1
rps=$(awk '/^Requests\/sec/ {print $2}' "$tmp/ingest")
non2xx=$(awk '/Non-2xx/ {print $NF}' "$tmp/ingest")
stored=$(curl -s -H "Authorization: Bearer $T" "$B/api/v1/events?limit=1" | jq -r .total)
printf 'ingest:  %.0f events/s (%s batches/s of 100, %s), non-2xx %s, stored %s (target 20000/s)\n' \
	"$(echo "$rps * 100" | bc)" "$rps" "$(pct "$tmp/ingest")" "${non2xx:-0}" "$stored"

# ---- load to BENCH_EVENTS -------------------------------------------------------------
t0=$(date +%s.%N)
python3 - "$B" "$A" "$EVENTS" <<'PY'
import json, sys, threading, urllib.request, random
base, token, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
cats = ["process", "file", "network", "escape", "syscall", "container environment"]
sev = ["critical", "high", "medium", "low", "info"]
batches = (want + 4999) // 5000
def work(k):
    for b in range(k, batches, 4):
        ev = [{"id": "load-%d-%d" % (b, i), "time": "2026-%02d-%02dT%02d:00:00Z" % (11, 1 + (i % 24), i % 24),
               "category": cats[i % 6], "rule": "rule.%d" % (i % 40), "severity": sev[i % 5], "action": "alert",
               "message": "benchmark event", "container": {"id": "c%d" % (i % 500), "name": "app-%d" % (i % 500),
               "image": "registry.example/app:%d" % (i % 50)}, "process": {"pid": i, "exe": "/usr/bin/x"}}
              for i in range(5000)]
        req = urllib.request.Request(base + "/api/v1/agents/events", json.dumps({"events": ev}).encode(),
                                     {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        urllib.request.urlopen(req, timeout=120).read()
ts = [threading.Thread(target=work, args=(k,)) for k in range(4)]
[t.start() for t in ts]; [t.join() for t in ts]
PY
t1=$(date +%s.%N)
stored=$(curl -s -H "Authorization: Bearer $T" "$B/api/v1/events?limit=1" | jq -r .total)
printf 'load:    %s events in batches of 5000 in %.1f s (%.0f events/s); events total %s (capped count)\n' \
	"$EVENTS" "$(echo "$t1 - $t0" | bc)" "$(echo "$EVENTS / ($t1 - $t0)" | bc -l)" "$stored"
# some audit records to query too
for i in $(seq 1 200); do
	curl -s -o /dev/null -H "Authorization: Bearer $T" -H "$J" -d "{\"name\":\"p$i\"}" "$B/api/v1/policies"
done

# ---- queries -----------------------------------------------------------------------
q() { # q NAME PATH
	wrk -t2 -c4 -d"$((DUR / 2 > 2 ? DUR / 2 : 2))s" --latency -H "Authorization: Bearer $T" "$B$2" >"$tmp/q" 2>&1
	printf 'query:   %-34s %7.0f req/s  %s\n' "$1" "$(awk '/^Requests\/sec/ {print $2}' "$tmp/q")" "$(pct "$tmp/q")"
}
q "events newest 50" "/api/v1/events?limit=50"
q "events category+7d" "/api/v1/events?category=process&since=7d&limit=50"
q "events container" "/api/v1/events?container=app-7&limit=50"
q "events stats 30d" "/api/v1/events/stats"
q "audit newest 50" "/api/v1/audit?limit=50"
q "audit by event name" "/api/v1/audit?event_name=addPolicy&limit=50"

# ---- login --------------------------------------------------------------------------
cat >"$tmp/login.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"username":"admin","password":"bench-password-1"}'
wrk.headers["Content-Type"] = "application/json"
LUA
wrk -t2 -c4 -d"$((DUR / 2 > 2 ? DUR / 2 : 2))s" --latency -s "$tmp/login.lua" "$B/api/v1/auth/login" >"$tmp/login" 2>&1
printf 'login:   %.0f sign-ins/s (%s)\n' "$(awk '/^Requests\/sec/ {print $2}' "$tmp/login")" "$(pct "$tmp/login")"
printf 'rss:     %s MB\n' "$(( $(awk '/VmHWM/ {print $2}' /proc/$pid/status) / 1024 ))"
