/* The vulnerability database: one SQLite file built from advisory feeds
 * (`cguard db build`), read-only afterwards, replaced atomically. */
#ifndef CGUARD_VULNDB_H
#define CGUARD_VULNDB_H

#include <cguard/common.h>
#include <cguard/buf.h>
#include <cguard/error.h>

/* The schema version written into meta; readers refuse other versions. */
#define CG_VULNDB_SCHEMA 1

struct cg_vulndb_feed_stats {
	const char *type; /* "osv", "debian", ... */
	const char *path;
	size_t files;      /* files the feed's parser read */
	size_t skipped;    /* files that could not be read or parsed (each named by the callback) */
	size_t advisories; /* advisories added or merged */
};

/* Progress and problems during a build: a skipped file and why. */
typedef void (*cg_vulndb_warn_fn)(void *ud, const char *path, const char *msg);

/* Build a database at `output` from feeds given as "TYPE:PATH" (PATH a file
 * or a folder, walked recursively). The file is written beside `output`
 * and renamed over it only when complete, so readers never see a partial
 * database. A file that fails to parse is skipped, counted and reported
 * through warn; it never aborts the build. Per-feed statistics go to
 * stats[0..nfeeds) when not NULL (strings borrowed from feeds[]). */
CG_API cg_err_t cg_vulndb_build(const char *output, const char *const *feeds, size_t nfeeds,
				cg_vulndb_warn_fn warn, void *ud, struct cg_vulndb_feed_stats *stats,
				struct cg_error *err) CG_MUST_CHECK;

/* The feed types the builder knows, by index (NULL past the end). */
CG_API const char *cg_vulndb_feed_type(size_t i);

/* What a database holds, as a JSON object into out: schema, build time,
 * the feeds it was built from, counts of advisories, KEV entries and
 * affected packages per ecosystem. Refuses files that are not a cguard
 * database of schema CG_VULNDB_SCHEMA (CG_ERR_INVALID / CG_ERR_UNSUPPORTED). */
CG_API cg_err_t cg_vulndb_info(const char *path, struct cg_buf *out, struct cg_error *err)
	CG_MUST_CHECK;

#endif
