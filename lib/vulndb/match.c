/* Matching an inventory against the vulnerability database.
 *
 * Each package becomes one or more lookups (ecosystem, database name, version
 * to compare, which entries apply). A lookup reads the package's rows with
 * their ranges in one indexed query: one row of by_package, where the builder
 * packed them (db.c gives the format), or, in a database built without it,
 * affected(ecosystem, package) joined with ranges; every row is judged with
 * the ecosystem's own comparator. What saves work, without changing a result:
 *  - an ecosystem with few names (at most FEW_NAMES_MAX) has them loaded once
 *    per handle; a lookup of a name it lacks makes no query;
 *  - within one inventory a lookup made before (the source package of the
 *    previous binary, another copy of a library) is replayed from a memo of
 *    its rows' verdicts;
 *  - an advisory's fields are read once per match and shared by its findings;
 *  - events in the builder's compact form are read in place, not by the JSON
 *    parser; rows, ranges and strings live in buffers reused by every lookup.
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
 * versions do not parse is skipped and counted. Several rows of one advisory
 * matching one package give one finding, their union (merge()). */
#include "util/internal.h"
#include "util/arena.h"
#include "vulndb/advisory.h"
#include "vulndb/findings.h"
#include "version/scheme.h"
#include <regex.h>
#include <sqlite3.h>
#include <strings.h>
#include <unistd.h>

#define MAX_EVENTS 1024       /* events of one range */
#define MAX_NAME 512          /* a package name as looked up */
#define MAX_LOOKUPS 8
#define MAX_FINDINGS ((size_t)1 << 22)
#define FEW_NAMES_MAX 1024    /* names of an ecosystem held to skip lookups of others */
#define FEW_NAME_SETS 16

enum q_id { Q_AFF, Q_VERSIONS, Q_ADV, Q_ALIASES, Q_SEVS, Q_REFS, Q_NAMES, Q_FEW, Q_PATTERNS, Q__COUNT };

/* Q_AFF: the rows of a lookup (?3: by_source 1 or 0, or -1 for both), one
 * line per range of each (one line for a row without ranges), rows in id
 * order and ranges in seq order, with whether the row lists versions (asked
 * only of status 0, CG_ADV_AFFECTED: the others never look). */
static const char *const q_sql[Q__COUNT] = {
	[Q_AFF] = ("SELECT a.id, a.advisory, a.by_source, a.status, a.severity, a.note, r.events,"
		   " r.affected IS NOT NULL,"
		   " CASE a.status WHEN 0 THEN EXISTS (SELECT 1 FROM versions v WHERE"
		   " v.affected = a.id) ELSE 0 END"
		   " FROM affected a LEFT JOIN ranges r ON r.affected = a.id"
		   " WHERE a.ecosystem = ?1 AND a.package = ?2 AND (?3 < 0 OR a.by_source = ?3)"
		   " ORDER BY a.id, r.seq"),
	[Q_VERSIONS] = "SELECT version FROM versions WHERE affected = ?1",
	[Q_ADV] = "SELECT name, summary, published, kev, details FROM advisories WHERE id = ?1",
	[Q_ALIASES] = "SELECT alias FROM aliases WHERE advisory = ?1 ORDER BY alias",
	[Q_SEVS] = "SELECT type, score FROM severities WHERE advisory = ?1 ORDER BY type, score",
	[Q_REFS] = "SELECT url FROM refs WHERE advisory = ?1 ORDER BY url LIMIT 32",
	/* debian-security-support names that are regular expressions ("golang.*") */
	[Q_PATTERNS] = ("SELECT DISTINCT package FROM affected WHERE ecosystem = ?1"
			" AND feed = 'debian-support' AND (package GLOB '*[*+?[(|\\]*'"
			" OR package GLOB '*.*')"),
	[Q_NAMES] = "SELECT DISTINCT package FROM affected WHERE ecosystem = ?1",
	[Q_FEW] = "SELECT DISTINCT package FROM affected WHERE ecosystem = ?1 LIMIT "
		  CG_STR(FEW_NAMES_MAX) " + 1",
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

/* A database's packed rows (db.c says the format), when it has them. */
static const char q_packed_sql[] =
	"SELECT rows FROM by_package WHERE ecosystem = ?1 AND package = ?2";

/* The names of an ecosystem with at most FEW_NAMES_MAX of them (`many` when
 * it has more), loaded on first use: a lookup of another name needs no query.
 * (A Debian 12 system looks up every package in "Debian:12" and "Debian", which
 * name few packages of a release.) */
struct few_names {
	char eco[64];
	bool many;
	const char **v; /* sorted */
	size_t n;
};

/* The regular-expression names of one ecosystem's support-list entries. */
struct pattern_set {
	char eco[64];
	regex_t *re;
	char **raw;
	size_t n;
};

#define PATTERN_SETS 8
#define PATTERNS_MAX 256

struct cg_vulndb {
	sqlite3 *db;
	struct pattern_set pats[PATTERN_SETS];
	size_t npats;
	struct few_names few[FEW_NAME_SETS];
	size_t nfew;
	sqlite3_stmt *q[Q__COUNT];
	sqlite3_stmt *q_packed; /* NULL: a database without by_package */
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
	if (sqlite3_prepare_v3(db->db, q_packed_sql, -1, SQLITE_PREPARE_PERSISTENT, &db->q_packed,
			       NULL) != SQLITE_OK)
		db->q_packed = NULL; /* built before by_package: lookups read affected */
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
	sqlite3_finalize(db->q_packed);
	for (size_t i = 0; i < CG_ARRAY_LEN(db->norm); i++)
		free(db->norm[i].v);
	for (size_t i = 0; i < db->nfew; i++)
		free(db->few[i].v);
	for (size_t i = 0; i < db->npats; i++) {
		for (size_t k = 0; k < db->pats[i].n; k++)
			regfree(&db->pats[i].re[k]);
		free(db->pats[i].re);
		free(db->pats[i].raw);
	}
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

/* v with room for n + 1 elements of `size` bytes: v itself, a larger copy, or
 * NULL when out of memory (v is then unchanged). */
static void *grow(void *v, size_t *cap, size_t n, size_t size)
{
	size_t nc, bytes;
	void *nv;
	if (n < *cap)
		return v;
	nc = *cap ? *cap * 2 : 16;
	if (!cg_size_mul(nc, size, &bytes) || !(nv = realloc(v, bytes)))
		return NULL;
	*cap = nc;
	return nv;
}

/* s[0..n) and a NUL into the pool at *off. */
static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* May the database have rows of (eco, name)? false only when it certainly has none. */
static cg_err_t may_have(struct cg_vulndb *db, const char *eco, const char *name, bool *yes,
			 struct cg_error *err)
{
	struct few_names *fw = NULL;
	sqlite3_stmt *s = db->q[Q_FEW];
	cg_err_t rc = CG_OK;
	size_t cap = 0;
	int r = SQLITE_DONE;

	*yes = true;
	for (size_t i = 0; i < db->nfew && !fw; i++)
		if (!strcmp(db->few[i].eco, eco))
			fw = &db->few[i];
	if (!fw) {
		if (db->nfew == FEW_NAME_SETS || strlen(eco) >= sizeof(fw->eco))
			return CG_OK;
		fw = &db->few[db->nfew++];
		memcpy(fw->eco, eco, strlen(eco) + 1);
		sqlite3_bind_text(s, 1, eco, -1, SQLITE_STATIC);
		while (!fw->many && (r = sqlite3_step(s)) == SQLITE_ROW) {
			const char *p = (const char *)sqlite3_column_text(s, 0);
			const char **nv;
			if (fw->n == FEW_NAMES_MAX) {
				fw->many = true;
				break;
			}
			if (!p)
				continue;
			if (!(nv = grow(fw->v, &cap, fw->n, sizeof(*nv))) ||
			    !(nv[fw->n] = cg_arena_strdup(&db->arena, p))) {
				if (nv)
					fw->v = nv;
				fw->many = true; /* a failed load filters nothing */
				CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
			}
			fw->v = nv;
			fw->n++;
		}
		if (!fw->many && r != SQLITE_DONE) {
			fw->many = true;
			CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "database: %s",
						 sqlite3_errmsg(db->db)));
		}
		if (fw->n)
			qsort(fw->v, fw->n, sizeof(*fw->v), str_cmp);
	}
	if (!fw->many)
		*yes = fw->n && bsearch(&name, fw->v, fw->n, sizeof(*fw->v), str_cmp);
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
	/* eco, name and version kept in the findings (by the first finding) */
	const char *kept_eco, *kept_name, *kept_version;
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

/* s into out[cap]; false when it does not fit. */
static bool copy(char *out, size_t cap, const char *s)
{
	size_t n = strlen(s);
	if (n >= cap)
		return false;
	memcpy(out, s, n + 1);
	return true;
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
	if (!copy(l->eco, sizeof(l->eco), eco) || !copy(l->name, sizeof(l->name), name) ||
	    !copy(l->version, sizeof(l->version), ver))
		return false;
	l->by_source = by_source;
	l->slot = slot;
	l->fallback = fallback;
	l->norm = norm;
	l->scheme = s;
	l->kept_eco = l->kept_name = l->kept_version = NULL;
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
		} else if (!copy(bin, sizeof(bin), p->version) ||
			   !copy(src, sizeof(src), !strcmp(p->type, "apk") ? p->version : sv)) {
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
		} else if (!copy(name, sizeof(name), p->name)) {
			return 0;
		}
		if (!add_lookup(lk, &n, lang_ecos[i].eco, name, p->version, -1, 0, false,
				lang_ecos[i].norm, s))
			return 0;
		return n;
	}
	return 0;
}

enum verdict { V_NONE, V_HIT, V_INVALID };

struct judged {
	enum cg_finding_status status;
	char fixed[CG_VERSION_MAX_LEN + 1]; /* "" when none */
};

/* ---- one match's working space ---------------------------------------------- */

#define NO_STR SIZE_MAX /* a NULL string in a pool */

/* Bytes that grow and are reused from lookup to lookup; strings are kept as
 * offsets, as the bytes move when they grow. */
struct pool {
	char *p;
	size_t len, cap;
};

/* One affected row of a lookup; its ranges' events texts are
 * m->ranges[range0 .. range0 + nranges) (pool offsets). */
struct row {
	int64_t id, adv;
	int status;
	bool has_versions;
	size_t sev, note; /* pool offsets or NO_STR */
	size_t range0, nranges;
};

/* Advisories with an entry of the release for a name slot (fallback rule). */
struct seen {
	int64_t *adv;
	int *slot;
	size_t n, cap;
};

/* An advisory already loaded into the findings: its first finding. */
struct adv_slot {
	int64_t adv; /* 0: empty (advisories.id starts at 1) */
	size_t item;
};

/* What one lookup found, kept for the next package that makes the same lookup
 * (the binaries of one source package; copies of one library): each row's
 * advisory and verdict, in row order. */
struct memo_row {
	int64_t adv;
	enum verdict v;
	enum cg_finding_status status;
	const char *fixed, *sev, *note; /* in the memo arena */
};

struct memo {
	const char *key; /* in the memo arena */
	size_t klen;
	size_t row0, nrows; /* into memo_rows */
};

struct match {
	struct cg_vulndb *db;
	struct cg_findings *f;
	struct lookup lk[MAX_LOOKUPS];
	struct seen seen; /* of the package being matched */
	/* the rows of the lookup being judged */
	struct row *rows;
	size_t nrows, rows_cap;
	size_t *ranges;
	size_t nranges, ranges_cap;
	struct pool pool;
	struct cg_osv_event ev[MAX_EVENTS];
	char *ends[MAX_EVENTS];
	/* advisory id -> finding that holds its fields; open addressing */
	struct adv_slot *advs;
	size_t nadvs, advs_cap; /* cap: 0 or a power of two */
	/* lookups done: key -> rows; open addressing over memo indexes + 1 */
	struct memo *memos;
	size_t nmemos, memos_cap;
	size_t *memo_slots;
	size_t memo_slots_cap; /* 0 or a power of two */
	struct memo_row *memo_rows;
	size_t nmemo_rows, memo_rows_cap;
	struct cg_arena arena; /* memo keys and strings */
	bool use_memo;         /* only while one inventory (one OS) is matched */
};

static bool pool_putn(struct pool *pl, const char *s, size_t n, size_t *off)
{
	size_t need;
	if (!cg_size_add(pl->len, n, &need) || !cg_size_add(need, 1, &need))
		return false;
	if (need > pl->cap) {
		size_t nc = pl->cap ? pl->cap : 4096;
		char *np;
		while (nc < need)
			if (!cg_size_mul(nc, 2, &nc))
				return false;
		if (!(np = realloc(pl->p, nc)))
			return false;
		pl->p = np;
		pl->cap = nc;
	}
	if (n)
		memcpy(pl->p + pl->len, s, n);
	pl->p[pl->len + n] = '\0';
	*off = pl->len;
	pl->len = need;
	return true;
}

/* A NUL-terminated string (NULL: NO_STR) into the pool. */
static bool pool_put(struct pool *pl, const char *s, size_t *off)
{
	if (!s) {
		*off = NO_STR;
		return true;
	}
	return pool_putn(pl, s, strlen(s), off);
}

static const char *pool_str(const struct pool *pl, size_t off)
{
	return off == NO_STR ? NULL : pl->p + off;
}

static struct match *match_new(struct cg_vulndb *db, struct cg_findings *f)
{
	struct match *m = calloc(1, sizeof(*m));
	if (m) {
		m->db = db;
		m->f = f;
	}
	return m;
}

static void match_free(struct match *m)
{
	if (!m)
		return;
	free(m->seen.adv);
	free(m->seen.slot);
	free(m->rows);
	free(m->ranges);
	free(m->pool.p);
	free(m->advs);
	free(m->memos);
	free(m->memo_slots);
	free(m->memo_rows);
	cg_arena_release(&m->arena);
	free(m);
}

static uint64_t hash_bytes(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3u;
	return h;
}

static size_t hash_adv(int64_t adv)
{
	return (size_t)(((uint64_t)adv * 0x9e3779b97f4a7c15u) >> 20);
}

/* ---- judging one row -------------------------------------------------------- */

/* The version's end: the closing quote of a string of printable ASCII with
 * no escapes starting at p, or NULL. */
static char *plain_end(char *p)
{
	for (; *p != '"'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e || *p == '\\')
			return NULL;
	return p;
}

/* Events exactly as the builder writes them, [["introduced","0"],["fixed","1.2"]]
 * with plain strings: true when the text has that shape, and then the events
 * are stored and each version is cut at its closing quote (ends[] holds the
 * quotes until the whole text is known to be of that shape). */
static bool compact_events(char *text, struct cg_osv_event *ev, char **ends, size_t *n)
{
	static const struct {
		const char *name;
		size_t len;
	} kinds[] = {
		[CG_OSV_INTRODUCED] = { "introduced", 10 }, [CG_OSV_FIXED] = { "fixed", 5 },
		[CG_OSV_LAST_AFFECTED] = { "last_affected", 13 }, [CG_OSV_LIMIT] = { "limit", 5 },
	};
	char *p = text, *k, *k_end, *v, *v_end;
	size_t count = 0;

	if (*p++ != '[')
		return false;
	while (*p != ']') {
		size_t kind = CG_ARRAY_LEN(kinds);
		if (count == MAX_EVENTS || (count && *p++ != ',') || p[0] != '[' || p[1] != '"')
			return false;
		k = p + 2;
		if (!(k_end = plain_end(k)) || k_end[1] != ',' || k_end[2] != '"')
			return false;
		v = k_end + 3;
		if (!(v_end = plain_end(v)) || v_end[1] != ']')
			return false;
		for (size_t x = 0; x < CG_ARRAY_LEN(kinds); x++)
			if ((size_t)(k_end - k) == kinds[x].len && !memcmp(k, kinds[x].name, kinds[x].len))
				kind = x;
		if (kind == CG_ARRAY_LEN(kinds))
			return false;
		ev[count].kind = (enum cg_osv_event_kind)kind;
		ev[count].version = v;
		ends[count++] = v_end;
		p = v_end + 2;
	}
	if (p[1] != '\0')
		return false;
	for (size_t i = 0; i < count; i++)
		*ends[i] = '\0';
	*n = count;
	return true;
}

/* Parse a range's events (a pool string: the compact form is read in place);
 * any other text goes to the JSON parser, events then borrowing from *j. */
static bool parse_events(char *text, cg_json **j, struct cg_osv_event *ev, char **ends, size_t *n)
{
	static const char *const kinds[] = {
		[CG_OSV_INTRODUCED] = "introduced", [CG_OSV_FIXED] = "fixed",
		[CG_OSV_LAST_AFFECTED] = "last_affected", [CG_OSV_LIMIT] = "limit",
	};
	size_t len;
	*n = 0;
	if (!text)
		return false;
	if (compact_events(text, ev, ends, n))
		return true;
	*n = 0;
	if (cg_json_parse(text, strlen(text), NULL, j, NULL) != CG_OK)
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
static enum verdict in_ranges(struct match *m, const struct cg_version_scheme *s,
			      const struct row *r, const char *ver, char *fixed, size_t fcap)
{
	enum verdict v = V_NONE;
	size_t vl = strlen(ver);

	fixed[0] = '\0';
	for (size_t k = 0; v == V_NONE && k < r->nranges; k++) {
		char *text = (char *)pool_str(&m->pool, m->ranges[r->range0 + k]);
		struct cg_osv_event *ev = m->ev;
		cg_json *j = NULL;
		size_t n;
		bool hit = false;
		if (!parse_events(text, &j, ev, m->ends, &n) ||
		    cg_version_osv_affected(s, ver, ev, n, &hit, NULL) != CG_OK) {
			v = V_INVALID;
		} else if (hit) {
			const char *best = NULL;
			v = V_HIT;
			for (size_t i = 0; i < n; i++) {
				int c;
				if (ev[i].kind != CG_OSV_FIXED)
					continue;
				if (cg_version_cmp_n(s, ev[i].version, strlen(ev[i].version), ver, vl,
						     &c, NULL) != CG_OK || c <= 0)
					continue;
				if (best && (cg_version_cmp_n(s, ev[i].version, strlen(ev[i].version),
							      best, strlen(best), &c, NULL) != CG_OK ||
					     c >= 0))
					continue;
				best = ev[i].version;
			}
			if (best && strlen(best) < fcap)
				memcpy(fixed, best, strlen(best) + 1);
		}
		cg_json_free(j);
	}
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

static enum verdict judge(struct match *m, const struct lookup *l, bool ver_ok,
			  const struct row *r, struct judged *out)
{
	enum verdict v;

	out->fixed[0] = '\0';
	switch (r->status) {
	case CG_ADV_NOT_AFFECTED:
		return V_NONE;
	case CG_ADV_UNFIXED:
		out->status = CG_FINDING_UNFIXED;
		return V_HIT;
	case CG_ADV_EOL:
		out->status = CG_FINDING_EOL;
		if (!ver_ok)
			return V_INVALID;
		v = in_ranges(m, l->scheme, r, l->version, out->fixed, sizeof(out->fixed));
		out->fixed[0] = '\0';
		return r->nranges ? v : V_HIT;
	case CG_ADV_AFFECTED:
		if (!ver_ok)
			return V_INVALID;
		v = in_ranges(m, l->scheme, r, l->version, out->fixed, sizeof(out->fixed));
		if (v == V_NONE && r->has_versions && in_versions(m->db, l->scheme, r->id, l->version))
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

/* The first column of a query's rows for one advisory, as an array in the
 * findings' arena (arena arrays grow by copying: these lists are short). */
static const char *const *load_strings(struct cg_findings *f, sqlite3_stmt *q, int64_t adv,
				       size_t *count, bool *oom)
{
	const char **a = NULL;
	size_t n = 0, cap = 0;
	sqlite3_bind_int64(q, 1, adv);
	while (!*oom && sqlite3_step(q) == SQLITE_ROW) {
		if (n == cap) {
			const char **na = cg_arena_alloc(&f->arena, (cap ? cap * 2 : 4) * sizeof(*na));
			if (!na) {
				*oom = true;
				break;
			}
			if (n)
				memcpy(na, a, n * sizeof(*na));
			cap = cap ? cap * 2 : 4;
			a = na;
		}
		a[n++] = keep(f, COL(q, 0), oom);
	}
	sqlite3_reset(q);
	*count = n;
	return a;
}

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

	it->pub.references = load_strings(f, db->q[Q_REFS], it->adv, &it->pub.nreferences, &oom);
	it->pub.aliases = load_strings(f, db->q[Q_ALIASES], it->adv, &it->pub.naliases, &oom);

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

/* Several entries of one advisory match one package (OSV lists a package in
 * several `affected` entries, or overlapping ranges): the package is affected
 * by each, so the finding takes the union. Its fix must leave every entry:
 * end-of-life in any entry wins, then unfixed in any, else the highest fix.
 * *j becomes the merged judgement; false when it equals the finding's. */
static bool merge(const struct cg_finding_item *it, struct judged *j)
{
	int r;
	if (it->pub.status == CG_FINDING_EOL || j->status == CG_FINDING_EOL) {
		j->status = CG_FINDING_EOL;
		j->fixed[0] = '\0';
	} else if (it->pub.status == CG_FINDING_UNFIXED || j->status == CG_FINDING_UNFIXED ||
		   !it->pub.fixed || !j->fixed[0]) {
		j->status = CG_FINDING_UNFIXED;
		j->fixed[0] = '\0';
	} else if (cg_version_cmp_n(it->scheme, it->pub.fixed, strlen(it->pub.fixed), j->fixed,
				    strlen(j->fixed), &r, NULL) == CG_OK && r >= 0) {
		return false; /* the finding's fix is the higher one already */
	}
	return j->status != it->pub.status ||
	       (j->fixed[0] ? !it->pub.fixed || strcmp(j->fixed, it->pub.fixed) : !!it->pub.fixed);
}

/* The finding that already holds the advisory's fields, or NULL. */
static const struct cg_finding_item *adv_find(const struct match *m, int64_t adv)
{
	size_t mask = m->advs_cap - 1;
	if (!m->advs_cap)
		return NULL;
	for (size_t i = hash_adv(adv) & mask; m->advs[i].adv; i = (i + 1) & mask)
		if (m->advs[i].adv == adv)
			return &m->f->v[m->advs[i].item];
	return NULL;
}

static bool adv_add(struct match *m, int64_t adv, size_t item)
{
	size_t mask;
	if ((m->nadvs + 1) * 2 > m->advs_cap) {
		size_t nc = m->advs_cap ? m->advs_cap * 2 : 256;
		struct adv_slot *nv = calloc(nc, sizeof(*nv));
		if (!nv)
			return false;
		for (size_t i = 0; i < m->advs_cap; i++) {
			size_t k = hash_adv(m->advs[i].adv) & (nc - 1);
			if (!m->advs[i].adv)
				continue;
			while (nv[k].adv)
				k = (k + 1) & (nc - 1);
			nv[k] = m->advs[i];
		}
		free(m->advs);
		m->advs = nv;
		m->advs_cap = nc;
	}
	mask = m->advs_cap - 1;
	for (size_t i = hash_adv(adv) & mask;; i = (i + 1) & mask)
		if (!m->advs[i].adv) {
			m->advs[i].adv = adv;
			m->advs[i].item = item;
			m->nadvs++;
			return true;
		}
}

/* The advisory's fields of another finding: strings and lists shared (they are
 * never changed), severities copied (the CVSS scores are written into them). */
static bool copy_advisory(struct cg_findings *f, struct cg_finding *to,
			  const struct cg_finding *from)
{
	struct cg_finding_severity *sv = NULL;
	to->id = from->id;
	to->aliases = from->aliases;
	to->naliases = from->naliases;
	to->summary = from->summary;
	to->published = from->published;
	to->kev = from->kev;
	to->details = from->details;
	to->references = from->references;
	to->nreferences = from->nreferences;
	if (from->nseverities) {
		sv = cg_arena_alloc(&f->arena, from->nseverities * sizeof(*sv));
		if (!sv)
			return false;
		memcpy(sv, from->severities, from->nseverities * sizeof(*sv));
	}
	to->severities = sv;
	to->nseverities = from->nseverities;
	return true;
}

static cg_err_t add_finding(struct match *m, size_t first, const struct cg_pkg *p, size_t idx,
			    struct lookup *l, int64_t adv, const char *sev, const char *note,
			    const struct judged *j, struct cg_error *err)
{
	struct cg_findings *f = m->f;
	struct cg_finding_item *it = NULL;
	const struct cg_finding_item *same = NULL;
	bool oom = false, fresh = false;
	cg_err_t rc;

	struct judged merged;

	for (size_t i = first; i < f->n; i++)
		if (f->v[i].adv == adv && f->v[i].pub.pkg_index == idx)
			it = &f->v[i];
	if (it) {
		merged = *j;
		if (!merge(it, &merged))
			return CG_OK;
		j = &merged;
	}
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
		if (f->n > first) { /* the package's strings, kept for its first finding */
			it->pub.pkg_name = f->v[first].pub.pkg_name;
			it->pub.pkg_version = f->v[first].pub.pkg_version;
			it->pub.pkg_type = f->v[first].pub.pkg_type;
			it->pub.pkg_path = f->v[first].pub.pkg_path;
		} else {
			it->pub.pkg_name = keep(f, p->name, &oom);
			it->pub.pkg_version = keep(f, p->version, &oom);
			it->pub.pkg_type = keep(f, p->type, &oom);
			it->pub.pkg_path = keep(f, p->path, &oom);
		}
		it->pub.pkg_layer = p->layer;
		if ((same = adv_find(m, adv))) {
			if (!copy_advisory(f, &it->pub, &same->pub))
				oom = true;
		} else if ((rc = load_advisory(m->db, f, it, err))) {
			return rc;
		}
		fresh = true;
	}
	if (!l->kept_eco) {
		l->kept_eco = keep(f, l->eco, &oom);
		l->kept_name = keep(f, l->name, &oom);
		l->kept_version = keep(f, l->version, &oom);
	}
	it->pub.ecosystem = l->kept_eco;
	it->pub.package = l->kept_name;
	it->pub.installed = l->kept_version;
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
	if (oom || !it->pub.ecosystem)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	if (fresh) {
		if (!same && !adv_add(m, adv, f->n))
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		f->n++;
	}
	return CG_OK;
}

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

/* ---- remembered lookups ----------------------------------------------------- */

/* The key of a lookup of `name`: everything its result depends on within one
 * inventory (the OS, hence the ecosystems before a fallback, is fixed). */
static size_t memo_key(const struct lookup *l, const char *name, char *out, size_t cap)
{
	const char *part[3] = { l->eco, name, l->version };
	size_t n = 0;
	for (size_t i = 0; i < 3; i++) {
		size_t len = strlen(part[i]);
		if (len + 1 > cap - n)
			return 0;
		memcpy(out + n, part[i], len + 1); /* with its NUL as the separator */
		n += len + 1;
	}
	if (cap - n < 3)
		return 0;
	out[n++] = (char)(l->by_source + 1);
	out[n++] = (char)l->slot;
	out[n++] = (char)l->fallback;
	return n;
}

static const struct memo *memo_find(const struct match *m, const char *key, size_t klen)
{
	size_t mask = m->memo_slots_cap - 1;
	if (!m->memo_slots_cap)
		return NULL;
	for (size_t i = hash_bytes(key, klen) & mask; m->memo_slots[i]; i = (i + 1) & mask) {
		const struct memo *e = &m->memos[m->memo_slots[i] - 1];
		if (e->klen == klen && !memcmp(e->key, key, klen))
			return e;
	}
	return NULL;
}

/* Remember rows [row0, nmemo_rows) under key. */
static bool memo_add(struct match *m, const char *key, size_t klen, size_t row0)
{
	struct memo *e, *nv;
	size_t mask;
	if ((m->nmemos + 1) * 2 > m->memo_slots_cap) {
		size_t nc = m->memo_slots_cap ? m->memo_slots_cap * 2 : 1024;
		size_t *ns = calloc(nc, sizeof(*ns));
		if (!ns)
			return false;
		for (size_t i = 0; i < m->nmemos; i++) {
			size_t k = hash_bytes(m->memos[i].key, m->memos[i].klen) & (nc - 1);
			while (ns[k])
				k = (k + 1) & (nc - 1);
			ns[k] = i + 1;
		}
		free(m->memo_slots);
		m->memo_slots = ns;
		m->memo_slots_cap = nc;
	}
	if (!(nv = grow(m->memos, &m->memos_cap, m->nmemos, sizeof(*nv))))
		return false;
	m->memos = nv;
	e = &m->memos[m->nmemos];
	if (!(e->key = cg_arena_strndup(&m->arena, key, klen)))
		return false;
	e->klen = klen;
	e->row0 = row0;
	e->nrows = m->nmemo_rows - row0;
	mask = m->memo_slots_cap - 1;
	for (size_t i = hash_bytes(key, klen) & mask;; i = (i + 1) & mask)
		if (!m->memo_slots[i]) {
			m->memo_slots[i] = ++m->nmemos;
			return true;
		}
}

static bool memo_row(struct match *m, int64_t adv, enum verdict v, const struct judged *j,
		     const char *sev, const char *note)
{
	struct memo_row *nv = grow(m->memo_rows, &m->memo_rows_cap, m->nmemo_rows, sizeof(*nv));
	struct memo_row *r;
	bool hit = v == V_HIT;
	if (!nv)
		return false;
	m->memo_rows = nv;
	r = &m->memo_rows[m->nmemo_rows];
	r->adv = adv;
	r->v = v;
	r->status = hit ? j->status : CG_FINDING_UNFIXED;
	r->fixed = hit && j->fixed[0] ? cg_arena_strdup(&m->arena, j->fixed) : NULL;
	r->sev = hit ? cg_arena_strdup(&m->arena, sev) : NULL;
	r->note = hit ? cg_arena_strdup(&m->arena, note) : NULL;
	if ((r->fixed == NULL && hit && j->fixed[0]) || (!r->sev && hit && sev) ||
	    (!r->note && hit && note))
		return false;
	m->nmemo_rows++;
	return true;
}

/* ---- one lookup ------------------------------------------------------------- */

/* ---- reading a lookup's rows ------------------------------------------------ */

static bool get_varint(struct cg_view v, size_t *pos, uint64_t *out)
{
	uint64_t x = 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		uint8_t c;
		if (!cg_view_u8(v, (*pos)++, &c))
			return false;
		x |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*out = x;
			return true;
		}
	}
	return false;
}

static bool get_int(struct cg_view v, size_t *pos, int *out)
{
	uint64_t x;
	if (!get_varint(v, pos, &x))
		return false;
	*out = (int64_t)x < INT_MIN || (int64_t)x > INT_MAX ? INT_MIN : (int)(int64_t)x;
	return true;
}

static bool get_str(struct cg_view v, size_t *pos, struct pool *pl, size_t *off)
{
	uint64_t n;
	struct cg_view sv;
	if (!get_varint(v, pos, &n))
		return false;
	if (!n) {
		*off = NO_STR;
		return true;
	}
	if (!cg_view_sub(v, *pos, (size_t)(n - 1), &sv) || n - 1 > SIZE_MAX)
		return false;
	*pos += (size_t)(n - 1);
	return pool_putn(pl, (const char *)sv.p, sv.len, off);
}

/* The rows of a by_package blob (untrusted: every read is checked) that the
 * lookup takes; false when it is malformed (or memory ran out). */
static bool unpack_rows(struct match *m, const struct lookup *l, struct cg_view v)
{
	size_t pos = 0;
	while (pos < v.len) {
		struct row r;
		uint64_t id, adv, nr;
		int by_source, has_versions;
		bool take;
		if (!get_varint(v, &pos, &id) || !get_varint(v, &pos, &adv) ||
		    !get_int(v, &pos, &by_source) || !get_int(v, &pos, &r.status) ||
		    !get_int(v, &pos, &has_versions) || !get_str(v, &pos, &m->pool, &r.sev) ||
		    !get_str(v, &pos, &m->pool, &r.note) || !get_varint(v, &pos, &nr) || nr > v.len)
			return false;
		take = l->by_source < 0 || by_source == l->by_source;
		r.id = (int64_t)id;
		r.adv = (int64_t)adv;
		r.has_versions = has_versions != 0;
		r.range0 = m->nranges;
		r.nranges = 0;
		for (uint64_t i = 0; i < nr; i++) {
			size_t *nv = grow(m->ranges, &m->ranges_cap, m->nranges, sizeof(*nv));
			if (!nv)
				return false;
			m->ranges = nv;
			if (!get_str(v, &pos, &m->pool, &m->ranges[m->nranges]))
				return false;
			if (take) {
				m->nranges++;
				r.nranges++;
			}
		}
		if (take) {
			struct row *nv = grow(m->rows, &m->rows_cap, m->nrows, sizeof(*nv));
			if (!nv)
				return false;
			m->rows = nv;
			m->rows[m->nrows++] = r;
		}
	}
	return true;
}

/* The rows of (l->eco, name) from by_package: *done false when the database
 * has none to give (built without it, a package packed empty, a malformed
 * blob) and affected is to be read. */
static cg_err_t load_packed(struct match *m, const struct lookup *l, const char *name,
			    bool *done, struct cg_error *err)
{
	sqlite3_stmt *q = m->db->q_packed;
	cg_err_t rc = CG_OK;
	int r;

	*done = false;
	if (!q)
		return CG_OK;
	sqlite3_bind_text(q, 1, l->eco, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
	r = sqlite3_step(q);
	if (r == SQLITE_DONE) {
		*done = true; /* no rows */
	} else if (r == SQLITE_ROW) {
		const void *p = sqlite3_column_blob(q, 0);
		int n = sqlite3_column_bytes(q, 0);
		if (p && n > 0 && unpack_rows(m, l, cg_view_make(p, (size_t)n)))
			*done = true;
		else
			m->nrows = m->nranges = m->pool.len = 0;
	} else {
		rc = cg_error_set(err, CG_ERR_IO, "database: %s", sqlite3_errmsg(m->db->db));
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc;
}

/* The rows of (l->eco, name) that the lookup takes (by source, by binary or
 * both), each with its ranges, into m->rows. */
static cg_err_t load_rows(struct match *m, const struct lookup *l, const char *name,
			  struct cg_error *err)
{
	sqlite3_stmt *q = m->db->q[Q_AFF];
	struct row *cur = NULL;
	int64_t last = 0;
	bool done;
	cg_err_t rc;
	int r;

	m->nrows = m->nranges = m->pool.len = 0;
	if ((rc = load_packed(m, l, name, &done, err)) || done)
		return rc;
	sqlite3_bind_text(q, 1, l->eco, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 3, l->by_source);
	while ((r = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(q, 0);
		if (!m->nrows || id != last) { /* the first range of a row (or its only line) */
			struct row *nv;
			last = id;
			if (!(nv = grow(m->rows, &m->rows_cap, m->nrows, sizeof(*nv))))
				CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
			m->rows = nv;
			cur = &m->rows[m->nrows++];
			cur->id = id;
			cur->adv = sqlite3_column_int64(q, 1);
			cur->status = sqlite3_column_int(q, 3);
			cur->has_versions = false;
			cur->range0 = m->nranges;
			cur->nranges = 0;
			if (!pool_put(&m->pool, COL(q, 4), &cur->sev) ||
			    !pool_put(&m->pool, COL(q, 5), &cur->note))
				CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
		}
		if (sqlite3_column_int(q, 8))
			cur->has_versions = true;
		if (sqlite3_column_int(q, 7)) { /* a range */
			size_t *nv = grow(m->ranges, &m->ranges_cap, m->nranges, sizeof(*nv));
			if (!nv)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
			m->ranges = nv;
			if (!pool_put(&m->pool, COL(q, 6), &m->ranges[m->nranges]))
				CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
			m->nranges++;
			cur->nranges++;
		}
	}
	if (r != SQLITE_DONE)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "database: %s", sqlite3_errmsg(m->db->db)));
done:
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc;
}

/* What a row gives: a package's seen advisories, a skipped row, a finding. */
static cg_err_t apply_row(struct match *m, size_t first, const struct cg_pkg *p, size_t idx,
			  struct lookup *l, int64_t adv, enum verdict v, const struct judged *j,
			  const char *sev, const char *note, struct cg_error *err)
{
	if (!l->fallback && !seen_add(&m->seen, adv, l->slot))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	if (v == V_INVALID)
		m->f->skipped++;
	else if (v == V_HIT)
		return add_finding(m, first, p, idx, l, adv, sev, note, j, err);
	return CG_OK;
}

/* All rows of (l->eco, name) into findings; a lookup made before for this
 * inventory is replayed from the memo. */
static cg_err_t match_name(struct match *m, size_t first, const struct cg_pkg *p, size_t idx,
			   struct lookup *l, const char *name, bool ver_ok, struct cg_error *err)
{
	char key[sizeof(l->eco) + MAX_NAME + sizeof(l->version) + 32];
	size_t klen, row0 = m->nmemo_rows;
	const struct memo *e;
	cg_err_t rc;
	bool yes;

	if ((rc = may_have(m->db, l->eco, name, &yes, err)) || !yes)
		return rc;
	klen = m->use_memo ? memo_key(l, name, key, sizeof(key)) : 0;
	e = klen ? memo_find(m, key, klen) : NULL;
	if (e) {
		for (size_t i = 0; i < e->nrows && !rc; i++) {
			const struct memo_row *r = &m->memo_rows[e->row0 + i];
			struct judged j;
			j.status = r->status;
			j.fixed[0] = '\0';
			if (r->fixed && strlen(r->fixed) < sizeof(j.fixed))
				memcpy(j.fixed, r->fixed, strlen(r->fixed) + 1);
			rc = apply_row(m, first, p, idx, l, r->adv, r->v, &j, r->sev, r->note, err);
		}
		return rc;
	}
	if ((rc = load_rows(m, l, name, err)))
		return rc;
	for (size_t i = 0; i < m->nrows && !rc; i++) {
		const struct row *r = &m->rows[i];
		const char *sev = pool_str(&m->pool, r->sev), *note = pool_str(&m->pool, r->note);
		struct judged j;
		enum verdict v;
		if (l->fallback && seen_has(&m->seen, r->adv, l->slot))
			continue;
		v = judge(m, l, ver_ok, r, &j);
		if (klen && !memo_row(m, r->adv, v, &j, sev, note))
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		rc = apply_row(m, first, p, idx, l, r->adv, v, &j, sev, note, err);
	}
	if (!rc && klen && !memo_add(m, key, klen, row0))
		rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	return rc;
}

/* debian-security-support lists some sources by a regular expression, as its
 * check-support-status reads them (grep -P -x: "golang.*" is every golang-1.NN):
 * the ecosystem's such names, compiled once per handle (POSIX extended
 * syntax, anchored; a name that does not compile is left literal). */
static const struct pattern_set *patterns(struct cg_vulndb *db, const char *eco)
{
	struct pattern_set *ps;
	sqlite3_stmt *q = db->q[Q_PATTERNS];
	for (size_t i = 0; i < db->npats; i++)
		if (!strcmp(db->pats[i].eco, eco))
			return &db->pats[i];
	if (db->npats == PATTERN_SETS || strlen(eco) >= sizeof(ps->eco))
		return NULL;
	ps = &db->pats[db->npats++];
	memset(ps, 0, sizeof(*ps));
	memcpy(ps->eco, eco, strlen(eco) + 1);
	sqlite3_bind_text(q, 1, eco, -1, SQLITE_STATIC);
	while (sqlite3_step(q) == SQLITE_ROW && ps->n < PATTERNS_MAX) {
		const char *raw = (const char *)sqlite3_column_text(q, 0);
		char rx[MAX_NAME + 8];
		if (!raw || !fmt(rx, sizeof(rx), "^(%s)$", raw))
			continue;
		if (!ps->re) {
			ps->re = calloc(PATTERNS_MAX, sizeof(*ps->re));
			ps->raw = calloc(PATTERNS_MAX, sizeof(*ps->raw));
			if (!ps->re || !ps->raw)
				break;
		}
		if (!(ps->raw[ps->n] = cg_arena_strdup(&db->arena, raw)))
			break;
		if (regcomp(&ps->re[ps->n], rx, REG_EXTENDED | REG_NOSUB) == 0)
			ps->n++;
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return ps;
}

/* The support-list patterns that name a Debian source package. */
static cg_err_t match_patterns(struct match *m, size_t first, const struct cg_pkg *p,
			       size_t idx, struct lookup *l, bool ver_ok, struct cg_error *err)
{
	const struct pattern_set *ps;
	cg_err_t rc = CG_OK;
	if (strncmp(l->eco, "Debian", 6) || l->by_source == 0 || strcmp(p->type, "deb"))
		return CG_OK;
	if (!(ps = patterns(m->db, l->eco)))
		return CG_OK;
	for (size_t i = 0; i < ps->n && !rc; i++)
		if (strcmp(ps->raw[i], l->name) && regexec(&ps->re[i], l->name, 0, NULL, 0) == 0)
			rc = match_name(m, first, p, idx, l, ps->raw[i], ver_ok, err);
	return rc;
}

static cg_err_t match_pkg(struct match *m, const struct cg_os_info *os, const struct cg_pkg *pkg,
			  size_t pkg_index, struct cg_error *err)
{
	struct cg_findings *f = m->f;
	struct lookup *lk = m->lk;
	size_t n, first;
	cg_err_t rc = CG_OK;

	if ((pkg->flags & CG_PKG_OWNED_BY_OS) && !(pkg->flags & CG_PKG_OS))
		return CG_OK; /* the OS package that owns it is judged */
	n = map_pkg(os, pkg, lk);
	if (!n) {
		f->unmapped++;
		return CG_OK;
	}
	f->packages++;
	first = f->n;
	m->seen.n = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		bool ver_ok = cg_version_validate(lk[i].scheme, lk[i].version,
						  strlen(lk[i].version), NULL) == CG_OK;
		if (lk[i].norm == NORM_NONE) {
			rc = match_name(m, first, pkg, pkg_index, &lk[i], lk[i].name, ver_ok, err);
			if (!rc)
				rc = match_patterns(m, first, pkg, pkg_index, &lk[i], ver_ok, err);
			continue;
		}
		{
			struct name_index *ix = &m->db->norm[lk[i].norm];
			struct name_pair key;
			char norm[MAX_NAME];
			size_t lo = 0, hi;
			if ((rc = load_index(m->db, lk[i].norm, lk[i].eco, err)))
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
				rc = match_name(m, first, pkg, pkg_index, &lk[i], ix->v[lo].raw,
						ver_ok, err);
		}
	}
	return rc;
}

cg_err_t cg_vulndb_match_pkg(struct cg_vulndb *db, const struct cg_os_info *os,
			     const struct cg_pkg *pkg, size_t pkg_index, struct cg_findings *f,
			     struct cg_error *err)
{
	struct match *m;
	cg_err_t rc;

	if (!db || !pkg || !f)
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	if (!(m = match_new(db, f)))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	rc = match_pkg(m, os, pkg, pkg_index, err);
	match_free(m);
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

static int item_ptr_cmp(const void *a, const void *b)
{
	return item_cmp(*(const struct cg_finding_item *const *)a,
			*(const struct cg_finding_item *const *)b);
}

/* Items are large: pointers are sorted, then the items copied in that order
 * (with too little memory for that, the items are sorted in place). */
void cg_findings_sort(struct cg_findings *f)
{
	const struct cg_finding_item **ptr;
	struct cg_finding_item *nv;
	if (!f || f->n < 2)
		return;
	ptr = malloc(f->n * sizeof(*ptr));
	nv = malloc(f->cap * sizeof(*nv));
	if (!ptr || !nv) {
		free(ptr);
		free(nv);
		qsort(f->v, f->n, sizeof(*f->v), item_cmp);
		return;
	}
	for (size_t i = 0; i < f->n; i++)
		ptr[i] = &f->v[i];
	qsort(ptr, f->n, sizeof(*ptr), item_ptr_cmp);
	for (size_t i = 0; i < f->n; i++)
		nv[i] = *ptr[i];
	free(ptr);
	free(f->v);
	f->v = nv;
}

cg_err_t cg_vulndb_match(struct cg_vulndb *db, const struct cg_inventory *inv,
			 struct cg_findings **out, struct cg_error *err)
{
	struct cg_findings *f;
	struct match *m = NULL;
	const struct cg_os_info *os;
	cg_err_t rc = CG_OK;

	if (!db || !inv || !out)
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	*out = NULL;
	f = cg_findings_new();
	if (!f || !(m = match_new(db, f)))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	m->use_memo = true;
	os = cg_inventory_os(inv);
	if ((rc = (cg_err_t)(sqlite3_exec(db->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK
				     ? CG_OK : CG_ERR_IO)))
		CG_FAIL(rc, cg_error_set(err, rc, "database: %s", sqlite3_errmsg(db->db)));
	for (size_t i = 0; i < cg_inventory_pkg_count(inv) && !rc; i++)
		rc = match_pkg(m, os, cg_inventory_pkg(inv, i), i, err);
	sqlite3_exec(db->db, "COMMIT", NULL, NULL, NULL);
	if (rc)
		goto done;
	cg_findings_sort(f);
	*out = f;
	f = NULL;
done:
	match_free(m);
	cg_findings_free(f);
	return rc;
}
