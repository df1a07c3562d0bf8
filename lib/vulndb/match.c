/* Matching an inventory against the vulnerability database.
 *
 * Each package becomes one or more lookups (ecosystem, database name, version
 * to compare, which entries apply), each an indexed query on
 * affected(ecosystem, package) with prepared statements; every row is judged
 * with the ecosystem's own comparator.
 *
 * Mapping:
 *  - deb on debian: "Debian:N" (N from VERSION_ID; no VERSION_ID, i.e. testing
 *    or sid: "Debian:sid"), then the release-less "Debian" entries (the
 *    tracker's CVE/list default lines) for advisories that have no "Debian:N"
 *    entry for that package. On ubuntu: "Ubuntu:V" and "Ubuntu:V:LTS" (OSV
 *    names LTS releases so). Entries by source (by_source = 1) are looked up
 *    by the Source: name with the source version, entries by binary by the
 *    package name with its own version.
 *  - apk on alpine: "Alpine:vX.Y"; origin for by-source entries.
 *  - rpm: AlmaLinux "AlmaLinux:MAJOR", Rocky "Rocky Linux:MAJOR", Mageia
 *    "Mageia:VERSION_ID" (the OSV ecosystems of rpm distributions whose feeds
 *    we read or OSV publishes under a plain release); the binary name with
 *    "[epoch:]version-release" (OSV's distro events are full E:V-R), the source
 *    rpm's name for by-source entries. Other rpm distributions (rhel, centos,
 *    fedora, amzn, ol, sles) have no OSV ecosystem of this shape: unmapped.
 *  - language packages: the OSV ecosystem of their purl type; PyPI names
 *    compared PEP 503-normalised and NuGet names case-insensitively on both
 *    sides (through a name index of that ecosystem loaded on first use).
 *    A language package whose files an OS package owns is not matched (the
 *    OS package is judged instead).
 *
 * Judging one row: NOT_AFFECTED gives nothing; UNFIXED gives "unfixed"; EOL
 * gives "end-of-life" when the version is inside its ranges (no ranges: every
 * version); AFFECTED gives a finding when the version is in a range or equals
 * a listed version, "fixed" with the smallest `fixed` event above the version
 * in the matching range, "unfixed" when that range has none. A row whose
 * versions do not parse is skipped and counted. */
#include "util/internal.h"
#include "util/arena.h"
#include "vulndb/advisory.h"
#include "vulndb/findings.h"
#include "version/scheme.h"
#include <sqlite3.h>
#include <strings.h>
#include <unistd.h>

#define MAX_EVENTS 1024       /* events of one range */
#define MAX_NAME 512          /* a package name as looked up */
#define MAX_LOOKUPS 8
#define MAX_FINDINGS ((size_t)1 << 22)

enum q_id { Q_AFF, Q_RANGES, Q_VERSIONS, Q_ADV, Q_ALIASES, Q_SEVS, Q_REFS, Q_NAMES, Q__COUNT };

static const char *const q_sql[Q__COUNT] = {
	[Q_AFF] = ("SELECT id, advisory, by_source, status, severity, note FROM affected"
		   " WHERE ecosystem = ?1 AND package = ?2 ORDER BY id"),
	[Q_RANGES] = "SELECT events FROM ranges WHERE affected = ?1 ORDER BY seq",
	[Q_VERSIONS] = "SELECT version FROM versions WHERE affected = ?1",
	[Q_ADV] = "SELECT name, summary, published, kev, details FROM advisories WHERE id = ?1",
	[Q_ALIASES] = "SELECT alias FROM aliases WHERE advisory = ?1 ORDER BY alias",
	[Q_SEVS] = "SELECT type, score FROM severities WHERE advisory = ?1 ORDER BY type, score",
	[Q_REFS] = "SELECT url FROM refs WHERE advisory = ?1 ORDER BY url LIMIT 32",
	[Q_NAMES] = "SELECT DISTINCT package FROM affected WHERE ecosystem = ?1",
};

/* Ecosystems whose names compare normalised: a sorted (normalised, stored) index. */
enum norm_kind { NORM_NONE, NORM_PEP503, NORM_LOWER };

struct name_pair {
	const char *norm, *raw;
};

struct name_index {
	bool loaded;
	struct name_pair *v;
	size_t n;
};

struct cg_vulndb {
	sqlite3 *db;
	sqlite3_stmt *q[Q__COUNT];
	struct name_index norm[3]; /* by enum norm_kind (NONE unused) */
	struct cg_arena arena;     /* the indexes' strings */
};

static bool fmt(char *out, size_t cap, const char *f, ...) CG_PRINTF(3, 4);

/* ---- opening ---------------------------------------------------------------- */

/* "file:PATH?immutable=1" with PATH percent-encoded. The builder never changes
 * a database in place (it renames a new file over it), so an open file is
 * immutable: SQLite then takes no file locks and never checks for changes,
 * which is most of the cost of small indexed queries. */
static bool db_uri(const char *path, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	if (!fmt(out, cap, "file:"))
		return false;
	o = 5;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9') || *p == '/' || *p == '.' || *p == '_' ||
			     *p == '-';
		if (o + 4 >= cap)
			return false;
		if (plain) {
			out[o++] = (char)*p;
		} else {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		}
	}
	out[o] = '\0';
	return fmt(out + o, cap - o, "?immutable=1");
}

cg_err_t cg_vulndb_open(const char *path, struct cg_vulndb **out, struct cg_error *err)
{
	struct cg_vulndb *db = NULL;
	sqlite3_stmt *s = NULL;
	int64_t schema = -1;
	char uri[3 * PATH_MAX + 32];
	cg_err_t rc = CG_OK;

	if (!path || !out)
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	*out = NULL;
	if (access(path, R_OK) != 0)
		return cg_error_set(err, CG_ERR_NOTFOUND, "%s: %s", path, strerror(errno));
	if (!db_uri(path, uri, sizeof(uri)))
		return cg_error_set(err, CG_ERR_LIMIT, "%s: path too long", path);
	db = calloc(1, sizeof(*db));
	if (!db)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	if (sqlite3_open_v2(uri, &db->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI,
			    NULL) != SQLITE_OK)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "%s: cannot open", path));
	if (sqlite3_prepare_v2(db->db, "SELECT value FROM meta WHERE key = 'schema'", -1, &s, NULL) !=
	    SQLITE_OK)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
					 "%s: not a cguard vulnerability database (%s)", path,
					 sqlite3_errmsg(db->db)));
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(s, 0);
		uint64_t n;
		if (v && cg_view_to_u64(cg_view_make(v, strlen(v)), &n) && n < INT64_MAX)
			schema = (int64_t)n;
	}
	if (schema != CG_VULNDB_SCHEMA)
		CG_FAIL(rc, cg_error_set(err, schema < 0 ? CG_ERR_INVALID : CG_ERR_UNSUPPORTED,
					 "%s: database schema %lld, this cguard reads %d%s", path,
					 (long long)schema, CG_VULNDB_SCHEMA,
					 schema < 0 ? " (not a cguard database?)" : ": rebuild it"));
	/* pages mapped, not copied: lookups touch the index and a few rows each */
	sqlite3_exec(db->db, "PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -16384", NULL,
		     NULL, NULL);
	for (int i = 0; i < Q__COUNT; i++)
		if (sqlite3_prepare_v3(db->db, q_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &db->q[i],
				       NULL) != SQLITE_OK)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
						 "%s: not a cguard vulnerability database (%s)", path,
						 sqlite3_errmsg(db->db)));
	*out = db;
	db = NULL;
done:
	sqlite3_finalize(s);
	cg_vulndb_close(db);
	return rc;
}

void cg_vulndb_close(struct cg_vulndb *db)
{
	if (!db)
		return;
	for (int i = 0; i < Q__COUNT; i++)
		sqlite3_finalize(db->q[i]);
	for (size_t i = 0; i < CG_ARRAY_LEN(db->norm); i++)
		free(db->norm[i].v);
	cg_arena_release(&db->arena);
	if (db->db)
		sqlite3_close(db->db);
	free(db);
}

/* ---- names ------------------------------------------------------------------ */

/* PEP 503: lower case, runs of "-", "_", "." become one "-". NORM_LOWER: ASCII
 * lower case. Returns false when it does not fit. */
static bool normalise(enum norm_kind k, const char *s, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; s[i]; i++) {
		char c = s[i];
		if (k == NORM_PEP503 && (c == '-' || c == '_' || c == '.')) {
			while (s[i + 1] == '-' || s[i + 1] == '_' || s[i + 1] == '.')
				i++;
			c = '-';
		} else if (c >= 'A' && c <= 'Z') {
			c = (char)(c - 'A' + 'a');
		}
		if (o + 1 >= cap)
			return false;
		out[o++] = c;
	}
	out[o] = '\0';
	return true;
}

static int pair_cmp(const void *a, const void *b)
{
	return strcmp(((const struct name_pair *)a)->norm, ((const struct name_pair *)b)->norm);
}

static cg_err_t load_index(struct cg_vulndb *db, enum norm_kind k, const char *eco,
			   struct cg_error *err)
{
	struct name_index *ix = &db->norm[k];
	sqlite3_stmt *s = db->q[Q_NAMES];
	size_t cap = 0;
	char buf[MAX_NAME];
	cg_err_t rc = CG_OK;
	int r;

	if (ix->loaded)
		return CG_OK;
	sqlite3_bind_text(s, 1, eco, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		const char *raw = (const char *)sqlite3_column_text(s, 0);
		if (!raw || !normalise(k, raw, buf, sizeof(buf)))
			continue;
		if (ix->n == cap) {
			size_t nc = cap ? cap * 2 : 256;
			struct name_pair *nv = realloc(ix->v, nc * sizeof(*nv));
			if (!nv)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
			ix->v = nv;
			cap = nc;
		}
		ix->v[ix->n].norm = cg_arena_strdup(&db->arena, buf);
		ix->v[ix->n].raw = cg_arena_strdup(&db->arena, raw);
		if (!ix->v[ix->n].norm || !ix->v[ix->n].raw)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
		ix->n++;
	}
	if (r != SQLITE_DONE)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "database: %s", sqlite3_errmsg(db->db)));
	if (ix->n)
		qsort(ix->v, ix->n, sizeof(*ix->v), pair_cmp);
	ix->loaded = true;
done:
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc;
}

/* ---- mapping a package to lookups ------------------------------------------- */

struct lookup {
	char eco[64];
	char name[MAX_NAME];
	char version[CG_VERSION_MAX_LEN + 32];
	int by_source;     /* 1 or 0: only such entries; -1: both */
	int slot;          /* which name (for the release-less fallback) */
	bool fallback;     /* release-less entries: only advisories without a release entry */
	enum norm_kind norm;
	const struct cg_version_scheme *scheme;
};

struct lang_eco {
	const char *type, *eco;
	enum norm_kind norm;
};

static const struct lang_eco lang_ecos[] = {
	{ "npm", "npm", NORM_NONE },
	{ "pypi", "PyPI", NORM_PEP503 },
	{ "golang", "Go", NORM_NONE },
	{ "maven", "Maven", NORM_NONE },
	{ "gem", "RubyGems", NORM_NONE },
	{ "cargo", "crates.io", NORM_NONE },
	{ "composer", "Packagist", NORM_NONE },
	{ "nuget", "NuGet", NORM_LOWER },
};

/* rpm distributions with OSV ecosystems "<Name>:<release>". */
static const struct {
	const char *id, *eco;
	bool major; /* the release is VERSION_ID's major number, else VERSION_ID */
} rpm_distros[] = {
	{ "almalinux", "AlmaLinux", true },
	{ "rocky", "Rocky Linux", true },
	{ "mageia", "Mageia", false },
};

static bool fmt(char *out, size_t cap, const char *f, ...)
{
	va_list ap;
	int n;
	va_start(ap, f);
	n = vsnprintf(out, cap, f, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < cap;
}

/* Leading digits of s (the major release), or 0 chars. */
static size_t major_len(const char *s)
{
	size_t n = 0;
	while (s && s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

/* The OS ecosystems for an OS package type: up to 2 primary names and
 * whether the release-less "Debian" fallback applies. */
static size_t os_ecosystems(const struct cg_os_info *os, const char *type, char eco[2][64],
			    bool *fallback)
{
	const char *id = os ? os->id : NULL, *vid = os ? os->version_id : NULL;
	*fallback = false;
	if (!id)
		return 0;
	if (!strcmp(type, "deb") && !strcmp(id, "debian")) {
		size_t n = major_len(vid);
		*fallback = true;
		if (n)
			return fmt(eco[0], 64, "Debian:%.*s", (int)n, vid) ? 1 : 0;
		return fmt(eco[0], 64, "Debian:sid") ? 1 : 0;
	}
	if (!strcmp(type, "deb") && !strcmp(id, "ubuntu") && vid && *vid && strlen(vid) < 32) {
		return fmt(eco[0], 64, "Ubuntu:%s", vid) && fmt(eco[1], 64, "Ubuntu:%s:LTS", vid)
			       ? 2 : 0;
	}
	if (!strcmp(type, "apk") && !strcmp(id, "alpine") && vid) {
		size_t a = major_len(vid), b;
		if (!a || vid[a] != '.')
			return 0;
		b = major_len(vid + a + 1);
		if (!b || a + 1 + b > 16)
			return 0;
		return fmt(eco[0], 64, "Alpine:v%.*s", (int)(a + 1 + b), vid) ? 1 : 0;
	}
	if (!strcmp(type, "rpm") && vid && *vid && strlen(vid) < 32) {
		for (size_t i = 0; i < CG_ARRAY_LEN(rpm_distros); i++) {
			if (strcmp(id, rpm_distros[i].id))
				continue;
			if (rpm_distros[i].major) {
				size_t n = major_len(vid);
				return n && fmt(eco[0], 64, "%s:%.*s", rpm_distros[i].eco, (int)n, vid);
			}
			return fmt(eco[0], 64, "%s:%s", rpm_distros[i].eco, vid) ? 1 : 0;
		}
	}
	return 0;
}

static bool add_lookup(struct lookup *lk, size_t *n, const char *eco, const char *name,
		       const char *ver, int by_source, int slot, bool fallback,
		       enum norm_kind norm, const struct cg_version_scheme *s)
{
	struct lookup *l;
	if (*n >= MAX_LOOKUPS)
		return false;
	l = &lk[*n];
	if (!fmt(l->eco, sizeof(l->eco), "%s", eco) || !fmt(l->name, sizeof(l->name), "%s", name) ||
	    !fmt(l->version, sizeof(l->version), "%s", ver))
		return false;
	l->by_source = by_source;
	l->slot = slot;
	l->fallback = fallback;
	l->norm = norm;
	l->scheme = s;
	(*n)++;
	return true;
}

/* The lookups for one package; 0 when it cannot be mapped. */
static size_t map_pkg(const struct cg_os_info *os, const struct cg_pkg *p, struct lookup *lk)
{
	const struct cg_version_scheme *s;
	size_t n = 0;

	if (!p->type || !p->name || !*p->name || !p->version || !*p->version)
		return 0;
	if (!strcmp(p->type, "deb") || !strcmp(p->type, "apk") || !strcmp(p->type, "rpm")) {
		char eco[2][64], bin[CG_VERSION_MAX_LEN + 32], src[CG_VERSION_MAX_LEN + 32];
		bool fallback, split;
		size_t ne = os_ecosystems(os, p->type, eco, &fallback);
		const char *sv = p->src_version && *p->src_version ? p->src_version : p->version;

		s = cg_version_scheme_find(p->type);
		if (!ne || !s)
			return 0;
		if (!strcmp(p->type, "rpm") && p->epoch && *p->epoch) {
			if (!fmt(bin, sizeof(bin), "%s:%s", p->epoch, p->version) ||
			    !fmt(src, sizeof(src), "%s:%s", p->epoch, sv))
				return 0;
		} else if (!fmt(bin, sizeof(bin), "%s", p->version) ||
			   !fmt(src, sizeof(src), "%s", !strcmp(p->type, "apk") ? p->version : sv)) {
			return 0;
		}
		split = p->src_name && *p->src_name && strcmp(p->src_name, p->name);
		for (int pass = 0; pass < (fallback ? 2 : 1); pass++) {
			for (size_t e = 0; e < (pass ? 1 : ne); e++) {
				const char *econame = pass ? "Debian" : eco[e];
				bool ok = split ? add_lookup(lk, &n, econame, p->src_name, src, 1, 0,
							     pass, NORM_NONE, s) &&
							  add_lookup(lk, &n, econame, p->name, bin, 0, 1,
								     pass, NORM_NONE, s)
						: add_lookup(lk, &n, econame, p->name, bin, -1, 0, pass,
							     NORM_NONE, s);
				if (!ok)
					return 0;
			}
		}
		return n;
	}
	if (p->flags & CG_PKG_OWNED_BY_OS)
		return 0;
	for (size_t i = 0; i < CG_ARRAY_LEN(lang_ecos); i++) {
		char name[MAX_NAME];
		const char *sep = ":";
		if (strcmp(p->type, lang_ecos[i].type))
			continue;
		s = cg_version_scheme_find(p->type);
		if (!s)
			return 0;
		if (!strcmp(p->type, "golang") || !strcmp(p->type, "npm") ||
		    !strcmp(p->type, "composer"))
			sep = "/";
		if (p->namespace_ && *p->namespace_) {
			if (!fmt(name, sizeof(name), "%s%s%s", p->namespace_, sep, p->name))
				return 0;
		} else if (!fmt(name, sizeof(name), "%s", p->name)) {
			return 0;
		}
		if (!add_lookup(lk, &n, lang_ecos[i].eco, name, p->version, -1, 0, false,
				lang_ecos[i].norm, s))
			return 0;
		return n;
	}
	return 0;
}

/* ---- judging one row -------------------------------------------------------- */

enum verdict { V_NONE, V_HIT, V_INVALID };

struct judged {
	enum cg_finding_status status;
	char fixed[CG_VERSION_MAX_LEN + 1]; /* "" when none */
};

/* Parse [["introduced","0"],["fixed","1.2"]] into events (borrowing from *j). */
static bool parse_events(const char *text, cg_json **j, struct cg_osv_event *ev, size_t *n)
{
	static const char *const kinds[] = {
		[CG_OSV_INTRODUCED] = "introduced", [CG_OSV_FIXED] = "fixed",
		[CG_OSV_LAST_AFFECTED] = "last_affected", [CG_OSV_LIMIT] = "limit",
	};
	size_t len;
	*n = 0;
	if (!text || cg_json_parse(text, strlen(text), NULL, j, NULL) != CG_OK)
		return false;
	len = cg_json_array_len(*j);
	if (len > MAX_EVENTS)
		return false;
	for (size_t i = 0; i < len; i++) {
		cg_json *e = cg_json_array_at(*j, i);
		const char *k = cg_json_string(cg_json_array_at(e, 0));
		const char *v = cg_json_string(cg_json_array_at(e, 1));
		size_t kind = CG_ARRAY_LEN(kinds);
		if (!k || !v)
			return false;
		for (size_t x = 0; x < CG_ARRAY_LEN(kinds); x++)
			if (!strcmp(k, kinds[x]))
				kind = x;
		if (kind == CG_ARRAY_LEN(kinds))
			return false;
		ev[*n].kind = (enum cg_osv_event_kind)kind;
		ev[*n].version = v;
		(*n)++;
	}
	return true;
}

/* Is the version in one of the row's ranges? *fixed gets the smallest fixed
 * event above it in the first range that holds it. */
static enum verdict in_ranges(struct cg_vulndb *db, const struct cg_version_scheme *s,
			      int64_t aff, const char *ver, bool *any_range, char *fixed,
			      size_t fcap)
{
	sqlite3_stmt *q = db->q[Q_RANGES];
	struct cg_osv_event *ev = NULL;
	enum verdict v = V_NONE;
	size_t vl = strlen(ver);

	*any_range = false;
	fixed[0] = '\0';
	sqlite3_bind_int64(q, 1, aff);
	while (v == V_NONE && sqlite3_step(q) == SQLITE_ROW) {
		cg_json *j = NULL;
		size_t n;
		bool hit = false;
		if (!ev && !(ev = malloc(MAX_EVENTS * sizeof(*ev)))) {
			v = V_INVALID;
			break;
		}
		*any_range = true;
		if (!parse_events((const char *)sqlite3_column_text(q, 0), &j, ev, &n) ||
		    cg_version_osv_affected(s, ver, ev, n, &hit, NULL) != CG_OK) {
			v = V_INVALID;
		} else if (hit) {
			const char *best = NULL;
			v = V_HIT;
			for (size_t i = 0; i < n; i++) {
				int r;
				if (ev[i].kind != CG_OSV_FIXED)
					continue;
				if (cg_version_cmp_n(s, ev[i].version, strlen(ev[i].version), ver, vl,
						     &r, NULL) != CG_OK || r <= 0)
					continue;
				if (best && (cg_version_cmp_n(s, ev[i].version, strlen(ev[i].version),
							      best, strlen(best), &r, NULL) != CG_OK ||
					     r >= 0))
					continue;
				best = ev[i].version;
			}
			if (best && strlen(best) < fcap)
				memcpy(fixed, best, strlen(best) + 1);
		}
		cg_json_free(j);
	}
	sqlite3_reset(q);
	free(ev);
	return v;
}

static bool in_versions(struct cg_vulndb *db, const struct cg_version_scheme *s, int64_t aff,
			const char *ver)
{
	sqlite3_stmt *q = db->q[Q_VERSIONS];
	bool hit = false;
	size_t vl = strlen(ver);
	sqlite3_bind_int64(q, 1, aff);
	while (!hit && sqlite3_step(q) == SQLITE_ROW) {
		const char *x = (const char *)sqlite3_column_text(q, 0);
		int r;
		/* a listed version that does not parse is one the package cannot have */
		if (x && (!strcmp(x, ver) ||
			  (cg_version_cmp_n(s, x, strlen(x), ver, vl, &r, NULL) == CG_OK && r == 0)))
			hit = true;
	}
	sqlite3_reset(q);
	return hit;
}

static enum verdict judge(struct cg_vulndb *db, const struct lookup *l, bool ver_ok, int64_t aff,
			  int status, struct judged *out)
{
	bool any;
	enum verdict v;

	out->fixed[0] = '\0';
	switch (status) {
	case CG_ADV_NOT_AFFECTED:
		return V_NONE;
	case CG_ADV_UNFIXED:
		out->status = CG_FINDING_UNFIXED;
		return V_HIT;
	case CG_ADV_EOL:
		out->status = CG_FINDING_EOL;
		if (!ver_ok)
			return V_INVALID;
		v = in_ranges(db, l->scheme, aff, l->version, &any, out->fixed, sizeof(out->fixed));
		out->fixed[0] = '\0';
		return any ? v : V_HIT;
	case CG_ADV_AFFECTED:
		if (!ver_ok)
			return V_INVALID;
		v = in_ranges(db, l->scheme, aff, l->version, &any, out->fixed, sizeof(out->fixed));
		if (v == V_NONE && in_versions(db, l->scheme, aff, l->version))
			v = V_HIT;
		out->status = out->fixed[0] ? CG_FINDING_FIXED : CG_FINDING_UNFIXED;
		return v;
	}
	return V_INVALID; /* a status this reader does not know */
}

/* ---- findings --------------------------------------------------------------- */

struct cg_findings *cg_findings_new(void)
{
	return calloc(1, sizeof(struct cg_findings));
}

void cg_findings_free(struct cg_findings *f)
{
	if (!f)
		return;
	cg_arena_release(&f->arena);
	free(f->v);
	free(f);
}

size_t cg_findings_count(const struct cg_findings *f)
{
	return f ? f->n : 0;
}

const struct cg_finding *cg_findings_at(const struct cg_findings *f, size_t i)
{
	return f && i < f->n ? &f->v[i].pub : NULL;
}

size_t cg_findings_skipped(const struct cg_findings *f)
{
	return f ? f->skipped : 0;
}

size_t cg_findings_packages(const struct cg_findings *f)
{
	return f ? f->packages : 0;
}

size_t cg_findings_unmapped(const struct cg_findings *f)
{
	return f ? f->unmapped : 0;
}

static char *keep(struct cg_findings *f, const char *s, bool *oom)
{
	char *c;
	if (!s)
		return NULL;
	c = cg_arena_strdup(&f->arena, s);
	if (!c)
		*oom = true;
	return c;
}

#define COL(q, i) ((const char *)sqlite3_column_text((q), (i)))

/* The advisory's own fields into a new finding. */
static cg_err_t load_advisory(struct cg_vulndb *db, struct cg_findings *f, struct cg_finding_item *it,
			      struct cg_error *err)
{
	sqlite3_stmt *q;
	bool oom = false;
	size_t n, cap;
	cg_err_t rc = CG_OK;

	q = db->q[Q_ADV];
	sqlite3_bind_int64(q, 1, it->adv);
	if (sqlite3_step(q) != SQLITE_ROW) {
		sqlite3_reset(q);
		return cg_error_set(err, CG_ERR_INVALID, "database: advisory %lld missing",
				    (long long)it->adv);
	}
	it->pub.id = keep(f, COL(q, 0), &oom);
	it->pub.summary = keep(f, COL(q, 1), &oom);
	it->pub.published = keep(f, COL(q, 2), &oom);
	it->pub.kev = sqlite3_column_int(q, 3) != 0;
	it->pub.details = keep(f, COL(q, 4), &oom);
	sqlite3_reset(q);

	q = db->q[Q_REFS];
	sqlite3_bind_int64(q, 1, it->adv);
	for (n = 0, cap = 0; !oom && sqlite3_step(q) == SQLITE_ROW;) {
		const char **a = (const char **)it->pub.references;
		if (n == cap) {
			const char **na = cg_arena_alloc(&f->arena, (cap ? cap * 2 : 4) * sizeof(*na));
			if (!na) {
				oom = true;
				break;
			}
			if (n)
				memcpy(na, a, n * sizeof(*na));
			cap = cap ? cap * 2 : 4;
			a = na;
			it->pub.references = na;
		}
		a[n++] = keep(f, COL(q, 0), &oom);
	}
	it->pub.nreferences = n;
	sqlite3_reset(q);

	q = db->q[Q_ALIASES];
	sqlite3_bind_int64(q, 1, it->adv);
	for (n = 0, cap = 0; !oom && sqlite3_step(q) == SQLITE_ROW;) {
		const char **a = (const char **)it->pub.aliases;
		if (n == cap) {
			/* arena arrays grow by copying: aliases are few */
			const char **na = cg_arena_alloc(&f->arena, (cap ? cap * 2 : 4) * sizeof(*na));
			if (!na) {
				oom = true;
				break;
			}
			if (n)
				memcpy(na, a, n * sizeof(*na));
			cap = cap ? cap * 2 : 4;
			a = na;
			it->pub.aliases = na;
		}
		a[n++] = keep(f, COL(q, 0), &oom);
	}
	it->pub.naliases = n;
	sqlite3_reset(q);

	q = db->q[Q_SEVS];
	sqlite3_bind_int64(q, 1, it->adv);
	for (n = 0, cap = 0; !oom && sqlite3_step(q) == SQLITE_ROW;) {
		struct cg_finding_severity *a = (struct cg_finding_severity *)it->pub.severities;
		if (n == cap) {
			struct cg_finding_severity *na =
				cg_arena_alloc(&f->arena, (cap ? cap * 2 : 4) * sizeof(*na));
			if (!na) {
				oom = true;
				break;
			}
			if (n)
				memcpy(na, a, n * sizeof(*na));
			cap = cap ? cap * 2 : 4;
			a = na;
			it->pub.severities = na;
		}
		a[n].type = keep(f, COL(q, 0), &oom);
		a[n].score = keep(f, COL(q, 1), &oom);
		n++;
	}
	it->pub.nseverities = n;
	sqlite3_reset(q);
	if (oom || !it->pub.id)
		rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	return rc;
}

/* Is candidate (status, fixed) better than the finding's? Fixed (smallest
 * version) before unfixed before end-of-life. */
static bool better(const struct cg_finding_item *it, const struct judged *j)
{
	int r;
	if (j->status != it->pub.status)
		return j->status < it->pub.status;
	if (!j->fixed[0] || !it->pub.fixed)
		return false;
	return cg_version_cmp_n(it->scheme, j->fixed, strlen(j->fixed), it->pub.fixed,
				strlen(it->pub.fixed), &r, NULL) == CG_OK && r < 0;
}

static cg_err_t add_finding(struct cg_vulndb *db, struct cg_findings *f, size_t first,
			    const struct cg_pkg *p, size_t idx, const struct lookup *l, int64_t adv,
			    const char *sev, const char *note, const struct judged *j,
			    struct cg_error *err)
{
	struct cg_finding_item *it = NULL;
	bool oom = false, fresh = false;
	cg_err_t rc;

	for (size_t i = first; i < f->n; i++)
		if (f->v[i].adv == adv && f->v[i].pub.pkg_index == idx)
			it = &f->v[i];
	if (it && !better(it, j))
		return CG_OK;
	if (!it) {
		if (f->n == f->cap) {
			size_t nc = f->cap ? f->cap * 2 : 64;
			struct cg_finding_item *nv;
			if (nc > MAX_FINDINGS)
				return cg_error_set(err, CG_ERR_LIMIT, "more than %zu findings",
						    MAX_FINDINGS);
			nv = realloc(f->v, nc * sizeof(*nv));
			if (!nv)
				return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
			f->v = nv;
			f->cap = nc;
		}
		it = &f->v[f->n];
		memset(it, 0, sizeof(*it));
		it->adv = adv;
		it->scheme = l->scheme;
		it->pub.pkg_index = idx;
		it->pub.pkg_name = keep(f, p->name, &oom);
		it->pub.pkg_version = keep(f, p->version, &oom);
		it->pub.pkg_type = keep(f, p->type, &oom);
		it->pub.pkg_path = keep(f, p->path, &oom);
		it->pub.pkg_layer = p->layer;
		if ((rc = load_advisory(db, f, it, err)))
			return rc;
		fresh = true;
	}
	it->pub.ecosystem = keep(f, l->eco, &oom);
	it->pub.package = keep(f, l->name, &oom);
	it->pub.installed = keep(f, l->version, &oom);
	it->pub.fixed = j->fixed[0] ? keep(f, j->fixed, &oom) : NULL;
	it->pub.status = j->status;
	it->pub.severity = keep(f, sev, &oom);
	it->pub.note = keep(f, note, &oom);
	it->pub.level = cg_finding_level_of_word_(sev);
	for (size_t i = 0; it->pub.level == CG_LEVEL_UNKNOWN && i < it->pub.nseverities; i++)
		if (strncmp(it->pub.severities[i].type, "CVSS", 4))
			it->pub.level = cg_finding_level_of_word_(it->pub.severities[i].score);
	if (!oom && !cg_finding_derive_(f, &it->pub))
		oom = true;
	if (oom)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	if (fresh)
		f->n++;
	return CG_OK;
}

/* Advisories with an entry of the release for a name slot (fallback rule). */
struct seen {
	int64_t *adv;
	int *slot;
	size_t n, cap;
};

static bool seen_has(const struct seen *s, int64_t adv, int slot)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->adv[i] == adv && s->slot[i] == slot)
			return true;
	return false;
}

static bool seen_add(struct seen *s, int64_t adv, int slot)
{
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 32;
		int64_t *na = realloc(s->adv, nc * sizeof(*na));
		int *ns;
		if (!na)
			return false;
		s->adv = na;
		ns = realloc(s->slot, nc * sizeof(*ns));
		if (!ns)
			return false;
		s->slot = ns;
		s->cap = nc;
	}
	s->adv[s->n] = adv;
	s->slot[s->n] = slot;
	s->n++;
	return true;
}

/* All rows of (l->eco, name) into findings. */
static cg_err_t match_name(struct cg_vulndb *db, struct cg_findings *f, size_t first,
			   const struct cg_pkg *p, size_t idx, const struct lookup *l,
			   const char *name, bool ver_ok, struct seen *seen, struct cg_error *err)
{
	sqlite3_stmt *q = db->q[Q_AFF];
	size_t n = 0, cap = 0;
	cg_err_t rc = CG_OK;
	int r;

	/* Collect the rows first: judging reuses other statements. */
	struct row {
		int64_t id, adv;
		int status;
		char *sev, *note;
	} *rv = NULL;

	sqlite3_bind_text(q, 1, l->eco, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(q)) == SQLITE_ROW) {
		int bs = sqlite3_column_int(q, 2);
		if (l->by_source >= 0 && bs != l->by_source)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct row *nv = realloc(rv, nc * sizeof(*nv));
			if (!nv)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
			rv = nv;
			cap = nc;
		}
		rv[n].id = sqlite3_column_int64(q, 0);
		rv[n].adv = sqlite3_column_int64(q, 1);
		rv[n].status = sqlite3_column_int(q, 3);
		rv[n].sev = COL(q, 4) ? strdup(COL(q, 4)) : NULL;
		rv[n].note = COL(q, 5) ? strdup(COL(q, 5)) : NULL;
		n++;
		if ((COL(q, 4) && !rv[n - 1].sev) || (COL(q, 5) && !rv[n - 1].note))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	}
	if (r != SQLITE_DONE)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "database: %s", sqlite3_errmsg(db->db)));
	sqlite3_reset(q);
	for (size_t i = 0; i < n && !rc; i++) {
		struct judged j;
		enum verdict v;
		if (l->fallback && seen_has(seen, rv[i].adv, l->slot))
			continue;
		if (!l->fallback && !seen_add(seen, rv[i].adv, l->slot))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
		v = judge(db, l, ver_ok, rv[i].id, rv[i].status, &j);
		if (v == V_INVALID)
			f->skipped++;
		else if (v == V_HIT)
			rc = add_finding(db, f, first, p, idx, l, rv[i].adv, rv[i].sev, rv[i].note, &j,
					 err);
	}
done:
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	for (size_t i = 0; i < n; i++) {
		free(rv[i].sev);
		free(rv[i].note);
	}
	free(rv);
	return rc;
}

cg_err_t cg_vulndb_match_pkg(struct cg_vulndb *db, const struct cg_os_info *os,
			     const struct cg_pkg *pkg, size_t pkg_index, struct cg_findings *f,
			     struct cg_error *err)
{
	struct lookup *lk = NULL;
	struct seen seen = { 0 };
	size_t n, first;
	cg_err_t rc = CG_OK;

	if (!db || !pkg || !f)
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	if ((pkg->flags & CG_PKG_OWNED_BY_OS) && !(pkg->flags & CG_PKG_OS))
		return CG_OK; /* the OS package that owns it is judged */
	lk = malloc(MAX_LOOKUPS * sizeof(*lk));
	if (!lk)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	n = map_pkg(os, pkg, lk);
	if (!n) {
		f->unmapped++;
		goto done;
	}
	f->packages++;
	first = f->n;
	for (size_t i = 0; i < n && !rc; i++) {
		bool ver_ok = cg_version_validate(lk[i].scheme, lk[i].version,
						  strlen(lk[i].version), NULL) == CG_OK;
		if (lk[i].norm == NORM_NONE) {
			rc = match_name(db, f, first, pkg, pkg_index, &lk[i], lk[i].name, ver_ok,
					&seen, err);
			continue;
		}
		{
			struct name_index *ix = &db->norm[lk[i].norm];
			struct name_pair key;
			char norm[MAX_NAME];
			size_t lo = 0, hi;
			if ((rc = load_index(db, lk[i].norm, lk[i].eco, err)))
				break;
			if (!normalise(lk[i].norm, lk[i].name, norm, sizeof(norm)))
				continue;
			key.norm = norm;
			/* first pair with this normalised name, then each of them */
			hi = ix->n;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (pair_cmp(&ix->v[mid], &key) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (; !rc && lo < ix->n && !strcmp(ix->v[lo].norm, norm); lo++)
				rc = match_name(db, f, first, pkg, pkg_index, &lk[i], ix->v[lo].raw,
						ver_ok, &seen, err);
		}
	}
done:
	free(seen.adv);
	free(seen.slot);
	free(lk);
	return rc;
}

static int item_cmp(const void *a, const void *b)
{
	const struct cg_finding *x = &((const struct cg_finding_item *)a)->pub;
	const struct cg_finding *y = &((const struct cg_finding_item *)b)->pub;
	int r;
	if (x->level != y->level)
		return x->level > y->level ? -1 : 1;
	if ((r = strcmp(x->id, y->id)))
		return r;
	return x->pkg_index < y->pkg_index ? -1 : x->pkg_index > y->pkg_index;
}

void cg_findings_sort(struct cg_findings *f)
{
	if (f && f->n > 1)
		qsort(f->v, f->n, sizeof(*f->v), item_cmp);
}

cg_err_t cg_vulndb_match(struct cg_vulndb *db, const struct cg_inventory *inv,
			 struct cg_findings **out, struct cg_error *err)
{
	struct cg_findings *f;
	const struct cg_os_info *os;
	cg_err_t rc = CG_OK;

	if (!db || !inv || !out)
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	*out = NULL;
	f = cg_findings_new();
	if (!f)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	os = cg_inventory_os(inv);
	if ((rc = (cg_err_t)(sqlite3_exec(db->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK
				     ? CG_OK : CG_ERR_IO)))
		CG_FAIL(rc, cg_error_set(err, rc, "database: %s", sqlite3_errmsg(db->db)));
	for (size_t i = 0; i < cg_inventory_pkg_count(inv) && !rc; i++)
		rc = cg_vulndb_match_pkg(db, os, cg_inventory_pkg(inv, i), i, f, err);
	sqlite3_exec(db->db, "COMMIT", NULL, NULL, NULL);
	if (rc)
		goto done;
	cg_findings_sort(f);
	*out = f;
	f = NULL;
done:
	cg_findings_free(f);
	return rc;
}
