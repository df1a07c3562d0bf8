/* cguard server: clusters, nodes, the protection quota (CLU-01..03) and the agent
 * protocol (register, heartbeat, policies, events). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "server/events.h"
#include "server/http.h"
#include "util/banned.h"

#define FIND_CLUSTER "SELECT id, name FROM clusters WHERE id = $1 OR name = $1"

cg_err_t srv_agent_policies(struct cg_db *db, struct cg_buf *out, char etag[80], struct cg_error *err);

/* A node is online (agent) and running (node) while its last heartbeat is at most
 * three heartbeat intervals old. */
static int64_t online_after(struct srv_req *r)
{
	return srv_now_s() - 3 * (int64_t)r->srv->o.heartbeat_interval;
}

static int exec(struct srv_req *r, const char *sql, const struct cg_db_val *v, size_t n,
		int64_t *changes)
{
	struct cg_error err = { 0 };
	cg_err_t e = cg_db_exec(r->db, sql, v, n, changes, &err);
	return e == CG_OK ? 0 : srv_fail_err(r, e, &err);
}

static bool node_name_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* ---- quota ---------------------------------------------------------------------- */

/* 0 when `more` further nodes may be protected, else 403 naming why. */
static int quota_allows(struct srv_req *r, int64_t more)
{
	struct cg_db_rows *rs = NULL;
	struct cg_error err = { 0 };
	int64_t used = 0;
	cg_err_t e = cg_db_query(r->db, "SELECT total, state, expires FROM quota WHERE id = 1", NULL, 0, &rs, &err);
	if (e == CG_OK)
		e = cg_db_query_int(r->db, "SELECT COUNT(*) FROM nodes WHERE protected = 1", NULL, 0, &used, &err);
	if (e != CG_OK) {
		cg_db_rows_free(rs);
		return srv_fail_err(r, e, &err);
	}
	int st = 0;
	int64_t total = cg_db_rows_count(rs) ? cg_db_rows_int(rs, 0, 0) : 0;
	const char *state = cg_db_rows_count(rs) ? cg_db_rows_text(rs, 0, 1) : "normal";
	int64_t expires = cg_db_rows_count(rs) ? cg_db_rows_int(rs, 0, 2) : 0;
	if (strcmp(state, "normal") != 0)
		st = srv_fail(r, 403, "QuotaUnavailable", "the protection quota is %s", state);
	else if (expires && expires <= srv_now_s())
		st = srv_fail(r, 403, "QuotaUnavailable", "the protection quota has expired");
	else if (used + more > total)
		st = srv_fail(r, 403, "QuotaExceeded",
			      "the protection quota is used up (%" PRId64 " of %" PRId64 " nodes protected)", used, total);
	cg_db_rows_free(rs);
	return st;
}

int h_quota_get(struct srv_req *r)
{
	struct cg_db_rows *rs = NULL;
	struct cg_error err = { 0 };
	int64_t used = 0;
	cg_err_t e = cg_db_query(r->db,
				 "SELECT total AS total_i, state, expires AS expires_ts FROM quota WHERE id = 1",
				 NULL, 0, &rs, &err);
	if (e == CG_OK)
		e = cg_db_query_int(r->db, "SELECT COUNT(*) FROM nodes WHERE protected = 1", NULL, 0, &used, &err);
	if (e != CG_OK) {
		cg_db_rows_free(rs);
		return srv_fail_err(r, e, &err);
	}
	cg_json *o = cg_db_rows_count(rs) ? srv_row_object(rs, 0)
					  : srv_obj("total", cg_json_new_int(0), "state", srv_str("normal"),
						    "expires", cg_json_new_null(), NULL);
	cg_db_rows_free(rs);
	if (o && cg_json_set_int(o, "used", used) != CG_OK) {
		cg_json_free(o);
		o = NULL;
	}
	return srv_json(r, 200, o);
}

int h_quota_put(struct srv_req *r)
{
	int64_t total, expires = 0;
	int st;
	if ((st = srv_body_object(r)))
		return st;
	srv_res(r, "quota", "1", "quota");
	const char *state = cg_json_get_str(r->json, "state");
	cg_json *ex = cg_json_get(r->json, "expires");
	if (!cg_json_get_int(r->json, "total", &total) || total < 0 || total > 10000000)
		return srv_fail(r, 400, "InvalidRequest", "total: an integer from 0 to 10000000");
	if (!state)
		state = "normal";
	if (strcmp(state, "normal") && strcmp(state, "expired") && strcmp(state, "frozen"))
		return srv_fail(r, 400, "InvalidRequest", "state: normal, expired or frozen");
	if (ex && cg_json_type_of(ex) != CG_JSON_NULL) {
		const char *s = cg_json_string(ex);
		int64_t ms;
		if (!s || !srv_parse_time(s, &ms))
			return srv_fail(r, 400, "InvalidRequest", "expires: an RFC 3339 time or null");
		expires = ms / 1000;
	}
	struct cg_db_val v[3] = { CG_DB_INTV(total), CG_DB_TEXTV(state), CG_DB_INTV(expires) };
	int64_t n = 0;
	if ((st = exec(r, "UPDATE quota SET total = $1, state = $2, expires = $3 WHERE id = 1", v, 3, &n)))
		return st;
	if (n == 0 && (st = exec(r, "INSERT INTO quota (id, total, state, expires) VALUES (1, $1, $2, $3)", v, 3, NULL)))
		return st;
	return h_quota_get(r);
}

/* ---- clusters ------------------------------------------------------------------- */

#define CLUSTER_COLS                                                                              \
	"c.id, c.name, c.protected AS protected_b, c.created AS created_ts, c.updated AS updated_ts, " \
	"(SELECT COUNT(*) FROM nodes n WHERE n.cluster_id = c.id) AS nodes_total_i, "                \
	"(SELECT COUNT(*) FROM nodes n WHERE n.cluster_id = c.id AND n.last_heartbeat >= $1) AS nodes_available_i, " \
	"(SELECT COUNT(*) FROM nodes n WHERE n.cluster_id = c.id AND n.last_heartbeat >= $1 "     \
	"AND n.agent_token_hash IS NOT NULL) AS agents_online_i, "                                   \
	"(SELECT COUNT(*) FROM nodes n WHERE n.cluster_id = c.id AND n.protected = 1) AS nodes_protected_i"

int h_clu_list(struct srv_req *r)
{
	static const struct srv_filter f[] = { { "name", "c.name = $?" },
					       { "protected", "c.protected = CAST($? AS INTEGER)" },
					       { NULL, NULL } };
	static const char *const sort[] = { "name", "c.name", "created", "c.created", NULL };
	const char *p = srv_query(r, "protected");
	if (p && strcmp(p, "0") && strcmp(p, "1"))
		return srv_fail(r, 400, "InvalidParameter", "protected: 0 or 1");
	struct cg_db_val base[1] = { CG_DB_INTV(online_after(r)) };
	return srv_list_run(r, CLUSTER_COLS, "clusters c", base, 1, f, sort, "name", false, "c.id");
}

static cg_json *cluster_object(struct srv_req *r, const char *id)
{
	struct cg_db_rows *rs = NULL;
	struct cg_db_val v[2] = { CG_DB_INTV(online_after(r)), CG_DB_TEXTV(id) };
	if (cg_db_query(r->db, "SELECT " CLUSTER_COLS " FROM clusters c WHERE c.id = $2", v, 2, &rs, NULL) != CG_OK)
		return NULL;
	cg_json *o = cg_db_rows_count(rs) == 1 ? srv_row_object(rs, 0) : NULL;
	cg_db_rows_free(rs);
	return o;
}

static int join_token(struct srv_req *r, const char *id, char token[65])
{
	char h[65];
	if (srv_random_hex(token, 32) != CG_OK)
		return srv_fail(r, 500, "InternalError", "no random bytes");
	srv_sha256_hex(token, 64, h);
	struct cg_db_val v[3] = { CG_DB_TEXTV(id), CG_DB_TEXTV(h), CG_DB_INTV(srv_now_s()) };
	return exec(r, "UPDATE clusters SET join_token_hash = $2, updated = $3 WHERE id = $1", v, 3, NULL);
}

int h_clu_create(struct srv_req *r)
{
	struct cg_error err = { 0 };
	bool prot = false;
	char id[33], token[65];
	int st;
	if ((st = srv_body_object(r)))
		return st;
	const char *name = cg_json_get_str(r->json, "name");
	cg_json *p = cg_json_get(r->json, "protected");
	if (!node_name_ok(name, 128))
		return srv_fail(r, 400, "InvalidRequest", "name: 1 to 128 characters of A-Z a-z 0-9 . _ -");
	if (p && !cg_json_bool(p, &prot))
		return srv_fail(r, 400, "InvalidRequest", "protected: true or false");
	srv_new_id(id);
	srv_res(r, "cluster", id, name);
	int64_t now = srv_now_s();
	struct cg_db_val v[4] = { CG_DB_TEXTV(id), CG_DB_TEXTV(name), CG_DB_INTV(prot), CG_DB_INTV(now) };
	cg_err_t e = cg_db_exec(r->db,
				"INSERT INTO clusters (id, name, protected, created, updated) VALUES ($1, $2, $3, $4, $4)",
				v, 4, NULL, &err);
	if (e == CG_ERR_EXISTS)
		return srv_fail(r, 409, "Conflict", "cluster %s exists", name);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	if ((st = join_token(r, id, token)))
		return st;
	return srv_json(r, 201, srv_obj("id", srv_str(id), "name", srv_str(name), "protected",
				       cg_json_new_bool(prot), "join_token", srv_str(token), NULL));
}

int h_clu_get(struct srv_req *r)
{
	char id[65];
	int st;
	if ((st = srv_lookup(r, FIND_CLUSTER, r->params[0], "cluster", id, NULL)))
		return st;
	return srv_json(r, 200, cluster_object(r, id));
}

int h_clu_delete(struct srv_req *r)
{
	char id[65], name[SRV_NAME_MAX * 2];
	int st;
	if ((st = srv_lookup(r, FIND_CLUSTER, r->params[0], "cluster", id, name)))
		return st;
	srv_res(r, "cluster", id, name);
	struct cg_db_val v[1] = { CG_DB_TEXTV(id) };
	if ((st = exec(r, "DELETE FROM nodes WHERE cluster_id = $1", v, 1, NULL)) ||
	    (st = exec(r, "DELETE FROM clusters WHERE id = $1", v, 1, NULL)))
		return st;
	return srv_json(r, 200, srv_obj("id", srv_str(id), "name", srv_str(name), NULL));
}

int h_clu_protect(struct srv_req *r)
{
	char id[65], name[SRV_NAME_MAX * 2];
	bool on;
	int st;
	if ((st = srv_lookup(r, FIND_CLUSTER, r->params[0], "cluster", id, name)))
		return st;
	srv_res(r, "cluster", id, name);
	if ((st = srv_body_object(r)))
		return st;
	if (!cg_json_get_bool(r->json, "enabled", &on))
		return srv_fail(r, 400, "InvalidRequest", "enabled: true or false");
	r->audit_event = on ? "openClusterProtect" : "closeClusterProtect";
	struct cg_db_val v[2] = { CG_DB_TEXTV(id), CG_DB_INTV(srv_now_s()) };
	if (on) {
		int64_t unprot = 0;
		struct cg_error err = { 0 };
		if (cg_db_query_int(r->db, "SELECT COUNT(*) FROM nodes WHERE cluster_id = $1 AND protected = 0", v, 1,
				    &unprot, &err) != CG_OK)
			return srv_fail(r, 500, "InternalError", "the store failed");
		if (unprot && (st = quota_allows(r, unprot)))
			return st;
	}
	if ((st = exec(r, on ? "UPDATE clusters SET protected = 1, updated = $2 WHERE id = $1"
			     : "UPDATE clusters SET protected = 0, updated = $2 WHERE id = $1",
		       v, 2, NULL)) ||
	    (st = exec(r, on ? "UPDATE nodes SET protected = 1 WHERE cluster_id = $1"
			     : "UPDATE nodes SET protected = 0 WHERE cluster_id = $1",
		       v, 1, NULL)))
		return st;
	return srv_json(r, 200, cluster_object(r, id));
}

int h_clu_rotate(struct srv_req *r)
{
	char id[65], name[SRV_NAME_MAX * 2], token[65];
	int st;
	if ((st = srv_lookup(r, FIND_CLUSTER, r->params[0], "cluster", id, name)))
		return st;
	srv_res(r, "cluster", id, name);
	if ((st = join_token(r, id, token)))
		return st;
	return srv_json(r, 200, srv_obj("id", srv_str(id), "name", srv_str(name), "join_token", srv_str(token), NULL));
}

/* ---- nodes ---------------------------------------------------------------------- */

#define NODE_COLS                                                                                   \
	"n.id, n.cluster_id, c.name AS cluster, n.name, n.agent_version, n.protected AS protected_b, "  \
	"n.registered AS registered_ts, n.last_heartbeat AS last_heartbeat_ts, "                        \
	"CASE WHEN n.last_heartbeat >= $1 THEN 'running' ELSE 'unavailable' END AS state, "             \
	"CASE WHEN n.agent_token_hash IS NULL THEN 'unregistered' WHEN n.last_heartbeat >= $1 THEN 'online' " \
	"ELSE 'offline' END AS agent"

int h_node_list(struct srv_req *r)
{
	static const struct srv_filter f[] = {
		{ "cluster", "(n.cluster_id = $? OR c.name = $?)" },
		{ "name", "n.name = $?" },
		{ "state", "(CASE WHEN n.last_heartbeat >= $1 THEN 'running' ELSE 'unavailable' END) = $?" },
		{ NULL, NULL }
	};
	static const char *const sort[] = { "name", "n.name", "registered", "n.registered", "last_heartbeat",
					    "n.last_heartbeat", NULL };
	struct cg_db_val base[1] = { CG_DB_INTV(online_after(r)) };
	return srv_list_run(r, NODE_COLS, "nodes n JOIN clusters c ON c.id = n.cluster_id", base, 1, f, sort,
			    "name", false, "n.id");
}

int h_node_get(struct srv_req *r)
{
	struct cg_db_rows *rs = NULL;
	struct cg_error err = { 0 };
	struct cg_db_val v[2] = { CG_DB_INTV(online_after(r)), CG_DB_TEXTV(r->params[0]) };
	cg_err_t e = cg_db_query(r->db,
				 "SELECT " NODE_COLS " FROM nodes n JOIN clusters c ON c.id = n.cluster_id WHERE n.id = $2",
				 v, 2, &rs, &err);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	if (cg_db_rows_count(rs) != 1) {
		cg_db_rows_free(rs);
		return srv_fail(r, 404, "NotFound", "no such node");
	}
	cg_json *o = srv_row_object(rs, 0);
	cg_db_rows_free(rs);
	return srv_json(r, 200, o);
}

int h_node_delete(struct srv_req *r)
{
	char id[65], name[SRV_NAME_MAX * 2];
	int st;
	if ((st = srv_lookup(r, "SELECT id, name FROM nodes WHERE id = $1", r->params[0], "node", id, name)))
		return st;
	srv_res(r, "node", id, name);
	struct cg_db_val v[1] = { CG_DB_TEXTV(id) };
	if ((st = exec(r, "DELETE FROM nodes WHERE id = $1", v, 1, NULL)))
		return st;
	return srv_json(r, 200, srv_obj("id", srv_str(id), "name", srv_str(name), NULL));
}

/* ---- the agent protocol ------------------------------------------------------------- */

int h_ag_register(struct srv_req *r)
{
	struct cg_db_rows *rs = NULL;
	struct cg_error err = { 0 };
	char token[65], th[65], id[65];
	int st;
	if ((st = srv_body_object(r)))
		return st;
	const char *node = cg_json_get_str(r->json, "node");
	const char *ver = cg_json_get_str(r->json, "version");
	const char *host = cg_json_get_str(r->json, "hostname");
	if (!node_name_ok(node, 253))
		return srv_fail(r, 400, "InvalidRequest", "node: 1 to 253 characters of A-Z a-z 0-9 . _ -");
	if (cg_json_get(r->json, "version") && (!ver || !srv_name_ok(ver, 64)))
		return srv_fail(r, 400, "InvalidRequest", "version: text of at most 64 bytes");
	if (cg_json_get(r->json, "hostname") && (!host || !srv_name_ok(host, 253)))
		return srv_fail(r, 400, "InvalidRequest", "hostname: text of at most 253 bytes");
	struct cg_db_val v[2] = { CG_DB_TEXTV(r->cluster_id), CG_DB_TEXTV(node) };
	cg_err_t e = cg_db_query(r->db, "SELECT id, protected FROM nodes WHERE cluster_id = $1 AND name = $2", v, 2,
				 &rs, &err);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	bool exists = cg_db_rows_count(rs) == 1;
	bool prot = exists ? cg_db_rows_int(rs, 0, 1) != 0 : false;
	if (exists)
		snprintf(id, sizeof id, "%s", cg_db_rows_text(rs, 0, 0));
	cg_db_rows_free(rs);
	if (!exists) {
		srv_new_id(id);
		if (r->node_protected) {
			if ((st = quota_allows(r, 1)))
				return st;
			prot = true;
		}
	}
	srv_res(r, "node", id, node);
	if (srv_random_hex(token, 32) != CG_OK)
		return srv_fail(r, 500, "InternalError", "no random bytes");
	srv_sha256_hex(token, 64, th);
	int64_t now = srv_now_s();
	struct cg_db_val w[7] = { CG_DB_TEXTV(id), CG_DB_TEXTV(r->cluster_id), CG_DB_TEXTV(node), CG_DB_TEXTV(th),
				  ver ? CG_DB_TEXTV(ver) : CG_DB_NULLV, CG_DB_INTV(prot), CG_DB_INTV(now) };
	if ((st = exec(r, exists ? "UPDATE nodes SET agent_token_hash = $4, agent_version = $5, registered = $7, "
				   "last_heartbeat = $7, state = 'running', protected = $6 WHERE id = $1 AND cluster_id = $2 "
				   "AND name = $3"
				 : "INSERT INTO nodes (id, cluster_id, name, agent_token_hash, agent_version, protected, "
				   "registered, last_heartbeat, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 'running')",
		       w, 7, NULL)))
		return st;
	return srv_json(r, 201, srv_obj("node_id", srv_str(id), "cluster_id", srv_str(r->cluster_id), "token",
				       srv_str(token), "protected", cg_json_new_bool(prot), "heartbeat_interval",
				       cg_json_new_int(r->srv->o.heartbeat_interval), NULL));
}

int h_ag_heartbeat(struct srv_req *r)
{
	struct cg_error err = { 0 };
	struct cg_buf body = CG_BUF_INIT(64 << 20);
	char etag[80];
	int st;
	if (r->body_len && (st = srv_body_object(r)))
		return st;
	static const char *const ints[] = { "containers", "events_lost", "journal_bytes", NULL };
	for (size_t i = 0; r->json && ints[i]; i++) {
		cg_json *v = cg_json_get(r->json, ints[i]);
		int64_t n;
		if (v && (!cg_json_int(v, &n) || n < 0))
			return srv_fail(r, 400, "InvalidRequest", "%s: an integer >= 0", ints[i]);
	}
	cg_json *sv = r->json ? cg_json_get(r->json, "sensor") : NULL;
	const char *sensor = cg_json_string(sv);
	if (sv && (!sensor || (strcmp(sensor, "bpf") && strcmp(sensor, "fallback"))))
		return srv_fail(r, 400, "InvalidRequest", "sensor: \"bpf\" or \"fallback\"");
	struct cg_db_val v[2] = { CG_DB_TEXTV(r->node_id), CG_DB_INTV(srv_now_s()) };
	cg_err_t e = cg_db_exec(r->db, "UPDATE nodes SET last_heartbeat = $2, state = 'running' WHERE id = $1", v, 2,
				NULL, &err);
	if (e == CG_OK)
		e = srv_agent_policies(r->db, &body, etag, &err);
	cg_buf_release(&body);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	return srv_json(r, 200, srv_obj("protected", cg_json_new_bool(r->node_protected), "policy_etag", srv_str(etag),
				       "heartbeat_interval", cg_json_new_int(r->srv->o.heartbeat_interval), NULL));
}

int h_ag_policies(struct srv_req *r)
{
	struct cg_error err = { 0 };
	cg_err_t e = srv_agent_policies(r->db, &r->raw, r->etag, &err);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	if (r->if_none_match && strcmp(r->if_none_match, r->etag) == 0) {
		cg_buf_reset(&r->raw);
		return 304;
	}
	if (cg_buf_putc(&r->raw, '\n') != CG_OK)
		return srv_fail(r, 500, "InternalError", "out of memory");
	r->raw_type = "application/json";
	return 200;
}

int h_ag_events(struct srv_req *r)
{
	struct cg_error err = { 0 };
	size_t acc = 0, dup = 0;
	int st;
	if (r->content_type && strncasecmp(r->content_type, "application/json", 16) != 0)
		return srv_fail(r, 415, "UnsupportedMediaType", "the body must be application/json");
	if (!r->body_len)
		return srv_fail(r, 400, "InvalidRequest", "a JSON body {\"events\": [...]} is required");
	struct cg_json_limits lim = { .max_bytes = r->body_len + 1, .max_depth = 32 };
	cg_json *j = NULL;
	if (cg_json_parse(r->body, r->body_len, &lim, &j, &err) != CG_OK)
		return srv_fail(r, 400, "InvalidJSON", "the body is not valid JSON: %s", cg_error_message(&err));
	r->json = j;
	cg_json *ev = cg_json_get(j, "events");
	if (!cg_json_is_object(j) || !cg_json_is_array(ev))
		return srv_fail(r, 400, "InvalidRequest", "the body must be {\"events\": [...]}");
	if (cg_json_array_len(ev) > CG_EVENTS_BATCH_MAX)
		return srv_fail(r, 413, "PayloadTooLarge", "at most %d events per batch", CG_EVENTS_BATCH_MAX);
	cg_err_t e = cg_events_ingest(r->db, ev, r->node_name, r->cluster_id, &acc, &dup, &err);
	if (e == CG_ERR_INVALID)
		return srv_fail(r, 400, "InvalidEvent", "%s", cg_error_message(&err));
	if (e == CG_ERR_LIMIT)
		return srv_fail(r, 413, "PayloadTooLarge", "%s", cg_error_message(&err));
	if (e != CG_OK) {
		__atomic_fetch_add(&r->srv->m.db_errors, 1, __ATOMIC_RELAXED);
		return srv_fail_err(r, e, &err);
	}
	__atomic_fetch_add(&r->srv->m.events_accepted, acc, __ATOMIC_RELAXED);
	__atomic_fetch_add(&r->srv->m.events_duplicate, dup, __ATOMIC_RELAXED);
	(void)st;
	return srv_json(r, 200, srv_obj("accepted", cg_json_new_int((int64_t)acc), "duplicates",
				       cg_json_new_int((int64_t)dup), NULL));
}
