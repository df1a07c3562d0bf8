#!/usr/bin/env bash
# Every route of the route table (from `cguard server routes`, so the table cannot
# drift from the code) against users holding each system role (CGS Administrator,
# CGS FullAccess, CGS ReadOnlyAccess), FullAccess with a custom Deny of
# cgs:cluster:*, and no policy: 2xx where the role allows the route's action, 403
# where not; user tokens never open agent routes; refused changes are audited.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/server.sh"
trap 'srv_stop; [ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"' EXIT

srv_start "$T_TMP/d" || { fail "server start"; finish; exit 1; }
ADMIN_TOKEN=$(login admin "$ADMIN_PW")
TOKEN=$ADMIN_TOKEN
expect "agency" 200 POST /api/v1/agency

# groups with the roles, one user each
expect "deny policy" 201 POST /api/v1/iam/policies \
	'{"name":"deny-clusters","document":{"Version":"1.1","Statement":[{"Effect":"Deny","Action":["cgs:cluster:*"]}]}}'
declare -A ROLE_POLICIES=(
	[admin]="CGS Administrator"
	[full]="CGS FullAccess"
	[ro]="CGS ReadOnlyAccess"
	[deny]="CGS FullAccess|deny-clusters"
	[none]=""
)
ROLES=(admin full ro deny none)
declare -A TOK
for role in "${ROLES[@]}"; do
	expect "group $role" 201 POST /api/v1/groups "{\"name\":\"g-$role\"}"
	IFS='|' read -ra pols <<<"${ROLE_POLICIES[$role]}"
	for p in "${pols[@]}"; do
		expect "attach $p to $role" 200 POST "/api/v1/groups/g-$role/policies" "{\"policy\":\"$p\"}"
	done
	expect "user $role" 201 POST /api/v1/users "{\"name\":\"u-$role\",\"password\":\"password-$role\",\"groups\":[\"g-$role\"]}"
	TOK[$role]=$(login "u-$role" "password-$role")
	[ -n "${TOK[$role]}" ] && [ "${TOK[$role]}" != null ] && ok || fail "login u-$role"
done

# is ACTION allowed for ROLE? (the system policies as the SPEC defines them)
allowed() {
	local role=$1 a=$2
	[ "$a" == "(signed-in)" ] && return 0
	case $role in
	admin) return 0 ;;
	full) [[ $a == cgs:* ]] ;;
	ro) [[ $a == cgs:*:get || $a == cgs:*:list ]] ;;
	deny) [[ $a == cgs:* && $a != cgs:cluster:* ]] ;;
	none) return 1 ;;
	esac
}

# fresh resources for one role's sweep; sets the ids the paths need
fixtures() {
	local role=$1
	TOKEN=$ADMIN_TOKEN
	api POST /api/v1/clusters "{\"name\":\"c-$role\",\"protected\":false}"
	CLUSTER=$(jqb .id) JOIN=$(jqb .join_token)
	NODE=$(curl -s -X POST -H "Authorization: Bearer $JOIN" -H 'Content-Type: application/json' \
		--data-binary '{"node":"n1","version":"0.1"}' "$BASE/api/v1/agents/register" | jq -r .node_id)
	api POST /api/v1/policies "{\"name\":\"p-$role\",\"mode\":\"alert\",\"process_whitelist\":[\"/bin/sh\"]}"
	POLICY=$(jqb .id)
	api POST /api/v1/users "{\"name\":\"v-$role\",\"password\":\"victim-password\"}"
	VICTIM=$(jqb .id)
	api POST /api/v1/groups "{\"name\":\"x-$role\"}"
	GROUP=$(jqb .id)
	api POST "/api/v1/groups/$GROUP/members" "{\"user\":\"$VICTIM\"}"
	api POST /api/v1/iam/policies "{\"name\":\"ip-$role\",\"document\":{\"Version\":\"1.1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"cgs:*:list\"]}]}}"
	IAMP=$(jqb .id)
	api POST "/api/v1/groups/$GROUP/policies" "{\"policy\":\"$IAMP\"}"
	# the role's own API token (to delete), made with its own session when it may
	TOKEN=${TOK[$role]}
	api POST /api/v1/tokens '{"name":"t"}'
	OWNTOK=$(jqb '.id // "0000"')
}

path_for() {
	local p=$1
	case $p in
	/api/v1/tokens/*) p=${p/\{id\}/$OWNTOK} ;;
	/api/v1/users/*) p=${p/\{id\}/$VICTIM} ;;
	/api/v1/groups/*) p=${p/\{id\}/$GROUP}; p=${p/\{user\}/$VICTIM}; p=${p/\{policy\}/$IAMP} ;;
	/api/v1/iam/policies/*) p=${p/\{id\}/$IAMP} ;;
	/api/v1/policies/*) p=${p/\{id\}/$POLICY} ;;
	/api/v1/clusters/*) p=${p/\{id\}/$CLUSTER} ;;
	/api/v1/nodes/*) p=${p/\{id\}/$NODE} ;;
	esac
	echo "$p"
}

body_for() {
	case "$1 $2" in
	"POST /api/v1/auth/login") echo "{\"username\":\"u-$3\",\"password\":\"password-$3\"}" ;;
	"POST /api/v1/tokens") echo '{"name":"sweep"}' ;;
	"POST /api/v1/users") echo "{\"name\":\"new-$3\",\"password\":\"new-password\"}" ;;
	"PATCH /api/v1/users/{id}") echo '{"enabled":true}' ;;
	"POST /api/v1/groups") echo "{\"name\":\"new-$3\"}" ;;
	"POST /api/v1/groups/{id}/members") echo "{\"user\":\"$VICTIM\"}" ;;
	"POST /api/v1/groups/{id}/policies") echo "{\"policy\":\"$IAMP\"}" ;;
	"POST /api/v1/iam/policies") echo "{\"name\":\"new-$3\",\"document\":{\"Version\":\"1.1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"cgs:*:get\"]}]}}" ;;
	"PUT /api/v1/iam/policies/{id}") echo '{"document":{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["cgs:*:get"]}]}}' ;;
	"POST /api/v1/policies") echo "{\"name\":\"new-$3\",\"mode\":\"enforce\"}" ;;
	"PUT /api/v1/policies/{id}") echo "{\"name\":\"p-$3\",\"mode\":\"enforce\",\"protected_paths\":[\"/etc\"]}" ;;
	"POST /api/v1/policies/{id}/images" | "DELETE /api/v1/policies/{id}/images") echo "{\"images\":[\"img-$3:1\"]}" ;;
	"POST /api/v1/clusters") echo "{\"name\":\"new-$3\"}" ;;
	"POST /api/v1/clusters/{id}/protection") echo '{"enabled":true}' ;;
	"PUT /api/v1/quota") echo '{"total":1000,"state":"normal"}' ;;
	"POST /api/v1/agents/register") echo '{"node":"x"}' ;;
	"POST /api/v1/agents/heartbeat") echo '{}' ;;
	"POST /api/v1/agents/events") echo '{"events":[]}' ;;
	esac
}

# the sweep order: reads and changes first, deletes (deepest path first) after,
# logout last (it ends the session)
ROUTES=$("$CGUARD" server routes | jq -r '
	sort_by((if .path == "/api/v1/auth/logout" then 3 elif .path == "/api/v1/nodes/{id}" and .method == "DELETE" then 1.5
		 elif .method == "DELETE" then 2 else 1 end),
		(if .method == "DELETE" then -(.path | length) else 0 end))
	| .[] | [.method, .path, (if .action == "" then "(signed-in)" else .action end), .auth,
		 (.changes | tostring)] | @tsv')
[ "$(wc -l <<<"$ROUTES")" -ge 50 ] && ok || fail "route table too short"

declare -A COUNT
for role in "${ROLES[@]}"; do
	fixtures "$role"
	while IFS=$'\t' read -r m p a auth changes; do
		TOKEN=${TOK[$role]}
		path=$(path_for "$p")
		body=$(body_for "$m" "$p" "$role")
		api "$m" "$path" "$body"
		case $auth in
		public) want=2xx ;;
		agent | join) want=401 ;;
		*) if allowed "$role" "$a"; then want=2xx; else want=403; fi ;;
		esac
		if [ "$want" == 2xx ] && [[ $ST == 2?? ]]; then ok
		elif [ "$want" == "$ST" ]; then ok
		else fail "$role: $m $p ($a) -> $ST, want $want: ${BODY:0:200}"
		fi
		COUNT[$role]=$((${COUNT[$role]:-0} + 1))
		if [ "$want" == 403 ] && [ "$changes" == true ]; then
			# a refused change leaves a warning in the audit trail
			r=$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" \
				"$BASE/api/v1/audit?limit=1&user=u-$role&level=warning" | jq -r '.items[0].result_code')
			check_eq "$role: refused $m $p audited" "$r" 403
		fi
	done <<<"$ROUTES"
done
echo "swept ${COUNT[admin]} routes x ${#ROLES[@]} roles"

# no role opens agent routes with a user token, and agent tokens open nothing else
TOKEN=$ADMIN_TOKEN
api POST /api/v1/clusters '{"name":"agent-check"}'
JOIN=$(jqb .join_token)
AG=$(curl -s -X POST -H "Authorization: Bearer $JOIN" -H 'Content-Type: application/json' \
	--data-binary '{"node":"a1"}' "$BASE/api/v1/agents/register" | jq -r .token)
TOKEN=$AG
expect "agent token on a user route" 401 GET /api/v1/clusters
expect "agent token on the audit" 401 GET /api/v1/audit
TOKEN=$JOIN
expect "join token is not an agent token" 401 POST /api/v1/agents/heartbeat '{}'
expect "join token on a user route" 401 GET /api/v1/users

srv_stop
finish
