/* cguard server: sign in and out, the signed-in user, API tokens. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "server/http.h"
#include "server/iam.h"
#include "util/banned.h"

static int bad_credentials(struct srv_req *r)
{
	r->commit_on_error = true;
	r->audit_level = "warning";
	__atomic_fetch_add(&r->srv->m.logins_failed, 1, __ATOMIC_RELAXED);
	return srv_fail(r, 401, "InvalidCredentials", "wrong user name or password");
}

/* A new session or API token for user_id; token gets the 64-hex secret. */
static int new_token(struct srv_req *r, const char *user_id, const char *kind, const char *name,
		     int64_t expires, char token[65], char hash[65])
{
	struct cg_error err = { 0 };
	int64_t now = srv_now_s();
	if (srv_random_hex(token, 32) != CG_OK)
		return srv_fail(r, 500, "InternalError", "no random bytes");
	srv_sha256_hex(token, 64, hash);
	struct cg_db_val v[6] = { CG_DB_TEXTV(hash), CG_DB_TEXTV(user_id), CG_DB_TEXTV(kind),
				  name ? CG_DB_TEXTV(name) : CG_DB_NULLV, CG_DB_INTV(now),
				  CG_DB_INTV(expires) };
	cg_err_t e = cg_db_exec(r->db,
				"INSERT INTO sessions (token_hash, user_id, kind, name, created, expires, last_used, revoked) "
				"VALUES ($1, $2, $3, $4, $5, $6, $5, 0)",
				v, 6, NULL, &err);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	return 0;
}

int h_login(struct srv_req *r)
{
	struct cg_error err = { 0 };
	struct cg_db_rows *rs = NULL;
	int st;
	if ((st = srv_body_object(r)))
		return st;
	const char *user = cg_json_get_str(r->json, "username");
	const char *pw = cg_json_get_str(r->json, "password");
	if (!user || !pw || !*user || strlen(user) > SRV_NAME_MAX || strlen(pw) > IAM_PASSWORD_MAX)
		return srv_fail(r, 400, "InvalidRequest",
				"give \"username\" and \"password\" (strings, at most %d and %d bytes)",
				SRV_NAME_MAX, IAM_PASSWORD_MAX);
	if (!srv_name_ok(user, SRV_NAME_MAX))
		return srv_fail(r, 400, "InvalidRequest", "username: printable text");
	r->audit_request = cg_json_new_object();
	if (r->audit_request && cg_json_set_str(r->audit_request, "username", user) != CG_OK) {
		cg_json_free(r->audit_request);
		r->audit_request = NULL;
	}
	snprintf(r->user_name, sizeof r->user_name, "%s", user);
	struct cg_db_val v[1] = { CG_DB_TEXTV(user) };
	cg_err_t e = cg_db_query(r->db,
				 "SELECT id, password_hash, enabled, locked_until FROM users WHERE name = $1",
				 v, 1, &rs, &err);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	if (cg_db_rows_count(rs) == 0) {
		cg_db_rows_free(rs);
		srv_res(r, "user", "", user);
		(void)iam_verify_password(iam_dummy_hash(), pw);
		return bad_credentials(r);
	}
	char id[65], hash[IAM_HASH_MAX];
	snprintf(id, sizeof id, "%s", cg_db_rows_text(rs, 0, 0));
	snprintf(hash, sizeof hash, "%s", cg_db_rows_text(rs, 0, 1));
	bool enabled = cg_db_rows_int(rs, 0, 2) != 0;
	int64_t locked = cg_db_rows_int(rs, 0, 3), now = srv_now_s();
	cg_db_rows_free(rs);
	srv_res(r, "user", id, user);

	bool ok = iam_verify_password(hash, pw);
	if (locked > now) {
		char t[32];
		srv_format_time(locked * 1000, t);
		r->commit_on_error = true;
		r->audit_level = "warning";
		return srv_fail(r, 429, "AccountLocked",
				"too many failed sign-ins: the account is locked until %s", t);
	}
	if ((st = srv_tx_begin(r)))
		return st;
	struct cg_db_val u[2] = { CG_DB_TEXTV(id), CG_DB_INTV(now) };
	if (!ok || !enabled) {
		int64_t fails = 0;
		if (cg_db_exec(r->db, "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1",
			       u, 1, NULL, &err) != CG_OK ||
		    cg_db_query_int(r->db, "SELECT failed_logins FROM users WHERE id = $1", u, 1, &fails,
				    &err) != CG_OK)
			return srv_fail(r, 500, "InternalError", "the store failed");
		if (fails >= IAM_LOCK_FAILURES) {
			struct cg_db_val l[2] = { CG_DB_TEXTV(id), CG_DB_INTV(now + IAM_LOCK_MS / 1000) };
			if (cg_db_exec(r->db,
				       "UPDATE users SET failed_logins = 0, locked_until = $2 WHERE id = $1",
				       l, 2, NULL, &err) != CG_OK ||
			    srv_audit(r, "lockUser", "warning", 429, &err) != CG_OK)
				return srv_fail(r, 500, "InternalError", "the store failed");
		}
		return bad_credentials(r);
	}
	if (cg_db_exec(r->db, "UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = $1", u,
		       1, NULL, &err) != CG_OK)
		return srv_fail(r, 500, "InternalError", "the store failed");
	char token[65], th[65], t[32];
	int64_t expires = now + (int64_t)r->srv->o.session_idle_hours * 3600;
	if ((st = new_token(r, id, "session", NULL, expires, token, th)))
		return st;
	srv_format_time(expires * 1000, t);
	cg_json *o = cg_json_new_object();
	if (!o || cg_json_set_str(o, "token", token) != CG_OK || cg_json_set_str(o, "expires", t) != CG_OK ||
	    cg_json_set_str(o, "user", user) != CG_OK ||
	    cg_json_set_int(o, "idle_timeout", (int64_t)r->srv->o.session_idle_hours * 3600) != CG_OK) {
		cg_json_free(o);
		o = NULL;
	}
	return srv_json(r, 200, o);
}

int h_logout(struct srv_req *r)
{
	struct cg_error err = { 0 };
	struct cg_db_val v[1] = { CG_DB_TEXTV(r->token_hash) };
	srv_res(r, "session", "", r->user_name);
	cg_err_t e = cg_db_exec(r->db, "UPDATE sessions SET revoked = 1 WHERE token_hash = $1", v, 1,
				NULL, &err);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	cg_json *o = cg_json_new_object();
	if (o && cg_json_set_bool(o, "revoked", true) != CG_OK) {
		cg_json_free(o);
		o = NULL;
	}
	return srv_json(r, 200, o);
}

int h_me(struct srv_req *r)
{
	struct cg_error err = { 0 };
	struct cg_db_rows *rs = NULL;
	struct cg_db_val v[1] = { CG_DB_TEXTV(r->user_id) };
	cg_err_t e = cg_db_query(r->db,
				 "SELECT g.name FROM group_members m JOIN groups g ON g.id = m.group_id "
				 "WHERE m.user_id = $1 ORDER BY g.name",
				 v, 1, &rs, &err);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	cg_json *o = cg_json_new_object(), *groups = cg_json_new_array();
	for (size_t i = 0; groups && i < cg_db_rows_count(rs); i++)
		if (cg_json_append(groups, cg_json_new_string(cg_db_rows_text(rs, i, 0))) != CG_OK) {
			cg_json_free(groups);
			groups = NULL;
		}
	cg_db_rows_free(rs);
	if (!o || cg_json_set_str(o, "id", r->user_id) != CG_OK ||
	    cg_json_set_str(o, "name", r->user_name) != CG_OK || cg_json_set(o, "groups", groups) != CG_OK) {
		cg_json_free(o);
		o = NULL;
	}
	return srv_json(r, 200, o);
}

int h_tokens_list(struct srv_req *r)
{
	static const char *const q[] = { NULL };
	struct cg_error err = { 0 };
	struct cg_db_rows *rs = NULL;
	int st;
	if ((st = srv_query_check(r, q)))
		return st;
	struct cg_db_val v[2] = { CG_DB_TEXTV(r->user_id), CG_DB_INTV(srv_now_s()) };
	cg_err_t e = cg_db_query(r->db,
				 "SELECT token_hash AS id, name, created AS created_ts, expires AS expires_ts, "
				 "last_used AS last_used_ts FROM sessions WHERE user_id = $1 AND kind = 'api' "
				 "AND revoked = 0 AND (expires = 0 OR expires > $2) ORDER BY created, token_hash",
				 v, 2, &rs, &err);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	cg_json *o = srv_list(rs, (int64_t)cg_db_rows_count(rs));
	cg_db_rows_free(rs);
	return srv_json(r, 200, o);
}

int h_tokens_create(struct srv_req *r)
{
	int st;
	int64_t days = 0;
	if ((st = srv_body_object(r)))
		return st;
	const char *name = cg_json_get_str(r->json, "name");
	if (!srv_name_ok(name, SRV_NAME_MAX))
		return srv_fail(r, 400, "InvalidRequest", "name: 1 to %d characters of text", SRV_NAME_MAX);
	cg_json *d = cg_json_get(r->json, "expires_days");
	if (d && (!cg_json_int(d, &days) || days < 0 || days > 3650))
		return srv_fail(r, 400, "InvalidRequest", "expires_days: 0 (never) to 3650");
	int64_t expires = days ? srv_now_s() + days * 86400 : 0;
	char token[65], hash[65], t[32];
	if ((st = new_token(r, r->user_id, "api", name, expires, token, hash)))
		return st;
	srv_res(r, "token", hash, name);
	cg_json *o = cg_json_new_object();
	if (expires)
		srv_format_time(expires * 1000, t);
	if (!o || cg_json_set_str(o, "id", hash) != CG_OK || cg_json_set_str(o, "name", name) != CG_OK ||
	    cg_json_set_str(o, "token", token) != CG_OK ||
	    cg_json_set(o, "expires", expires ? cg_json_new_string(t) : cg_json_new_null()) != CG_OK) {
		cg_json_free(o);
		o = NULL;
	}
	return srv_json(r, 201, o);
}

int h_tokens_delete(struct srv_req *r)
{
	struct cg_error err = { 0 };
	int64_t n = 0;
	struct cg_db_val v[2] = { CG_DB_TEXTV(r->params[0]), CG_DB_TEXTV(r->user_id) };
	srv_res(r, "token", r->params[0], "");
	cg_err_t e = cg_db_exec(r->db,
				"UPDATE sessions SET revoked = 1 WHERE token_hash = $1 AND user_id = $2 "
				"AND kind = 'api' AND revoked = 0",
				v, 2, &n, &err);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	if (n == 0)
		return srv_fail(r, 404, "NotFound", "no such token");
	cg_json *o = cg_json_new_object();
	if (o && cg_json_set_bool(o, "revoked", true) != CG_OK) {
		cg_json_free(o);
		o = NULL;
	}
	return srv_json(r, 200, o);
}
