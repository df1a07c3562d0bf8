/* The audit trail: a SHA-256 hash chain in the audit table (audit.h). */
#include "util/internal.h"
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include "server/audit.h"
#include "server/events.h"
#include "util/digest.h"
#include "util/utf8.h"

#define AUDIT_LOCK "7165190437296422914" /* pg_advisory_xact_lock key of the chain */
#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* The columns in the order every SELECT names them. */
#define AUDIT_COLS                                                                     \
	"seq, time, result_code, trace_id, event_name, event_type, source, user_name, " \
	"source_ip, resource_type, resource_id, resource_name, request, level, prev_hash, hash"
enum { C_SEQ, C_TIME, C_RESULT, C_TEXT0 /* trace_id */, C_REQUEST = 12, C_LEVEL, C_PREV, C_HASH, C_N };
static const char *const col_names[C_N] = {
	"seq", "time", "result_code", "trace_id", "event_name", "event_type", "source",
	"user_name", "source_ip", "resource_type", "resource_id", "resource_name", "request",
	"level", "prev_hash", "hash",
};

/* One record's fields as text (NULL for SQL NULL), from the caller or a row. */
struct arec {
	int64_t seq, time, result;
	const char *t[C_N];   /* C_TEXT0..C_HASH used */
	size_t len[C_N];
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* hash = sha256(prev_hash || compact sorted JSON of every field but hash). */
static cg_err_t record_hash(const struct arec *a, char out[CG_AUDIT_HASH_LEN + 1])
{
	struct cg_buf b = CG_BUF_INIT(CG_AUDIT_REQUEST_MAX + 64 * 1024);
	char d[CG_DIGEST_STR_LEN + 1];
	struct cg_sha256 h;
	cg_json *o = cg_json_new_object();
	cg_err_t rc = o ? CG_OK : CG_ERR_NOMEM;
	if (!rc)
		rc = cg_json_set_int(o, "seq", a->seq);
	if (!rc)
		rc = cg_json_set_int(o, "time", a->time);
	if (!rc)
		rc = cg_json_set_int(o, "result_code", a->result);
	for (int c = C_TEXT0; c <= C_PREV && !rc; c++) {
		cg_json *v = a->t[c] ? cg_json_new_stringn(a->t[c], a->len[c]) : cg_json_new_null();
		if (!v) /* not UTF-8 (a record edited in the database) */
			rc = CG_ERR_INVALID;
		else
			rc = cg_json_set(o, col_names[c], v);
	}
	if (!rc)
		rc = cg_json_dump(o, CG_JSON_COMPACT | CG_JSON_SORTED, &b);
	if (!rc)
		rc = cg_sha256_init(&h);
	if (!rc) {
		cg_sha256_update(&h, a->t[C_PREV] ? a->t[C_PREV] : "", a->t[C_PREV] ? a->len[C_PREV] : 0);
		cg_sha256_update(&h, b.data, b.len);
		cg_sha256_final(&h, d);
		memcpy(out, d + 7, CG_AUDIT_HASH_LEN + 1);
	}
	cg_json_free(o);
	cg_buf_release(&b);
	return rc;
}

static void from_row(const struct cg_db_rows *r, size_t i, struct arec *a)
{
	memset(a, 0, sizeof(*a));
	a->seq = cg_db_rows_int(r, i, C_SEQ);
	a->time = cg_db_rows_int(r, i, C_TIME);
	a->result = cg_db_rows_int(r, i, C_RESULT);
	for (int c = C_TEXT0; c < C_N; c++) {
		a->t[c] = cg_db_rows_null(r, i, (size_t)c) ? NULL : cg_db_rows_text(r, i, (size_t)c);
		a->len[c] = cg_db_rows_len(r, i, (size_t)c);
	}
}

static bool one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

static const char *const event_types[] = { "ConsoleAction", "ApiCall", "SystemAction", NULL };
static const char *const levels[] = { "normal", "warning", "incident", NULL };

static cg_err_t check_field(const char *name, const char *s, bool required, struct cg_error *err)
{
	size_t n;
	if (!s)
		return required ? cg_error_set(err, CG_ERR_INVALID, "audit record: %s is required", name)
				: CG_OK;
	n = strlen(s);
	if (n > CG_AUDIT_FIELD_MAX)
		return cg_error_set(err, CG_ERR_LIMIT, "audit record: %s longer than %d bytes", name,
				    CG_AUDIT_FIELD_MAX);
	if (!cg_utf8_valid(s, n))
		return cg_error_set(err, CG_ERR_INVALID, "audit record: %s is not UTF-8", name);
	if (required && !n)
		return cg_error_set(err, CG_ERR_INVALID, "audit record: %s is empty", name);
	return CG_OK;
}

static cg_err_t chain_lock(struct cg_db *db, struct cg_error *err)
{
	if (cg_db_kind(db) != CG_DB_POSTGRES)
		return CG_OK; /* SQLite: the write transaction (BEGIN IMMEDIATE) is the lock */
	return cg_db_exec(db, "SELECT pg_advisory_xact_lock(" AUDIT_LOCK ")", NULL, 0, NULL, err);
}

/* The chain's head: the last record's seq and hash, or the anchor's. */
static cg_err_t chain_head(struct cg_db *db, int64_t *seq, char hash[CG_AUDIT_HASH_LEN + 1],
			   struct cg_error *err)
{
	struct cg_db_rows *r = NULL;
	cg_err_t rc = cg_db_query(db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", NULL, 0,
				  &r, err);
	if (!rc && !cg_db_rows_count(r)) {
		cg_db_rows_free(r);
		r = NULL;
		rc = cg_db_query(db, "SELECT seq, hash FROM audit_anchor WHERE id = 1", NULL, 0, &r, err);
		if (!rc && !cg_db_rows_count(r))
			rc = cg_error_set(err, CG_ERR_INTEGRITY, "audit: the anchor row is missing");
	}
	if (!rc) {
		*seq = cg_db_rows_int(r, 0, 0);
		snprintf(hash, CG_AUDIT_HASH_LEN + 1, "%s", cg_db_rows_text(r, 0, 1));
	}
	cg_db_rows_free(r);
	return rc;
}

cg_err_t cg_audit_append(struct cg_db *db, const struct cg_audit_rec *r, struct cg_error *err)
{
	struct cg_buf req = CG_BUF_INIT(CG_AUDIT_REQUEST_MAX);
	char trace[40], prev[CG_AUDIT_HASH_LEN + 1], hash[CG_AUDIT_HASH_LEN + 1];
	struct cg_db_val v[C_N];
	struct arec a = { 0 };
	bool own = false;
	cg_err_t rc;
	int64_t head = 0;

	if (!r)
		return cg_error_set(err, CG_ERR_ARG, "audit record: none");
	if ((rc = check_field("event_name", r->event_name, true, err)) ||
	    (rc = check_field("event_type", r->event_type, true, err)) ||
	    (rc = check_field("trace_id", r->trace_id, false, err)) ||
	    (rc = check_field("source", r->source, false, err)) ||
	    (rc = check_field("user_name", r->user_name, false, err)) ||
	    (rc = check_field("source_ip", r->source_ip, false, err)) ||
	    (rc = check_field("resource_type", r->resource_type, false, err)) ||
	    (rc = check_field("resource_id", r->resource_id, false, err)) ||
	    (rc = check_field("resource_name", r->resource_name, false, err)) ||
	    (rc = check_field("level", r->level, false, err)))
		return rc;
	if (!one_of(r->event_type, event_types))
		return cg_error_set(err, CG_ERR_INVALID,
				    "audit record: event_type \"%.40s\": want ConsoleAction, ApiCall or SystemAction",
				    r->event_type);
	if (r->level && !one_of(r->level, levels))
		return cg_error_set(err, CG_ERR_INVALID,
				    "audit record: level \"%.40s\": want normal, warning or incident", r->level);
	if (r->time_ms < 0)
		return cg_error_set(err, CG_ERR_INVALID, "audit record: negative time");
	if (r->request && (rc = cg_json_dump(r->request, CG_JSON_COMPACT | CG_JSON_SORTED, &req))) {
		cg_buf_release(&req);
		return cg_error_set(err, rc, "audit record: request larger than %d bytes",
				    CG_AUDIT_REQUEST_MAX);
	}
	if (r->trace_id) {
		snprintf(trace, sizeof(trace), "%s", "");
	} else {
		unsigned char rnd[16];
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
			cg_buf_release(&req);
			return cg_error_set(err, CG_ERR_IO, "audit: getrandom: %s", strerror(errno));
		}
		for (size_t i = 0; i < sizeof(rnd); i++)
			snprintf(trace + 2 * i, 3, "%02x", rnd[i]);
	}

	if (cg_db_depth(db) == 0) {
		if ((rc = cg_db_begin(db, err)))
			goto done;
		own = true;
	}
	if ((rc = chain_lock(db, err)) || (rc = chain_head(db, &head, prev, err)))
		goto done;
	a.seq = head + 1;
	a.time = r->time_ms ? r->time_ms : now_ms();
	a.result = r->result_code;
	a.t[C_TEXT0 + 0] = r->trace_id ? r->trace_id : trace;
	a.t[C_TEXT0 + 1] = r->event_name;
	a.t[C_TEXT0 + 2] = r->event_type;
	a.t[C_TEXT0 + 3] = r->source;
	a.t[C_TEXT0 + 4] = r->user_name;
	a.t[C_TEXT0 + 5] = r->source_ip;
	a.t[C_TEXT0 + 6] = r->resource_type;
	a.t[C_TEXT0 + 7] = r->resource_id;
	a.t[C_TEXT0 + 8] = r->resource_name;
	a.t[C_REQUEST] = r->request ? cg_buf_str(&req) : NULL;
	a.t[C_LEVEL] = r->level ? r->level : "normal";
	a.t[C_PREV] = prev;
	for (int c = C_TEXT0; c <= C_PREV; c++)
		a.len[c] = a.t[c] ? strlen(a.t[c]) : 0;
	if ((rc = record_hash(&a, hash))) {
		cg_error_set(err, rc, "audit: hashing the record failed");
		goto done;
	}
	v[C_SEQ] = CG_DB_INTV(a.seq);
	v[C_TIME] = CG_DB_INTV(a.time);
	v[C_RESULT] = CG_DB_INTV(a.result);
	for (int c = C_TEXT0; c <= C_PREV; c++)
		v[c] = a.t[c] ? CG_DB_TEXTV(a.t[c]) : CG_DB_NULLV;
	v[C_HASH] = CG_DB_TEXTV(hash);
	rc = cg_db_exec(db,
			"INSERT INTO audit (" AUDIT_COLS ") VALUES "
			"($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
			v, C_N, NULL, err);
	if (!rc && own) {
		rc = cg_db_commit(db, err);
		own = false;
	}
done:
	if (own)
		cg_db_rollback(db);
	cg_buf_release(&req);
	return rc;
}

/* ---- verify -------------------------------------------------------------- */

#define VERIFY_PAGE 1000

static cg_err_t bad(uint64_t *bad_seq, int64_t seq, char *why, size_t whylen,
		    struct cg_error *err, const char *fmt, ...) CG_PRINTF(6, 7);
static cg_err_t bad(uint64_t *bad_seq, int64_t seq, char *why, size_t whylen,
		    struct cg_error *err, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (bad_seq)
		*bad_seq = (uint64_t)seq;
	if (why && whylen)
		snprintf(why, whylen, "%s", msg);
	return cg_error_set(err, CG_ERR_INTEGRITY, "audit chain broken: %s", msg);
}

/* After a prune the anchor must be the one the newest pruneAuditRecords record
 * names: moving it (to hide deleted old records) is then visible. */
static cg_err_t check_anchor(struct cg_db *db, int64_t aseq, const char *ahash, uint64_t *bad_seq,
			     char *why, size_t whylen, struct cg_error *err)
{
	struct cg_db_rows *r = NULL;
	cg_json *req = NULL;
	int64_t s = -1;
	const char *h = NULL;
	cg_err_t rc;
	if (aseq == 0 && strcmp(ahash, ZERO_HASH) == 0)
		return CG_OK;
	rc = cg_db_query(db,
			 "SELECT seq, request FROM audit WHERE event_name = 'pruneAuditRecords' "
			 "AND event_type = 'SystemAction' ORDER BY seq DESC LIMIT 1",
			 NULL, 0, &r, err);
	if (rc)
		return rc;
	if (cg_db_rows_count(r)) {
		struct cg_json_limits lim = { .max_bytes = CG_AUDIT_REQUEST_MAX, .max_depth = 16 };
		if (cg_json_parse(cg_db_rows_text(r, 0, 1), cg_db_rows_len(r, 0, 1), &lim, &req, NULL) == CG_OK) {
			cg_json_get_int(req, "anchor_seq", &s);
			h = cg_json_get_str(req, "anchor_hash");
		}
	}
	if (!cg_db_rows_count(r))
		rc = bad(bad_seq, aseq + 1, why, whylen, err,
			 "the anchor is at seq %lld but no pruneAuditRecords record names it "
			 "(records were deleted and the anchor moved)", (long long)aseq);
	else if (s != aseq || !h || strcmp(h, ahash) != 0)
		rc = bad(bad_seq, aseq + 1, why, whylen, err,
			 "the anchor (seq %lld) is not the one pruneAuditRecords record %lld names "
			 "(seq %lld): the anchor was moved", (long long)aseq,
			 (long long)cg_db_rows_int(r, 0, 0), (long long)s);
	cg_json_free(req);
	cg_db_rows_free(r);
	return rc;
}

cg_err_t cg_audit_verify(struct cg_db *db, uint64_t *bad_seq, char *why, size_t whylen,
			 struct cg_error *err)
{
	struct cg_db_rows *r = NULL;
	char prev[CG_AUDIT_HASH_LEN + 1], ahash[CG_AUDIT_HASH_LEN + 1], h[CG_AUDIT_HASH_LEN + 1];
	int64_t aseq = 0, expect, last, n = 0;
	bool tx = false;
	cg_err_t rc;

	if (bad_seq)
		*bad_seq = 0;
	if (why && whylen)
		why[0] = '\0';
	if ((rc = cg_db_begin_read(db, err)))
		return rc;
	tx = true;
	rc = cg_db_query(db, "SELECT seq, hash FROM audit_anchor WHERE id = 1", NULL, 0, &r, err);
	if (rc)
		goto done;
	if (!cg_db_rows_count(r)) {
		rc = bad(bad_seq, 1, why, whylen, err, "the anchor row is missing");
		goto done;
	}
	aseq = cg_db_rows_int(r, 0, 0);
	snprintf(ahash, sizeof(ahash), "%s", cg_db_rows_text(r, 0, 1));
	cg_db_rows_free(r);
	r = NULL;
	memcpy(prev, ahash, sizeof(prev));
	expect = aseq + 1;
	last = aseq;
	for (;;) {
		struct cg_db_val p[2] = { CG_DB_INTV(last), CG_DB_INTV(VERIFY_PAGE) };
		size_t cnt;
		if ((rc = cg_db_query(db, "SELECT " AUDIT_COLS " FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2",
				      p, 2, &r, err)))
			goto done;
		cnt = cg_db_rows_count(r);
		for (size_t i = 0; i < cnt; i++) {
			struct arec a;
			from_row(r, i, &a);
			if (a.seq != expect) {
				rc = bad(bad_seq, expect, why, whylen, err,
					 "record %lld is missing (the next record is %lld): deleted",
					 (long long)expect, (long long)a.seq);
				goto done;
			}
			if (record_hash(&a, h) != CG_OK || !a.t[C_HASH] || strcmp(h, a.t[C_HASH]) != 0) {
				rc = bad(bad_seq, a.seq, why, whylen, err,
					 "record %lld: its content does not match its hash: edited",
					 (long long)a.seq);
				goto done;
			}
			if (!a.t[C_PREV] || strcmp(a.t[C_PREV], prev) != 0) {
				rc = bad(bad_seq, a.seq, why, whylen, err,
					 "record %lld: prev_hash is not the hash of %s %lld: a record was "
					 "replaced, reordered or the anchor changed",
					 (long long)a.seq, a.seq - 1 == aseq ? "the anchor at" : "record",
					 (long long)(a.seq - 1));
				goto done;
			}
			memcpy(prev, a.t[C_HASH], CG_AUDIT_HASH_LEN + 1);
			expect++;
			last = a.seq;
			n++;
		}
		cg_db_rows_free(r);
		r = NULL;
		if (cnt < VERIFY_PAGE)
			break;
	}
	if ((rc = check_anchor(db, aseq, ahash, bad_seq, why, whylen, err)))
		goto done;
	if (why && whylen)
		snprintf(why, whylen, "%lld records intact from seq %lld", (long long)n,
			 (long long)(aseq + 1));
done:
	cg_db_rows_free(r);
	if (tx) {
		if (rc)
			cg_db_rollback(db);
		else if ((rc = cg_db_commit(db, err)))
			cg_db_rollback(db);
	}
	return rc;
}

/* ---- prune --------------------------------------------------------------- */

cg_err_t cg_audit_prune(struct cg_db *db, int64_t older_than_ms, int64_t *deleted,
			struct cg_error *err)
{
	struct cg_db_rows *r = NULL;
	char ahash[CG_AUDIT_HASH_LEN + 1], nhash[CG_AUDIT_HASH_LEN + 1];
	cg_json *req = NULL;
	int64_t aseq = 0, upto = 0, gone = 0;
	struct cg_db_val p[2];
	cg_err_t rc;

	if (deleted)
		*deleted = 0;
	if ((rc = cg_db_begin(db, err)))
		return rc;
	if ((rc = chain_lock(db, err)))
		goto done;
	if ((rc = cg_db_query(db, "SELECT seq, hash FROM audit_anchor WHERE id = 1", NULL, 0, &r, err)))
		goto done;
	if (!cg_db_rows_count(r))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INTEGRITY, "audit: the anchor row is missing"));
	aseq = cg_db_rows_int(r, 0, 0);
	snprintf(ahash, sizeof(ahash), "%s", cg_db_rows_text(r, 0, 1));
	cg_db_rows_free(r);
	r = NULL;
	/* the oldest contiguous run older than the cutoff: up to the first newer record */
	p[0] = CG_DB_INTV(older_than_ms);
	if ((rc = cg_db_query(db, "SELECT min(seq), (SELECT max(seq) FROM audit) FROM audit WHERE time >= $1",
			      p, 1, &r, err)))
		goto done;
	if (!cg_db_rows_null(r, 0, 0))
		upto = cg_db_rows_int(r, 0, 0) - 1;
	else
		upto = cg_db_rows_int(r, 0, 1); /* every record is older (0 when none) */
	cg_db_rows_free(r);
	r = NULL;
	if (upto <= aseq) {
		rc = cg_db_commit(db, err);
		return rc;
	}
	p[0] = CG_DB_INTV(upto);
	if ((rc = cg_db_query(db, "SELECT hash FROM audit WHERE seq = $1", p, 1, &r, err)))
		goto done;
	if (!cg_db_rows_count(r))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INTEGRITY, "audit: record %lld is missing; run audit-verify",
					 (long long)upto));
	snprintf(nhash, sizeof(nhash), "%s", cg_db_rows_text(r, 0, 0));
	cg_db_rows_free(r);
	r = NULL;
	if ((rc = cg_db_exec(db, "DELETE FROM audit WHERE seq <= $1", p, 1, &gone, err)))
		goto done;
	p[1] = CG_DB_TEXTV(nhash);
	if ((rc = cg_db_exec(db, "UPDATE audit_anchor SET seq = $1, hash = $2 WHERE id = 1", p, 2, NULL, err)))
		goto done;
	if (!(req = cg_json_new_object()) || cg_json_set_int(req, "older_than", older_than_ms) ||
	    cg_json_set_int(req, "deleted", gone) || cg_json_set_int(req, "anchor_seq", upto) ||
	    cg_json_set_str(req, "anchor_hash", nhash) || cg_json_set_int(req, "previous_anchor_seq", aseq) ||
	    cg_json_set_str(req, "previous_anchor_hash", ahash))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	{
		struct cg_audit_rec rec = {
			.event_name = "pruneAuditRecords",
			.event_type = "SystemAction",
			.source = "system",
			.user_name = "system",
			.resource_type = "audit",
			.request = req,
			.result_code = 200,
			.level = "normal",
		};
		if ((rc = cg_audit_append(db, &rec, err)))
			goto done;
	}
	rc = cg_db_commit(db, err);
	if (!rc && deleted)
		*deleted = gone;
	cg_json_free(req);
	return rc;
done:
	cg_json_free(req);
	cg_db_rows_free(r);
	cg_db_rollback(db);
	return rc;
}

/* ---- query and export ---------------------------------------------------- */

#define MAX_COND 16

struct where {
	struct cg_buf sql;
	struct cg_db_val v[MAX_COND + 4];
	size_t n;
};

static cg_err_t where_eq(struct where *w, const char *col, const char *val, struct cg_error *err)
{
	if (!val)
		return CG_OK;
	if (strlen(val) > CG_AUDIT_FIELD_MAX)
		return cg_error_set(err, CG_ERR_LIMIT, "filter %s: longer than %d bytes", col,
				    CG_AUDIT_FIELD_MAX);
	w->v[w->n] = CG_DB_TEXTV(val);
	w->n++;
	if (cg_buf_printf(&w->sql, " AND %s = $%zu", col, w->n))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	return CG_OK;
}

static cg_err_t audit_where(const struct cg_audit_filter *f, struct where *w, struct cg_error *err)
{
	cg_err_t rc;
	cg_buf_init(&w->sql, 4096);
	w->n = 0;
	if (cg_buf_puts(&w->sql, " WHERE 1 = 1"))
		return CG_ERR_NOMEM;
	if (f->event_type && !one_of(f->event_type, event_types))
		return cg_error_set(err, CG_ERR_INVALID,
				    "filter event_type: want ConsoleAction, ApiCall or SystemAction");
	if (f->level && !one_of(f->level, levels))
		return cg_error_set(err, CG_ERR_INVALID, "filter level: want normal, warning or incident");
	if (f->from_ms < 0 || f->to_ms < 0 || (f->to_ms && f->from_ms > f->to_ms))
		return cg_error_set(err, CG_ERR_INVALID, "filter time: want 0 <= from <= to");
	if ((rc = where_eq(w, "event_type", f->event_type, err)) ||
	    (rc = where_eq(w, "source", f->source, err)) ||
	    (rc = where_eq(w, "resource_type", f->resource_type, err)) ||
	    (rc = where_eq(w, "event_name", f->event_name, err)) ||
	    (rc = where_eq(w, "resource_id", f->resource_id, err)) ||
	    (rc = where_eq(w, "resource_name", f->resource_name, err)) ||
	    (rc = where_eq(w, "user_name", f->user_name, err)) ||
	    (rc = where_eq(w, "level", f->level, err)) ||
	    (rc = where_eq(w, "trace_id", f->trace_id, err)))
		return rc;
	if (f->resource) {
		if (strlen(f->resource) > CG_AUDIT_FIELD_MAX)
			return cg_error_set(err, CG_ERR_LIMIT, "filter resource: too long");
		w->v[w->n++] = CG_DB_TEXTV(f->resource);
		if (cg_buf_printf(&w->sql, " AND (resource_id = $%zu OR resource_name = $%zu)", w->n, w->n))
			return CG_ERR_NOMEM;
	}
	if (f->from_ms) {
		w->v[w->n++] = CG_DB_INTV(f->from_ms);
		if (cg_buf_printf(&w->sql, " AND time >= $%zu", w->n))
			return CG_ERR_NOMEM;
	}
	if (f->to_ms) {
		w->v[w->n++] = CG_DB_INTV(f->to_ms);
		if (cg_buf_printf(&w->sql, " AND time <= $%zu", w->n))
			return CG_ERR_NOMEM;
	}
	return CG_OK;
}

static cg_json *item_json(const struct cg_db_rows *r, size_t i)
{
	cg_json *o = cg_json_new_object();
	if (!o)
		return NULL;
	for (size_t c = 0; c < C_N; c++) {
		cg_json *v = NULL;
		if (cg_db_rows_null(r, i, c)) {
			v = cg_json_new_null();
		} else if (c == C_SEQ || c == C_TIME || c == C_RESULT) {
			v = cg_json_new_int(cg_db_rows_int(r, i, c));
		} else if (c == C_REQUEST) {
			struct cg_json_limits lim = { .max_bytes = CG_AUDIT_REQUEST_MAX, .max_depth = 64 };
			if (cg_json_parse(cg_db_rows_text(r, i, c), cg_db_rows_len(r, i, c), &lim, &v, NULL))
				v = NULL;
		}
		if (!v) /* text, or a request that is not JSON (edited): as a string */
			v = cg_json_new_stringn(cg_db_rows_text(r, i, c), cg_db_rows_len(r, i, c));
		if (!v)
			v = cg_json_new_string("(not UTF-8)");
		if (cg_json_set(o, col_names[c], v)) {
			cg_json_free(o);
			return NULL;
		}
	}
	return o;
}

cg_err_t cg_audit_query(struct cg_db *db, const struct cg_audit_filter *f, cg_json **page,
			struct cg_error *err)
{
	static const struct cg_audit_filter none;
	struct where w;
	struct cg_buf sql = CG_BUF_INIT(8192);
	struct cg_db_rows *r = NULL;
	cg_json *out = NULL, *items = NULL;
	size_t limit;
	int64_t total = 0;
	cg_err_t rc;

	*page = NULL;
	f = f ? f : &none;
	limit = f->limit ? f->limit : 100;
	if (limit > CG_AUDIT_PAGE_MAX)
		return cg_error_set(err, CG_ERR_INVALID, "filter limit: at most %d", CG_AUDIT_PAGE_MAX);
	if (f->offset > 1000000)
		return cg_error_set(err, CG_ERR_INVALID, "filter offset: at most 1000000");
	if ((rc = audit_where(f, &w, err)))
		goto done;
	/* the total, capped like the event store's: an exact count of a broad
	 * filter over a large trail costs more than the page */
	w.v[w.n] = CG_DB_INTV(CG_AUDIT_TOTAL_CAP + 1);
	if ((rc = cg_buf_printf(&sql, "SELECT count(*) FROM (SELECT 1 FROM audit%s LIMIT $%zu) AS m",
				cg_buf_str(&w.sql), w.n + 1)) ||
	    (rc = cg_db_query_int(db, cg_buf_str(&sql), w.v, w.n + 1, &total, err)))
		goto done;
	w.v[w.n] = CG_DB_INTV((int64_t)limit);
	w.v[w.n + 1] = CG_DB_INTV((int64_t)f->offset);
	cg_buf_reset(&sql);
	if ((rc = cg_buf_printf(&sql, "SELECT " AUDIT_COLS " FROM audit%s ORDER BY time %s, seq %s LIMIT $%zu OFFSET $%zu",
				cg_buf_str(&w.sql), f->ascending ? "ASC" : "DESC",
				f->ascending ? "ASC" : "DESC", w.n + 1, w.n + 2)) ||
	    (rc = cg_db_query(db, cg_buf_str(&sql), w.v, w.n + 2, &r, err)))
		goto done;
	if (!(out = cg_json_new_object()) || !(items = cg_json_new_array()))
		CG_FAIL(rc, CG_ERR_NOMEM);
	for (size_t i = 0; i < cg_db_rows_count(r); i++)
		if ((rc = cg_json_append(items, item_json(r, i))))
			goto done;
	if ((rc = cg_json_set_int(out, "total", total > CG_AUDIT_TOTAL_CAP ? CG_AUDIT_TOTAL_CAP : total)) ||
	    (rc = cg_json_set_bool(out, "total_exact", total <= CG_AUDIT_TOTAL_CAP)) ||
	    (rc = cg_json_set_int(out, "limit", (int64_t)limit)) ||
	    (rc = cg_json_set_int(out, "offset", (int64_t)f->offset)))
		goto done;
	rc = cg_json_set(out, "items", items);
	items = NULL;
	if (!rc) {
		*page = out;
		out = NULL;
	}
done:
	if (rc == CG_ERR_NOMEM)
		cg_error_set(err, rc, "out of memory");
	cg_json_free(items);
	cg_json_free(out);
	cg_db_rows_free(r);
	cg_buf_release(&w.sql);
	cg_buf_release(&sql);
	return rc;
}

cg_err_t cg_csv_cell(struct cg_buf *out, const char *s, size_t n, bool text)
{
	bool quote = false, inject;
	cg_err_t rc = CG_OK;
	inject = text && n && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
			       s[0] == '\t' || s[0] == '\r');
	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == '"' || s[i] == ',' || s[i] == '\n' || s[i] == '\r';
	quote = quote || inject || (n && (s[0] == ' ' || s[n - 1] == ' '));
	if (quote)
		rc = cg_buf_putc(out, '"');
	if (!rc && inject)
		rc = cg_buf_putc(out, '\'');
	for (size_t i = 0; i < n && !rc; i++) {
		if (s[i] == '"')
			rc = cg_buf_putc(out, '"');
		if (!rc)
			rc = cg_buf_putc(out, s[i]);
	}
	if (!rc && quote)
		rc = cg_buf_putc(out, '"');
	return rc;
}

static const int csv_order[] = { C_SEQ, C_TIME, C_TEXT0, C_TEXT0 + 1, C_TEXT0 + 2, C_TEXT0 + 3,
				 C_TEXT0 + 4, C_TEXT0 + 5, C_TEXT0 + 6, C_TEXT0 + 7, C_TEXT0 + 8,
				 C_RESULT, C_LEVEL, C_REQUEST, C_PREV, C_HASH };

static cg_err_t csv_row(struct cg_buf *b, const struct cg_db_rows *r, size_t i)
{
	cg_err_t rc = CG_OK;
	for (size_t k = 0; k < CG_ARRAY_LEN(csv_order) && !rc; k++) {
		int c = csv_order[k];
		if (k)
			rc = cg_buf_putc(b, ',');
		if (rc || cg_db_rows_null(r, i, (size_t)c))
			continue;
		if (c == C_TIME) {
			char t[40];
			cg_rfc3339_format(cg_db_rows_int(r, i, (size_t)c), t, sizeof(t));
			rc = cg_buf_puts(b, t);
		} else {
			rc = cg_csv_cell(b, cg_db_rows_text(r, i, (size_t)c), cg_db_rows_len(r, i, (size_t)c),
					 c != C_SEQ && c != C_RESULT);
		}
	}
	if (!rc)
		rc = cg_buf_puts(b, "\r\n");
	return rc;
}

cg_err_t cg_audit_export(struct cg_db *db, const struct cg_audit_filter *f,
			 enum cg_audit_format format, cg_audit_write_fn write, void *ctx,
			 struct cg_error *err)
{
	static const struct cg_audit_filter none;
	struct where w;
	struct cg_buf sql = CG_BUF_INIT(8192), line = CG_BUF_INIT((size_t)8 << 20);
	struct cg_db_rows *r = NULL;
	int64_t last = 0;
	cg_err_t rc;

	f = f ? f : &none;
	if (format != CG_AUDIT_JSONL && format != CG_AUDIT_CSV)
		return cg_error_set(err, CG_ERR_ARG, "audit export: unknown format");
	if ((rc = audit_where(f, &w, err)))
		goto done;
	if ((rc = cg_buf_printf(&sql, "SELECT " AUDIT_COLS " FROM audit%s AND seq > $%zu ORDER BY seq LIMIT %d",
				cg_buf_str(&w.sql), w.n + 1, VERIFY_PAGE)))
		goto done;
	if (format == CG_AUDIT_CSV) {
		for (size_t k = 0; k < CG_ARRAY_LEN(csv_order) && !rc; k++)
			rc = cg_buf_printf(&line, "%s%s", k ? "," : "", col_names[csv_order[k]]);
		if (!rc)
			rc = cg_buf_puts(&line, "\r\n");
		if (rc || (rc = write(ctx, line.data, line.len)))
			goto done;
	}
	for (;;) {
		size_t cnt;
		w.v[w.n] = CG_DB_INTV(last);
		if ((rc = cg_db_query(db, cg_buf_str(&sql), w.v, w.n + 1, &r, err)))
			goto done;
		cnt = cg_db_rows_count(r);
		cg_buf_reset(&line);
		for (size_t i = 0; i < cnt; i++) {
			if (format == CG_AUDIT_CSV) {
				rc = csv_row(&line, r, i);
			} else {
				cg_json *o = item_json(r, i);
				rc = o ? cg_json_dump(o, CG_JSON_COMPACT, &line) : CG_ERR_NOMEM;
				if (!rc)
					rc = cg_buf_putc(&line, '\n');
				cg_json_free(o);
			}
			if (rc)
				goto done;
			last = cg_db_rows_int(r, i, C_SEQ);
		}
		if (line.len && (rc = write(ctx, line.data, line.len)))
			goto done;
		cg_db_rows_free(r);
		r = NULL;
		if (cnt < VERIFY_PAGE)
			break;
	}
done:
	if (rc && err && err->code == CG_OK)
		cg_error_set(err, rc, "audit export: %s", cg_strerror(rc));
	cg_db_rows_free(r);
	cg_buf_release(&w.sql);
	cg_buf_release(&sql);
	cg_buf_release(&line);
	return rc;
}

static cg_err_t write_fd(void *ctx, const char *p, size_t n)
{
	int fd = *(int *)ctx;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return CG_ERR_IO;
		p += w;
		n -= (size_t)w;
	}
	return CG_OK;
}

cg_err_t cg_audit_export_fd(struct cg_db *db, const struct cg_audit_filter *f,
			    enum cg_audit_format format, int fd, struct cg_error *err)
{
	return cg_audit_export(db, f, format, write_fd, &fd, err);
}
