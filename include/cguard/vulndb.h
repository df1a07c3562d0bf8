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

/* Problems during a build: a record a parser skipped (the file is read), or a
 * whole file skipped (msg starts with "skipped: "). */
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

/* ---- matching ----------------------------------------------------------------
 * An inventory's packages against the database: each package is mapped to the
 * database's ecosystem and package names (lib/vulndb/match.c says how),
 * its version judged against every affected entry with the ecosystem's own
 * comparator. The database is opened read-only and may be shared by threads
 * only with one cg_vulndb_match() at a time per handle (prepared statements). */
struct cg_vulndb;
struct cg_inventory;
struct cg_image;
struct cg_os_info;
struct cg_pkg;

/* Open a database built by cg_vulndb_build(), read-only. Refuses files that
 * are not a cguard database of schema CG_VULNDB_SCHEMA. */
CG_API cg_err_t cg_vulndb_open(const char *path, struct cg_vulndb **out, struct cg_error *err)
	CG_MUST_CHECK;
CG_API void cg_vulndb_close(struct cg_vulndb *db);

enum cg_finding_status {
	CG_FINDING_FIXED = 0,   /* affected, and a fixed version exists (`fixed`) */
	CG_FINDING_UNFIXED = 1, /* affected, and no fix exists (or none is known) */
	CG_FINDING_EOL = 2,     /* the package gets no security support */
};

/* A coarse severity for ordering: from the distribution's or feed's word
 * (critical; high/important; medium/moderate; low; unimportant/negligible). */
enum cg_finding_level {
	CG_LEVEL_UNKNOWN = 0,
	CG_LEVEL_NEGLIGIBLE = 1,
	CG_LEVEL_LOW = 2,
	CG_LEVEL_MEDIUM = 3,
	CG_LEVEL_HIGH = 4,
	CG_LEVEL_CRITICAL = 5,
};

struct cg_finding_severity {
	const char *type;  /* "CVSS_V3", ... or a vendor name */
	const char *score; /* the vector or the vendor's word */
	unsigned score10;  /* CVSS: the base score computed from the vector, in tenths
			    * (98 = 9.8); 0 when not a CVSS vector or not valid */
};

/* How soon to act (docs/scanning.md gives the rule):
 *   NOW      fix now (需尽快修复): a fix exists and the flaw is critical or high, or
 *            is known to be exploited (CISA KEV);
 *   DEFER    can defer (可延后修复): a fix exists for a medium/low/unrated flaw; or no
 *            fix exists yet for a critical/high/exploited one, or the package is
 *            out of support (plan the replacement);
 *   NOT_YET  no fix needed yet (暂可不修复): negligible flaws, and unfixed ones rated
 *            medium or lower. */
enum cg_finding_urgency {
	CG_URGENCY_NOW = 0,
	CG_URGENCY_DEFER = 1,
	CG_URGENCY_NOT_YET = 2,
};

/* One advisory affecting one package instance. Strings are owned by the
 * findings list. */
struct cg_finding {
	const char *id;
	const char *const *aliases;
	size_t naliases;
	const char *summary;   /* or NULL */
	const char *published; /* or NULL */
	const struct cg_finding_severity *severities;
	size_t nseverities;
	bool kev;
	/* the package, as the inventory has it */
	size_t pkg_index;      /* cg_inventory_pkg() index */
	const char *pkg_name, *pkg_version, *pkg_type, *pkg_path;
	int pkg_layer;
	/* what was matched */
	const char *ecosystem; /* "Debian:12", "PyPI", ... */
	const char *package;   /* the database's name (source package for by-source entries) */
	const char *installed; /* the version compared (deb: the source version) */
	const char *fixed;     /* the smallest fixed version above `installed`, or NULL */
	enum cg_finding_status status;
	enum cg_finding_level level;
	const char *severity;  /* the distribution's / feed's word, or NULL */
	const char *note;      /* or NULL */
	/* derived */
	const char *details;     /* the advisory's long description, or NULL */
	const char *const *references; /* URLs */
	size_t nreferences;
	unsigned cvss_score10;   /* the highest CVSS base score among severities (v3.x or
				  * v4.0 first, v2.0 only when neither), in tenths; 0: none */
	const char *cvss_vector; /* its vector, or NULL */
	const char *fix_command; /* the package manager's command to the fixed version, or NULL */
	enum cg_finding_urgency urgency;
	const char *suppressed;  /* NULL, or why the scan's filters removed it */
};

struct cg_findings;

/* Match every package of the inventory. Findings are de-duplicated (one per
 * advisory and package instance) and sorted by level (highest first), then
 * id, then package index. Affected entries whose versions do not parse are
 * skipped and counted (cg_findings_skipped), never guessed. */
CG_API cg_err_t cg_vulndb_match(struct cg_vulndb *db, const struct cg_inventory *inv,
				struct cg_findings **out, struct cg_error *err) CG_MUST_CHECK;

/* The same for packages that come from elsewhere (an SBOM): matches one
 * package in the context of an OS (NULL: none) and appends to `f` (created by
 * cg_findings_new()); pkg_index is stored as given. Not sorted: call
 * cg_findings_sort() when done. */
CG_API struct cg_findings *cg_findings_new(void);
CG_API cg_err_t cg_vulndb_match_pkg(struct cg_vulndb *db, const struct cg_os_info *os,
				    const struct cg_pkg *pkg, size_t pkg_index,
				    struct cg_findings *f, struct cg_error *err) CG_MUST_CHECK;
CG_API void cg_findings_sort(struct cg_findings *f);
CG_API void cg_findings_free(struct cg_findings *f);

CG_API size_t cg_findings_count(const struct cg_findings *f);
CG_API const struct cg_finding *cg_findings_at(const struct cg_findings *f, size_t i);
/* Affected entries skipped because a version did not parse. */
CG_API size_t cg_findings_skipped(const struct cg_findings *f);
/* Packages matched, and those that could not be mapped to an ecosystem
 * (unknown OS or purl type, no version). */
CG_API size_t cg_findings_packages(const struct cg_findings *f);
CG_API size_t cg_findings_unmapped(const struct cg_findings *f);

CG_API const char *cg_finding_status_name(enum cg_finding_status s); /* "fixed", ... */
CG_API const char *cg_finding_level_name(enum cg_finding_level l);   /* "high", ... */
CG_API const char *cg_finding_urgency_name(enum cg_finding_urgency u); /* "fix-now", ... */
/* The level for a name as --severity takes it (case-insensitive "critical",
 * "high", ...), CG_ERR_INVALID otherwise. */
CG_API cg_err_t cg_finding_level_parse(const char *name, enum cg_finding_level *out)
	CG_MUST_CHECK;

/* ---- filters ------------------------------------------------------------------
 * What a scan leaves out. Filtered findings stay in the list with `suppressed`
 * set to the reason; reports leave them out and count them (JSON lists them
 * apart). */

/* An ignore file (`--ignore-file`), one of two formats:
 *  - text, one rule per line (Trivy's .trivyignore is a subset):
 *        ID [PACKAGE] [exp:YYYY-MM-DD] [# reason]
 *    blank lines and lines starting with '#' are skipped;
 *  - YAML or JSON: {"ignore": [{"id": ..., "package": ..., "expires": "YYYY-MM-DD",
 *    "reason": ...}]} (Trivy's .trivyignore.yaml keys "vulnerabilities", "expired_at"
 *    and "statement" are read too).
 * ID matches the finding's id or any alias (ASCII case-insensitive); PACKAGE,
 * when given, the package's name or the database's (source) name. A rule
 * applies through its expiry day (UTC) and not after. */
struct cg_ignore_list;
CG_API cg_err_t cg_ignore_parse(const char *name, const void *data, size_t len,
				struct cg_ignore_list **out, struct cg_error *err) CG_MUST_CHECK;
CG_API cg_err_t cg_ignore_load(const char *path, struct cg_ignore_list **out,
			       struct cg_error *err) CG_MUST_CHECK;
CG_API size_t cg_ignore_count(const struct cg_ignore_list *l);
CG_API void cg_ignore_free(struct cg_ignore_list *l);

/* OpenVEX documents (`--vex`, https://github.com/openvex/spec, v0.2.0 and the
 * earlier string forms). A statement whose vulnerability (name or aliases)
 * matches the finding's id or aliases and whose product names the image (its
 * reference, name, or manifest/config digest, as a pkg:oci purl or plain) with
 * the package among its subcomponents (or no subcomponents), or names the
 * package's purl itself (qualifiers ignored; no version: any version),
 * decides; of several, the latest timestamp wins (document order on ties).
 * "not_affected" and "fixed" suppress the finding; "affected" and
 * "under_investigation" keep it. */
struct cg_vex;
CG_API cg_err_t cg_vex_parse(const char *name, const void *data, size_t len, struct cg_vex **out,
			     struct cg_error *err) CG_MUST_CHECK;
CG_API cg_err_t cg_vex_load(const char *path, struct cg_vex **out, struct cg_error *err)
	CG_MUST_CHECK;
CG_API size_t cg_vex_count(const struct cg_vex *v); /* statements */
CG_API void cg_vex_free(struct cg_vex *v);

struct cg_scan_filter {
	unsigned levels;     /* bit (1u << level) per level kept; 0: every level */
	bool ignore_unfixed; /* drop findings with no fixed version (unfixed, end-of-life) */
	const struct cg_ignore_list *ignore;
	const struct cg_vex *const *vex; /* VEX documents, each applied in turn */
	size_t nvex;
	const char *today;   /* "YYYY-MM-DD" for expiry; NULL: today, UTC */
};

/* Parse --severity: a comma-separated list of levels ("critical,high"), a level
 * followed by '+' meaning it and every higher one ("medium+"). */
CG_API cg_err_t cg_scan_levels_parse(const char *spec, unsigned *levels) CG_MUST_CHECK;

/* Apply the filter: mark findings suppressed. img and inv (for VEX product and
 * purl matching) may be NULL. */
CG_API cg_err_t cg_findings_filter(struct cg_findings *f, const struct cg_scan_filter *flt,
				   const struct cg_image *img, const struct cg_inventory *inv,
				   struct cg_error *err) CG_MUST_CHECK;
/* Findings the filters suppressed; findings left (count - suppressed). */
CG_API size_t cg_findings_suppressed(const struct cg_findings *f);
/* Ignore rules past their expiry date seen by the last cg_findings_filter(). */
CG_API size_t cg_findings_expired_rules(const struct cg_findings *f);

enum cg_scan_format { CG_SCAN_TABLE, CG_SCAN_JSON, CG_SCAN_SARIF, CG_SCAN_CYCLONEDX };
CG_API cg_err_t cg_scan_format_parse(const char *name, enum cg_scan_format *out) CG_MUST_CHECK;
/* Write a scan report: image information (img may be NULL), the findings and
 * their counts by status and level. */
CG_API cg_err_t cg_findings_write(const struct cg_image *img, const struct cg_inventory *inv,
				  const struct cg_findings *f, enum cg_scan_format fmt,
				  struct cg_buf *out, struct cg_error *err) CG_MUST_CHECK;

#endif
