/* The tamper-evident audit trail (AUD-01..03) over the store (db.h).
 *
 * Every record holds prev_hash, the hash of its predecessor, and hash =
 * SHA-256(prev_hash || canonical form), the canonical form being the record's
 * fields (seq and prev_hash included, hash excluded) as compact JSON with sorted
 * keys; hashes are 64 lowercase hex digits. seq is assigned here, max(seq)+1 under
 * the store's write lock, so seq has no gaps and two writers cannot fork the
 * chain. The chain starts at the anchor (audit_anchor: seq 0 and 64 zeros at
 * first; the last pruned record's seq and hash after a prune). See
 * docs/server-storage.md for what the chain does and does not detect. */
#ifndef CG_SERVER_AUDIT_H
#define CG_SERVER_AUDIT_H

#include "server/db.h"

#define CG_AUDIT_FIELD_MAX 1024            /* bytes of each text field */
#define CG_AUDIT_REQUEST_MAX (64 * 1024)  /* bytes of the request, as compact JSON */
#define CG_AUDIT_PAGE_MAX 1000
#define CG_AUDIT_TOTAL_CAP 10000           /* totals above this are reported as capped */
#define CG_AUDIT_RETENTION_DAYS 180        /* the default retention (AUD-03: >= 6 months) */
#define CG_AUDIT_HASH_LEN 64

/* One record to append. Strings are UTF-8; NULL is stored as NULL. */
struct cg_audit_rec {
	const char *trace_id;      /* the request's trace id; NULL: a random one */
	int64_t time_ms;           /* unix ms; 0: now */
	const char *event_name;    /* required: AUD-01 names ("addPolicy", ...) */
	const char *event_type;    /* "ConsoleAction" | "ApiCall" | "SystemAction" (required) */
	const char *source;        /* where the call came from ("console", "api", "agent", "system") */
	const char *user_name;
	const char *source_ip;
	const char *resource_type; /* "policy", "cluster", "user", ... */
	const char *resource_id;
	const char *resource_name;
	const cg_json *request;    /* the request, secrets already redacted; NULL: none */
	int result_code;           /* the HTTP status of the answer */
	const char *level;         /* "normal" (NULL means normal) | "warning" | "incident" */
};

/* Append r to the chain, inside the caller's write transaction (cg_db_begin) so
 * the change and its record commit together; without an open transaction the
 * append runs in its own. CG_ERR_INVALID names a bad field. */
cg_err_t cg_audit_append(struct cg_db *db, const struct cg_audit_rec *r, struct cg_error *err);

/* Walk the chain in seq order from the anchor. CG_OK: intact (why gets "N
 * records intact from seq S"). CG_ERR_INTEGRITY: *bad_seq is the first bad
 * record and why says what is wrong with it: its content does not match its
 * hash (edited), its seq is missing (deleted), or its prev_hash does not match
 * its predecessor's hash (deleted, reordered, or anchor moved). Other codes:
 * the store could not be read. */
cg_err_t cg_audit_verify(struct cg_db *db, uint64_t *bad_seq, char *why, size_t whylen,
			 struct cg_error *err);

/* Delete the records older than older_than_ms (unix ms; the oldest contiguous
 * run of them, so the chain stays whole), move the anchor to the last deleted
 * record's seq and hash, and append a "pruneAuditRecords" SystemAction record
 * naming the new anchor, all in one transaction. *deleted (optional) gets the
 * count. */
cg_err_t cg_audit_prune(struct cg_db *db, int64_t older_than_ms, int64_t *deleted,
			struct cg_error *err);

/* AUD-02: every filter is optional (NULL / 0) and exact-match. */
struct cg_audit_filter {
	const char *event_type, *source, *resource_type, *event_name;
	const char *resource_id, *resource_name;
	const char *resource;      /* resource id OR name */
	const char *user_name, *level, *trace_id;
	int64_t from_ms, to_ms;    /* time range, inclusive; 0: open */
	size_t limit;              /* 1..1000; 0: 100 */
	size_t offset;             /* up to 1,000,000 */
	bool ascending;            /* oldest first (default: newest first) */
};

/* {"total": N, "total_exact": bool, "limit": L, "offset": O, "items": [record...]}
 * (total counts matches up to CG_AUDIT_TOTAL_CAP; above it total is the cap and
 * total_exact false); a record is
 * {seq, trace_id, time (ms), event_name, event_type, source, user_name, source_ip,
 * resource_type, resource_id, resource_name, request (JSON), result_code, level,
 * prev_hash, hash}. Bad filters (unknown level or event type, limit > 1000)
 * are CG_ERR_INVALID naming the field. */
cg_err_t cg_audit_query(struct cg_db *db, const struct cg_audit_filter *f, cg_json **page,
			struct cg_error *err);

enum cg_audit_format {
	CG_AUDIT_JSONL, /* one record object per line, as cg_audit_query's items */
	CG_AUDIT_CSV,   /* RFC 4180, CRLF, a header row; cells starting with = + - @ TAB CR
			 * get a leading ' (formula injection) */
};

/* Export every record matching f (limit/offset ignored), oldest first, through
 * write (return non-zero to stop: that code is returned). */
typedef cg_err_t (*cg_audit_write_fn)(void *ctx, const char *p, size_t n);
cg_err_t cg_audit_export(struct cg_db *db, const struct cg_audit_filter *f,
			 enum cg_audit_format format, cg_audit_write_fn write, void *ctx,
			 struct cg_error *err);
/* The same into a file descriptor. */
cg_err_t cg_audit_export_fd(struct cg_db *db, const struct cg_audit_filter *f,
			    enum cg_audit_format format, int fd, struct cg_error *err);

/* One CSV cell, RFC 4180 quoted and formula-protected, appended to out. */
cg_err_t cg_csv_cell(struct cg_buf *out, const char *s, size_t n, bool text);

#endif
