/* cguard server: users, groups, IAM policies and the service authorisation
 * (IAM-01..05). */
#include <stdio.h>
#include <string.h>

#include "server/http.h"
#include "server/iam.h"
#include "util/banned.h"

#define FIND_USER "SELECT id, name FROM users WHERE id = $1 OR name = $1"
#define FIND_GROUP "SELECT id, name FROM groups WHERE id = $1 OR name = $1"
#define FIND_IAMP "SELECT id, name FROM iam_policies WHERE id = $1 OR name = $1"

static bool user_name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-' || c == '@'))
			return false;
	}
	return true;
}

static int exec(struct srv_req *r, const char *sql, const struct cg_db_val *v, size_t n,
		int64_t *changes)
{
	struct cg_error err = { 0 };
	cg_err_t e = cg_db_exec(r->db, sql, v, n, changes, &err);
	return e == CG_OK ? 0 : srv_fail_err(r, e, &err);
}

static int ok_object(struct srv_req *r, int status, const char *id, const char *name)
{
	return srv_json(r, status, srv_obj("id", srv_str(id), "name", srv_str(name), NULL));
}

/* ---- users ----------------------------------------------------------------- */

int h_users_list(struct srv_req *r)
{
	static const struct srv_filter f[] = { { "name", "name = $?" },
					       { "enabled", "enabled = CAST($? AS INTEGER)" },
					       { NULL, NULL } };
	static const char *const sort[] = { "name", "name", "created", "created", NULL };
	const char *en = srv_query(r, "enabled");
	if (en && strcmp(en, "0") && strcmp(en, "1"))
		return srv_fail(r, 400, "InvalidParameter", "enabled: 0 or 1");
	return srv_list_run(r,
			    "id, name, enabled AS enabled_b, locked_until AS locked_until_ts, "
			    "created AS created_ts, updated AS updated_ts",
			    "users", NULL, 0, f, sort, "name", false, "id");
}

static int add_groups(struct srv_req *r, const char *uid, cg_json *groups)
{
	if (!groups)
		return 0;
	if (!cg_json_is_array(groups) || cg_json_array_len(groups) > 100)
		return srv_fail(r, 400, "InvalidRequest", "groups: an array of group ids or names");
	for (size_t i = 0; i < cg_json_array_len(groups); i++) {
		const char *g = cg_json_string(cg_json_array_at(groups, i));
		char gid[65];
		int st;
		if (!g)
			return srv_fail(r, 400, "InvalidRequest", "groups[%zu]: a string", i);
		if ((st = srv_lookup(r, FIND_GROUP, g, "group", gid, NULL)))
			return st;
		struct cg_db_val v[2] = { CG_DB_TEXTV(gid), CG_DB_TEXTV(uid) };
		if ((st = exec(r,
			       "INSERT INTO group_members (group_id, user_id) SELECT $1, $2 WHERE NOT EXISTS "
			       "(SELECT 1 FROM group_members WHERE group_id = $1 AND user_id = $2)",
			       v, 2, NULL)))
			return st;
	}
	return 0;
}

int h_users_create(struct srv_req *r)
{
	char hash[IAM_HASH_MAX], id[33];
	struct cg_error err = { 0 };
	bool enabled = true;
	int st;
	if ((st = srv_body_object(r)))
		return st;
	const char *name = cg_json_get_str(r->json, "name");
	const char *pw = cg_json_get_str(r->json, "password");
	if (!user_name_ok(name))
		return srv_fail(r, 400, "InvalidRequest",
				"name: 1 to 64 characters of A-Z a-z 0-9 . _ - @");
	if (!pw)
		return srv_fail(r, 400, "InvalidRequest", "password: a string is required");
	cg_json *en = cg_json_get(r->json, "enabled");
	if (en && !cg_json_bool(en, &enabled))
		return srv_fail(r, 400, "InvalidRequest", "enabled: true or false");
	if (iam_hash_password(pw, hash, &err) != CG_OK)
		return srv_fail(r, 400, "InvalidRequest", "%s", cg_error_message(&err));
	if ((st = srv_tx_begin(r)))
		return st;
	srv_new_id(id);
	srv_res(r, "user", id, name);
	int64_t now = srv_now_s();
	struct cg_db_val v[5] = { CG_DB_TEXTV(id), CG_DB_TEXTV(name), CG_DB_TEXTV(hash),
				  CG_DB_INTV(enabled), CG_DB_INTV(now) };
	cg_err_t e = cg_db_exec(r->db,
				"INSERT INTO users (id, name, password_hash, enabled, failed_logins, locked_until, created, updated) "
				"VALUES ($1, $2, $3, $4, 0, 0, $5, $5)",
				v, 5, NULL, &err);
	if (e == CG_ERR_EXISTS)
		return srv_fail(r, 409, "Conflict", "user %s exists", name);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	if ((st = add_groups(r, id, cg_json_get(r->json, "groups"))))
		return st;
	return ok_object(r, 201, id, name);
}

int h_users_get(struct srv_req *r)
{
	char id[65];
	struct cg_db_rows *rs = NULL, *gs = NULL;
	struct cg_error err = { 0 };
	int st;
	if ((st = srv_lookup(r, FIND_USER, r->params[0], "user", id, NULL)))
		return st;
	struct cg_db_val v[1] = { CG_DB_TEXTV(id) };
	cg_err_t e = cg_db_query(r->db,
				 "SELECT id, name, enabled AS enabled_b, failed_logins AS failed_logins_i, "
				 "locked_until AS locked_until_ts, created AS created_ts, updated AS updated_ts "
				 "FROM users WHERE id = $1",
				 v, 1, &rs, &err);
	if (e == CG_OK)
		e = cg_db_query(r->db,
				"SELECT g.id, g.name FROM group_members m JOIN groups g ON g.id = m.group_id "
				"WHERE m.user_id = $1 ORDER BY g.name",
				v, 1, &gs, &err);
	if (e != CG_OK || cg_db_rows_count(rs) != 1) {
		cg_db_rows_free(rs);
		cg_db_rows_free(gs);
		return e != CG_OK ? srv_fail_err(r, e, &err) : srv_fail(r, 404, "NotFound", "no such user");
	}
	cg_json *o = srv_row_object(rs, 0), *g = srv_list(gs, (int64_t)cg_db_rows_count(gs));
	cg_db_rows_free(rs);
	cg_db_rows_free(gs);
	if (o && g && cg_json_set(o, "groups", cg_json_ref(cg_json_get(g, "items"))) != CG_OK) {
		cg_json_free(o);
		o = NULL;
	}
	cg_json_free(g);
	return srv_json(r, 200, o);
}

int h_users_update(struct srv_req *r)
{
	char id[65], name[SRV_NAME_MAX * 2], hash[IAM_HASH_MAX];
	struct cg_error err = { 0 };
	bool enabled = true;
	int st;
	if ((st = srv_body_object(r)))
		return st;
	const char *pw = cg_json_get_str(r->json, "password");
	cg_json *en = cg_json_get(r->json, "enabled");
	if (!pw && !en)
		return srv_fail(r, 400, "InvalidRequest", "give \"password\" and/or \"enabled\"");
	if (cg_json_get(r->json, "password") && !pw)
		return srv_fail(r, 400, "InvalidRequest", "password: a string");
	if (en && !cg_json_bool(en, &enabled))
		return srv_fail(r, 400, "InvalidRequest", "enabled: true or false");
	for (void *it = cg_json_iter(r->json); it; it = cg_json_iter_next(r->json, it)) {
		const char *k = cg_json_iter_key(it);
		if (strcmp(k, "password") && strcmp(k, "enabled"))
			return srv_fail(r, 400, "InvalidRequest", "unknown field \"%.64s\"", k);
	}
	if (pw && iam_hash_password(pw, hash, &err) != CG_OK)
		return srv_fail(r, 400, "InvalidRequest", "%s", cg_error_message(&err));
	if ((st = srv_tx_begin(r)) || (st = srv_lookup(r, FIND_USER, r->params[0], "user", id, name)))
		return st;
	srv_res(r, "user", id, name);
	if (!enabled && strcmp(id, r->user_id) == 0)
		return srv_fail(r, 409, "Conflict", "you cannot disable yourself");
	int64_t now = srv_now_s();
	if (pw) {
		struct cg_db_val v[3] = { CG_DB_TEXTV(id), CG_DB_TEXTV(hash), CG_DB_INTV(now) };
		if ((st = exec(r,
			       "UPDATE users SET password_hash = $2, updated = $3, failed_logins = 0, "
			       "locked_until = 0 WHERE id = $1",
			       v, 3, NULL)))
			return st;
	}
	if (en) {
		struct cg_db_val v[3] = { CG_DB_TEXTV(id), CG_DB_INTV(enabled), CG_DB_INTV(now) };
		if ((st = exec(r,
			       "UPDATE users SET enabled = $2, updated = $3, failed_logins = 0, locked_until = 0 "
			       "WHERE id = $1",
			       v, 3, NULL)))
			return st;
	}
	/* a new password or a disabled account ends the user's other sessions */
	if (pw || !enabled) {
		struct cg_db_val v[2] = { CG_DB_TEXTV(id), CG_DB_TEXTV(r->token_hash) };
		if ((st = exec(r, "UPDATE sessions SET revoked = 1 WHERE user_id = $1 AND token_hash <> $2",
			       v, 2, NULL)))
			return st;
	}
	return ok_object(r, 200, id, name);
}

int h_users_delete(struct srv_req *r)
{
	char id[65], name[SRV_NAME_MAX * 2];
	int st;
	if ((st = srv_lookup(r, FIND_USER, r->params[0], "user", id, name)))
		return st;
	srv_res(r, "user", id, name);
	if (strcmp(id, r->user_id) == 0)
		return srv_fail(r, 409, "Conflict", "you cannot delete yourself");
	struct cg_db_val v[1] = { CG_DB_TEXTV(id) };
	if ((st = exec(r, "DELETE FROM sessions WHERE user_id = $1", v, 1, NULL)) ||
	    (st = exec(r, "DELETE FROM group_members WHERE user_id = $1", v, 1, NULL)) ||
	    (st = exec(r, "DELETE FROM users WHERE id = $1", v, 1, NULL)))
		return st;
	return ok_object(r, 200, id, name);
}

/* ---- groups ---------------------------------------------------------------- */

int h_groups_list(struct srv_req *r)
{
	static const struct srv_filter f[] = { { "name", "name = $?" }, { NULL, NULL } };
	static const char *const sort[] = { "name", "name", "created", "created", NULL };
	return srv_list_run(r,
			    "id, name, description, created AS created_ts, "
			    "(SELECT COUNT(*) FROM group_members m WHERE m.group_id = groups.id) AS members_i",
			    "groups", NULL, 0, f, sort, "name", false, "id");
}

int h_groups_create(struct srv_req *r)
{
	char id[33];
	struct cg_error err = { 0 };
	int st;
	if ((st = srv_body_object(r)))
		return st;
	const char *name = cg_json_get_str(r->json, "name");
	const char *desc = cg_json_get_str(r->json, "description");
	if (!user_name_ok(name))
		return srv_fail(r, 400, "InvalidRequest", "name: 1 to 64 characters of A-Z a-z 0-9 . _ - @");
	if (cg_json_get(r->json, "description") && (!desc || strlen(desc) > 256 || (*desc && !srv_name_ok(desc, 256))))
		return srv_fail(r, 400, "InvalidRequest", "description: text of at most 256 bytes");
	srv_new_id(id);
	srv_res(r, "group", id, name);
	struct cg_db_val v[4] = { CG_DB_TEXTV(id), CG_DB_TEXTV(name), desc ? CG_DB_TEXTV(desc) : CG_DB_NULLV,
				  CG_DB_INTV(srv_now_s()) };
	cg_err_t e = cg_db_exec(r->db, "INSERT INTO groups (id, name, description, created) VALUES ($1, $2, $3, $4)",
				v, 4, NULL, &err);
	if (e == CG_ERR_EXISTS)
		return srv_fail(r, 409, "Conflict", "group %s exists", name);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	return ok_object(r, 201, id, name);
}

int h_groups_get(struct srv_req *r)
{
	char id[65];
	struct cg_db_rows *rs = NULL, *ms = NULL, *ps = NULL;
	struct cg_error err = { 0 };
	int st;
	if ((st = srv_lookup(r, FIND_GROUP, r->params[0], "group", id, NULL)))
		return st;
	struct cg_db_val v[1] = { CG_DB_TEXTV(id) };
	cg_err_t e = cg_db_query(r->db, "SELECT id, name, description, created AS created_ts FROM groups WHERE id = $1",
				 v, 1, &rs, &err);
	if (e == CG_OK)
		e = cg_db_query(r->db,
				"SELECT u.id, u.name FROM group_members m JOIN users u ON u.id = m.user_id "
				"WHERE m.group_id = $1 ORDER BY u.name",
				v, 1, &ms, &err);
	if (e == CG_OK)
		e = cg_db_query(r->db,
				"SELECT p.id, p.name, p.type FROM group_policies gp JOIN iam_policies p ON p.id = gp.policy_id "
				"WHERE gp.group_id = $1 ORDER BY p.name",
				v, 1, &ps, &err);
	cg_json *o = NULL;
	if (e == CG_OK && cg_db_rows_count(rs) == 1) {
		cg_json *m = srv_list(ms, 0), *p = srv_list(ps, 0);
		o = srv_row_object(rs, 0);
		if (o && m && p &&
		    (cg_json_set(o, "members", cg_json_ref(cg_json_get(m, "items"))) != CG_OK ||
		     cg_json_set(o, "policies", cg_json_ref(cg_json_get(p, "items"))) != CG_OK)) {
			cg_json_free(o);
			o = NULL;
		}
		cg_json_free(m);
		cg_json_free(p);
	}
	cg_db_rows_free(rs);
	cg_db_rows_free(ms);
	cg_db_rows_free(ps);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	return srv_json(r, 200, o);
}

int h_groups_delete(struct srv_req *r)
{
	char id[65], name[SRV_NAME_MAX * 2];
	int st;
	if ((st = srv_lookup(r, FIND_GROUP, r->params[0], "group", id, name)))
		return st;
	srv_res(r, "group", id, name);
	if (strcmp(name, "admin") == 0)
		return srv_fail(r, 409, "Conflict", "the admin group cannot be deleted");
	struct cg_db_val v[1] = { CG_DB_TEXTV(id) };
	if ((st = exec(r, "DELETE FROM group_members WHERE group_id = $1", v, 1, NULL)) ||
	    (st = exec(r, "DELETE FROM group_policies WHERE group_id = $1", v, 1, NULL)) ||
	    (st = exec(r, "DELETE FROM groups WHERE id = $1", v, 1, NULL)))
		return st;
	return ok_object(r, 200, id, name);
}

static int group_link(struct srv_req *r, const char *field, const char *key_param, bool add,
		      bool policy)
{
	char gid[65], gname[SRV_NAME_MAX * 2], oid[65], oname[SRV_NAME_MAX * 2];
	int st;
	if ((st = srv_lookup(r, FIND_GROUP, r->params[0], "group", gid, gname)))
		return st;
	srv_res(r, "group", gid, gname);
	const char *key = key_param;
	if (!key) {
		if ((st = srv_body_object(r)))
			return st;
		key = cg_json_get_str(r->json, field);
		if (!key)
			return srv_fail(r, 400, "InvalidRequest", "%s: an id or name", field);
	}
	if ((st = srv_lookup(r, policy ? FIND_IAMP : FIND_USER, key, policy ? "IAM policy" : "user",
			     oid, oname)))
		return st;
	struct cg_db_val v[2] = { CG_DB_TEXTV(gid), CG_DB_TEXTV(oid) };
	int64_t n = 0;
	if (policy && !add) {
		/* the admin group keeps CGS Administrator: nobody could manage IAM otherwise */
		if (strcmp(gname, "admin") == 0 && strcmp(oname, IAM_SYS_ADMIN) == 0)
			return srv_fail(r, 409, "Conflict", "the admin group keeps %s", IAM_SYS_ADMIN);
	}
	if (!policy && !add && strcmp(gname, "admin") == 0 && strcmp(oid, r->user_id) == 0)
		return srv_fail(r, 409, "Conflict", "you cannot remove yourself from the admin group");
	const char *sql = policy ? (add ? "INSERT INTO group_policies (group_id, policy_id) SELECT $1, $2 WHERE NOT EXISTS "
					  "(SELECT 1 FROM group_policies WHERE group_id = $1 AND policy_id = $2)"
					: "DELETE FROM group_policies WHERE group_id = $1 AND policy_id = $2")
				 : (add ? "INSERT INTO group_members (group_id, user_id) SELECT $1, $2 WHERE NOT EXISTS "
					  "(SELECT 1 FROM group_members WHERE group_id = $1 AND user_id = $2)"
					: "DELETE FROM group_members WHERE group_id = $1 AND user_id = $2");
	if ((st = exec(r, sql, v, 2, &n)))
		return st;
	if (!add && n == 0)
		return srv_fail(r, 404, "NotFound", "%s is not %s group %s", oname,
				policy ? "attached to" : "a member of", gname);
	return srv_json(r, 200, srv_obj("group", srv_str(gid), policy ? "policy" : "user", srv_str(oid),
				       "name", srv_str(oname), NULL));
}

int h_groups_add_member(struct srv_req *r) { return group_link(r, "user", NULL, true, false); }
int h_groups_del_member(struct srv_req *r) { return group_link(r, "user", r->params[1], false, false); }
int h_groups_attach(struct srv_req *r) { return group_link(r, "policy", NULL, true, true); }
int h_groups_detach(struct srv_req *r) { return group_link(r, "policy", r->params[1], false, true); }

/* ---- IAM policies ---------------------------------------------------------- */

int h_iamp_list(struct srv_req *r)
{
	static const struct srv_filter f[] = { { "name", "name = $?" }, { "type", "type = $?" }, { NULL, NULL } };
	static const char *const sort[] = { "name", "name", "created", "created", "type", "type", NULL };
	return srv_list_run(r,
			    "id, name, type, description, document AS document_j, created AS created_ts, "
			    "updated AS updated_ts",
			    "iam_policies", NULL, 0, f, sort, "name", false, "id");
}

/* The document of the body, validated, in canonical form (caller frees). */
static int policy_doc(struct srv_req *r, struct cg_buf *out)
{
	struct cg_error err = { 0 };
	cg_json *doc = cg_json_get(r->json, "document");
	cg_buf_init(out, IAM_POLICY_MAX_BYTES);
	if (!doc)
		return srv_fail(r, 400, "InvalidRequest", "document: the policy document is required");
	if (cg_json_dump(doc, CG_JSON_COMPACT | CG_JSON_SORTED, out) != CG_OK)
		return srv_fail(r, 400, "InvalidRequest", "document: larger than %d bytes", IAM_POLICY_MAX_BYTES);
	if (iam_policy_validate(out->data, out->len, &err) != CG_OK)
		return srv_fail(r, 400, "InvalidPolicy", "%s", cg_error_message(&err));
	return 0;
}

static int desc_of(struct srv_req *r, const char **desc)
{
	cg_json *d = cg_json_get(r->json, "description");
	*desc = cg_json_string(d);
	if (d && (!*desc || strlen(*desc) > 256 || (**desc && !srv_name_ok(*desc, 256))))
		return srv_fail(r, 400, "InvalidRequest", "description: text of at most 256 bytes");
	return 0;
}

int h_iamp_create(struct srv_req *r)
{
	struct cg_buf doc;
	struct cg_error err = { 0 };
	const char *desc;
	char id[33];
	int st;
	if ((st = srv_body_object(r)))
		return st;
	const char *name = cg_json_get_str(r->json, "name");
	if (!srv_name_ok(name, SRV_NAME_MAX))
		return srv_fail(r, 400, "InvalidRequest", "name: 1 to %d characters of text", SRV_NAME_MAX);
	if ((st = desc_of(r, &desc)))
		return st;
	if ((st = policy_doc(r, &doc))) {
		cg_buf_release(&doc);
		return st;
	}
	srv_new_id(id);
	srv_res(r, "iamPolicy", id, name);
	int64_t now = srv_now_s();
	struct cg_db_val v[5] = { CG_DB_TEXTV(id), CG_DB_TEXTV(name), CG_DB_TEXTV(doc.data),
				  desc ? CG_DB_TEXTV(desc) : CG_DB_NULLV, CG_DB_INTV(now) };
	cg_err_t e = cg_db_exec(r->db,
				"INSERT INTO iam_policies (id, name, type, document, description, created, updated) "
				"VALUES ($1, $2, 'custom', $3, $4, $5, $5)",
				v, 5, NULL, &err);
	cg_buf_release(&doc);
	if (e == CG_ERR_EXISTS)
		return srv_fail(r, 409, "Conflict", "IAM policy %s exists", name);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	return ok_object(r, 201, id, name);
}

int h_iamp_get(struct srv_req *r)
{
	char id[65];
	struct cg_db_rows *rs = NULL;
	struct cg_error err = { 0 };
	int st;
	if ((st = srv_lookup(r, FIND_IAMP, r->params[0], "IAM policy", id, NULL)))
		return st;
	struct cg_db_val v[1] = { CG_DB_TEXTV(id) };
	cg_err_t e = cg_db_query(r->db,
				 "SELECT id, name, type, description, document AS document_j, created AS created_ts, "
				 "updated AS updated_ts FROM iam_policies WHERE id = $1",
				 v, 1, &rs, &err);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	cg_json *o = cg_db_rows_count(rs) == 1 ? srv_row_object(rs, 0) : NULL;
	cg_db_rows_free(rs);
	return srv_json(r, 200, o);
}

static int system_policy_refusal(struct srv_req *r, const char *id)
{
	struct cg_db_val v[1] = { CG_DB_TEXTV(id) };
	int64_t sys = 0;
	if (cg_db_query_int(r->db, "SELECT COUNT(*) FROM iam_policies WHERE id = $1 AND type = 'system'",
			    v, 1, &sys, NULL) == CG_OK && sys)
		return srv_fail(r, 409, "SystemPolicy", "system policies cannot be changed or deleted");
	return 0;
}

int h_iamp_update(struct srv_req *r)
{
	char id[65], name[SRV_NAME_MAX * 2];
	struct cg_buf doc;
	const char *desc;
	int st;
	if ((st = srv_body_object(r)) ||
	    (st = srv_lookup(r, FIND_IAMP, r->params[0], "IAM policy", id, name)))
		return st;
	srv_res(r, "iamPolicy", id, name);
	if ((st = system_policy_refusal(r, id)) || (st = desc_of(r, &desc)))
		return st;
	if ((st = policy_doc(r, &doc))) {
		cg_buf_release(&doc);
		return st;
	}
	struct cg_db_val v[4] = { CG_DB_TEXTV(id), CG_DB_TEXTV(doc.data), desc ? CG_DB_TEXTV(desc) : CG_DB_NULLV,
				  CG_DB_INTV(srv_now_s()) };
	st = exec(r,
		  "UPDATE iam_policies SET document = $2, description = COALESCE($3, description), updated = $4 "
		  "WHERE id = $1",
		  v, 4, NULL);
	cg_buf_release(&doc);
	return st ? st : ok_object(r, 200, id, name);
}

int h_iamp_delete(struct srv_req *r)
{
	char id[65], name[SRV_NAME_MAX * 2];
	int st;
	if ((st = srv_lookup(r, FIND_IAMP, r->params[0], "IAM policy", id, name)))
		return st;
	srv_res(r, "iamPolicy", id, name);
	if ((st = system_policy_refusal(r, id)))
		return st;
	struct cg_db_val v[1] = { CG_DB_TEXTV(id) };
	if ((st = exec(r, "DELETE FROM group_policies WHERE policy_id = $1", v, 1, NULL)) ||
	    (st = exec(r, "DELETE FROM iam_policies WHERE id = $1", v, 1, NULL)))
		return st;
	return ok_object(r, 200, id, name);
}

/* ---- agency (IAM-05) --------------------------------------------------------- */

static int agency_state(struct srv_req *r, int status)
{
	struct cg_db_rows *rs = NULL;
	struct cg_error err = { 0 };
	cg_err_t e = cg_db_query(r->db,
				 "SELECT agreed AS agreed_b, agreed_by, agreed_at AS agreed_at_ts FROM agency WHERE id = 1",
				 NULL, 0, &rs, &err);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	cg_json *o = cg_db_rows_count(rs) ? srv_row_object(rs, 0)
					  : srv_obj("agreed", cg_json_new_bool(false), "agreed_by",
						    cg_json_new_null(), "agreed_at", cg_json_new_null(), NULL);
	cg_db_rows_free(rs);
	return srv_json(r, status, o);
}

int h_agency_get(struct srv_req *r)
{
	return agency_state(r, 200);
}

int h_agency_post(struct srv_req *r)
{
	int st;
	srv_res(r, "agency", "1", "cguard");
	struct cg_db_val v[2] = { CG_DB_TEXTV(r->user_name), CG_DB_INTV(srv_now_s()) };
	int64_t n = 0;
	if ((st = exec(r, "UPDATE agency SET agreed = 1, agreed_by = $1, agreed_at = $2 WHERE id = 1 AND agreed = 0",
		       v, 2, &n)))
		return st;
	if (n == 0 && (st = exec(r,
				 "INSERT INTO agency (id, agreed, agreed_by, agreed_at) SELECT 1, 1, CAST($1 AS TEXT), CAST($2 AS BIGINT) "
				 "WHERE NOT EXISTS (SELECT 1 FROM agency WHERE id = 1)",
				 v, 2, NULL)))
		return st;
	return agency_state(r, 200);
}
