/* The agent's bounded, crash-safe on-disk event journal (docs/agent-uplink.md).
 *
 * A folder of segment files `%016x.jnl`, each a sequence of records
 *
 *     [u32 length LE][u32 crc32 LE][payload: length bytes]
 *
 * where the crc32 (zlib) covers the 4 length bytes and the payload. Records are
 * appended with write(2); fdatasync runs at most every sync_ms (group commit: a
 * record is durable after the next sync, so at most sync_ms of appends can be lost
 * by a power cut) or after every append with sync_always. A crash of the process
 * alone loses nothing: the bytes are in the page cache.
 *
 * `cursor` (text, written as tmp + fsync + rename + fsync of the folder) holds the
 * (segment, offset) up to which the server has acknowledged. Segments wholly before
 * the cursor are deleted. The cursor is written only after the records it covers
 * were synced, so it never points past durable data; a missing or unreadable cursor
 * restarts from the oldest segment (duplicates, which the server drops by event id;
 * never loss).
 *
 * Bounded: when an append would take the folder past max_bytes, the OLDEST
 * segment is deleted, acknowledged or not, and its unsent records are counted as
 * dropped (stats.dropped_records): the journal keeps the newest events and always
 * accepts new ones (see docs/agent-uplink.md for why).
 *
 * Recovery at open scans every segment from the cursor: a record whose crc does not
 * match is skipped (corrupt_records + 1); a header that cannot be a record (length 0,
 * above max_record, or running past the end of the file: a torn write) makes the
 * rest of that segment unreadable (corrupt_records + 1, corrupt_bytes counted).
 * A torn last segment is truncated at the last good record. Nothing is fatal;
 * everything before the damage is kept. peek() applies the same rules.
 *
 * Threads: every function takes the journal's mutex; one writer (append) and one
 * reader (peek/ack) at a time is the intended use. append never waits for the
 * network, only for the disk (and a peek in progress, which reads the page cache). */
#ifndef CG_AGENT_JOURNAL_H
#define CG_AGENT_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cguard/cguard.h>

#define CG_JOURNAL_DEFAULT_MAX_BYTES ((uint64_t)256 << 20)
#define CG_JOURNAL_DEFAULT_SEGMENT ((uint64_t)16 << 20)
#define CG_JOURNAL_DEFAULT_MAX_RECORD ((uint32_t)1 << 20)
#define CG_JOURNAL_DEFAULT_SYNC_MS 100
#define CG_JOURNAL_MIN_MAX_BYTES ((uint64_t)64 << 10)
#define CG_JOURNAL_HDR 8

struct cg_journal_opts {
	uint64_t max_bytes;     /* total bytes of the segment files; 0: 256 MiB, min 64 KiB */
	uint64_t segment_bytes; /* a segment is closed past this; 0: min(16 MiB, max_bytes / 4) */
	uint32_t max_record;    /* largest payload; 0: 1 MiB (never above segment_bytes - 8) */
	unsigned sync_ms;       /* group commit window; 0: 100 ms */
	bool sync_always;       /* fdatasync after every append */
};

struct cg_journal_pos {
	uint64_t seg; /* segment number */
	uint64_t off; /* byte offset in it */
};

/* One record of a batch: data points into the batch's buffer (not NUL-terminated). */
struct cg_journal_rec {
	const char *data;
	size_t len;
	struct cg_journal_pos end; /* just past this record */
};

/* What peek() returns: the next unacknowledged records, copied. Zero-initialise it;
 * peek() reuses its memory; cg_journal_batch_free() releases it. */
struct cg_journal_batch {
	struct cg_journal_rec *rec;
	size_t n;
	size_t bytes;              /* payload bytes */
	struct cg_journal_pos end; /* just past the last record read, skipped ones included */
	/* private */
	char *buf;
	size_t buf_cap, rec_cap;
};

struct cg_journal_stats {
	uint64_t pending_records; /* appended, not acknowledged, not dropped */
	uint64_t pending_bytes;   /* bytes of the segment files from the cursor on */
	uint64_t disk_bytes;      /* bytes of all segment files */
	uint64_t segments;
	uint64_t appended;        /* records appended since open */
	uint64_t acked;           /* records acknowledged since open */
	uint64_t dropped_records; /* unsent records deleted by the size cap since open */
	uint64_t dropped_bytes;
	uint64_t corrupt_records; /* bad crc or unreadable tails found since open */
	uint64_t corrupt_bytes;
	uint64_t syncs;
	bool cursor_lost;         /* the cursor file was unreadable at open: resent from the start */
};

struct cg_journal;

/* Open (creating the folder, mode 0700, when missing) and recover. The folder is
 * locked (flock on DIR/lock): a second open fails with CG_ERR_EXISTS. */
cg_err_t cg_journal_open(const char *dir, const struct cg_journal_opts *opts,
			 struct cg_journal **out, struct cg_error *err) CG_MUST_CHECK;

/* Append one record (1..max_record bytes). CG_ERR_LIMIT when larger. May delete
 * the oldest segment to stay under max_bytes (counted as dropped). */
cg_err_t cg_journal_append(struct cg_journal *j, const void *data, size_t len,
			   struct cg_error *err) CG_MUST_CHECK;

/* fdatasync the active segment when something was appended since the last sync. */
cg_err_t cg_journal_sync(struct cg_journal *j, struct cg_error *err) CG_MUST_CHECK;

/* The same, only when the group-commit window (sync_ms) since the last sync has
 * passed: a caller with a timer (the uplink's sender) calls it so that the last
 * appends of a burst become durable within the window without more appends. */
cg_err_t cg_journal_sync_due(struct cg_journal *j, struct cg_error *err) CG_MUST_CHECK;

/* The next unacknowledged records, at most max_records and max_bytes of payload
 * (at least one record when any is pending, whatever its size). out->n == 0 when
 * nothing is pending. Nothing is consumed. */
cg_err_t cg_journal_peek(struct cg_journal *j, size_t max_records, size_t max_bytes,
			 struct cg_journal_batch *out, struct cg_error *err) CG_MUST_CHECK;

/* Acknowledge the first n records of a batch from peek() (n == b->n: the whole
 * batch, skipped corrupt records after the last one included): the cursor advances
 * durably and fully acknowledged segments are deleted. Acknowledging records that
 * are already acknowledged or were dropped meanwhile is harmless. */
cg_err_t cg_journal_ack(struct cg_journal *j, const struct cg_journal_batch *b, size_t n,
			struct cg_error *err) CG_MUST_CHECK;

void cg_journal_stats(struct cg_journal *j, struct cg_journal_stats *out);

void cg_journal_batch_free(struct cg_journal_batch *b);

/* Sync, unlock and free. NULL is fine. */
void cg_journal_close(struct cg_journal *j);

#endif
