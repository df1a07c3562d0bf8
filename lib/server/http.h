/* cguard server internals: the request/response helpers every handler uses.
 *
 * A handler gets a struct srv_req (route, path parameters, query, parsed body,
 * caller identity, the thread's store) and returns the HTTP status; the body is
 * r->resp (JSON) or r->raw (other content types). Errors go through srv_fail(),
 * which makes {"code": ..., "message": ...}. */
#ifndef CG_SERVER_HTTP_H
#define CG_SERVER_HTTP_H

#include <cguard/cguard.h>
#include <cguard/server.h>
#include "server/db.h"

#define SRV_MAX_PARAMS 4
#define SRV_MAX_QUERY 32
#define SRV_PATH_MAX 1024
#define SRV_NAME_MAX 128

enum srv_method { GET, POST, PUT, PATCH, DELETE, HEAD_, OPTIONS_, M_OTHER };

enum srv_route_flags {
	RF_PUBLIC = 1 << 0,
	RF_AGENT = 1 << 1,
	RF_JOIN = 1 << 2,
	RF_CHANGE = 1 << 3,
	RF_FEATURE = 1 << 4,
	RF_BIG = 1 << 5,
	RF_OWNTX = 1 << 6,
};

struct srv_req;
typedef int (*srv_handler)(struct srv_req *r);

struct srv_route {
	enum srv_method method;
	const char *path;
	const char *action;
	srv_handler handler;
	const char *audit;
	unsigned flags;
};

extern const struct srv_route srv_routes[];
extern const size_t srv_n_routes;
const char *srv_method_name(enum srv_method m);
enum srv_method srv_method_parse(const char *s);

struct srv_kv {
	char *k, *v;
};

struct srv;

struct srv_req {
	struct srv *srv;
	const struct srv_route *route;
	size_t route_idx;
	struct cg_db *db;
	enum srv_method method;
	char *params[SRV_MAX_PARAMS];
	size_t n_params;
	struct srv_kv query[SRV_MAX_QUERY];
	size_t n_query;
	const char *body;
	size_t body_len;
	cg_json *json; /* the parsed body, when a handler asked for it */
	const char *if_none_match;
	const char *content_type;
	const char *bearer; /* the token of the Authorization header (never logged) */

	/* the caller */
	char user_id[65]; /* "": none */
	char user_name[SRV_NAME_MAX + 1];
	char token_hash[65];
	char node_id[65];  /* agent routes */
	char cluster_id[65]; /* agent and join routes */
	char node_name[SRV_NAME_MAX * 2];
	bool node_protected;
	char source_ip[64];
	char trace_id[33];

	/* the answer */
	int status;
	cg_json *resp;
	struct cg_buf raw;
	const char *raw_type;
	char etag[80];
	char allow[64];
	bool commit_on_error; /* a failing change that must still be kept (failed login) */
	bool wlocked;         /* holds the server's SQLite writer lock */

	/* the audit record of a change */
	const char *audit_event; /* overrides the route's name */
	const char *audit_level; /* "normal" (default), "warning", "incident" */
	char res_type[32];
	char res_id[80];
	char res_name[SRV_NAME_MAX * 2];
	cg_json *audit_request; /* the request as recorded (redacted); default: the body */
};

/* ---- answers --------------------------------------------------------------- */
/* Set an error answer and return status. */
int srv_fail(struct srv_req *r, int status, const char *code, const char *fmt, ...)
	CG_PRINTF(4, 5);
/* Map a store error to 404/409/400/500 with its message. */
int srv_fail_err(struct srv_req *r, cg_err_t e, const struct cg_error *err);
/* Answer with j (stolen). */
int srv_json(struct srv_req *r, int status, cg_json *j);
/* Set the resource an audit record names. */
void srv_res(struct srv_req *r, const char *type, const char *id, const char *name);
void srv_res_int(struct srv_req *r, const char *type, int64_t id, const char *name);

/* ---- request parts --------------------------------------------------------- */
/* Parse the body as a JSON object (415 for a non-JSON content type, 400 for bad
 * JSON). Returns 0 or the failure status (already answered). */
int srv_body_object(struct srv_req *r);
const char *srv_query(const struct srv_req *r, const char *name);
/* Query parameters must all be in allowed (NULL-terminated) or 400. */
int srv_query_check(struct srv_req *r, const char *const *allowed);
/* A new random id (32 hex chars). */
void srv_new_id(char out[33]);
/* Find a row by id or name: sql selects (id, name) with $1 matching either.
 * 0 found, else 404 (answered) naming what. */
int srv_lookup(struct srv_req *r, const char *sql, const char *key, const char *what,
	       char id[65], char name[SRV_NAME_MAX * 2]);
/* Begin the change's transaction (routes with RF_OWNTX begin it themselves after
 * their slow work, e.g. password hashing). 0 or 500. */
int srv_tx_begin(struct srv_req *r);
/* Take / drop the writer lock (SQLite only; no-ops on PostgreSQL or when held). */
void srv_write_lock(struct srv_req *r);
void srv_write_unlock(struct srv_req *r);
/* Seconds since the epoch. */
int64_t srv_now_s(void);

/* limit/offset/sort/order: sort must be in sort_cols (pairs of API name and
 * column, NULL-terminated); writes " ORDER BY col ASC|DESC LIMIT n OFFSET m". */
struct srv_page {
	int64_t limit, offset;
	const char *sort_col;
	bool desc;
};
int srv_page(struct srv_req *r, const char *const *sort_cols, const char *def_sort,
	     bool def_desc, struct srv_page *p);

/* ---- building SQL with a list of parameters -------------------------------- */
struct srv_sql {
	struct cg_buf sql;
	struct cg_db_val v[32];
	size_t n;
	bool bad;
};
void srv_sql_init(struct srv_sql *q, const char *base);
/* Append text; "$?" in the text is replaced by the next placeholder number and
 * binds val. */
void srv_sql_add(struct srv_sql *q, const char *text, struct cg_db_val val);
void srv_sql_raw(struct srv_sql *q, const char *text);
void srv_sql_release(struct srv_sql *q);

/* A whole list answer: filters (query parameter -> SQL condition with one $?),
 * sort whitelist, pagination; "from" may use $1..$n_base bound to base[]. */
struct srv_filter {
	const char *param;
	const char *cond;
};
int srv_list_run(struct srv_req *r, const char *select, const char *from,
		 const struct cg_db_val *base, size_t n_base, const struct srv_filter *filters,
		 const char *const *sort_cols, const char *def_sort, bool def_desc,
		 const char *tiebreak);

/* ---- rows to JSON ---------------------------------------------------------- */
/* Row i of rs as an object; columns whose name ends in "_b" are booleans, "_j"
 * JSON documents, "_i" integers, "_ts" unix seconds and "_tms" unix ms (as RFC 3339
 * strings, null for 0); the suffix is dropped from the key. */
cg_json *srv_row_object(const struct cg_db_rows *rs, size_t i);
/* {"total": total, "items": [rows...]} */
cg_json *srv_list(const struct cg_db_rows *rs, int64_t total);

/* {"k1": v1, "k2": v2, ...} from NULL-terminated pairs; values are stolen (a NULL
 * value makes the result NULL). */
cg_json *srv_obj(const char *k, ...);
cg_json *srv_str(const char *s); /* a string, or null for NULL / non-UTF-8 */

/* ---- odds and ends --------------------------------------------------------- */
int64_t srv_now_ms(void);
/* 32 random bytes as 64 hex chars (a token). */
cg_err_t srv_random_hex(char *out, size_t bytes);
/* sha256 hex of s */
void srv_sha256_hex(const void *p, size_t n, char out[65]);
/* Copy the object with secret fields (password, token, join_token, secret...)
 * replaced by "***". New reference. */
cg_json *srv_redact(const cg_json *j);
/* A validated name: 1..max bytes of printable UTF-8 without control chars. */
bool srv_name_ok(const char *s, size_t max);
/* RFC 3339 (UTC, "Z" or offset) to ms since the epoch. */
bool srv_parse_time(const char *s, int64_t *ms);
void srv_format_time(int64_t ms, char out[32]);

/* Path normalisation: decode %XX, reject "..", ".", "//", encoded '/', '\\', NUL
 * and control characters. 0 or 400. */
int srv_normalise_path(const char *raw, char *out, size_t outsz, const char **why);
/* Percent-decode a query value in place ('+' is a space); false on %00 or bad %. */
bool srv_unescape(char *s);
/* Find the route for method+path: 0 found (params filled), 404 no path, 405 method
 * (allow filled). */
int srv_route_match(const char *path, enum srv_method m, size_t *idx, char **params,
		    size_t *n_params, char *allow, size_t allowsz);

/* ---- the audit record of the request (inside the caller's transaction) ------- */
cg_err_t srv_audit(struct srv_req *r, const char *event, const char *level, int result,
		   struct cg_error *err);

/* ---- handlers -------------------------------------------------------------- */
#define ROUTE(m, p, a, h, e, f) int h(struct srv_req *r);
#include "server/routes.def"
#undef ROUTE

#endif

/* ---- the server (server.c) --------------------------------------------------- */
#define SRV_STATUS_SLOTS 17
struct srv_metrics {
	uint64_t *req; /* [(n_routes + 1) * SRV_STATUS_SLOTS] */
	uint64_t lat_bucket[12];
	uint64_t lat_sum_us;
	uint64_t lat_count;
	uint64_t events_accepted;
	uint64_t events_duplicate;
	uint64_t db_errors;
	uint64_t logins_failed;
};
extern const int srv_status_codes[SRV_STATUS_SLOTS];
extern const double srv_lat_bounds_ms[11];

struct srv {
	struct cg_server_opts o;
	char *db_url;
	char *data_dir;
	bool tls;
	int agency_ok; /* cached once agreed (it cannot be withdrawn) */
	struct srv_metrics m;
	void *dbs_lock; /* pthread_mutex_t */
	void *write_lock; /* pthread_mutex_t: one SQLite writer at a time, queued in the
			   * process instead of sleeping in SQLite's busy handler */
	struct cg_db **dbs;
	size_t n_dbs, cap_dbs;
};

/* ---- tests and fuzzing (server.c) -------------------------------------------- */
/* A server without a daemon (defaults as cg_server_run's). */
struct srv *srv_test_new(void);
void srv_test_free(struct srv *s);
/* One raw request (METHOD, URL with query, body) through path normalisation,
 * routing, query parsing and the route's handler, as the signed-in user user_id
 * (authentication, IAM and agency are not checked; a change is rolled back).
 * Returns the status; *resp (optional) gets the JSON answer. */
int srv_request_raw(struct srv *s, struct cg_db *db, const char *method, const char *url,
		    const char *body, size_t len, const char *user_id, cg_json **resp);
