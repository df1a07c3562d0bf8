#!/usr/bin/env bash
# The management server's REST API end to end against the real server (SQLite;
# server_pg.sh runs this file again on PostgreSQL): every route of the route table
# with what a user sees in the answers, an audit record after every change,
# first start, sessions, lockout, agency, policies and their ETag, clusters,
# agents, quota, events, audit queries and export, the OpenAPI document.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/server.sh"
trap 'srv_stop; [ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"' EXIT

declare -A SEEN # routes exercised: "METHOD PATTERN"
seen() { SEEN["$1 $2"]=1; }

# audited DESCRIPTION EVENT [RESOURCE_NAME]: the newest audit record is EVENT
audited() {
	local r
	r=$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$BASE/api/v1/audit?limit=1")
	check_eq "$1: audit event" "$(jq -r '.items[0].event_name' <<<"$r")" "$2"
	[ -n "${3:-}" ] && check_eq "$1: audit resource" "$(jq -r '.items[0].resource_name' <<<"$r")" "$3"
	check_eq "$1: audit user" "$(jq -r '.items[0].user_name' <<<"$r")" "${AUDIT_USER:-admin}"
	check_eq "$1: audit ip" "$(jq -r '.items[0].source_ip' <<<"$r")" "127.0.0.1"
}

# ---- first start (SQLite: on PostgreSQL the database given is the one used) ------
if [ -z "${CG_SERVER_DB:-}" ]; then
	CGUARD_ADMIN_PASSWORD= srv_start "$T_TMP/d0" || { fail "server start"; finish; exit 1; }
	check "initial password written" test -s "$T_TMP/d0/initial-admin-password"
	check_eq "initial password mode" "$(stat -c %a "$T_TMP/d0/initial-admin-password")" 600
	PW=$(cat "$T_TMP/d0/initial-admin-password")
	T=$(login admin "$PW")
	check "sign in with the initial password" test "$T" != null
	srv_stop
	CGUARD_ADMIN_PASSWORD= srv_start "$T_TMP/d0" || fail "restart"
	check_eq "the initial password is not replaced" "$(cat "$T_TMP/d0/initial-admin-password")" "$PW"
fi
srv_stop

srv_start "$T_TMP/d" || { fail "server start"; finish; exit 1; }

# ---- public routes ---------------------------------------------------------------
TOKEN=
expect "healthz" 200 GET /healthz; seen GET /healthz
check_eq "healthz body" "$(jqb .status)" ok
curl -s -D "$T_TMP/h" -o /dev/null "$BASE/healthz"
check "nosniff header" grep -qi '^X-Content-Type-Options: nosniff' "$T_TMP/h"
check "no-store header" grep -qi '^Cache-Control: no-store' "$T_TMP/h"
check "CSP header" grep -qi "^Content-Security-Policy: default-src 'none'" "$T_TMP/h"
check "trace id header" grep -qi '^X-Trace-Id: [0-9a-f]\{32\}' "$T_TMP/h"
check "JSON content type" grep -qi '^Content-Type: application/json' "$T_TMP/h"
expect "openapi" 200 GET /api/v1/openapi.json; seen GET /api/v1/openapi.json
check_eq "openapi version" "$(jqb .openapi)" 3.0.3
# the document and the route table agree both ways
doc=$(jqb '.paths | to_entries[] | .key as $p | .value | keys[] | "\(ascii_upcase) \($p)"' | sort)
tab=$("$CGUARD" server routes | jq -r '.[] | "\(.method) \(.path)"' | sort)
check_eq "openapi documents every route and no other" "$doc" "$tab"
check_eq "openapi served = docs/openapi.json" "$(jq -S . <<<"$BODY" | md5sum)" "$(jq -S . "$TOP/docs/openapi.json" | md5sum)"

expect "no token" 401 GET /api/v1/users
check_eq "401 code" "$(jqb .code)" Unauthorized
TOKEN=not-a-token
expect "bad token" 401 GET /api/v1/users
TOKEN=

# ---- sign in ---------------------------------------------------------------------
expect "wrong password" 401 POST /api/v1/auth/login '{"username":"admin","password":"nope-nope"}'; seen POST /api/v1/auth/login
M1=$(jqb .message)
expect "unknown user" 401 POST /api/v1/auth/login '{"username":"ghost","password":"nope-nope"}'
check_eq "same message for unknown user and wrong password" "$(jqb .message)" "$M1"
expect "login" 200 POST /api/v1/auth/login "{\"username\":\"admin\",\"password\":\"$ADMIN_PW\"}"
ADMIN_TOKEN=$(jqb .token)
check "token is 64 hex" grep -qE '^[0-9a-f]{64}$' <<<"$ADMIN_TOKEN"
check "expires given" test "$(jqb .expires)" != null
TOKEN=$ADMIN_TOKEN
expect "me" 200 GET /api/v1/auth/me; seen GET /api/v1/auth/me
check_eq "me name" "$(jqb .name)" admin
check_eq "me groups" "$(jqb '.groups[0]')" admin

# ---- agency (IAM-05) -------------------------------------------------------------
expect "agency state" 200 GET /api/v1/agency; seen GET /api/v1/agency
check_eq "not agreed yet" "$(jqb .agreed)" false
expect "feature route before agency" 403 GET /api/v1/clusters
check_eq "agency code" "$(jqb .code)" AgencyRequired
check "agency message" grep -q "POST /api/v1/agency" <<<"$BODY"
expect "IAM routes work before agency" 200 GET /api/v1/users
expect "agree" 200 POST /api/v1/agency; seen POST /api/v1/agency
check_eq "agreed" "$(jqb .agreed)" true
check_eq "agreed by" "$(jqb .agreed_by)" admin
audited "agency" registerCgsAgency
r=$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$BASE/api/v1/audit?event_name=login&order=asc")
check_eq "sign-ins audited (2 failed, 1 good)" "$(jq -r '.items | map(.level) | join(",")' <<<"$r")" warning,warning,normal
check_eq "unknown user audited by the name tried" "$(jq -r '.items[1].user_name' <<<"$r")" ghost
check "the password is not in the audit trail" bash -c "! grep -q nope-nope <<<'$r'"
expect "feature route after agency" 200 GET /api/v1/clusters

# ---- API tokens ------------------------------------------------------------------
expect "create token" 201 POST /api/v1/tokens '{"name":"ci","expires_days":30}'; seen POST /api/v1/tokens
API_TOKEN=$(jqb .token) API_ID=$(jqb .id)
audited "token" createToken ci
r=$(last_audit request)
check "token not in the audit record" bash -c "! grep -q '$API_TOKEN' <<<'$r'"
expect "list tokens" 200 GET /api/v1/tokens; seen GET /api/v1/tokens
check_eq "token listed" "$(jqb '.items[0].name')" ci
check "secret not listed" bash -c "! grep -q '$API_TOKEN' <<<'$BODY'"
TOKEN=$API_TOKEN
expect "API token works" 200 GET /api/v1/users
TOKEN=$ADMIN_TOKEN
expect "delete token" 200 DELETE "/api/v1/tokens/$API_ID"; seen DELETE "/api/v1/tokens/{id}"
audited "token delete" deleteToken
TOKEN=$API_TOKEN
expect "revoked API token" 401 GET /api/v1/users
TOKEN=$ADMIN_TOKEN

# ---- users, groups, IAM policies -------------------------------------------------
expect "create user" 201 POST /api/v1/users '{"name":"alice","password":"alice-password"}'; seen POST /api/v1/users
ALICE=$(jqb .id)
audited "create user" createUser alice
check "password not in the audit record" bash -c "! grep -q alice-password <<<'$(last_audit request)'"
check_eq "password redacted" "$(last_audit request.password)" '***'
expect "duplicate user" 409 POST /api/v1/users '{"name":"alice","password":"alice-password"}'
expect "short password" 400 POST /api/v1/users '{"name":"bob","password":"short"}'
expect "bad user name" 400 POST /api/v1/users '{"name":"bad name!","password":"long-enough"}'
expect "list users" 200 GET "/api/v1/users?sort=name&order=desc&limit=1"; seen GET /api/v1/users
check_eq "users total" "$(jqb .total)" 2
check_eq "users sorted desc, limited" "$(jqb '.items | map(.name) | join(",")')" alice
expect "user filter" 200 GET "/api/v1/users?name=admin"
check_eq "filtered" "$(jqb '.items[0].name')" admin
expect "sort whitelist" 400 GET "/api/v1/users?sort=password_hash"
expect "unknown filter" 400 GET "/api/v1/users?password=x"
expect "get user" 200 GET "/api/v1/users/$ALICE"; seen GET "/api/v1/users/{id}"
check_eq "user enabled" "$(jqb .enabled)" true
check "no hash shown" bash -c "! grep -q argon2 <<<'$BODY'"
expect "get user by name" 200 GET /api/v1/users/alice

expect "create group" 201 POST /api/v1/groups '{"name":"ops","description":"operators"}'; seen POST /api/v1/groups
OPS=$(jqb .id)
audited "create group" createGroup ops
expect "list groups" 200 GET /api/v1/groups; seen GET /api/v1/groups
check_eq "groups" "$(jqb '.items | map(.name) | join(",")')" admin,ops
expect "add member" 200 POST "/api/v1/groups/$OPS/members" '{"user":"alice"}'; seen POST "/api/v1/groups/{id}/members"
audited "add member" addGroupMember ops
expect "IAM policy" 201 POST /api/v1/iam/policies \
	'{"name":"readers","document":{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["cgs:*:list","cgs:*:get"]},{"Effect":"Deny","Action":["cgs:audit:*"]}]}}'
seen POST /api/v1/iam/policies
READERS=$(jqb .id)
audited "IAM policy" createIamPolicy readers
expect "bad policy document" 400 POST /api/v1/iam/policies '{"name":"bad","document":{"Version":"1.1","Statement":[{"Effect":"Maybe","Action":["x:y"]}]}}'
check "bad policy names the field" grep -q Effect <<<"$BODY"
expect "attach" 200 POST "/api/v1/groups/$OPS/policies" '{"policy":"readers"}'; seen POST "/api/v1/groups/{id}/policies"
audited "attach" attachGroupPolicy ops
expect "get group" 200 GET "/api/v1/groups/$OPS"; seen GET "/api/v1/groups/{id}"
check_eq "group members" "$(jqb '.members[0].name')" alice
check_eq "group policies" "$(jqb '.policies[0].name')" readers
expect "list IAM policies" 200 GET "/api/v1/iam/policies?type=system"; seen GET /api/v1/iam/policies
check_eq "system policies" "$(jqb '.items | map(.name) | join(",")')" "CGS Administrator,CGS FullAccess,CGS ReadOnlyAccess"
expect "get IAM policy" 200 GET "/api/v1/iam/policies/$READERS"; seen GET "/api/v1/iam/policies/{id}"
check_eq "document" "$(jqb '.document.Statement[1].Effect')" Deny
expect "system policy is fixed" 409 PUT "/api/v1/iam/policies/system-1" '{"document":{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["cgs:*:list"]}]}}'

ALICE_TOKEN=$(login alice alice-password)
TOKEN=$ALICE_TOKEN
expect "alice may list clusters" 200 GET /api/v1/clusters
expect "alice may not create clusters" 403 POST /api/v1/clusters '{"name":"x"}'
check "403 names the action" grep -q "cgs:cluster:operate" <<<"$BODY"
expect "explicit deny beats allow" 403 GET /api/v1/audit
check "explicit deny said" grep -q "explicitly denied" <<<"$BODY"
TOKEN=$ADMIN_TOKEN
AUDIT_USER=alice audited "refused change" createCluster
check_eq "refused change is a warning" "$(last_audit level)" warning
expect "update IAM policy" 200 PUT "/api/v1/iam/policies/$READERS" '{"document":{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["cgs:*:list","cgs:*:get"]}]}}'
seen PUT "/api/v1/iam/policies/{id}"
audited "update IAM policy" modifyIamPolicy readers
TOKEN=$ALICE_TOKEN
expect "the change applies at once" 200 GET /api/v1/audit
TOKEN=$ADMIN_TOKEN

expect "disable alice" 200 PATCH "/api/v1/users/$ALICE" '{"enabled":false}'; seen PATCH "/api/v1/users/{id}"
audited "disable" modifyUser alice
TOKEN=$ALICE_TOKEN
expect "disabled user's session ends" 401 GET /api/v1/clusters
TOKEN=$ADMIN_TOKEN
check_eq "disabled user cannot sign in" "$(login alice alice-password)" null
expect "enable + new password" 200 PATCH "/api/v1/users/$ALICE" '{"enabled":true,"password":"alice-password-2"}'
check "new password works" test "$(login alice alice-password-2)" != null
expect "cannot disable yourself" 409 PATCH /api/v1/users/admin '{"enabled":false}'

expect "remove member" 200 DELETE "/api/v1/groups/$OPS/members/alice"; seen DELETE "/api/v1/groups/{id}/members/{user}"
audited "remove member" removeGroupMember ops
expect "remove member again" 404 DELETE "/api/v1/groups/$OPS/members/alice"
expect "detach" 200 DELETE "/api/v1/groups/$OPS/policies/$READERS"; seen DELETE "/api/v1/groups/{id}/policies/{policy}"
audited "detach" detachGroupPolicy ops
expect "admin keeps Administrator" 409 DELETE "/api/v1/groups/admin/policies/system-1"
expect "delete IAM policy" 200 DELETE "/api/v1/iam/policies/$READERS"; seen DELETE "/api/v1/iam/policies/{id}"
audited "delete IAM policy" deleteIamPolicy readers
expect "delete group" 200 DELETE "/api/v1/groups/$OPS"; seen DELETE "/api/v1/groups/{id}"
audited "delete group" deleteGroup ops
expect "delete user" 200 DELETE "/api/v1/users/$ALICE"; seen DELETE "/api/v1/users/{id}"
audited "delete user" deleteUser alice
expect "deleted" 404 GET "/api/v1/users/$ALICE"
expect "cannot delete yourself" 409 DELETE /api/v1/users/admin

# ---- lockout ---------------------------------------------------------------------
expect "victim" 201 POST /api/v1/users '{"name":"mallory","password":"mallory-password"}'
for i in 1 2 3 4 5; do
	api POST /api/v1/auth/login '{"username":"mallory","password":"wrong-password"}'
done
expect "locked even with the right password" 429 POST /api/v1/auth/login '{"username":"mallory","password":"mallory-password"}'
check_eq "lock code" "$(jqb .code)" AccountLocked
r=$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$BASE/api/v1/audit?event_name=lockUser")
check_eq "lock audited" "$(jq -r '.items[0].resource_name' <<<"$r")" mallory
check_eq "lock is a warning" "$(jq -r '.items[0].level' <<<"$r")" warning
expect "admin unlocks with a new password" 200 PATCH /api/v1/users/mallory '{"password":"mallory-password-2"}'
check "unlocked" test "$(login mallory mallory-password-2)" != null

# ---- policies (POL-01/02) ----------------------------------------------------------
expect "create policy" 201 POST /api/v1/policies \
	'{"name":"web","mode":"enforce","process_whitelist":["/usr/sbin/nginx"],"protected_paths":["/etc/nginx"],"images":["nginx:1.25"]}'
seen POST /api/v1/policies
POL=$(jqb .id)
audited "create policy" addPolicy web
check_eq "policy images" "$(jqb '.images[0]')" nginx:1.25
expect "relative path refused" 400 POST /api/v1/policies '{"name":"bad","process_whitelist":["bin/sh"]}'
check "names the field" grep -q 'process_whitelist\[0\]' <<<"$BODY"
expect "bad mode" 400 POST /api/v1/policies '{"name":"bad","mode":"kill"}'
long=$(printf 'x%.0s' $(seq 1 129))
expect "long name" 400 POST /api/v1/policies "{\"name\":\"$long\"}"
expect "duplicate policy" 409 POST /api/v1/policies '{"name":"web"}'
expect "image taken" 409 POST /api/v1/policies '{"name":"other","images":["nginx:1.25"]}'
expect "get policy" 200 GET "/api/v1/policies/$POL"; seen GET "/api/v1/policies/{id}"
check_eq "policy mode" "$(jqb .mode)" enforce
expect "list policies" 200 GET "/api/v1/policies?image=nginx:1.25"; seen GET /api/v1/policies
check_eq "policy by image" "$(jqb '.items[0].name')" web

# agents see it with an ETag
expect "cluster" 201 POST /api/v1/clusters '{"name":"prod","protected":true}'; seen POST /api/v1/clusters
CL=$(jqb .id) JOIN=$(jqb .join_token)
audited "cluster" createCluster prod
check "join token not audited" bash -c "! grep -q '$JOIN' <<<'$(last_audit request)'"
TOKEN=$JOIN
expect "register" 201 POST /api/v1/agents/register '{"node":"node-1","version":"0.1.0","hostname":"node-1"}'; seen POST /api/v1/agents/register
AGENT=$(jqb .token) NODE=$(jqb .node_id)
check_eq "registered protected" "$(jqb .protected)" true
check_eq "interval" "$(jqb .heartbeat_interval)" 30
AUDIT_USER=join:prod audited "registration" registerAgent node-1
expect "register again: same node, new token" 201 POST /api/v1/agents/register '{"node":"node-1","version":"0.1.1"}'
check_eq "same node" "$(jqb .node_id)" "$NODE"
OLD_AGENT=$AGENT AGENT=$(jqb .token)
TOKEN=$OLD_AGENT
expect "old agent token replaced" 401 POST /api/v1/agents/heartbeat '{}'
TOKEN=$AGENT
expect "heartbeat" 200 POST /api/v1/agents/heartbeat '{"containers":3,"events_lost":0,"sensor":"bpf","journal_bytes":0}'
seen POST /api/v1/agents/heartbeat
ETAG=$(jqb .policy_etag)
expect "bad heartbeat" 400 POST /api/v1/agents/heartbeat '{"sensor":"magic"}'
curl -s -D "$T_TMP/h" -o "$T_TMP/pol" -H "Authorization: Bearer $AGENT" "$BASE/api/v1/agents/policies"; seen GET /api/v1/agents/policies
H_ETAG=$(grep -i '^ETag:' "$T_TMP/h" | cut -d' ' -f2 | tr -d '\r')
check_eq "heartbeat ETag = policies ETag" "$H_ETAG" "$ETAG"
check_eq "policy file format" "$(jq -c '.[0]' "$T_TMP/pol")" \
	'{"images":["nginx:1.25"],"mode":"enforce","name":"web","process_whitelist":["/usr/sbin/nginx"],"protected_paths":["/etc/nginx"]}'
check_eq "304 when unchanged" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $AGENT" -H "If-None-Match: $ETAG" "$BASE/api/v1/agents/policies")" 304
TOKEN=$ADMIN_TOKEN
expect "apply images" 200 POST "/api/v1/policies/$POL/images" '{"images":["nginx:1.26","sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"]}'
seen POST "/api/v1/policies/{id}/images"
audited "apply" imageApplyPolicy web
check_eq "3 images" "$(jqb '.images | length')" 3
check_eq "200 after a change" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $AGENT" -H "If-None-Match: $ETAG" "$BASE/api/v1/agents/policies")" 200
expect "unapply" 200 DELETE "/api/v1/policies/$POL/images" '{"images":["nginx:1.26"]}'; seen DELETE "/api/v1/policies/{id}/images"
audited "unapply" imageCancelPolicy web
expect "edit policy" 200 PUT "/api/v1/policies/$POL" '{"name":"web","mode":"alert","process_whitelist":["/usr/sbin/nginx","/bin/sh"]}'
seen PUT "/api/v1/policies/{id}"
audited "edit" modifyPolicy web
check_eq "edited" "$(jqb .mode)" alert
check_eq "version" "$(jqb .version)" 4

# ---- clusters, nodes, quota ------------------------------------------------------------
expect "list clusters" 200 GET /api/v1/clusters; seen GET /api/v1/clusters
check_eq "cluster counts" "$(jqb '.items[0] | [.nodes_total,.nodes_available,.agents_online,.protected] | map(tostring) | join(",")')" 1,1,1,true
expect "get cluster" 200 GET "/api/v1/clusters/$CL"; seen GET "/api/v1/clusters/{id}"
expect "nodes" 200 GET "/api/v1/nodes?cluster=prod"; seen GET /api/v1/nodes
check_eq "node state" "$(jqb '.items[0] | [.state,.agent,.protected] | map(tostring) | join(",")')" running,online,true
expect "node" 200 GET "/api/v1/nodes/$NODE"; seen GET "/api/v1/nodes/{id}"
expect "quota" 200 GET /api/v1/quota; seen GET /api/v1/quota
check_eq "quota used" "$(jqb .used)" 1
expect "quota of 1" 200 PUT /api/v1/quota '{"total":1,"state":"normal","expires":null}'; seen PUT /api/v1/quota
audited "quota" modifyQuota
TOKEN=$JOIN
expect "quota used up" 403 POST /api/v1/agents/register '{"node":"node-2"}'
check "quota message" grep -q "quota is used up" <<<"$BODY"
TOKEN=$ADMIN_TOKEN
expect "frozen quota" 200 PUT /api/v1/quota '{"total":10,"state":"frozen"}'
TOKEN=$JOIN; expect "frozen" 403 POST /api/v1/agents/register '{"node":"node-2"}'; TOKEN=$ADMIN_TOKEN
expect "expired quota" 200 PUT /api/v1/quota '{"total":10,"state":"normal","expires":"2020-01-01T00:00:00Z"}'
TOKEN=$JOIN; expect "expired" 403 POST /api/v1/agents/register '{"node":"node-2"}'; TOKEN=$ADMIN_TOKEN
expect "quota back" 200 PUT /api/v1/quota '{"total":10}'
expect "protection off" 200 POST "/api/v1/clusters/$CL/protection" '{"enabled":false}'; seen POST "/api/v1/clusters/{id}/protection"
audited "protect off" closeClusterProtect prod
check_eq "off" "$(jqb .protected)" false
expect "protection on" 200 POST "/api/v1/clusters/$CL/protection" '{"enabled":true}'
audited "protect on" openClusterProtect prod
check_eq "nodes protected again" "$(jqb .nodes_protected)" 1
expect "rotate join token" 200 POST "/api/v1/clusters/$CL/join-token"; seen POST "/api/v1/clusters/{id}/join-token"
audited "rotate" rotateJoinToken prod
NEWJOIN=$(jqb .join_token)
TOKEN=$JOIN; expect "old join token" 401 POST /api/v1/agents/register '{"node":"node-3"}'
TOKEN=$NEWJOIN; expect "new join token" 201 POST /api/v1/agents/register '{"node":"node-3"}'
TOKEN=$ADMIN_TOKEN

# ---- events (RUN-08) -----------------------------------------------------------------
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
ev() { echo "{\"id\":\"$1\",\"time\":\"$now\",\"category\":\"$2\",\"rule\":\"r.$2\",\"severity\":\"$3\",\"action\":\"alert\",\"message\":\"m\",\"container\":{\"id\":\"c1\",\"name\":\"web\",\"image\":\"nginx:1.25\"}}"; }
TOKEN=$AGENT
expect "ingest" 200 POST /api/v1/agents/events "{\"events\":[$(ev e1 process high),$(ev e2 file medium),$(ev e3 process critical)]}"
seen POST /api/v1/agents/events
check_eq "accepted" "$(jqb .accepted)" 3
expect "again: duplicates" 200 POST /api/v1/agents/events "{\"events\":[$(ev e1 process high),$(ev e4 network low)]}"
check_eq "dup counts" "$(jqb '[.accepted,.duplicates] | map(tostring) | join(",")')" 1,1
expect "bad event refused whole" 400 POST /api/v1/agents/events "{\"events\":[$(ev e5 process high),{\"id\":\"e6\"}]}"
check "names the index" grep -q "1" <<<"$(jqb .message)"
TOKEN=$ADMIN_TOKEN
expect "events" 200 GET "/api/v1/events?since=1d"; seen GET /api/v1/events
check_eq "4 stored, e5 not" "$(jqb .total)" 4
check_eq "node from the token" "$(jqb '.items[0].node')" node-1
expect "by category" 200 GET "/api/v1/events?category=process&severity=critical"
check_eq "filtered" "$(jqb '.items | map(.id) | join(",")')" e3
expect "by container and image" 200 GET "/api/v1/events?container=web&image=nginx:1.25&limit=2"
check_eq "page" "$(jqb '.items | length')" 2
NEXT=$(jqb .next)
expect "next page" 200 GET "/api/v1/events?container=web&image=nginx:1.25&limit=2&cursor=$NEXT"
check_eq "rest" "$(jqb '.items | length')" 2
expect "range" 200 GET "/api/v1/events?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z"
check_eq "nothing then" "$(jqb .total)" 0
expect "bad since" 400 GET "/api/v1/events?since=forever"
expect "stats" 200 GET /api/v1/events/stats; seen GET /api/v1/events/stats
check_eq "30 days" "$(jqb '.days | length')" 30
check_eq "process today" "$(jqb '.series[] | select(.category=="process") | .counts[-1]')" 2

# ---- audit (AUD-02/03) -----------------------------------------------------------------
expect "audit" 200 GET "/api/v1/audit?resource_type=policy&order=asc"; seen GET /api/v1/audit
check_eq "policy events in order" "$(jqb '.items | map(.event_name) | join(",")')" \
	addPolicy,imageApplyPolicy,imageCancelPolicy,modifyPolicy
for f in event_type=ApiCall source=api event_name=addPolicy resource_id=$POL resource_name=web resource=web user=admin level=normal since=1h; do
	expect "audit filter $f" 200 GET "/api/v1/audit?$f"
	[ "$(jqb .total)" -ge 1 ] && ok || fail "audit filter $f found nothing"
done
expect "audit from/to" 200 GET "/api/v1/audit?from=2000-01-01T00:00:00Z&to=2000-01-01T01:00:00Z"
check_eq "empty range" "$(jqb .total)" 0
expect "bad level" 400 GET "/api/v1/audit?level=loud"
expect "export jsonl" 200 GET "/api/v1/audit/export?format=jsonl&resource_type=policy"; seen GET /api/v1/audit/export
check_eq "jsonl lines" "$(wc -l <"$T_TMP/body")" 4
check_eq "jsonl records" "$(head -1 "$T_TMP/body" | jq -r .event_name)" addPolicy
expect "export csv" 200 GET "/api/v1/audit/export?format=csv&resource_type=policy"
check_eq "csv rows" "$(grep -c addPolicy "$T_TMP/body")" 1
check "csv header" grep -q "event_name" <<<"$(head -1 "$T_TMP/body")"
expect "bad format" 400 GET "/api/v1/audit/export?format=xml"
expect "verify" 200 POST /api/v1/audit/verify; seen POST /api/v1/audit/verify
check_eq "intact" "$(jqb .intact)" true

# ---- metrics -----------------------------------------------------------------------
TOKEN=
expect "metrics" 200 GET /metrics; seen GET /metrics
check "requests by route" grep -q 'cguard_http_requests_total{method="POST",route="/api/v1/agents/events",status="200"}' "$T_TMP/body"
check "latency histogram" grep -q 'cguard_http_request_duration_seconds_bucket{le="+Inf"}' "$T_TMP/body"
check_eq "events ingested" "$(awk '/^cguard_events_ingested_total/ {print $2}' "$T_TMP/body")" 4
check_eq "agents online" "$(awk '/^cguard_agents_online/ {print $2}' "$T_TMP/body")" 2
TOKEN=$ADMIN_TOKEN

# ---- deletes, logout -------------------------------------------------------------------
expect "delete node" 200 DELETE "/api/v1/nodes/$NODE"; seen DELETE "/api/v1/nodes/{id}"
audited "delete node" deleteNode node-1
expect "delete policy" 200 DELETE "/api/v1/policies/$POL"; seen DELETE "/api/v1/policies/{id}"
audited "delete policy" deletePolicy web
expect "delete cluster" 200 DELETE "/api/v1/clusters/$CL"; seen DELETE "/api/v1/clusters/{id}"
audited "delete cluster" deleteCluster prod
expect "gone" 404 GET "/api/v1/clusters/$CL"
expect "logout" 200 POST /api/v1/auth/logout; seen POST /api/v1/auth/logout
expect "logged out" 401 GET /api/v1/users
TOKEN=$(login admin "$ADMIN_PW")
ADMIN_TOKEN=$TOKEN
audited "logout (seen after signing in again)" login admin
r=$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$BASE/api/v1/audit?event_name=logout")
check_eq "logout audited" "$(jq -r .total <<<"$r")" 1
expect "still intact" 200 POST /api/v1/audit/verify
check_eq "intact at the end" "$(jqb .intact)" true

# every route of the table was exercised
while read -r m p; do
	[ -n "${SEEN["$m $p"]:-}" ] && ok || fail "route not covered by this suite: $m $p"
done < <("$CGUARD" server routes | jq -r '.[] | "\(.method) \(.path)"')

srv_stop
check "no token or password in the request log" bash -c "! grep -qE '$ADMIN_PW|$AGENT|Bearer' '$T_TMP/server.log'"
finish
