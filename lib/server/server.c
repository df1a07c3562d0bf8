/* cguard server: the libmicrohttpd daemon, limits, TLS, dispatch (authentication,
 * service authorisation, IAM, one transaction per change with its audit record),
 * request logging and metrics. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "server/audit.h"
#include "server/http.h"
#include "server/iam.h"
#include "util/utf8.h"
#include "util/banned.h"

const int srv_status_codes[SRV_STATUS_SLOTS] = { 200, 201, 204, 304, 400, 401, 403, 404, 405,
						 409, 413, 414, 415, 423, 429, 500, 0 };
const double srv_lat_bounds_ms[11] = { 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500 };

/* ---- one store connection per worker thread ---------------------------------- */

static __thread struct srv *tl_srv;
static __thread struct cg_db *tl_db;

static struct cg_db *thread_db(struct srv *s, struct cg_error *err)
{
	if (tl_srv == s && tl_db)
		return tl_db;
	struct cg_db *db = NULL;
	if (cg_db_open(s->db_url, &db, err) != CG_OK)
		return NULL;
	pthread_mutex_lock(s->dbs_lock);
	if (s->n_dbs == s->cap_dbs) {
		size_t nc = s->cap_dbs ? s->cap_dbs * 2 : 16;
		struct cg_db **nv = realloc(s->dbs, nc * sizeof *nv);
		if (!nv) {
			pthread_mutex_unlock(s->dbs_lock);
			cg_db_close(db);
			cg_error_set(err, CG_ERR_NOMEM, "out of memory");
			return NULL;
		}
		s->dbs = nv;
		s->cap_dbs = nc;
	}
	s->dbs[s->n_dbs++] = db;
	pthread_mutex_unlock(s->dbs_lock);
	tl_srv = s;
	tl_db = db;
	return db;
}

/* ---- per-connection state ------------------------------------------------------ */

struct conn {
	struct srv_req r;
	struct cg_buf body;
	size_t limit;
	bool too_big;
	bool answered;
	int early; /* an answer decided on the first call (400/404/405/413) */
	char path[SRV_PATH_MAX];
	struct timespec t0;
};

static void req_free(struct srv_req *r)
{
	for (size_t i = 0; i < r->n_params; i++)
		free(r->params[i]);
	for (size_t i = 0; i < r->n_query; i++) {
		free(r->query[i].k);
		free(r->query[i].v);
	}
	cg_json_free(r->json);
	cg_json_free(r->resp);
	cg_json_free(r->audit_request);
	cg_buf_release(&r->raw);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	struct conn *cn = *con_cls;
	if (!cn)
		return;
	req_free(&cn->r);
	cg_buf_release(&cn->body);
	free(cn);
	*con_cls = NULL;
}

/* Leave the raw path and arguments for us to decode (encoded '/' and NUL must
 * be seen to be refused). */
static size_t unescape_none(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

struct qctx {
	struct srv_req *r;
	bool bad;
	const char *why;
};

static enum MHD_Result on_arg(void *cls, enum MHD_ValueKind kind, const char *key,
			      const char *value)
{
	struct qctx *q = cls;
	(void)kind;
	if (q->r->n_query >= SRV_MAX_QUERY) {
		q->bad = true;
		q->why = "too many query parameters";
		return MHD_NO;
	}
	char *k = strdup(key), *v = strdup(value ? value : "");
	if (!k || !v || !srv_unescape(k) || !srv_unescape(v) || !cg_utf8_valid(k, strlen(k)) ||
	    !cg_utf8_valid(v, strlen(v)) || strlen(v) > 4096) {
		free(k);
		free(v);
		q->bad = true;
		q->why = "a query parameter is not valid (bad %-encoding, NUL, not UTF-8 or too long)";
		return MHD_NO;
	}
	q->r->query[q->r->n_query].k = k;
	q->r->query[q->r->n_query].v = v;
	q->r->n_query++;
	return MHD_YES;
}

/* ---- metrics and the request line ---------------------------------------------- */

static size_t status_slot(int st)
{
	for (size_t i = 0; i + 1 < SRV_STATUS_SLOTS; i++)
		if (srv_status_codes[i] == st)
			return i;
	return SRV_STATUS_SLOTS - 1;
}

static void account(struct srv *s, struct conn *cn, int status)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	int64_t us = (int64_t)(t1.tv_sec - cn->t0.tv_sec) * 1000000 +
		     (t1.tv_nsec - cn->t0.tv_nsec) / 1000;
	size_t ri = cn->r.route ? cn->r.route_idx : srv_n_routes;
	__atomic_fetch_add(&s->m.req[ri * SRV_STATUS_SLOTS + status_slot(status)], 1,
			   __ATOMIC_RELAXED);
	size_t b = 0;
	while (b < 11 && (double)us / 1000.0 > srv_lat_bounds_ms[b])
		b++;
	__atomic_fetch_add(&s->m.lat_bucket[b], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->m.lat_sum_us, (uint64_t)us, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->m.lat_count, 1, __ATOMIC_RELAXED);
	if (s->o.log) {
		char line[512];
		snprintf(line, sizeof line, "%s %s %d %.1fms user=%s trace=%s",
			 srv_method_name(cn->r.method), cn->r.route ? cn->r.route->path : "-", status,
			 (double)us / 1000.0,
			 cn->r.user_name[0] ? cn->r.user_name
					    : (cn->r.node_id[0] ? "agent" : "-"),
			 cn->r.trace_id);
		s->o.log(line, s->o.log_ud);
	}
}

static enum MHD_Result send_answer(struct srv *s, struct MHD_Connection *c, struct conn *cn)
{
	struct srv_req *r = &cn->r;
	struct cg_buf out = CG_BUF_INIT(64 << 20);
	const char *type = "application/json";
	int status = r->status ? r->status : 500;

	if (status == 304) {
		/* no body */
	} else if (r->raw_type) {
		type = r->raw_type;
	} else {
		if (!r->resp)
			srv_fail(r, 500, "InternalError", "no answer");
		if (cg_json_dump(r->resp, CG_JSON_COMPACT, &out) != CG_OK ||
		    cg_buf_putc(&out, '\n') != CG_OK) {
			cg_buf_reset(&out);
			status = 500;
			if (cg_buf_puts(&out, "{\"code\":\"InternalError\",\"message\":\"the answer is too large\"}\n") != CG_OK)
				cg_buf_reset(&out);
		}
	}
	const struct cg_buf *body = r->raw_type ? &r->raw : &out;
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		body->len, body->len ? body->data : (void *)"", MHD_RESPMEM_MUST_COPY);
	cg_buf_release(&out);
	if (!resp)
		return MHD_NO;
	if (status != 304)
		MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'none'; frame-ancestors 'none'");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	if (s->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	if (r->trace_id[0])
		MHD_add_response_header(resp, "X-Trace-Id", r->trace_id);
	if (r->etag[0])
		MHD_add_response_header(resp, "ETag", r->etag);
	if (status == 405 && r->allow[0])
		MHD_add_response_header(resp, "Allow", r->allow);
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	account(s, cn, status);
	cn->answered = true;
	return ret;
}

/* ---- authentication ------------------------------------------------------------- */

static int authenticate_user(struct srv *s, struct srv_req *r)
{
	struct cg_error err = { 0 };
	struct cg_db_rows *rs = NULL;
	int64_t now = srv_now_s();
	if (!r->bearer)
		return srv_fail(r, 401, "Unauthorized", "sign in first: Authorization: Bearer TOKEN");
	srv_sha256_hex(r->bearer, strlen(r->bearer), r->token_hash);
	struct cg_db_val v[1] = { CG_DB_TEXTV(r->token_hash) };
	if (cg_db_query(r->db,
			"SELECT s.user_id, u.name, u.enabled, s.expires, s.last_used, s.kind, s.created "
			"FROM sessions s JOIN users u ON u.id = s.user_id "
			"WHERE s.token_hash = $1 AND s.revoked = 0 AND s.kind IN ('session', 'api')",
			v, 1, &rs, &err) != CG_OK) {
		__atomic_fetch_add(&s->m.db_errors, 1, __ATOMIC_RELAXED);
		return srv_fail(r, 500, "InternalError", "the store failed");
	}
	int st = 0;
	if (cg_db_rows_count(rs) != 1 || cg_db_rows_int(rs, 0, 2) == 0) {
		st = srv_fail(r, 401, "Unauthorized", "the token is not valid (expired, revoked or unknown)");
	} else {
		int64_t expires = cg_db_rows_int(rs, 0, 3), last = cg_db_rows_int(rs, 0, 4);
		bool session = strcmp(cg_db_rows_text(rs, 0, 5), "session") == 0;
		if (expires > 0 && expires <= now) {
			st = srv_fail(r, 401, "Unauthorized", "the token is not valid (expired, revoked or unknown)");
		} else {
			snprintf(r->user_id, sizeof r->user_id, "%s", cg_db_rows_text(rs, 0, 0));
			snprintf(r->user_name, sizeof r->user_name, "%s", cg_db_rows_text(rs, 0, 1));
			if (now - last > 60) {
				int64_t idle = (int64_t)s->o.session_idle_hours * 3600;
				int64_t cap = cg_db_rows_int(rs, 0, 6) + 7 * 86400;
				int64_t nexp = session ? (now + idle < cap ? now + idle : cap) : expires;
				struct cg_db_val u[3] = { CG_DB_TEXTV(r->token_hash), CG_DB_INTV(now),
							  CG_DB_INTV(nexp) };
				(void)cg_db_exec(r->db,
						 "UPDATE sessions SET last_used = $2, expires = $3 WHERE token_hash = $1",
						 u, 3, NULL, NULL);
			}
		}
	}
	cg_db_rows_free(rs);
	return st;
}

static int authenticate_agent(struct srv *s, struct srv_req *r, bool join)
{
	struct cg_error err = { 0 };
	struct cg_db_rows *rs = NULL;
	if (!r->bearer)
		return srv_fail(r, 401, "Unauthorized", join ? "a cluster join token is required"
							     : "an agent token is required");
	char h[65];
	srv_sha256_hex(r->bearer, strlen(r->bearer), h);
	struct cg_db_val v[1] = { CG_DB_TEXTV(h) };
	cg_err_t e = join ? cg_db_query(r->db, "SELECT id, name, protected FROM clusters WHERE join_token_hash = $1",
				       v, 1, &rs, &err)
			  : cg_db_query(r->db, "SELECT id, name, protected, cluster_id FROM nodes WHERE agent_token_hash = $1",
				       v, 1, &rs, &err);
	if (e != CG_OK) {
		__atomic_fetch_add(&s->m.db_errors, 1, __ATOMIC_RELAXED);
		return srv_fail(r, 500, "InternalError", "the store failed");
	}
	int st = 0;
	if (cg_db_rows_count(rs) != 1) {
		st = srv_fail(r, 401, "Unauthorized", join ? "the join token is not valid"
							   : "the agent token is not valid");
	} else if (join) {
		snprintf(r->cluster_id, sizeof r->cluster_id, "%s", cg_db_rows_text(rs, 0, 0));
		r->node_protected = cg_db_rows_int(rs, 0, 2) != 0;
		snprintf(r->user_name, sizeof r->user_name, "join:%s", cg_db_rows_text(rs, 0, 1));
	} else {
		snprintf(r->node_id, sizeof r->node_id, "%s", cg_db_rows_text(rs, 0, 0));
		snprintf(r->node_name, sizeof r->node_name, "%s", cg_db_rows_text(rs, 0, 1));
		r->node_protected = cg_db_rows_int(rs, 0, 2) != 0;
		snprintf(r->cluster_id, sizeof r->cluster_id, "%s", cg_db_rows_text(rs, 0, 3));
		snprintf(r->user_name, sizeof r->user_name, "agent:%s", cg_db_rows_text(rs, 0, 1));
	}
	cg_db_rows_free(rs);
	return st;
}

static bool agency_agreed(struct srv *s, struct cg_db *db)
{
	if (__atomic_load_n(&s->agency_ok, __ATOMIC_ACQUIRE))
		return true;
	int64_t v = 0;
	if (cg_db_query_int(db, "SELECT agreed FROM agency WHERE id = 1", NULL, 0, &v, NULL) == CG_OK &&
	    v) {
		__atomic_store_n(&s->agency_ok, 1, __ATOMIC_RELEASE);
		return true;
	}
	return false;
}

/* An audit record of a refused change, in its own transaction. */
static void audit_refusal(struct srv *s, struct srv_req *r, int status)
{
	struct cg_error err = { 0 };
	if (srv_tx_begin(r) != 0)
		return;
	if (srv_audit(r, NULL, "warning", status, &err) != CG_OK || cg_db_commit(r->db, &err) != CG_OK) {
		cg_db_rollback(r->db);
		__atomic_fetch_add(&s->m.db_errors, 1, __ATOMIC_RELAXED);
	}
}

static void dispatch_locked(struct srv *s, struct srv_req *r)
{
	const struct srv_route *rt = r->route;
	struct cg_error err = { 0 };
	int st;

	r->db = thread_db(s, &err);
	if (!r->db) {
		__atomic_fetch_add(&s->m.db_errors, 1, __ATOMIC_RELAXED);
		srv_fail(r, 500, "InternalError", "the store is not available");
		return;
	}
	if (rt->flags & (RF_AGENT | RF_JOIN)) {
		if ((st = authenticate_agent(s, r, rt->flags & RF_JOIN)))
			return;
	} else if (!(rt->flags & RF_PUBLIC)) {
		if ((st = authenticate_user(s, r)))
			return;
		if (rt->action[0] && strcmp(rt->action, "-") != 0) {
			enum iam_decision d = IAM_IMPLICIT_DENY;
			if (iam_user_allowed(r->db, r->user_id, rt->action, &d, &err) != CG_OK) {
				__atomic_fetch_add(&s->m.db_errors, 1, __ATOMIC_RELAXED);
				srv_fail(r, 500, "InternalError", "the store failed");
				return;
			}
			if (d != IAM_ALLOW) {
				srv_fail(r, 403, "Forbidden", "%s: %s is not allowed for user %s",
					 d == IAM_EXPLICIT_DENY ? "explicitly denied" : "not permitted",
					 rt->action, r->user_name);
				if (rt->flags & RF_CHANGE)
					audit_refusal(s, r, 403);
				return;
			}
		}
		if ((rt->flags & RF_FEATURE) && !agency_agreed(s, r->db)) {
			srv_fail(r, 403, "AgencyRequired",
				 "the service is not authorised yet: an administrator must agree to authorise (POST /api/v1/agency) first");
			return;
		}
	}
	if (!(rt->flags & RF_CHANGE)) {
		/* agent routes write (heartbeats, event batches): queue the writers
		 * here rather than in SQLite's busy handler, whose waits time out
		 * under load (a batch of 5,000 events takes a while) */
		if (rt->flags & RF_AGENT)
			srv_write_lock(r);
		st = rt->handler(r);
		r->status = st;
		return;
	}
	if (!(rt->flags & RF_OWNTX) && srv_tx_begin(r)) {
		__atomic_fetch_add(&s->m.db_errors, 1, __ATOMIC_RELAXED);
		return;
	}
	st = rt->handler(r);
	r->status = st;
	if (st < 400 || r->commit_on_error) {
		const char *lvl = r->audit_level ? r->audit_level : (st < 400 ? "normal" : "warning");
		if (srv_tx_begin(r) == 0 &&
		    (srv_audit(r, NULL, lvl, st, &err) != CG_OK || cg_db_commit(r->db, &err) != CG_OK)) {
			cg_db_rollback(r->db);
			__atomic_fetch_add(&s->m.db_errors, 1, __ATOMIC_RELAXED);
			srv_fail(r, 500, "InternalError", "the change could not be recorded (%s)",
				 cg_strerror(err.code));
		}
		return;
	}
	if (cg_db_depth(r->db) > 0)
		cg_db_rollback(r->db);
	if (st == 401 || st == 403)
		audit_refusal(s, r, st);
}

static void dispatch(struct srv *s, struct srv_req *r)
{
	dispatch_locked(s, r);
	srv_write_unlock(r);
}

/* ---- the access handler ---------------------------------------------------------- */

static const char *header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct srv *s = cls;
	struct conn *cn = *con_cls;
	(void)version;

	if (!cn) {
		cn = calloc(1, sizeof *cn);
		if (!cn)
			return MHD_NO;
		*con_cls = cn;
		clock_gettime(CLOCK_MONOTONIC, &cn->t0);
		struct srv_req *r = &cn->r;
		r->srv = s;
		r->method = srv_method_parse(method);
		cg_buf_init(&r->raw, 256 << 20);
		if (srv_random_hex(r->trace_id, 16) != CG_OK)
			snprintf(r->trace_id, sizeof r->trace_id, "%s", "0");
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr) {
			const struct sockaddr *sa = ci->client_addr;
			if (sa->sa_family == AF_INET)
				inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
					  r->source_ip, sizeof r->source_ip);
			else if (sa->sa_family == AF_INET6)
				inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
					  r->source_ip, sizeof r->source_ip);
		}
		const char *why = NULL;
		size_t idx = 0;
		int st = strlen(url) >= SRV_PATH_MAX ? 414
						      : srv_normalise_path(url, cn->path, sizeof cn->path, &why);
		if (st) {
			cn->early = srv_fail(r, st, st == 414 ? "URITooLong" : "InvalidPath", "%s",
					     why ? why : "the path is too long");
			return MHD_YES;
		}
		st = srv_route_match(cn->path, r->method, &idx, r->params, &r->n_params, r->allow,
				     sizeof r->allow);
		if (st == 404) {
			cn->early = srv_fail(r, 404, "NotFound", "no route %.200s", cn->path);
			return MHD_YES;
		}
		if (st == 405) {
			cn->early = srv_fail(r, 405, "MethodNotAllowed", "%s is not allowed on %.200s (allowed: %s)",
					     srv_method_name(r->method), cn->path, r->allow);
			return MHD_YES;
		}
		if (st) {
			cn->early = srv_fail(r, 500, "InternalError", "out of memory");
			return MHD_YES;
		}
		r->route = &srv_routes[idx];
		r->route_idx = idx;
		struct qctx q = { .r = r };
		MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, on_arg, &q);
		if (q.bad) {
			cn->early = srv_fail(r, 400, "InvalidParameter", "%s", q.why);
			return MHD_YES;
		}
		cn->limit = (r->route->flags & RF_BIG) ? s->o.max_event_body : s->o.max_body;
		cg_buf_init(&cn->body, cn->limit);
		const char *cl = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl) {
			char *end;
			errno = 0;
			unsigned long long n = strtoull(cl, &end, 10);
			if (errno || *end || n > cn->limit) {
				cn->early = srv_fail(r, 413, "PayloadTooLarge",
						     "the body is larger than %zu bytes", cn->limit);
				return MHD_YES;
			}
		}
		return MHD_YES;
	}

	if (*upload_size) {
		if (!cn->early && !cn->too_big &&
		    cg_buf_append(&cn->body, upload, *upload_size) != CG_OK) {
			cn->too_big = true;
			cg_buf_release(&cn->body);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (cn->answered)
		return MHD_YES;
	struct srv_req *r = &cn->r;
	if (cn->early)
		return send_answer(s, c, cn);
	if (cn->too_big) {
		srv_fail(r, 413, "PayloadTooLarge", "the body is larger than %zu bytes", cn->limit);
		return send_answer(s, c, cn);
	}
	r->body = cn->body.data;
	r->body_len = cn->body.len;
	r->content_type = header(c, MHD_HTTP_HEADER_CONTENT_TYPE);
	r->if_none_match = header(c, MHD_HTTP_HEADER_IF_NONE_MATCH);
	const char *auth = header(c, MHD_HTTP_HEADER_AUTHORIZATION);
	if (auth && strncasecmp(auth, "Bearer ", 7) == 0) {
		const char *t = auth + 7;
		while (*t == ' ')
			t++;
		if (*t && strlen(t) <= 256)
			r->bearer = t;
	}
	dispatch(s, r);
	return send_answer(s, c, cn);
}

/* ---- start and stop ----------------------------------------------------------------- */

static cg_err_t parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len,
			     struct cg_error *err)
{
	char host[256];
	const char *port;
	const char *colon = strrchr(listen, ':');
	if (!colon)
		return cg_error_set(err, CG_ERR_ARG, "--listen %s: HOST:PORT", listen);
	size_t hl = (size_t)(colon - listen);
	if (hl >= sizeof host)
		return cg_error_set(err, CG_ERR_ARG, "--listen: host too long");
	memcpy(host, listen, hl);
	host[hl] = 0;
	port = colon + 1;
	if (host[0] == '[' && hl >= 2 && host[hl - 1] == ']') {
		memmove(host, host + 1, hl - 2);
		host[hl - 2] = 0;
	}
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE }, *ai = NULL;
	int rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
	if (rc != 0 || !ai)
		return cg_error_set(err, CG_ERR_ARG, "--listen %s: %s", listen, gai_strerror(rc));
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return CG_OK;
}

CG_PRINTF(2, 0) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct srv *s = cls;
	char line[512];
	vsnprintf(line, sizeof line, fmt, ap);
	size_t n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = 0;
	if (s->o.log)
		s->o.log(line, s->o.log_ud);
}

static char *default_db_url(const char *data_dir, const char *db_url)
{
	char buf[4200];
	if (db_url && *db_url)
		return strdup(db_url);
	if (!data_dir)
		return NULL;
	snprintf(buf, sizeof buf, "sqlite:%s/cguard.db", data_dir);
	return strdup(buf);
}

static cg_err_t read_pem(const char *path, struct cg_buf *b, struct cg_error *err)
{
	cg_buf_init(b, 1 << 20);
	return cg_buf_read_file(b, AT_FDCWD, path, err);
}

cg_err_t cg_server_run(const struct cg_server_opts *opts, volatile sig_atomic_t *stop,
		       struct cg_error *err)
{
	struct srv s = { .o = *opts };
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER, wlock = PTHREAD_MUTEX_INITIALIZER;
	struct cg_buf cert = CG_BUF_INIT(0), key = CG_BUF_INIT(0);
	struct MHD_Daemon *d = NULL;
	struct cg_db *db = NULL;
	cg_err_t e = CG_OK;

	s.dbs_lock = &lock;
	s.write_lock = &wlock;
	if (!s.o.listen)
		s.o.listen = "127.0.0.1:8080";
	if (!s.o.threads)
		s.o.threads = 4;
	if (!s.o.connection_timeout)
		s.o.connection_timeout = 30;
	if (!s.o.max_connections)
		s.o.max_connections = 512;
	if (!s.o.session_idle_hours)
		s.o.session_idle_hours = 12;
	if (!s.o.heartbeat_interval)
		s.o.heartbeat_interval = 30;
	if (!s.o.max_body)
		s.o.max_body = 1 << 20;
	if (!s.o.max_event_body)
		s.o.max_event_body = 8 << 20;
	if (!s.o.audit_retention_days)
		s.o.audit_retention_days = 180;
	if (s.o.data_dir && mkdir(s.o.data_dir, 0700) != 0 && errno != EEXIST)
		return cg_error_set(err, CG_ERR_IO, "%s: %s", s.o.data_dir, strerror(errno));
	s.db_url = default_db_url(s.o.data_dir, s.o.db_url);
	if (!s.db_url)
		return cg_error_set(err, CG_ERR_ARG, "give --data DIR or --db URL");
	s.m.req = calloc((srv_n_routes + 1) * SRV_STATUS_SLOTS, sizeof *s.m.req);
	if (!s.m.req) {
		e = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((e = cg_db_open(s.db_url, &db, err)) != CG_OK || (e = cg_db_migrate(db, err)) != CG_OK ||
	    (e = iam_bootstrap(db, s.o.data_dir, err)) != CG_OK)
		goto out;
	(void)iam_dummy_hash();

	struct sockaddr_storage ss;
	socklen_t sl;
	if ((e = parse_listen(s.o.listen, &ss, &sl, err)) != CG_OK)
		goto out;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (s.o.tls_cert || s.o.tls_key) {
		if (!s.o.tls_cert || !s.o.tls_key) {
			e = cg_error_set(err, CG_ERR_ARG, "TLS needs both --tls-cert and --tls-key");
			goto out;
		}
		if ((e = read_pem(s.o.tls_cert, &cert, err)) != CG_OK ||
		    (e = read_pem(s.o.tls_key, &key, err)) != CG_OK)
			goto out;
		flags |= MHD_USE_TLS;
		s.tls = true;
	}
	struct MHD_OptionItem tls_opts[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cg_buf_str(&cert) },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cg_buf_str(&key) },
		{ MHD_OPTION_END, 0, NULL },
	};
	d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &s,
			     MHD_OPTION_EXTERNAL_LOGGER, mhd_log, &s,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			     MHD_OPTION_THREAD_POOL_SIZE, s.o.threads,
			     MHD_OPTION_CONNECTION_LIMIT, s.o.max_connections,
			     MHD_OPTION_PER_IP_CONNECTION_LIMIT, s.o.max_connections < 128 ? s.o.max_connections : 128u,
			     MHD_OPTION_CONNECTION_TIMEOUT, s.o.connection_timeout,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
			     MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, &s,
			     MHD_OPTION_UNESCAPE_CALLBACK, unescape_none, &s,
			     MHD_OPTION_ARRAY, s.tls ? tls_opts : tls_opts + 2,
			     MHD_OPTION_END);
	if (!d) {
		e = cg_error_set(err, CG_ERR_IO, "cannot listen on %s (%s)", s.o.listen,
				 errno ? strerror(errno) : "libmicrohttpd refused the options");
		goto out;
	}
	if (s.o.ready) {
		const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
		char addr[300];
		snprintf(addr, sizeof addr, "%s://%s (port %u)", s.tls ? "https" : "http", s.o.listen,
			 di ? di->port : 0);
		s.o.ready(addr, s.o.log_ud);
	}
	time_t last_prune = 0;
	while (!*stop) {
		struct timespec ts = { 0, 200 * 1000000 };
		nanosleep(&ts, NULL);
		time_t now = time(NULL);
		if (now - last_prune >= 3600) {
			struct cg_error perr = { 0 };
			int64_t pruned = 0;
			int64_t before = srv_now_ms() - (int64_t)s.o.audit_retention_days * 86400000LL;
			if (cg_audit_prune(db, before, &pruned, &perr) != CG_OK && s.o.log) {
				char line[600];
				snprintf(line, sizeof line, "audit prune: %s", cg_error_message(&perr));
				s.o.log(line, s.o.log_ud);
			}
			last_prune = now;
		}
	}
out:
	if (d)
		MHD_stop_daemon(d);
	for (size_t i = 0; i < s.n_dbs; i++)
		cg_db_close(s.dbs[i]);
	free(s.dbs);
	cg_db_close(db);
	free(s.m.req);
	free(s.db_url);
	cg_buf_release(&cert);
	cg_buf_release(&key);
	return e;
}

cg_err_t cg_server_audit_verify(const char *data_dir, const char *db_url, uint64_t *checked,
				struct cg_error *err)
{
	char *url = default_db_url(data_dir, db_url);
	struct cg_db *db = NULL;
	if (!url)
		return cg_error_set(err, CG_ERR_ARG, "give --data DIR or --db URL");
	cg_err_t e = cg_db_open(url, &db, err);
	free(url);
	if (e != CG_OK)
		return e;
	uint64_t bad = 0;
	char why[512] = "";
	e = cg_audit_verify(db, &bad, why, sizeof why, err);
	cg_db_close(db);
	if (e == CG_ERR_INTEGRITY)
		return cg_error_set(err, e, "audit record %" PRIu64 ": %s", bad, why);
	if (e == CG_OK && checked)
		*checked = 0;
	if (e == CG_OK)
		cg_error_set(err, CG_OK, "%s", why);
	return e;
}

cg_err_t cg_server_routes_json(struct cg_buf *out, struct cg_error *err)
{
	cg_json *a = cg_json_new_array();
	for (size_t i = 0; a && i < srv_n_routes; i++) {
		const struct srv_route *rt = &srv_routes[i];
		cg_json *o = cg_json_new_object();
		const char *auth = (rt->flags & RF_PUBLIC) ? "public"
				   : (rt->flags & RF_AGENT) ? "agent"
				   : (rt->flags & RF_JOIN)  ? "join"
							    : "user";
		if (!o || cg_json_set_str(o, "method", srv_method_name(rt->method)) != CG_OK ||
		    cg_json_set_str(o, "path", rt->path) != CG_OK ||
		    cg_json_set_str(o, "action", rt->action) != CG_OK ||
		    cg_json_set_str(o, "audit", rt->audit) != CG_OK ||
		    cg_json_set_str(o, "auth", auth) != CG_OK ||
		    cg_json_set_bool(o, "changes", rt->flags & RF_CHANGE) != CG_OK ||
		    cg_json_set_bool(o, "feature", rt->flags & RF_FEATURE) != CG_OK ||
		    cg_json_append(a, o) != CG_OK) {
			cg_json_free(a);
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		}
	}
	if (!a)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	cg_err_t e = cg_json_dump(a, CG_JSON_PRETTY, out);
	cg_json_free(a);
	return e;
}

/* ---- tests and fuzzing ------------------------------------------------------------ */

struct srv *srv_test_new(void)
{
	struct srv *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->o.threads = 1;
	s->o.connection_timeout = 30;
	s->o.session_idle_hours = 12;
	s->o.heartbeat_interval = 30;
	s->o.max_body = 1 << 20;
	s->o.max_event_body = 8 << 20;
	s->m.req = calloc((srv_n_routes + 1) * SRV_STATUS_SLOTS, sizeof *s->m.req);
	if (!s->m.req) {
		free(s);
		return NULL;
	}
	return s;
}

void srv_test_free(struct srv *s)
{
	if (!s)
		return;
	free(s->m.req);
	free(s);
}

int srv_request_raw(struct srv *s, struct cg_db *db, const char *method, const char *url,
		    const char *body, size_t len, const char *user_id, cg_json **resp)
{
	struct srv_req r = { .srv = s, .db = db };
	char path[SRV_PATH_MAX], raw[SRV_PATH_MAX];
	const char *why;
	size_t idx = 0;
	int st;

	if (resp)
		*resp = NULL;
	cg_buf_init(&r.raw, 64 << 20);
	r.method = srv_method_parse(method);
	const char *q = strchr(url, '?');
	size_t pl = q ? (size_t)(q - url) : strlen(url);
	if (pl >= sizeof raw) {
		st = 414;
		goto out;
	}
	memcpy(raw, url, pl);
	raw[pl] = 0;
	if ((st = srv_normalise_path(raw, path, sizeof path, &why)))
		goto out;
	if ((st = srv_route_match(path, r.method, &idx, r.params, &r.n_params, r.allow, sizeof r.allow)))
		goto out;
	r.route = &srv_routes[idx];
	r.route_idx = idx;
	if (q) {
		char *qs = strdup(q + 1), *save = NULL;
		if (!qs) {
			st = 500;
			goto out;
		}
		for (char *kv = strtok_r(qs, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
			char *eq = strchr(kv, '=');
			if (eq)
				*eq = 0;
			if (r.n_query >= SRV_MAX_QUERY) {
				st = 400;
				break;
			}
			char *k = strdup(kv), *v = strdup(eq ? eq + 1 : "");
			if (!k || !v || !srv_unescape(k) || !srv_unescape(v) || !cg_utf8_valid(k, strlen(k)) ||
			    !cg_utf8_valid(v, strlen(v))) {
				free(k);
				free(v);
				st = 400;
				break;
			}
			r.query[r.n_query].k = k;
			r.query[r.n_query].v = v;
			r.n_query++;
		}
		free(qs);
		if (st)
			goto out;
	}
	if (len > ((r.route->flags & RF_BIG) ? s->o.max_event_body : s->o.max_body)) {
		st = 413;
		goto out;
	}
	r.body = body;
	r.body_len = len;
	snprintf(r.user_id, sizeof r.user_id, "%s", user_id ? user_id : "");
	snprintf(r.user_name, sizeof r.user_name, "%s", "fuzz");
	snprintf(r.cluster_id, sizeof r.cluster_id, "%s", "fuzz-cluster");
	snprintf(r.node_name, sizeof r.node_name, "%s", "fuzz-node");
	snprintf(r.trace_id, sizeof r.trace_id, "%s", "0123456789abcdef0123456789abcdef");
	if (cg_db_begin(db, NULL) != CG_OK) {
		st = 500;
		goto out;
	}
	st = r.route->handler(&r);
	if (st < 400 && (r.route->flags & RF_CHANGE))
		(void)srv_audit(&r, NULL, "normal", st, NULL);
	while (cg_db_depth(db) > 0)
		cg_db_rollback(db);
	if (resp && r.resp) {
		*resp = r.resp;
		r.resp = NULL;
	}
out:
	req_free(&r);
	return st;
}
