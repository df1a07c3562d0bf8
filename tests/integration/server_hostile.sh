#!/usr/bin/env bash
# Hostile input against the real server: malformed JSON, oversized bodies (413,
# also chunked), wrong content types, slow clients (the server keeps serving
# others and times them out), path tricks, SQL metacharacters in every filter,
# oversized headers and queries: clear 4xx answers, no crash, nothing stored.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/server.sh"
trap 'srv_stop; [ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"' EXIT

srv_start "$T_TMP/d" --connection-timeout 2 || { fail "server start"; finish; exit 1; }
ADMIN_TOKEN=$(login admin "$ADMIN_PW")
TOKEN=$ADMIN_TOKEN
expect "agency" 200 POST /api/v1/agency
api POST /api/v1/clusters '{"name":"c1"}'
JOIN=$(jqb .join_token)
AGENT=$(curl -s -X POST -H "Authorization: Bearer $JOIN" -H 'Content-Type: application/json' \
	--data-binary '{"node":"n1"}' "$BASE/api/v1/agents/register" | jq -r .token)

users_before=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/users" | jq .total)
audit_before=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/audit" | jq .total)

# ---- malformed JSON and bodies --------------------------------------------------
for b in '{' '{"name":' '[1,2]' '"x"' 'null' '{"name":"a","password":"bbbbbbbb",}' \
	"{\"name\":\"a\",\"name\":\"b\",\"password\":\"bbbbbbbb\"}" $'{"name":"\xff\xfe","password":"bbbbbbbb"}'; do
	expect "malformed body ${b:0:20}" 400 POST /api/v1/users "$b"
	check_eq "error has a code" "$(jq -r 'has("code") and has("message")' <<<"$BODY")" true
done
deep=$(printf '[%.0s' $(seq 1 200))
expect "deep nesting" 400 POST /api/v1/users "{\"name\":$deep}"
expect "numbers for strings" 400 POST /api/v1/users '{"name":1,"password":2}'
expect "empty body" 400 POST /api/v1/clusters ''
ST=$(curl -s -o "$T_TMP/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/plain' --data-binary '{"name":"x"}' "$BASE/api/v1/clusters")
check_eq "wrong content type: 415" "$ST" 415

# ---- oversized ------------------------------------------------------------------
head -c 2000000 /dev/zero | tr '\0' 'a' >"$T_TMP/big"
ST=$(curl -s -o "$T_TMP/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary @"$T_TMP/big" "$BASE/api/v1/users")
check_eq "2 MB body: 413" "$ST" 413
ST=$(curl -s -o "$T_TMP/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' --data-binary @"$T_TMP/big" "$BASE/api/v1/users")
check_eq "2 MB chunked body: 413" "$ST" 413
check_eq "413 says the limit" "$(jq -r .code "$T_TMP/body")" PayloadTooLarge
head -c 9000000 /dev/zero | tr '\0' 'a' >"$T_TMP/huge"
ST=$(curl -s -o "$T_TMP/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $AGENT" -H 'Content-Type: application/json' --data-binary @"$T_TMP/huge" "$BASE/api/v1/agents/events")
check_eq "9 MB event batch: 413" "$ST" 413
python3 - "$T_TMP/many" <<'PY'
import json, sys
ev = [{"id": "m%d" % i, "time": "2026-01-01T00:00:00Z", "category": "process"} for i in range(5001)]
open(sys.argv[1], "w").write(json.dumps({"events": ev}))
PY
ST=$(curl -s -o "$T_TMP/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $AGENT" -H 'Content-Type: application/json' --data-binary @"$T_TMP/many" "$BASE/api/v1/agents/events")
check_eq "5001 events: 413" "$ST" 413
ST=$(curl -s -o "$T_TMP/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H "X-Big: $(head -c 100000 /dev/zero | tr '\0' 'h')" "$BASE/api/v1/users")
[[ $ST == 4?? ]] && ok || fail "100 KB header: $ST"
q=$(for i in $(seq 1 40); do printf 'a%d=1&' "$i"; done)
expect "40 query parameters" 400 GET "/api/v1/users?$q"
long=$(head -c 3000 /dev/zero | tr '\0' 'a')
expect "long path" 414 GET "/api/v1/$long"

# ---- paths --------------------------------------------------------------------
pathst() { curl -s --path-as-is -o "$T_TMP/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE$1"; }
for p in '/api/v1/../healthz' '/api/v1/%2e%2e/healthz' '/api/v1/%2E%2E/healthz' '//healthz' '/api//v1/users' \
	'/api/v1/users%00' '/api/v1/users%2fx' '/api/v1/users%5cx' '/api/v1/./users' '/api/v1/users/%zz' '/api/v1/users/%'; do
	check_eq "path trick $p" "$(pathst "$p")" 400
done
check_eq "trailing slash" "$(pathst /api/v1/users/)" 200
check_eq "unknown route" "$(pathst /api/v1/nothing)" 404
curl -s -D "$T_TMP/h" -o "$T_TMP/body" -X PUT -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/users" >/dev/null
check "405 with Allow" grep -qi '^Allow: GET, POST' "$T_TMP/h"
check "405 status" grep -q ' 405 ' "$T_TMP/h"

# ---- SQL metacharacters in every filter of every list ---------------------------
INJ="' OR 1=1 --"
for spec in "users:name,enabled,sort" "groups:name,sort" "iam/policies:name,type,sort" "policies:name,mode,image,sort" \
	"clusters:name,protected,sort" "nodes:cluster,name,state,sort" \
	"events:category,node,cluster,container,image,severity,rule,action,since,from,to,cursor,limit" \
	"audit:event_type,source,resource_type,event_name,resource_id,resource_name,resource,user,level,trace_id,since,from,to,limit,offset,order" \
	"audit/export:format,event_type,user,level" "events/stats:days"; do
	route=${spec%%:*}
	IFS=, read -ra params <<<"${spec#*:}"
	for p in "${params[@]}"; do
		st=$(curl -s -G -o "$T_TMP/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
			--data-urlencode "$p=$INJ" "$BASE/api/v1/$route")
		if [ "$st" == 400 ] || { [ "$st" == 200 ] && [ "$(jq -r '.total // 0' "$T_TMP/body" 2>/dev/null)" == 0 ]; }; then ok
		elif [ "$st" == 200 ] && [ "$route" == audit/export ]; then
			[ "$(wc -l <"$T_TMP/body")" -le 1 ] && ok || fail "$route?$p= exported rows"
		else fail "$route?$p=<injection> -> $st $(head -c 200 "$T_TMP/body")"
		fi
	done
done
st=$(curl -s -G -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" --data-urlencode "name=x'); DROP TABLE users; --" "$BASE/api/v1/users")
check_eq "drop table attempt" "$st" 200
expect "login with metacharacters" 401 POST /api/v1/auth/login "{\"username\":\"admin' --\",\"password\":\"x' OR '1'='1\"}"
expect "policy name with metacharacters is just a name" 201 POST /api/v1/policies "{\"name\":\"p'; DROP TABLE policies; --\"}"
expect "and reads back" 200 GET /api/v1/policies
check_eq "one policy, named as given" "$(jqb '.items[0].name')" "p'; DROP TABLE policies; --"

# ---- bad events: nothing stored --------------------------------------------------
TOKEN=$AGENT
expect "event without id" 400 POST /api/v1/agents/events '{"events":[{"time":"2026-01-01T00:00:00Z"}]}'
expect "event with bad id" 400 POST /api/v1/agents/events "{\"events\":[{\"id\":\"$INJ\",\"time\":\"2026-01-01T00:00:00Z\"}]}"
expect "events not an array" 400 POST /api/v1/agents/events '{"events":{}}'
expect "not JSON" 400 POST /api/v1/agents/events 'events'
TOKEN=$ADMIN_TOKEN
expect "events" 200 GET /api/v1/events
check_eq "no event stored" "$(jqb .total)" 0
expect "users" 200 GET /api/v1/users
check_eq "no user stored" "$(jqb .total)" "$users_before"

# ---- slow clients -----------------------------------------------------------------
python3 - "$SRV_PORT" "$BASE" "$TOKEN" >"$T_TMP/slow" 2>&1 <<'PY'
import socket, sys, time, urllib.request
port, base, token = int(sys.argv[1]), sys.argv[2], sys.argv[3]
slow = []
for _ in range(20):                      # 20 clients send half a request line byte by byte
    s = socket.create_connection(("127.0.0.1", port))
    for b in b"GET /heal":
        s.send(bytes([b])); time.sleep(0.005)
    slow.append(s)
t0 = time.time()                          # others are served meanwhile
for _ in range(20):
    with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
        assert r.status == 200
print("served others while slow:", round(time.time() - t0, 2), "s")
closed = 0
for s in slow:                            # and the slow ones are timed out
    s.settimeout(10)
    try:
        closed += s.recv(100) == b""
    except (ConnectionResetError, socket.timeout):
        closed += 1
print("slow clients closed:", closed)
PY
check "others served during slow clients" grep -q "served others" "$T_TMP/slow"
check_eq "slow clients timed out" "$(awk '/slow clients closed/ {print $4}' "$T_TMP/slow")" 20

# ---- still alive, audit unchanged but for the one policy and one failed sign-in -----------------------------
expect "alive" 200 GET /healthz
audit_after=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/audit" | jq .total)
check_eq "only the one policy and the failed sign-in were audited" "$audit_after" $((audit_before + 2))
kill -0 "$SRV_PID" && ok || fail "server died"
srv_stop
finish
