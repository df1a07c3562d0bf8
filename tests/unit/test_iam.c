/* The server's IAM (action patterns, Deny > Allow evaluation, policy documents,
 * argon2id passwords), its HTTP helpers (path normalisation, routing, query
 * decoding, redaction) and handlers run on an in-memory store. */
#include <stdlib.h>
#include <string.h>
#include "server/http.h"
#include "server/iam.h"
#include "cgtest.h"

static cg_json *doc(const char *s)
{
	cg_json *j = NULL;
	if (cg_json_parse(s, strlen(s), NULL, &j, NULL) != CG_OK)
		return NULL;
	return j;
}

static void t_action_match(struct cgt *t)
{
	CHECK(t, iam_action_match("*", "cgs:cluster:list"));
	CHECK(t, iam_action_match("*", "iam:user:create"));
	CHECK(t, iam_action_match("cgs:*:list", "cgs:cluster:list"));
	CHECK(t, !iam_action_match("cgs:*:list", "cgs:cluster:operate"));
	CHECK(t, iam_action_match("cgs:*:*", "cgs:quota:operate"));
	CHECK(t, !iam_action_match("cgs:*:*", "iam:user:create"));
	CHECK(t, iam_action_match("cgs:*", "cgs:cluster:list"));       /* a last * takes the rest */
	CHECK(t, !iam_action_match("cgs:cluster", "cgs:cluster:list")); /* no prefix match */
	CHECK(t, !iam_action_match("cgs:cluster:list:x", "cgs:cluster:list"));
	CHECK(t, iam_action_match("cgs:image*:get", "cgs:imageSecure:get"));
	CHECK(t, iam_action_match("cgs:images:get", "cgs:images:get"));
	CHECK(t, !iam_action_match("cgs:images:get", "cgs:images:gets"));
	CHECK(t, !iam_action_match("CGS:images:get", "cgs:images:get"));
	CHECK(t, iam_action_name_ok("cgs:cluster:list"));
	CHECK(t, iam_action_name_ok("*"));
	CHECK(t, !iam_action_name_ok("cgs"));
	CHECK(t, !iam_action_name_ok("cgs::list"));
	CHECK(t, !iam_action_name_ok("cgs:cluster:list "));
	CHECK(t, !iam_action_name_ok("a:b:c:d:e"));
}

static void t_evaluate(struct cgt *t)
{
	cg_json *full = doc(iam_system_policies[1][1]), *ro = doc(iam_system_policies[2][1]);
	cg_json *admin = doc(iam_system_policies[0][1]);
	cg_json *deny = doc("{\"Version\":\"1.1\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":[\"cgs:cluster:*\"]}]}");
	cg_json *both[2] = { full, deny };
	CHECK(t, full && ro && admin && deny);
	CHECK_INT(t, iam_evaluate(&admin, 1, "iam:user:create"), IAM_ALLOW);
	CHECK_INT(t, iam_evaluate(&full, 1, "cgs:cluster:operate"), IAM_ALLOW);
	CHECK_INT(t, iam_evaluate(&full, 1, "iam:user:create"), IAM_IMPLICIT_DENY);
	CHECK_INT(t, iam_evaluate(&ro, 1, "cgs:cluster:list"), IAM_ALLOW);
	CHECK_INT(t, iam_evaluate(&ro, 1, "cgs:cluster:operate"), IAM_IMPLICIT_DENY);
	CHECK_INT(t, iam_evaluate(both, 2, "cgs:cluster:list"), IAM_EXPLICIT_DENY);
	CHECK_INT(t, iam_evaluate(both, 2, "cgs:quota:get"), IAM_ALLOW);
	cg_json *rev[2] = { deny, full }; /* order does not matter */
	CHECK_INT(t, iam_evaluate(rev, 2, "cgs:cluster:operate"), IAM_EXPLICIT_DENY);
	CHECK_INT(t, iam_evaluate(NULL, 0, "cgs:cluster:list"), IAM_IMPLICIT_DENY);
	cg_json_free(full);
	cg_json_free(ro);
	cg_json_free(admin);
	cg_json_free(deny);
}

static void t_validate(struct cgt *t)
{
	struct cg_error e = { 0 };
	const char *const good[] = {
		"{\"Version\":\"1.1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"cgs:cluster:list\",\"cgs:*:get\"]}]}",
		iam_system_policies[0][1], iam_system_policies[1][1], iam_system_policies[2][1],
	};
	static const char *const bad[][2] = {
		{ "[]", "not a JSON object" },
		{ "{\"Version\":\"1.0\",\"Statement\":[]}", "Version" },
		{ "{\"Version\":\"1.1\",\"Statement\":[]}", "Statement" },
		{ "{\"Version\":\"1.1\",\"Statement\":[{\"Effect\":\"Perhaps\",\"Action\":[\"a:b\"]}]}", "Effect" },
		{ "{\"Version\":\"1.1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"a:b\"}]}", "Action" },
		{ "{\"Version\":\"1.1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"a b\"]}]}", "action 0" },
		{ "{\"Version\":\"1.1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"a:b\"],\"Resource\":\"*\"}]}", "Resource" },
		{ "{\"Version\":\"1.1\",\"Statement\":[1]}", "statement 0" },
		{ "{\"Version\":\"1.1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"a:b\"]}],\"x\":1}", "unknown field" },
		{ "{\"Version\":\"1.1\"", "" },
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		CHECKF(t, iam_policy_validate(good[i], strlen(good[i]), &e) == CG_OK, "%s: %s", good[i], e.msg);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		cg_error_clear(&e);
		CHECKF(t, iam_policy_validate(bad[i][0], strlen(bad[i][0]), &e) != CG_OK, "accepted %s", bad[i][0]);
		CHECKF(t, strstr(e.msg, bad[i][1]) != NULL, "%s: message \"%s\" lacks \"%s\"", bad[i][0], e.msg, bad[i][1]);
	}
}

static void t_passwords(struct cgt *t)
{
	char h[IAM_HASH_MAX], h2[IAM_HASH_MAX];
	struct cg_error e = { 0 };
	CHECK(t, iam_hash_password("correct horse", h, &e) == CG_OK);
	CHECK(t, strncmp(h, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0);
	CHECK(t, iam_verify_password(h, "correct horse"));
	CHECK(t, !iam_verify_password(h, "correct horsE"));
	CHECK(t, !iam_verify_password(h, ""));
	CHECK(t, iam_hash_password("correct horse", h2, &e) == CG_OK);
	CHECK(t, strcmp(h, h2) != 0); /* salted */
	CHECK(t, iam_hash_password("short", h, &e) == CG_ERR_INVALID);
	CHECK(t, !iam_verify_password("$2b$10$notargon", "x"));
	CHECK(t, !iam_verify_password(NULL, "x"));
	CHECK(t, iam_dummy_hash()[0] == '$');
}

static void t_paths(struct cgt *t)
{
	char out[256];
	const char *why;
	static const char *const badp[] = { "/api/v1/../healthz", "/api/v1/%2e%2e/x", "//healthz",
					    "/a//b", "/a/./b", "/a%00", "/a%2fb", "/a%2Fb", "/a%5cb", "/a\\b",
					    "/a%zz", "/a%", "/a%4", "relative", "/a/..", "/a%25" };
	for (size_t i = 0; i < sizeof badp / sizeof *badp; i++)
		CHECKF(t, srv_normalise_path(badp[i], out, sizeof out, &why) == 400, "accepted %s", badp[i]);
	CHECK_INT(t, srv_normalise_path("/api/v1/users/", out, sizeof out, &why), 0);
	CHECK_STR(t, out, "/api/v1/users");
	CHECK_INT(t, srv_normalise_path("/api/v1/users/al%69ce", out, sizeof out, &why), 0);
	CHECK_STR(t, out, "/api/v1/users/alice");
	CHECK_INT(t, srv_normalise_path("/", out, sizeof out, &why), 0);
	char small[8];
	CHECK_INT(t, srv_normalise_path("/api/v1/users", small, sizeof small, &why), 414);

	char q1[] = "a+b%20c%2B", q2[] = "x%00y", q3[] = "%g1";
	CHECK(t, srv_unescape(q1));
	CHECK_STR(t, q1, "a b c+");
	CHECK(t, !srv_unescape(q2));
	CHECK(t, !srv_unescape(q3));
}

static void t_routes(struct cgt *t)
{
	char *params[SRV_MAX_PARAMS] = { 0 }, allow[64];
	size_t idx, n = 0;
	CHECK_INT(t, srv_route_match("/api/v1/groups/g1/members/u1", DELETE, &idx, params, &n, allow, sizeof allow), 0);
	CHECK_STR(t, srv_routes[idx].path, "/api/v1/groups/{id}/members/{user}");
	CHECK_INT(t, n, 2);
	CHECK_STR(t, params[0], "g1");
	CHECK_STR(t, params[1], "u1");
	for (size_t i = 0; i < n; i++)
		free(params[i]);
	CHECK_INT(t, srv_route_match("/api/v1/users", PUT, &idx, params, &n, allow, sizeof allow), 405);
	CHECK_STR(t, allow, "GET, POST");
	CHECK_INT(t, srv_route_match("/api/v1/nope", GET, &idx, params, &n, allow, sizeof allow), 404);
	CHECK_INT(t, srv_route_match("/healthz", HEAD_, &idx, params, &n, allow, sizeof allow), 0);
	/* every route: exactly one action; only public/agent/join routes have none */
	for (size_t i = 0; i < srv_n_routes; i++) {
		const struct srv_route *r = &srv_routes[i];
		bool machine = r->flags & (RF_PUBLIC | RF_AGENT | RF_JOIN);
		CHECKF(t, machine == (strcmp(r->action, "-") == 0), "%s %s: action %s", srv_method_name(r->method), r->path, r->action);
		CHECKF(t, !r->action[0] || strcmp(r->action, "-") == 0 || iam_action_name_ok(r->action), "%s", r->action);
		CHECKF(t, !(r->flags & RF_CHANGE) || r->audit[0], "%s %s changes state without an audit name", srv_method_name(r->method), r->path);
		for (size_t j = 0; j < i; j++)
			CHECKF(t, !(srv_routes[j].method == r->method && strcmp(srv_routes[j].path, r->path) == 0), "duplicate %s", r->path);
	}
}

static void t_redact(struct cgt *t)
{
	cg_json *j = doc("{\"name\":\"a\",\"password\":\"p\",\"join_token\":\"t\",\"nested\":{\"Secret\":\"s\",\"ok\":[{\"apiKey\":\"k\"}]}}");
	cg_json *r = srv_redact(j);
	struct cg_buf b = CG_BUF_INIT(4096);
	CHECK(t, r && cg_json_dump(r, CG_JSON_COMPACT | CG_JSON_SORTED, &b) == CG_OK);
	CHECK_STR(t, cg_buf_str(&b),
		  "{\"join_token\":\"***\",\"name\":\"a\",\"nested\":{\"Secret\":\"***\",\"ok\":[{\"apiKey\":\"***\"}]},\"password\":\"***\"}");
	cg_buf_release(&b);
	cg_json_free(r);
	cg_json_free(j);
}

/* handlers on an in-memory store, as the fuzz target drives them */
static void t_handlers(struct cgt *t)
{
	struct cg_db *db = NULL;
	struct srv *s = srv_test_new();
	cg_json *resp = NULL;
	CHECK(t, s && cg_db_open("sqlite::memory:", &db, NULL) == CG_OK && cg_db_migrate(db, NULL) == CG_OK);
	if (!db) {
		srv_test_free(s);
		return;
	}
	setenv("CGUARD_ADMIN_PASSWORD", "unit-test-password", 1);
	CHECK(t, iam_bootstrap(db, NULL, NULL) == CG_OK);
	static const char pol[] = "{\"name\":\"p\",\"mode\":\"enforce\",\"process_whitelist\":[\"/bin/sh\"]}";
	CHECK_INT(t, srv_request_raw(s, db, "POST", "/api/v1/policies", pol, strlen(pol), "u", &resp), 201);
	CHECK_STR(t, cg_json_get_str(resp, "mode"), "enforce");
	cg_json_free(resp);
	/* rolled back: nothing stays */
	CHECK_INT(t, srv_request_raw(s, db, "GET", "/api/v1/policies?sort=name&order=asc", NULL, 0, "u", &resp), 200);
	int64_t total = -1;
	CHECK(t, cg_json_get_int(resp, "total", &total) && total == 0);
	cg_json_free(resp);
	static const char badp[] = "{\"name\":\"p\",\"process_whitelist\":[\"bin/sh\"]}";
	CHECK_INT(t, srv_request_raw(s, db, "POST", "/api/v1/policies", badp, strlen(badp), "u", &resp), 400);
	CHECK(t, strstr(cg_json_get_str(resp, "message"), "process_whitelist[0]") != NULL);
	cg_json_free(resp);
	CHECK_INT(t, srv_request_raw(s, db, "GET", "/api/v1/users?sort=password_hash", NULL, 0, "u", NULL), 400);
	CHECK_INT(t, srv_request_raw(s, db, "GET", "/api/v1/users?limit=0", NULL, 0, "u", NULL), 400);
	CHECK_INT(t, srv_request_raw(s, db, "GET", "/api/v1/users?name=%27%20OR%201%3D1%20--", NULL, 0, "u", &resp), 200);
	CHECK(t, cg_json_get_int(resp, "total", &total) && total == 0);
	cg_json_free(resp);
	CHECK_INT(t, srv_request_raw(s, db, "GET", "/api/v1/users?name=admin", NULL, 0, "u", &resp), 200);
	CHECK(t, cg_json_get_int(resp, "total", &total) && total == 1);
	cg_json_free(resp);
	CHECK_INT(t, srv_request_raw(s, db, "GET", "/api/v1/audit?level=x", NULL, 0, "u", NULL), 400);
	CHECK_INT(t, srv_request_raw(s, db, "PUT", "/api/v1/quota", "{\"total\":-1}", 12, "u", NULL), 400);
	cg_db_close(db);
	srv_test_free(s);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_action_match), CGT_CASE(t_evaluate), CGT_CASE(t_validate), CGT_CASE(t_passwords),
	CGT_CASE(t_paths), CGT_CASE(t_routes), CGT_CASE(t_redact), CGT_CASE(t_handlers),
};
CGT_MAIN(cases)
