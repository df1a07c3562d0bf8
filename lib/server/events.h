/* The runtime-event store (RUN-08): agents' event batches in, filtered pages
 * and daily counts out, over the store (db.h). */
#ifndef CG_SERVER_EVENTS_H
#define CG_SERVER_EVENTS_H

#include "server/db.h"

#define CG_EVENTS_BATCH_MAX 5000
#define CG_EVENT_MAX_BYTES (64 * 1024) /* one event as compact JSON */
#define CG_EVENTS_PAGE_MAX 1000
#define CG_EVENTS_TOTAL_CAP 10000      /* totals above this are reported as capped */
#define CG_EVENTS_DAYS_MAX 90

/* Store a batch (a JSON array of the agent's event objects, untrusted). Every
 * event is checked first: id (1..64 of [0-9A-Za-z_-], required), time (RFC 3339
 * string, required), container {id, name, image, image_digest, pod, namespace}
 * (strings), process {pid, ppid, uid (integers >= 0), exe, cmdline (strings)},
 * category, rule, severity (critical|high|medium|low|info), action ([a-z_]),
 * message, solution, mitre (strings), details (an object), node (string); at most
 * CG_EVENT_MAX_BYTES each, CG_EVENTS_BATCH_MAX per batch. One bad event refuses
 * the whole batch (CG_ERR_INVALID / CG_ERR_LIMIT naming the index and field;
 * nothing stored). Then all are inserted in one transaction, idempotently by id:
 * *accepted gets the events stored now, *duplicates those already stored (a
 * retried batch). node and cluster_id (the agent's identity from its token)
 * override the events' own "node" when not NULL. Returns after the commit. */
cg_err_t cg_events_ingest(struct cg_db *db, const cg_json *batch, const char *node,
			  const char *cluster_id, size_t *accepted, size_t *duplicates,
			  struct cg_error *err);

/* Filters: each optional (NULL / 0), exact-match. */
struct cg_event_filter {
	const char *category, *node, *cluster_id, *severity, *rule, *action, *image;
	const char *container;  /* container id OR name */
	int64_t from_ms, to_ms; /* inclusive range; 0: open */
	int last_days;          /* 1..90: from = now - days (overrides from_ms) */
	int64_t now_ms;         /* for last_days; 0: the clock */
	size_t limit;           /* 1..1000; 0: 100 */
	const char *cursor;     /* "next" of the previous page; NULL: the first page */
};

/* Newest first: {"total": N, "total_exact": bool, "limit": L, "next": cursor|null,
 * "items": [event...]}; an item is the stored event object plus "seq", "node",
 * "cluster_id" and "received" (ms). total counts matches up to
 * CG_EVENTS_TOTAL_CAP; above that total is the cap and total_exact false. */
cg_err_t cg_events_query(struct cg_db *db, const struct cg_event_filter *f, cg_json **page,
			 struct cg_error *err);

/* Events per category per UTC day for the last `days` days (1..90) up to and
 * including now_ms's day (0: the clock), zero-filled:
 * {"days": ["2026-11-01", ...], "series": [{"category": C, "counts": [n, ...]}, ...]}
 * (categories sorted). Counted at ingest into events_daily, so it costs no scan. */
cg_err_t cg_events_daily_counts(struct cg_db *db, int days, int64_t now_ms, cg_json **out,
				struct cg_error *err);

/* Delete events older than older_than_ms (unix ms); daily counts are kept. */
cg_err_t cg_events_prune(struct cg_db *db, int64_t older_than_ms, int64_t *deleted,
			 struct cg_error *err);

/* RFC 3339 "2026-11-25T18:20:41.123Z" / "...+02:00" to unix ms (untrusted). */
cg_err_t cg_rfc3339_parse(const char *s, size_t n, int64_t *ms);
/* unix ms to "2026-11-25T18:20:41.123Z" (out >= 32 bytes). */
void cg_rfc3339_format(int64_t ms, char *out, size_t outlen);

#endif
