/* cguard server: request/response helpers, path normalisation, routing. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <openssl/sha.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/events.h"
#include "server/http.h"
#include "util/utf8.h"
#include "util/banned.h"

const struct srv_route srv_routes[] = {
#define ROUTE(m, p, a, h, e, f) { m, p, a, h, e, f },
#include "server/routes.def"
#undef ROUTE
};
const size_t srv_n_routes = sizeof srv_routes / sizeof srv_routes[0];

static const char *const method_names[] = { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD",
					    "OPTIONS", "?" };

const char *srv_method_name(enum srv_method m)
{
	return method_names[m <= M_OTHER ? m : M_OTHER];
}

enum srv_method srv_method_parse(const char *s)
{
	for (int i = 0; i < M_OTHER; i++)
		if (strcmp(s, method_names[i]) == 0)
			return (enum srv_method)i;
	return M_OTHER;
}

/* ---- answers --------------------------------------------------------------- */

static cg_json *err_object(const char *code, const char *msg)
{
	cg_json *j = cg_json_new_object();
	if (!j)
		return NULL;
	if (cg_json_set_str(j, "code", code) != CG_OK || cg_json_set_str(j, "message", msg) != CG_OK) {
		cg_json_free(j);
		return NULL;
	}
	return j;
}

int srv_fail(struct srv_req *r, int status, const char *code, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* messages may quote input: keep them valid UTF-8 */
	if (!cg_utf8_valid(msg, strlen(msg)))
		snprintf(msg, sizeof msg, "%s", "invalid request");
	cg_json_free(r->resp);
	r->resp = err_object(code, msg);
	r->status = status;
	return status;
}

int srv_fail_err(struct srv_req *r, cg_err_t e, const struct cg_error *err)
{
	const char *m = cg_error_message(err);
	switch (e) {
	case CG_ERR_NOTFOUND:
		return srv_fail(r, 404, "NotFound", "%s", m);
	case CG_ERR_EXISTS:
		return srv_fail(r, 409, "Conflict", "%s", m);
	case CG_ERR_INVALID:
	case CG_ERR_ARG:
		return srv_fail(r, 400, "InvalidRequest", "%s", m);
	case CG_ERR_LIMIT:
		return srv_fail(r, 413, "TooLarge", "%s", m);
	case CG_ERR_DENIED:
		return srv_fail(r, 403, "Forbidden", "%s", m);
	default:
		return srv_fail(r, 500, "InternalError", "the request failed (%s)", cg_strerror(e));
	}
}

int srv_json(struct srv_req *r, int status, cg_json *j)
{
	cg_json_free(r->resp);
	r->resp = j;
	r->status = j ? status : 500;
	if (!j)
		return srv_fail(r, 500, "InternalError", "out of memory");
	return status;
}

void srv_res(struct srv_req *r, const char *type, const char *id, const char *name)
{
	snprintf(r->res_type, sizeof r->res_type, "%s", type ? type : "");
	snprintf(r->res_id, sizeof r->res_id, "%s", id ? id : "");
	snprintf(r->res_name, sizeof r->res_name, "%s", name ? name : "");
}

void srv_res_int(struct srv_req *r, const char *type, int64_t id, const char *name)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%" PRId64, id);
	srv_res(r, type, buf, name);
}

/* ---- request parts --------------------------------------------------------- */

int srv_body_object(struct srv_req *r)
{
	if (r->json)
		return 0;
	if (r->content_type && strncasecmp(r->content_type, "application/json", 16) != 0)
		return srv_fail(r, 415, "UnsupportedMediaType", "the body must be application/json");
	if (!r->body || r->body_len == 0)
		return srv_fail(r, 400, "InvalidRequest", "a JSON object body is required");
	struct cg_json_limits lim = { .max_bytes = r->body_len + 1, .max_depth = 16 };
	struct cg_error err = { 0 };
	cg_json *j = NULL;
	if (cg_json_parse(r->body, r->body_len, &lim, &j, &err) != CG_OK)
		return srv_fail(r, 400, "InvalidJSON", "the body is not valid JSON: %s",
				cg_error_message(&err));
	if (!cg_json_is_object(j)) {
		cg_json_free(j);
		return srv_fail(r, 400, "InvalidRequest", "the body must be a JSON object");
	}
	r->json = j;
	return 0;
}

const char *srv_query(const struct srv_req *r, const char *name)
{
	for (size_t i = 0; i < r->n_query; i++)
		if (strcmp(r->query[i].k, name) == 0)
			return r->query[i].v;
	return NULL;
}

int srv_query_check(struct srv_req *r, const char *const *allowed)
{
	for (size_t i = 0; i < r->n_query; i++) {
		bool ok = false;
		for (size_t j = 0; allowed && allowed[j]; j++)
			if (strcmp(r->query[i].k, allowed[j]) == 0)
				ok = true;
		if (!ok)
			return srv_fail(r, 400, "InvalidParameter", "unknown query parameter \"%.64s\"",
					r->query[i].k);
		for (size_t j = 0; j < i; j++)
			if (strcmp(r->query[i].k, r->query[j].k) == 0)
				return srv_fail(r, 400, "InvalidParameter",
						"query parameter \"%.64s\" given twice", r->query[i].k);
	}
	return 0;
}

static bool parse_i64(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	char *end;
	if (!s || !*s || !(isdigit((unsigned char)*s) || *s == '-'))
		return false;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

void srv_new_id(char out[33])
{
	if (srv_random_hex(out, 16) != CG_OK)
		snprintf(out, 33, "%016llx%016llx", (unsigned long long)srv_now_ms(),
			 (unsigned long long)(uintptr_t)out);
}

int srv_lookup(struct srv_req *r, const char *sql, const char *key, const char *what,
	       char id[65], char name[SRV_NAME_MAX * 2])
{
	struct cg_db_rows *rs = NULL;
	struct cg_error err = { 0 };
	if (!key || !*key || strlen(key) > 256)
		return srv_fail(r, 404, "NotFound", "no such %s", what);
	struct cg_db_val v[1] = { CG_DB_TEXTV(key) };
	cg_err_t e = cg_db_query(r->db, sql, v, 1, &rs, &err);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	if (cg_db_rows_count(rs) == 0) {
		cg_db_rows_free(rs);
		return srv_fail(r, 404, "NotFound", "no such %s: %.200s", what, key);
	}
	snprintf(id, 65, "%s", cg_db_rows_text(rs, 0, 0));
	if (name)
		snprintf(name, SRV_NAME_MAX * 2, "%s", cg_db_rows_text(rs, 0, 1));
	cg_db_rows_free(rs);
	return 0;
}

void srv_write_lock(struct srv_req *r)
{
	if (r->wlocked || !r->srv || !r->srv->write_lock || cg_db_kind(r->db) != CG_DB_SQLITE)
		return;
	pthread_mutex_lock(r->srv->write_lock);
	r->wlocked = true;
}

void srv_write_unlock(struct srv_req *r)
{
	if (!r->wlocked)
		return;
	pthread_mutex_unlock(r->srv->write_lock);
	r->wlocked = false;
}

int srv_tx_begin(struct srv_req *r)
{
	struct cg_error err = { 0 };
	if (cg_db_depth(r->db) > 0)
		return 0;
	srv_write_lock(r);
	if (cg_db_begin(r->db, &err) != CG_OK)
		return srv_fail(r, 500, "InternalError", "the store failed");
	return 0;
}

int64_t srv_now_s(void)
{
	return srv_now_ms() / 1000;
}

int srv_page(struct srv_req *r, const char *const *sort_cols, const char *def_sort,
	     bool def_desc, struct srv_page *p)
{
	const char *l = srv_query(r, "limit"), *o = srv_query(r, "offset");
	const char *s = srv_query(r, "sort"), *ord = srv_query(r, "order");
	p->limit = 50;
	p->offset = 0;
	p->desc = def_desc;
	p->sort_col = NULL;
	if (l && !parse_i64(l, 1, 1000, &p->limit))
		return srv_fail(r, 400, "InvalidParameter", "limit: an integer from 1 to 1000");
	if (o && !parse_i64(o, 0, 100000000, &p->offset))
		return srv_fail(r, 400, "InvalidParameter", "offset: an integer from 0");
	if (ord) {
		if (strcmp(ord, "asc") == 0)
			p->desc = false;
		else if (strcmp(ord, "desc") == 0)
			p->desc = true;
		else
			return srv_fail(r, 400, "InvalidParameter", "order: asc or desc");
	}
	const char *want = s ? s : def_sort;
	for (size_t i = 0; sort_cols && sort_cols[i]; i += 2)
		if (strcmp(sort_cols[i], want) == 0)
			p->sort_col = sort_cols[i + 1];
	if (!p->sort_col) {
		char names[256] = "";
		size_t off = 0;
		for (size_t i = 0; sort_cols && sort_cols[i] && off < sizeof names; i += 2)
			off += (size_t)snprintf(names + off, sizeof names - off, "%s%s", i ? ", " : "",
						sort_cols[i]);
		return srv_fail(r, 400, "InvalidParameter", "sort: one of %s", names);
	}
	return 0;
}

/* ---- SQL ------------------------------------------------------------------- */

void srv_sql_init(struct srv_sql *q, const char *base)
{
	cg_buf_init(&q->sql, 16384);
	q->n = 0;
	q->bad = cg_buf_puts(&q->sql, base) != CG_OK;
}

void srv_sql_raw(struct srv_sql *q, const char *text)
{
	if (cg_buf_puts(&q->sql, text) != CG_OK)
		q->bad = true;
}

void srv_sql_add(struct srv_sql *q, const char *text, struct cg_db_val val)
{
	if (q->n >= sizeof q->v / sizeof q->v[0]) {
		q->bad = true;
		return;
	}
	q->v[q->n++] = val;
	for (const char *p = text; *p; p++) {
		if (p[0] == '$' && p[1] == '?') {
			if (cg_buf_printf(&q->sql, "$%zu", q->n) != CG_OK)
				q->bad = true;
			p++;
		} else if (cg_buf_putc(&q->sql, *p) != CG_OK) {
			q->bad = true;
		}
	}
}

void srv_sql_release(struct srv_sql *q)
{
	cg_buf_release(&q->sql);
}

int srv_list_run(struct srv_req *r, const char *select, const char *from,
		 const struct cg_db_val *base, size_t n_base, const struct srv_filter *filters,
		 const char *const *sort_cols, const char *def_sort, bool def_desc,
		 const char *tiebreak)
{
	const char *allowed[SRV_MAX_QUERY + 8];
	size_t na = 0;
	struct srv_page pg;
	struct srv_sql q;
	struct cg_error err = { 0 };
	struct cg_db_rows *rs = NULL;
	int64_t total = 0;
	int st;

	allowed[na++] = "limit";
	allowed[na++] = "offset";
	allowed[na++] = "sort";
	allowed[na++] = "order";
	for (size_t i = 0; filters && filters[i].param && na < SRV_MAX_QUERY + 7; i++)
		allowed[na++] = filters[i].param;
	allowed[na] = NULL;
	if ((st = srv_query_check(r, allowed)) || (st = srv_page(r, sort_cols, def_sort, def_desc, &pg)))
		return st;
	srv_sql_init(&q, " FROM ");
	srv_sql_raw(&q, from);
	for (size_t i = 0; i < n_base && q.n < 32; i++)
		q.v[q.n++] = base[i];
	bool where = strstr(from, " WHERE ") != NULL;
	for (size_t i = 0; filters && filters[i].param; i++) {
		const char *v = srv_query(r, filters[i].param);
		if (!v)
			continue;
		if (strlen(v) > 512)
			return srv_fail(r, 400, "InvalidParameter", "%s: too long", filters[i].param);
		srv_sql_raw(&q, where ? " AND " : " WHERE ");
		where = true;
		srv_sql_add(&q, filters[i].cond, CG_DB_TEXTV(v));
	}
	if (q.bad) {
		srv_sql_release(&q);
		return srv_fail(r, 500, "InternalError", "query too large");
	}
	struct cg_buf sql = CG_BUF_INIT(32768);
	/* with base parameters (used by the select list), count over the whole select
	 * so PostgreSQL sees every parameter used */
	cg_err_t e = n_base ? cg_buf_printf(&sql, "SELECT COUNT(*) FROM (SELECT %s%s) t", select, cg_buf_str(&q.sql))
			    : cg_buf_printf(&sql, "SELECT COUNT(*)%s", cg_buf_str(&q.sql));
	if (e == CG_OK)
		e = cg_db_query_int(r->db, sql.data, q.v, q.n, &total, &err);
	cg_buf_reset(&sql);
	if (e == CG_OK)
		e = cg_buf_printf(&sql, "SELECT %s%s ORDER BY %s %s, %s LIMIT %" PRId64 " OFFSET %" PRId64,
				  select, cg_buf_str(&q.sql), pg.sort_col, pg.desc ? "DESC" : "ASC",
				  tiebreak, pg.limit, pg.offset);
	if (e == CG_OK)
		e = cg_db_query(r->db, sql.data, q.v, q.n, &rs, &err);
	cg_buf_release(&sql);
	srv_sql_release(&q);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	cg_json *o = srv_list(rs, total);
	cg_db_rows_free(rs);
	return srv_json(r, 200, o);
}

/* ---- rows to JSON ---------------------------------------------------------- */

static bool ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && strcmp(s + a - b, suf) == 0;
}

cg_json *srv_row_object(const struct cg_db_rows *rs, size_t i)
{
	cg_json *o = cg_json_new_object();
	if (!o)
		return NULL;
	for (size_t c = 0; c < cg_db_rows_cols(rs); c++) {
		const char *name = cg_db_rows_name(rs, c);
		char key[64];
		size_t nl = strlen(name);
		cg_json *v;
		if (nl >= sizeof key || name[0] == '_')
			continue;
		snprintf(key, sizeof key, "%s", name);
		if (cg_db_rows_null(rs, i, c)) {
			char *us = strrchr(key, '_');
			if (us && (ends_with(name, "_b") || ends_with(name, "_i") || ends_with(name, "_j") ||
				   ends_with(name, "_ts") || ends_with(name, "_tms")))
				*us = 0;
			v = cg_json_new_null();
		} else if (ends_with(name, "_b")) {
			key[nl - 2] = 0;
			v = cg_json_new_bool(cg_db_rows_int(rs, i, c) != 0);
		} else if (ends_with(name, "_i")) {
			key[nl - 2] = 0;
			v = cg_json_new_int(cg_db_rows_int(rs, i, c));
		} else if (ends_with(name, "_ts") || ends_with(name, "_tms")) {
			int64_t t = cg_db_rows_int(rs, i, c);
			bool ms = ends_with(name, "_tms");
			char tb[32];
			key[nl - (ms ? 4 : 3)] = 0;
			if (t == 0) {
				v = cg_json_new_null();
			} else {
				srv_format_time(ms ? t : t * 1000, tb);
				v = cg_json_new_string(tb);
			}
		} else if (ends_with(name, "_j")) {
			key[nl - 2] = 0;
			cg_json *d = NULL;
			if (cg_json_parse(cg_db_rows_text(rs, i, c), cg_db_rows_len(rs, i, c), NULL, &d,
					  NULL) != CG_OK)
				d = cg_json_new_null();
			v = d;
		} else {
			v = cg_json_new_stringn(cg_db_rows_text(rs, i, c), cg_db_rows_len(rs, i, c));
			if (!v) /* not UTF-8 */
				v = cg_json_new_null();
		}
		if (cg_json_set(o, key, v) != CG_OK) {
			cg_json_free(o);
			return NULL;
		}
	}
	return o;
}

cg_json *srv_list(const struct cg_db_rows *rs, int64_t total)
{
	cg_json *o = cg_json_new_object(), *items = cg_json_new_array();
	if (!o || !items)
		goto fail;
	for (size_t i = 0; rs && i < cg_db_rows_count(rs); i++)
		if (cg_json_append(items, srv_row_object(rs, i)) != CG_OK)
			goto fail;
	if (cg_json_set_int(o, "total", total) != CG_OK)
		goto fail;
	if (cg_json_set(o, "items", items) != CG_OK) {
		items = NULL;
		goto fail;
	}
	return o;
fail:
	cg_json_free(items);
	cg_json_free(o);
	return NULL;
}

cg_json *srv_obj(const char *k, ...)
{
	va_list ap;
	cg_json *o = cg_json_new_object();
	bool bad = !o;
	va_start(ap, k);
	for (const char *key = k; key; key = va_arg(ap, const char *)) {
		cg_json *v = va_arg(ap, cg_json *);
		if (bad || cg_json_set(o, key, v) != CG_OK) {
			if (bad)
				cg_json_free(v);
			bad = true;
		}
	}
	va_end(ap);
	if (bad) {
		cg_json_free(o);
		return NULL;
	}
	return o;
}

cg_json *srv_str(const char *s)
{
	cg_json *j = s ? cg_json_new_string(s) : NULL;
	return j ? j : cg_json_new_null();
}

/* ---- odds and ends --------------------------------------------------------- */

int64_t srv_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

cg_err_t srv_random_hex(char *out, size_t bytes)
{
	unsigned char b[64];
	if (bytes > sizeof b || RAND_bytes(b, (int)bytes) != 1)
		return CG_ERR_IO;
	for (size_t i = 0; i < bytes; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return CG_OK;
}

void srv_sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256(p, n, md);
	for (size_t i = 0; i < sizeof md; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static bool secret_key(const char *k)
{
	static const char *const words[] = { "password", "token", "secret", "passwd", "key",
					     "authorization", "cookie", NULL };
	char low[64];
	size_t n = strlen(k);
	if (n >= sizeof low)
		n = sizeof low - 1;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)k[i]);
	low[n] = 0;
	for (size_t i = 0; words[i]; i++)
		if (strstr(low, words[i]))
			return true;
	return false;
}

static cg_json *redact_rec(const cg_json *j, int depth)
{
	if (depth > 32)
		return cg_json_new_string("***");
	if (cg_json_is_object(j)) {
		cg_json *o = cg_json_new_object();
		for (void *it = cg_json_iter(j); o && it; it = cg_json_iter_next(j, it)) {
			const char *k = cg_json_iter_key(it);
			cg_json *v = secret_key(k) ? cg_json_new_string("***")
						   : redact_rec(cg_json_iter_value(it), depth + 1);
			if (cg_json_set(o, k, v) != CG_OK) {
				cg_json_free(o);
				return NULL;
			}
		}
		return o;
	}
	if (cg_json_is_array(j)) {
		cg_json *a = cg_json_new_array();
		for (size_t i = 0; a && i < cg_json_array_len(j); i++)
			if (cg_json_append(a, redact_rec(cg_json_array_at(j, i), depth + 1)) != CG_OK) {
				cg_json_free(a);
				return NULL;
			}
		return a;
	}
	return cg_json_ref((cg_json *)j);
}

cg_json *srv_redact(const cg_json *j)
{
	return j ? redact_rec(j, 0) : NULL;
}

bool srv_name_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > max || !cg_utf8_valid(s, n))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

bool srv_parse_time(const char *s, int64_t *ms)
{
	return s && cg_rfc3339_parse(s, strlen(s), ms) == CG_OK;
}

void srv_format_time(int64_t ms, char out[32])
{
	cg_rfc3339_format(ms, out, 32);
}

/* ---- paths and routing ------------------------------------------------------ */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int srv_normalise_path(const char *raw, char *out, size_t outsz, const char **why)
{
	size_t o = 0;
	*why = NULL;
	if (raw[0] != '/') {
		*why = "the path must start with /";
		return 400;
	}
	for (const char *p = raw; *p; p++) {
		char c = *p;
		if (c == '%') {
			int a = hexval(p[1]), b = a >= 0 ? hexval(p[2]) : -1;
			if (a < 0 || b < 0) {
				*why = "bad percent-encoding in the path";
				return 400;
			}
			c = (char)(a * 16 + b);
			p += 2;
			if (c == '/' || c == '\\' || c == 0 || c == '%') {
				*why = "encoded '/', '\\', '%' or NUL in the path";
				return 400;
			}
		}
		if ((unsigned char)c < 0x20 || c == 0x7f || c == '\\') {
			*why = "control character or '\\' in the path";
			return 400;
		}
		if (o + 1 >= outsz) {
			*why = "the path is too long";
			return 414;
		}
		out[o++] = c;
	}
	out[o] = 0;
	/* segments: no empty (//), no "." or ".." */
	for (const char *s = out + 1;; ) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if ((n == 0 && e) || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.')) {
			*why = "'//', '.' or '..' in the path";
			return 400;
		}
		if (!e)
			break;
		s = e + 1;
	}
	/* a trailing slash is dropped ("/api/v1/users/" is "/api/v1/users") */
	if (o > 1 && out[o - 1] == '/')
		out[o - 1] = 0;
	return 0;
}

bool srv_unescape(char *s)
{
	char *w = s;
	for (char *p = s; *p; p++) {
		if (*p == '+') {
			*w++ = ' ';
		} else if (*p == '%') {
			int a = hexval(p[1]), b = a >= 0 ? hexval(p[2]) : -1;
			if (a < 0 || b < 0)
				return false;
			char c = (char)(a * 16 + b);
			if (c == 0)
				return false;
			*w++ = c;
			p += 2;
		} else {
			*w++ = *p;
		}
	}
	*w = 0;
	return true;
}

/* Does path match pattern? Path parameters are copied into params. */
static bool match_one(const char *pattern, const char *path, char **params, size_t *np)
{
	const char *p = pattern, *s = path;
	size_t n = 0;
	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return false;
		p++;
		s++;
		const char *pe = strchr(p, '/'), *se = strchr(s, '/');
		size_t pl = pe ? (size_t)(pe - p) : strlen(p);
		size_t sl = se ? (size_t)(se - s) : strlen(s);
		if (pl > 0 && p[0] == '{') {
			if (sl == 0 || sl > 256 || n >= SRV_MAX_PARAMS)
				goto fail;
			if (params) {
				params[n] = strndup(s, sl);
			}
			n++;
		} else if (pl != sl || memcmp(p, s, pl) != 0) {
			goto fail;
		}
		p += pl;
		s += sl;
	}
	if (*p || *s)
		goto fail;
	*np = n;
	return true;
fail:
	if (params)
		for (size_t i = 0; i < n; i++) {
			free(params[i]);
			params[i] = NULL;
		}
	return false;
}

int srv_route_match(const char *path, enum srv_method m, size_t *idx, char **params,
		    size_t *n_params, char *allow, size_t allowsz)
{
	size_t off = 0, np;
	bool path_found = false;
	if (allowsz)
		allow[0] = 0;
	for (size_t i = 0; i < srv_n_routes; i++) {
		const struct srv_route *rt = &srv_routes[i];
		if (!match_one(rt->path, path, NULL, &np))
			continue;
		path_found = true;
		enum srv_method want = m == HEAD_ ? GET : m;
		if (rt->method == want) {
			*idx = i;
			if (!match_one(rt->path, path, params, n_params))
				return 404;
			for (size_t k = 0; k < *n_params; k++)
				if (!params[k]) {
					for (size_t j = 0; j < *n_params; j++)
						free(params[j]);
					*n_params = 0;
					return 500;
				}
			return 0;
		}
		if (off < allowsz)
			off += (size_t)snprintf(allow + off, allowsz - off, "%s%s", off ? ", " : "",
						srv_method_name(rt->method));
	}
	return path_found ? 405 : 404;
}
