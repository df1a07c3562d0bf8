/* Updating the vulnerability database from the public advisory feeds
 * (`cguard db update`): download each source over HTTPS (conditional GET
 * against a cache), verify it, unpack archives safely, then build the
 * database with cg_vulndb_build(), which replaces the old file atomically.
 * docs/feeds.md describes every feed, its default URL and the config file. */
#ifndef CGUARD_VULNDB_UPDATE_H
#define CGUARD_VULNDB_UPDATE_H

#include <cguard/common.h>
#include <cguard/error.h>
#include <cguard/vulndb.h>

/* The config file read when none is named and it exists. */
#define CG_VULNDB_FEEDS_CONF "/etc/cguard/feeds.conf"

#define CG_VULNDB_TYPE_MAX    31		/* a feed type's length */
#define CG_VULNDB_URL_MAX     4096		/* a URL's length */
#define CG_VULNDB_LINE_MAX    8192		/* a config line's length */
#define CG_VULNDB_SOURCES_MAX 1024		/* sources in one list */
#define CG_VULNDB_CONF_MAX    ((size_t)1 << 20) /* a config file's size */

/* One source: a feed type (see `cguard db types`) and where to get it. */
struct cg_vulndb_source {
	char type[CG_VULNDB_TYPE_MAX + 1];
	char *url;	 /* http:// or https://; may hold user:pass@ (never shown) */
	bool has_sha256; /* the content must have this digest */
	char sha256[65]; /* 64 lowercase hex digits when has_sha256 */
	size_t line;	 /* its line in the config file, 0 when not from a file */
	bool builtin;	 /* a built-in default: skipped (not an error) when this
			  * build has no parser for its type */
};

/* A caller-owned list of sources (_init/_release). */
struct cg_vulndb_sources {
	struct cg_vulndb_source *v;
	size_t n;
	size_t cap;
};

CG_API void cg_vulndb_sources_init(struct cg_vulndb_sources *s);
CG_API void cg_vulndb_sources_release(struct cg_vulndb_sources *s);

/* Append one source after checking it: TYPE is [a-z][a-z0-9_-]*, at most
 * CG_VULNDB_TYPE_MAX bytes; URL is http(s)://HOST..., printable ASCII without
 * blanks, at most CG_VULNDB_URL_MAX bytes; sha256 (NULL: none) is 64 hex
 * digits. A second source with the same type and URL is refused. */
CG_API cg_err_t cg_vulndb_sources_add(struct cg_vulndb_sources *s, const char *type,
				      const char *url, const char *sha256,
				      struct cg_error *err) CG_MUST_CHECK;

/* Parse a config file's bytes (untrusted, not NUL-terminated) and append its
 * sources. One source a line: `TYPE URL [sha256=HEX]`; blank lines and
 * comments (from a `#` at the start of a line or after a blank) are ignored;
 * CRLF is accepted. Errors (CG_ERR_INVALID, CG_ERR_LIMIT) say "NAME:LINE: why"
 * and leave `s` as it was. */
CG_API cg_err_t cg_vulndb_sources_parse(struct cg_vulndb_sources *s, const char *data, size_t len,
					const char *name, struct cg_error *err) CG_MUST_CHECK;

/* One command-line source, "TYPE=URL" or "TYPE=URL sha256=HEX". */
CG_API cg_err_t cg_vulndb_sources_parse_arg(struct cg_vulndb_sources *s, const char *arg,
					    struct cg_error *err) CG_MUST_CHECK;

/* Read and parse a config file (at most CG_VULNDB_CONF_MAX bytes); a file
 * without any source is an error. */
CG_API cg_err_t cg_vulndb_sources_load(struct cg_vulndb_sources *s, const char *path,
				       struct cg_error *err) CG_MUST_CHECK;

/* Append the built-in defaults: the real public feeds (docs/feeds.md). */
CG_API cg_err_t cg_vulndb_sources_defaults(struct cg_vulndb_sources *s,
					   struct cg_error *err) CG_MUST_CHECK;

/* What the update is doing, for progress lines. Strings are valid during the
 * call only; URLs have their credentials replaced by "***". */
enum cg_vulndb_update_event {
	CG_UPDATE_FETCH = 0,	    /* asking the server */
	CG_UPDATE_DOWNLOADED = 1,   /* new content (bytes) */
	CG_UPDATE_NOT_MODIFIED = 2, /* unchanged (HTTP 304): the cached copy is used */
	CG_UPDATE_EXTRACTED = 3,    /* an archive unpacked (entries, bytes) */
	CG_UPDATE_FAILED = 4,	    /* this source failed (message) */
	CG_UPDATE_STALE = 5,	    /* keep_going: failed, its last good copy is used */
	CG_UPDATE_SKIPPED = 6,	    /* a default source of a feed type this build lacks */
	CG_UPDATE_BUILDING = 7,	    /* building the database (path: the database) */
	CG_UPDATE_FEED_BUILT = 8,   /* one feed went into it (files, advisories, skipped) */
	CG_UPDATE_FILE_SKIPPED = 9, /* a feed file could not be parsed (path, message) */
	CG_UPDATE_UP_TO_DATE = 10,  /* nothing changed since the last build: database kept */
	CG_UPDATE_DONE = 11,	    /* the database was replaced (path) */
};

struct cg_vulndb_update_info {
	enum cg_vulndb_update_event event;
	size_t index;	     /* the source's index, SIZE_MAX when not about one */
	const char *type;    /* or NULL */
	const char *url;     /* redacted, or NULL */
	const char *path;    /* a local file or folder, or NULL */
	const char *message; /* FAILED, STALE, SKIPPED, FILE_SKIPPED: why; else NULL */
	uint64_t bytes;	     /* DOWNLOADED, EXTRACTED */
	uint64_t entries;    /* EXTRACTED */
	size_t files, advisories, skipped; /* FEED_BUILT */
};

typedef void (*cg_vulndb_update_fn)(void *ud, const struct cg_vulndb_update_info *info);

/* Knobs; zero means the default. */
struct cg_vulndb_update_opts {
	const char *cache_dir; /* default: the database's folder + "/.cguard-feeds" */
	const char *ca_file;   /* a PEM file of CAs trusted besides the system's */
	uint64_t max_size;     /* bytes per download, default 1 GiB */
	uint64_t max_extract;  /* bytes unpacked per archive, default 16 GiB */
	uint64_t max_entries;  /* entries per archive, default 4,000,000 */
	unsigned max_ratio;    /* unpacked/packed bytes of an archive beyond 64 MiB
				* unpacked, default 200 (a zip bomb stops early) */
	bool allow_http;       /* plain http:// without a sha256 */
	bool keep_going;       /* build from what could be had (see below) */
	bool force;	       /* rebuild even when nothing changed */
	cg_vulndb_update_fn progress;
	void *ud;
};

struct cg_vulndb_update_stats {
	size_t sources;	      /* sources tried */
	size_t downloaded;    /* new content */
	size_t not_modified;  /* unchanged, cached copy used */
	size_t failed;	      /* failed (named through progress) */
	size_t stale;	      /* failed, last good copy used (keep_going) */
	size_t skipped;	      /* defaults of feed types this build lacks */
	size_t files_skipped; /* feed files that could not be parsed */
	bool built;	      /* the database was (re)built and replaced */
};

/* Update the database at `db` from `src`. Sources of an unknown feed type and
 * plain-HTTP sources without a sha256 (unless allow_http) are refused before
 * anything is downloaded. Every source is fetched (HTTP 304 reuses the cached
 * copy), verified and unpacked; then the database is rebuilt from all of them
 * and replaces the old one, unless nothing changed since the last update
 * (stats->built false, CG_UPDATE_UP_TO_DATE).
 *
 * When a source fails the update stops: an error naming the source is
 * returned and the database is left as it was. With opts->keep_going the
 * other sources are still fetched and the database is built from those that
 * could be had (a failed source's last good cached copy is used when there
 * is one); CG_OK is returned and stats->failed says how many failed. At
 * least one source must be had. One update at a time per cache folder. */
CG_API cg_err_t cg_vulndb_update(const char *db, const struct cg_vulndb_sources *src,
				 const struct cg_vulndb_update_opts *opts,
				 struct cg_vulndb_update_stats *stats,
				 struct cg_error *err) CG_MUST_CHECK;

/* Write url into out (cap bytes) with any user:password replaced by "***". */
CG_API void cg_vulndb_url_redact(const char *url, char *out, size_t cap);

#endif
