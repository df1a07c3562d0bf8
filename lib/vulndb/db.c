/* Building the vulnerability database: feeds -> parsers -> one SQLite file,
 * written beside the target and renamed over it when complete. Each feed file
 * is applied inside its own savepoint, so a file that fails half-way leaves
 * nothing behind and the build goes on. */
#include "util/internal.h"
#include "vulndb/advisory.h"
#include <dirent.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FEED_FILE_MAX ((size_t)1 << 30) /* the tracker's whole JSON is the largest file */
#define WALK_DEPTH_MAX 32

#define CG_FEED(id) extern const struct cg_feed_parser cg_feed_##id;
#include "vulndb/feeds.def"
#undef CG_FEED

static const struct cg_feed_parser *const parsers[] = {
#define CG_FEED(id) &cg_feed_##id,
#include "vulndb/feeds.def"
#undef CG_FEED
	NULL,
};

const char *cg_vulndb_feed_type(size_t i)
{
	for (size_t k = 0; parsers[k]; k++)
		if (k == i)
			return parsers[k]->type;
	return NULL;
}

static const char schema_sql[] =
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
	"CREATE TABLE advisories (\n"
	"  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, summary TEXT, details TEXT,\n"
	"  published TEXT, modified TEXT, source TEXT,\n"
	"  kev INTEGER NOT NULL DEFAULT 0, kev_date_added TEXT, kev_due_date TEXT,\n"
	"  kev_ransomware INTEGER NOT NULL DEFAULT 0);\n"
	"CREATE TABLE aliases (advisory INTEGER NOT NULL REFERENCES advisories(id),\n"
	"  alias TEXT NOT NULL, PRIMARY KEY (advisory, alias)) WITHOUT ROWID;\n"
	"CREATE INDEX aliases_by_alias ON aliases(alias);\n"
	"CREATE TABLE related (advisory INTEGER NOT NULL REFERENCES advisories(id),\n"
	"  name TEXT NOT NULL, PRIMARY KEY (advisory, name)) WITHOUT ROWID;\n"
	"CREATE TABLE severities (advisory INTEGER NOT NULL REFERENCES advisories(id),\n"
	"  type TEXT NOT NULL, score TEXT NOT NULL, PRIMARY KEY (advisory, type, score)) WITHOUT ROWID;\n"
	"CREATE TABLE refs (advisory INTEGER NOT NULL REFERENCES advisories(id),\n"
	"  url TEXT NOT NULL, PRIMARY KEY (advisory, url)) WITHOUT ROWID;\n"
	"CREATE TABLE affected (\n"
	"  id INTEGER PRIMARY KEY, advisory INTEGER NOT NULL REFERENCES advisories(id),\n"
	"  ecosystem TEXT NOT NULL, package TEXT NOT NULL, purl TEXT, by_source INTEGER NOT NULL,\n"
	"  status INTEGER NOT NULL, severity TEXT, note TEXT, feed TEXT NOT NULL);\n"
	"CREATE INDEX affected_by_package ON affected(ecosystem, package);\n"
	"CREATE TABLE ranges (affected INTEGER NOT NULL REFERENCES affected(id),\n"
	"  seq INTEGER NOT NULL, type TEXT NOT NULL,\n"
	"  events TEXT NOT NULL, PRIMARY KEY (affected, seq)) WITHOUT ROWID;\n"
	"CREATE TABLE versions (affected INTEGER NOT NULL REFERENCES affected(id),\n"
	"  version TEXT NOT NULL, PRIMARY KEY (affected, version)) WITHOUT ROWID;\n"
	"CREATE TABLE by_package (ecosystem TEXT NOT NULL, package TEXT NOT NULL,\n"
	"  rows BLOB NOT NULL, PRIMARY KEY (ecosystem, package)) WITHOUT ROWID;\n";

enum stmt_id {
	S_ADV, S_KEV, S_ALIAS, S_RELATED, S_SEV, S_REF, S_AFF, S_RANGE, S_VER, S__COUNT
};

static const char *const stmt_sql[S__COUNT] = {
	[S_ADV] = "INSERT INTO advisories(name, summary, details, published, modified, source)"
		  " VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(name) DO UPDATE SET"
		  " summary = coalesce(advisories.summary, excluded.summary),"
		  " details = coalesce(advisories.details, excluded.details),"
		  " published = coalesce(advisories.published, excluded.published),"
		  " modified = max(coalesce(advisories.modified, ''), coalesce(excluded.modified, ''))"
		  " RETURNING id",
	[S_KEV] = "UPDATE advisories SET kev = 1, kev_date_added = ?2, kev_due_date = ?3,"
		  " kev_ransomware = ?4 WHERE id = ?1",
	[S_ALIAS] = "INSERT OR IGNORE INTO aliases(advisory, alias) VALUES(?1, ?2)",
	[S_RELATED] = "INSERT OR IGNORE INTO related(advisory, name) VALUES(?1, ?2)",
	[S_SEV] = "INSERT OR IGNORE INTO severities(advisory, type, score) VALUES(?1, ?2, ?3)",
	[S_REF] = "INSERT OR IGNORE INTO refs(advisory, url) VALUES(?1, ?2)",
	[S_AFF] = "INSERT INTO affected(advisory, ecosystem, package, purl, by_source, status,"
		  " severity, note, feed) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[S_RANGE] = "INSERT OR IGNORE INTO ranges(affected, seq, type, events) VALUES(?1, ?2, ?3, ?4)",
	[S_VER] = "INSERT OR IGNORE INTO versions(affected, version) VALUES(?1, ?2)",
};

struct build {
	sqlite3 *db;
	sqlite3_stmt *st[S__COUNT];
	cg_vulndb_warn_fn warn;
	void *ud;
	struct cg_vulndb_feed_stats *stats;
	const char *feed_type;
	const char *root; /* the feed's PATH, for messages */
	const char *file;
	size_t file_advisories;
};

static cg_err_t sql_fail(struct build *b, struct cg_error *err, const char *what)
{
	return cg_error_set(err, CG_ERR_IO, "database: %s: %s", what, sqlite3_errmsg(b->db));
}

static cg_err_t exec(struct build *b, const char *sql, struct cg_error *err)
{
	if (sqlite3_exec(b->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(b, err, sql);
	return CG_OK;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

/* Run a statement that returns no row (or one id into *id). */
static int step(sqlite3_stmt *s, int64_t *id)
{
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW && id)
		*id = sqlite3_column_int64(s, 0);
	if (r == SQLITE_ROW)
		r = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return r == SQLITE_DONE ? SQLITE_OK : r;
}

static const char *event_kind(enum cg_osv_event_kind k)
{
	switch (k) {
	case CG_OSV_INTRODUCED: return "introduced";
	case CG_OSV_FIXED: return "fixed";
	case CG_OSV_LAST_AFFECTED: return "last_affected";
	case CG_OSV_LIMIT: return "limit";
	}
	return "unknown";
}

/* A range's events as compact JSON: [["introduced","0"],["fixed","1.2"]]. */
static cg_err_t events_json(const struct cg_adv_range *r, struct cg_buf *out)
{
	cg_json *arr = cg_json_new_array();
	cg_err_t rc = arr ? CG_OK : CG_ERR_NOMEM;
	for (size_t i = 0; !rc && i < r->nevents; i++) {
		cg_json *e = cg_json_new_array();
		if (!e || !r->events[i].version) {
			cg_json_free(e);
			rc = e ? CG_ERR_INVALID : CG_ERR_NOMEM;
			break;
		}
		rc = cg_json_append(e, cg_json_new_string(event_kind(r->events[i].kind)));
		if (!rc)
			rc = cg_json_append(e, cg_json_new_string(r->events[i].version));
		if (!rc)
			rc = cg_json_append(arr, e);
		else
			cg_json_free(e);
	}
	if (!rc)
		rc = cg_json_dump(arr, CG_JSON_COMPACT, out);
	cg_json_free(arr);
	return rc;
}

static cg_err_t sink_add(void *ud, const struct cg_advisory *a)
{
	struct build *b = ud;
	struct cg_buf ev = CG_BUF_INIT((size_t)1 << 20);
	int64_t id = 0;
	cg_err_t rc = CG_OK;
	sqlite3_stmt **st = b->st;

	if (!a->id || !*a->id || a->withdrawn)
		return CG_OK;
	bind_text(st[S_ADV], 1, a->id);
	bind_text(st[S_ADV], 2, a->summary);
	bind_text(st[S_ADV], 3, a->details);
	bind_text(st[S_ADV], 4, a->published);
	bind_text(st[S_ADV], 5, a->modified);
	bind_text(st[S_ADV], 6, b->feed_type);
	if (step(st[S_ADV], &id) != SQLITE_OK || !id)
		return CG_ERR_IO;
	if (a->kev) {
		sqlite3_bind_int64(st[S_KEV], 1, id);
		bind_text(st[S_KEV], 2, a->kev_date_added);
		bind_text(st[S_KEV], 3, a->kev_due_date);
		sqlite3_bind_int(st[S_KEV], 4, a->kev_ransomware);
		if (step(st[S_KEV], NULL) != SQLITE_OK)
			return CG_ERR_IO;
	}
#define EACH_TEXT(stmt, arr, n)                                          \
	for (size_t i = 0; i < (n); i++) {                               \
		if (!(arr)[i])                                           \
			continue;                                        \
		sqlite3_bind_int64(st[stmt], 1, id);                     \
		bind_text(st[stmt], 2, (arr)[i]);                        \
		if (step(st[stmt], NULL) != SQLITE_OK)                   \
			return CG_ERR_IO;                                \
	}
	EACH_TEXT(S_ALIAS, a->aliases, a->naliases)
	EACH_TEXT(S_RELATED, a->related, a->nrelated)
	EACH_TEXT(S_REF, a->references, a->nreferences)
#undef EACH_TEXT
	for (size_t i = 0; i < a->nseverities; i++) {
		if (!a->severities[i].type || !a->severities[i].score)
			continue;
		sqlite3_bind_int64(st[S_SEV], 1, id);
		bind_text(st[S_SEV], 2, a->severities[i].type);
		bind_text(st[S_SEV], 3, a->severities[i].score);
		if (step(st[S_SEV], NULL) != SQLITE_OK)
			return CG_ERR_IO;
	}
	for (size_t i = 0; i < a->naffected; i++) {
		const struct cg_adv_affected *f = &a->affected[i];
		int64_t aff = 0;
		if (!f->ecosystem || !f->package)
			continue;
		sqlite3_bind_int64(st[S_AFF], 1, id);
		bind_text(st[S_AFF], 2, f->ecosystem);
		bind_text(st[S_AFF], 3, f->package);
		bind_text(st[S_AFF], 4, f->purl);
		sqlite3_bind_int(st[S_AFF], 5, f->by_source);
		sqlite3_bind_int(st[S_AFF], 6, (int)f->status);
		bind_text(st[S_AFF], 7, f->severity);
		bind_text(st[S_AFF], 8, f->note);
		bind_text(st[S_AFF], 9, b->feed_type);
		if (step(st[S_AFF], NULL) != SQLITE_OK)
			return CG_ERR_IO;
		aff = sqlite3_last_insert_rowid(b->db);
		for (size_t r = 0; r < f->nranges; r++) {
			cg_buf_reset(&ev);
			rc = events_json(&f->ranges[r], &ev);
			if (rc)
				goto done;
			sqlite3_bind_int64(st[S_RANGE], 1, aff);
			sqlite3_bind_int64(st[S_RANGE], 2, (int64_t)r);
			bind_text(st[S_RANGE], 3, f->ranges[r].type ? f->ranges[r].type : "ECOSYSTEM");
			bind_text(st[S_RANGE], 4, cg_buf_str(&ev));
			if (step(st[S_RANGE], NULL) != SQLITE_OK)
				CG_FAIL(rc, CG_ERR_IO);
		}
		for (size_t v = 0; v < f->nversions; v++) {
			if (!f->versions[v])
				continue;
			sqlite3_bind_int64(st[S_VER], 1, aff);
			bind_text(st[S_VER], 2, f->versions[v]);
			if (step(st[S_VER], NULL) != SQLITE_OK)
				CG_FAIL(rc, CG_ERR_IO);
		}
	}
	b->file_advisories++;
done:
	cg_buf_release(&ev);
	return rc;
}

static void sink_warn(void *ud, const char *file, const char *msg)
{
	struct build *b = ud;
	if (b->warn)
		b->warn(b->ud, file ? file : b->file, msg);
}

static cg_err_t read_file(int dirfd, const char *name, const char *shown, struct cg_buf *out,
			  struct cg_error *err)
{
	char chunk[65536];
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	cg_err_t rc = CG_OK;
	if (fd < 0)
		return cg_error_set(err, CG_ERR_IO, "%s: %s", shown, strerror(errno));
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = cg_error_set(err, CG_ERR_IO, "%s: %s", shown, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if ((rc = cg_buf_append(out, chunk, (size_t)n))) {
			cg_error_set(err, rc, "%s: larger than %zu bytes", shown, out->max);
			break;
		}
	}
	close(fd);
	return rc;
}

/* Parse one file inside a savepoint: all of it, or nothing. */
static cg_err_t apply_file(struct build *b, const struct cg_feed_parser *p, int dirfd,
			   const char *name, const char *shown, struct cg_error *err)
{
	struct cg_buf data = CG_BUF_INIT(FEED_FILE_MAX);
	struct cg_adv_sink sink = { sink_add, sink_warn, b };
	struct cg_error perr = { 0 };
	cg_err_t rc;

	b->file = shown;
	b->file_advisories = 0;
	rc = read_file(dirfd, name, shown, &data, &perr);
	if (!rc) {
		if ((rc = exec(b, "SAVEPOINT feed_file", err)))
			goto done;
		rc = p->parse(shown, (const unsigned char *)cg_buf_str(&data), data.len, &sink, &perr);
		if (rc) {
			if ((rc = exec(b, "ROLLBACK TO feed_file; RELEASE feed_file", err)))
				goto done;
			rc = CG_ERR_INVALID; /* skipped below */
		} else if ((rc = exec(b, "RELEASE feed_file", err))) {
			goto done;
		}
	}
	b->stats->files++;
	if (rc) {
		/* a bad file is skipped, counted and named; the build goes on */
		b->stats->skipped++;
		if (b->warn) {
			char msg[CG_ERROR_MSG_MAX + 16];
			snprintf(msg, sizeof(msg), "skipped: %s",
				 perr.msg[0] ? perr.msg : cg_strerror(rc));
			b->warn(b->ud, shown, msg);
		}
		rc = CG_OK;
	} else {
		b->stats->advisories += b->file_advisories;
	}
done:
	cg_buf_release(&data);
	return rc;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walk a folder in name order (builds are reproducible). */
static cg_err_t walk(struct build *b, const struct cg_feed_parser *p, int dfd, char *rel,
		     size_t rellen, size_t cap, int depth, struct cg_error *err)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, ncap = 0;
	cg_err_t rc = CG_OK;

	if (depth > WALK_DEPTH_MAX) {
		if (b->warn)
			b->warn(b->ud, rel, "folders nested too deep: not read");
		close(dfd);
		return CG_OK;
	}
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return cg_error_set(err, CG_ERR_IO, "%s: %s", rel, strerror(errno));
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue; /* ., .., and hidden files such as .git */
		if (n == ncap) {
			size_t nc = ncap ? ncap * 2 : 64;
			char **nn = realloc(names, nc * sizeof(*nn));
			if (!nn)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
			names = nn;
			ncap = nc;
		}
		if (!(names[n] = strdup(de->d_name)))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
		n++;
	}
	qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n && !rc; i++) {
		struct stat st;
		size_t nl = strlen(names[i]);
		if (fstatat(dirfd(d), names[i], &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (rellen + 1 + nl + 1 > cap)
			continue;
		rel[rellen] = '/';
		memcpy(rel + rellen + 1, names[i], nl + 1);
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(d), names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				rc = walk(b, p, sub, rel, rellen + 1 + nl, cap, depth + 1, err);
		} else if (S_ISREG(st.st_mode) && p->match(rel)) {
			char *shown = NULL;
			if (asprintf(&shown, "%s%s", b->root, rel) < 0)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
			rc = apply_file(b, p, dirfd(d), names[i], shown, err);
			free(shown);
		}
		rel[rellen] = '\0';
	}
done:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

static cg_err_t add_feed(struct build *b, const char *spec, struct cg_vulndb_feed_stats *stats,
			 struct cg_error *err)
{
	const char *colon = strchr(spec, ':');
	const struct cg_feed_parser *p = NULL;
	const char *path;
	struct stat st;
	cg_err_t rc = CG_OK;

	if (!colon || colon == spec || !colon[1])
		return cg_error_set(err, CG_ERR_ARG, "feed '%s': want TYPE:PATH", spec);
	for (size_t i = 0; parsers[i]; i++)
		if (strlen(parsers[i]->type) == (size_t)(colon - spec) &&
		    !strncmp(parsers[i]->type, spec, (size_t)(colon - spec)))
			p = parsers[i];
	if (!p)
		return cg_error_set(err, CG_ERR_UNSUPPORTED, "feed '%s': unknown feed type '%.*s'", spec,
				    (int)(colon - spec), spec);
	path = colon + 1;
	stats->type = p->type;
	stats->path = path;
	b->stats = stats;
	b->feed_type = p->type;
	b->root = path;
	if (stat(path, &st) != 0)
		return cg_error_set(err, CG_ERR_NOTFOUND, "feed %s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		char *rel = malloc(PATH_MAX);
		int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (!rel || fd < 0) {
			free(rel);
			if (fd >= 0)
				close(fd);
			return cg_error_set(err, CG_ERR_IO, "feed %s: %s", path,
					    rel ? strerror(errno) : "out of memory");
		}
		rel[0] = '\0';
		rc = walk(b, p, fd, rel, 0, PATH_MAX, 0, err);
		free(rel);
	} else {
		rc = apply_file(b, p, AT_FDCWD, path, path, err);
	}
	return rc;
}

/* ---- by_package: each package's rows packed for the matcher -------------------
 * One lookup of the matcher (lib/vulndb/match.c) reads one row of by_package
 * instead of, per entry, one row each of affected, ranges and versions. The
 * blob holds the package's affected rows in id order, each:
 *   varint id, varint advisory, varint by_source, varint status,
 *   varint has_versions (1: the row has rows in versions that its ranges do not
 *   cover, read them from there: versions_needed()),
 *   str severity, str note, varint nranges, nranges x str events (the range's
 *   events text as in ranges.events, in seq order)
 * where varint is unsigned LEB128 of the value as a uint64, and str a varint
 * of the length + 1 (0: NULL) and then the bytes. An empty blob says: read
 * affected (written for a package whose rows are larger than PACK_MAX). A
 * package without a by_package row has no affected rows. */
#define PACK_MAX ((size_t)16 << 20)

static const char pack_sql[] =
	"SELECT a.ecosystem, a.package, a.id, a.advisory, a.by_source, a.status, a.severity,"
	" a.note, r.events, r.affected IS NOT NULL,"
	" EXISTS (SELECT 1 FROM versions v WHERE v.affected = a.id)"
	" FROM affected a LEFT JOIN ranges r ON r.affected = a.id"
	" ORDER BY a.ecosystem, a.package, a.id, r.seq";

/* ---- explicit versions the ranges already hold ----------------------------------
 * OSV records often list in `versions` exactly the versions their ranges
 * cover (PyPI's, Go's): a matcher that misses the ranges would compare the
 * installed version with every one of them, for nothing. A row's has_versions
 * flag is set only when some listed version is outside all of the row's
 * ranges (or cannot be judged: a version or an event that does not parse, an
 * ecosystem without a known comparator). Equal versions are in the same
 * ranges, so the result of a match cannot change. */

/* The comparator of an OSV ecosystem, or NULL. */
static const struct cg_version_scheme *eco_scheme(const char *eco)
{
	static const struct {
		const char *prefix, *type;
		bool whole; /* the name entirely, else "<prefix>:..." too */
	} map[] = {
		{ "Debian", "deb", false },      { "Ubuntu", "deb", false },
		{ "Alpine", "apk", false },      { "AlmaLinux", "rpm", false },
		{ "Rocky Linux", "rpm", false }, { "Mageia", "rpm", false },
		{ "PyPI", "pypi", true },        { "npm", "npm", true },
		{ "Go", "golang", true },        { "Maven", "maven", true },
		{ "RubyGems", "gem", true },     { "crates.io", "cargo", true },
		{ "Packagist", "composer", true }, { "NuGet", "nuget", true },
		{ "Node.js", "npm", true },
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(map); i++) {
		size_t n = strlen(map[i].prefix);
		if (!strncmp(eco, map[i].prefix, n) &&
		    (eco[n] == '\0' || (!map[i].whole && eco[n] == ':')))
			return cg_version_scheme_find(map[i].type);
	}
	return NULL;
}

/* [["introduced","0"],["fixed","1.2"]] (the builder's own events text) into
 * events borrowing from *j. */
static bool events_of(const char *text, cg_json **j, struct cg_osv_event *ev, size_t cap,
		      size_t *n)
{
	*n = 0;
	if (!text || cg_json_parse(text, strlen(text), NULL, j, NULL) != CG_OK ||
	    cg_json_array_len(*j) > cap)
		return false;
	for (size_t i = 0; i < cg_json_array_len(*j); i++) {
		const cg_json *e = cg_json_array_at(*j, i);
		const char *k = cg_json_string(cg_json_array_at(e, 0));
		const char *v = cg_json_string(cg_json_array_at(e, 1));
		if (!k || !v)
			return false;
		if (!strcmp(k, "introduced"))
			ev[*n].kind = CG_OSV_INTRODUCED;
		else if (!strcmp(k, "fixed"))
			ev[*n].kind = CG_OSV_FIXED;
		else if (!strcmp(k, "last_affected"))
			ev[*n].kind = CG_OSV_LAST_AFFECTED;
		else if (!strcmp(k, "limit"))
			ev[*n].kind = CG_OSV_LIMIT;
		else
			return false;
		ev[(*n)++].version = v;
	}
	return true;
}

#define PRUNE_EVENTS 1024
#define PRUNE_RANGES 64

/* What versions_needed() reuses from row to row. */
struct prune {
	sqlite3_stmt *qr, *qv;
	struct cg_osv_event *ev; /* PRUNE_RANGES x PRUNE_EVENTS */
};

/* Does the row need its versions list at match time? */
static bool versions_needed(struct prune *p, int64_t row, const char *eco)
{
	const struct cg_version_scheme *sch = eco_scheme(eco);
	cg_json *js[PRUNE_RANGES] = { NULL };
	size_t nev[PRUNE_RANGES], nr = 0;
	bool needed = true, ok = true;

	if (!sch || !p->qr || !p->qv || !p->ev)
		return true;
	sqlite3_bind_int64(p->qr, 1, row);
	while (ok && sqlite3_step(p->qr) == SQLITE_ROW) {
		if (nr == PRUNE_RANGES) {
			ok = false;
			break;
		}
		ok = events_of((const char *)sqlite3_column_text(p->qr, 0), &js[nr],
			       p->ev + nr * PRUNE_EVENTS, PRUNE_EVENTS, &nev[nr]);
		nr++;
	}
	sqlite3_reset(p->qr);
	if (ok && nr) {
		sqlite3_bind_int64(p->qv, 1, row);
		needed = false;
		while (!needed && sqlite3_step(p->qv) == SQLITE_ROW) {
			const char *v = (const char *)sqlite3_column_text(p->qv, 0);
			bool in = false;
			for (size_t i = 0; v && !in && i < nr; i++)
				if (cg_version_osv_affected(sch, v, p->ev + i * PRUNE_EVENTS, nev[i], &in,
							    NULL) != CG_OK) {
					in = false;
					break;
				}
			needed = !v || !in;
		}
		sqlite3_reset(p->qv);
	}
	for (size_t i = 0; i < nr; i++)
		cg_json_free(js[i]);
	return needed;
}

static cg_err_t put_varint(struct cg_buf *out, uint64_t x)
{
	unsigned char t[10];
	size_t n = 0;
	do {
		t[n++] = (unsigned char)((x & 0x7f) | (x > 0x7f ? 0x80 : 0));
		x >>= 7;
	} while (x);
	return cg_buf_append(out, t, n);
}

static cg_err_t put_str(struct cg_buf *out, sqlite3_stmt *s, int col)
{
	const unsigned char *v = sqlite3_column_text(s, col);
	size_t n = v ? (size_t)sqlite3_column_bytes(s, col) : 0;
	cg_err_t rc = put_varint(out, v ? (uint64_t)n + 1 : 0);
	return rc ? rc : cg_buf_append(out, v, n);
}

/* The package being packed: its blob so far, and the ranges of its last row
 * (their count goes before them). */
struct pack {
	struct prune pr;
	struct cg_buf blob, rng;
	size_t nranges;
	bool row_open;
	bool over; /* larger than PACK_MAX: an empty blob is written */
};

static cg_err_t pack_end_row(struct pack *k)
{
	cg_err_t rc = CG_OK;
	if (k->row_open && !(rc = put_varint(&k->blob, k->nranges)))
		rc = cg_buf_append(&k->blob, k->rng.data, k->rng.len);
	cg_buf_reset(&k->rng);
	k->nranges = 0;
	k->row_open = false;
	return rc;
}

/* One line of pack_sql: a new row's fields, and the range the line holds. */
static cg_err_t pack_line(struct pack *k, sqlite3_stmt *s, bool new_row)
{
	cg_err_t rc = CG_OK;
	if (new_row) {
		if ((rc = pack_end_row(k)))
			return rc;
		k->row_open = true;
		rc = put_varint(&k->blob, (uint64_t)sqlite3_column_int64(s, 2));
		if (!rc) rc = put_varint(&k->blob, (uint64_t)sqlite3_column_int64(s, 3));
		if (!rc) rc = put_varint(&k->blob, (uint64_t)sqlite3_column_int64(s, 4));
		if (!rc) rc = put_varint(&k->blob, (uint64_t)sqlite3_column_int64(s, 5));
		if (!rc)
			rc = put_varint(&k->blob,
					sqlite3_column_int(s, 10) &&
							versions_needed(&k->pr, sqlite3_column_int64(s, 2),
									(const char *)sqlite3_column_text(s, 0))
						? 1 : 0);
		if (!rc) rc = put_str(&k->blob, s, 6);
		if (!rc) rc = put_str(&k->blob, s, 7);
	}
	if (!rc && sqlite3_column_int(s, 9)) {
		rc = put_str(&k->rng, s, 8);
		k->nranges++;
	}
	return rc;
}

static cg_err_t pack_flush(struct pack *k, sqlite3_stmt *ins, const char *eco, const char *pkg)
{
	cg_err_t rc = k->over ? CG_OK : pack_end_row(k);
	if (rc == CG_ERR_LIMIT)
		k->over = true;
	else if (rc)
		return rc;
	bind_text(ins, 1, eco);
	bind_text(ins, 2, pkg);
	if (k->over)
		sqlite3_bind_zeroblob(ins, 3, 0);
	else
		sqlite3_bind_blob(ins, 3, k->blob.len ? k->blob.data : "", (int)k->blob.len,
				  SQLITE_STATIC);
	rc = step(ins, NULL) == SQLITE_OK ? CG_OK : CG_ERR_IO;
	cg_buf_reset(&k->blob);
	cg_buf_reset(&k->rng);
	k->nranges = 0;
	k->row_open = k->over = false;
	return rc;
}

static cg_err_t pack_rows(struct build *b, struct cg_error *err)
{
	sqlite3_stmt *s = NULL, *ins = NULL;
	struct pack k = { { NULL, NULL, NULL }, CG_BUF_INIT(PACK_MAX), CG_BUF_INIT(PACK_MAX), 0,
			  false, false };
	char *eco = NULL, *pkg = NULL;
	int64_t last = 0;
	cg_err_t rc = CG_OK;
	int r;

	/* without these, every row keeps its versions (versions_needed() says so) */
	sqlite3_prepare_v2(b->db, "SELECT events FROM ranges WHERE affected = ?1 ORDER BY seq", -1,
			   &k.pr.qr, NULL);
	sqlite3_prepare_v2(b->db, "SELECT version FROM versions WHERE affected = ?1", -1, &k.pr.qv,
			   NULL);
	k.pr.ev = malloc(PRUNE_RANGES * PRUNE_EVENTS * sizeof(*k.pr.ev));
	if (sqlite3_prepare_v2(b->db, pack_sql, -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->db, "INSERT INTO by_package(ecosystem, package, rows)"
			       " VALUES(?1, ?2, ?3)", -1, &ins, NULL) != SQLITE_OK)
		CG_FAIL(rc, sql_fail(b, err, "by_package"));
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		const char *e = (const char *)sqlite3_column_text(s, 0);
		const char *p = (const char *)sqlite3_column_text(s, 1);
		int64_t id = sqlite3_column_int64(s, 2);
		bool new_row = true;
		if (!e || !p)
			continue; /* NOT NULL columns */
		if (!eco || strcmp(e, eco) || strcmp(p, pkg)) {
			if (eco && (rc = pack_flush(&k, ins, eco, pkg)))
				CG_FAIL(rc, sql_fail(b, err, "by_package"));
			free(eco);
			free(pkg);
			eco = strdup(e);
			pkg = strdup(p);
			if (!eco || !pkg)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
		} else {
			new_row = id != last;
		}
		last = id;
		if (k.over)
			continue;
		rc = pack_line(&k, s, new_row);
		if (rc == CG_ERR_LIMIT)
			k.over = true;
		else if (rc)
			CG_FAIL(rc, cg_error_set(err, rc, "by_package: %s", cg_strerror(rc)));
		rc = CG_OK;
	}
	if (r != SQLITE_DONE)
		CG_FAIL(rc, sql_fail(b, err, "by_package"));
	if (eco && (rc = pack_flush(&k, ins, eco, pkg)))
		CG_FAIL(rc, sql_fail(b, err, "by_package"));
done:
	sqlite3_finalize(s);
	sqlite3_finalize(ins);
	sqlite3_finalize(k.pr.qr);
	sqlite3_finalize(k.pr.qv);
	free(k.pr.ev);
	free(eco);
	free(pkg);
	cg_buf_release(&k.blob);
	cg_buf_release(&k.rng);
	return rc;
}

static cg_err_t write_meta(struct build *b, const struct cg_vulndb_feed_stats *stats, size_t n,
			   struct cg_error *err)
{
	sqlite3_stmt *s = NULL;
	char now[32], schema[16];
	time_t t = time(NULL);
	struct tm tm;
	cg_json *feeds = cg_json_new_array();
	struct cg_buf fj = CG_BUF_INIT((size_t)1 << 20);
	cg_err_t rc = CG_OK;
	const char *kv[4][2];

	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(schema, sizeof(schema), "%d", CG_VULNDB_SCHEMA);
	for (size_t i = 0; feeds && i < n && !rc; i++) {
		cg_json *o = cg_json_new_object();
		rc = cg_json_append(feeds, o);
		if (!rc) rc = cg_json_set_str(o, "type", stats[i].type);
		if (!rc) rc = cg_json_set_str(o, "path", stats[i].path);
		if (!rc) rc = cg_json_set_int(o, "files", (int64_t)stats[i].files);
		if (!rc) rc = cg_json_set_int(o, "skipped", (int64_t)stats[i].skipped);
		if (!rc) rc = cg_json_set_int(o, "advisories", (int64_t)stats[i].advisories);
	}
	if (!feeds || rc || cg_json_dump(feeds, CG_JSON_COMPACT, &fj))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	kv[0][0] = "schema"; kv[0][1] = schema;
	kv[1][0] = "built"; kv[1][1] = now;
	kv[2][0] = "cguard"; kv[2][1] = CG_VERSION_STRING;
	kv[3][0] = "feeds"; kv[3][1] = cg_buf_str(&fj);
	if (sqlite3_prepare_v2(b->db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)", -1, &s,
			       NULL) != SQLITE_OK)
		CG_FAIL(rc, sql_fail(b, err, "meta"));
	for (size_t i = 0; i < CG_ARRAY_LEN(kv); i++) {
		bind_text(s, 1, kv[i][0]);
		bind_text(s, 2, kv[i][1]);
		if (step(s, NULL) != SQLITE_OK)
			CG_FAIL(rc, sql_fail(b, err, "meta"));
	}
done:
	sqlite3_finalize(s);
	cg_json_free(feeds);
	cg_buf_release(&fj);
	return rc;
}

cg_err_t cg_vulndb_build(const char *output, const char *const *feeds, size_t nfeeds,
			 cg_vulndb_warn_fn warn, void *ud, struct cg_vulndb_feed_stats *stats_out,
			 struct cg_error *err)
{
	struct build b = { 0 };
	struct cg_vulndb_feed_stats *stats = NULL;
	char *tmp = NULL;
	size_t tl;
	cg_err_t rc = CG_OK;
	int fd;

	if (!output || !*output || (!feeds && nfeeds))
		return cg_error_set(err, CG_ERR_ARG, "no output file");
	if (nfeeds == 0)
		return cg_error_set(err, CG_ERR_ARG, "no feeds given");
	b.warn = warn;
	b.ud = ud;
	stats = calloc(nfeeds, sizeof(*stats));
	tl = strlen(output) + 32;
	tmp = malloc(tl);
	if (!stats || !tmp)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	snprintf(tmp, tl, "%s.tmp.%ld", output, (long)getpid());
	unlink(tmp);
	if (sqlite3_open_v2(tmp, &b.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "%s: %s", tmp,
					 b.db ? sqlite3_errmsg(b.db) : "cannot open"));
	if ((rc = exec(&b, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=8192", err)) ||
	    (rc = exec(&b, schema_sql, err)) || (rc = exec(&b, "BEGIN", err)))
		goto done;
	for (int i = 0; i < S__COUNT; i++)
		if (sqlite3_prepare_v3(b.db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &b.st[i], NULL) !=
		    SQLITE_OK)
			CG_FAIL(rc, sql_fail(&b, err, "prepare"));
	for (size_t i = 0; i < nfeeds; i++) {
		rc = add_feed(&b, feeds[i], &stats[i], err);
		if (rc)
			goto done;
	}
	/* an advisory is known exploited when one of its aliases is (a GHSA or a
	 * DSA of a CVE in the KEV catalogue): marked once here, not per match */
	if ((rc = exec(&b, "UPDATE advisories SET kev = 1 WHERE kev = 0 AND id IN"
			   " (SELECT l.advisory FROM aliases l JOIN advisories a ON a.name = l.alias"
			   " WHERE a.kev = 1)", err)) ||
	    (rc = pack_rows(&b, err)) || (rc = write_meta(&b, stats, nfeeds, err)) ||
	    (rc = exec(&b, "COMMIT", err)))
		goto done;
	for (int i = 0; i < S__COUNT; i++) {
		sqlite3_finalize(b.st[i]);
		b.st[i] = NULL;
	}
	if ((rc = exec(&b, "PRAGMA optimize", err)))
		goto done;
	if (sqlite3_close(b.db) != SQLITE_OK)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "closing %s", tmp));
	b.db = NULL;
	/* durable before it replaces the old database */
	fd = open(tmp, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0) {
		if (fd >= 0)
			close(fd);
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "%s: %s", tmp, strerror(errno)));
	}
	close(fd);
	if (rename(tmp, output) != 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "renaming %s to %s: %s", tmp, output,
					 strerror(errno)));
	if (stats_out)
		memcpy(stats_out, stats, nfeeds * sizeof(*stats));
done:
	for (int i = 0; i < S__COUNT; i++)
		sqlite3_finalize(b.st[i]);
	if (b.db)
		sqlite3_close(b.db);
	if (rc && tmp)
		unlink(tmp);
	free(tmp);
	free(stats);
	return rc;
}

/* ---- reading ---------------------------------------------------------------- */

cg_err_t cg_vulndb_info(const char *path, struct cg_buf *out, struct cg_error *err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	cg_json *o = cg_json_new_object(), *eco = cg_json_new_object(), *feeds = NULL;
	cg_err_t rc = CG_OK;
	char uri[PATH_MAX + 32];
	int64_t schema = -1;

	if (!o || !eco)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	if (access(path, R_OK) != 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOTFOUND, "%s: %s", path, strerror(errno)));
	snprintf(uri, sizeof(uri), "%s", path);
	if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "%s: cannot open", path));
	if (sqlite3_prepare_v2(db, "SELECT key, value FROM meta", -1, &s, NULL) != SQLITE_OK)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "%s: not a cguard vulnerability database (%s)",
					 path, sqlite3_errmsg(db)));
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(s, 0);
		const char *v = (const char *)sqlite3_column_text(s, 1);
		if (!k || !v)
			continue;
		if (!strcmp(k, "schema")) {
			uint64_t n;
			if (cg_view_to_u64(cg_view_make(v, strlen(v)), &n))
				schema = (int64_t)n;
		} else if (!strcmp(k, "feeds")) {
			if (cg_json_parse(v, strlen(v), NULL, &feeds, NULL) != CG_OK)
				feeds = NULL;
		} else if ((rc = cg_json_set_str(o, k, v))) {
			goto done;
		}
	}
	sqlite3_finalize(s);
	s = NULL;
	if (schema != CG_VULNDB_SCHEMA)
		CG_FAIL(rc, cg_error_set(err, schema < 0 ? CG_ERR_INVALID : CG_ERR_UNSUPPORTED,
					 "%s: database schema %lld, this cguard reads %d%s", path,
					 (long long)schema, CG_VULNDB_SCHEMA,
					 schema < 0 ? " (not a cguard database?)" : ": rebuild it"));
	if ((rc = cg_json_set_int(o, "schema", schema)) ||
	    (rc = cg_json_set(o, "feeds", feeds ? feeds : cg_json_new_array())))
		goto done;
	feeds = NULL;
	{
		static const char *const counts[][2] = {
			{ "advisories", "SELECT count(*) FROM advisories" },
			{ "kev", "SELECT count(*) FROM advisories WHERE kev" },
			{ "affected", "SELECT count(*) FROM affected" },
		};
		for (size_t i = 0; i < CG_ARRAY_LEN(counts); i++) {
			if (sqlite3_prepare_v2(db, counts[i][1], -1, &s, NULL) != SQLITE_OK ||
			    sqlite3_step(s) != SQLITE_ROW)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "%s: %s", path,
							 sqlite3_errmsg(db)));
			if ((rc = cg_json_set_int(o, counts[i][0], sqlite3_column_int64(s, 0))))
				goto done;
			sqlite3_finalize(s);
			s = NULL;
		}
	}
	if (sqlite3_prepare_v2(db, "SELECT ecosystem, count(*) FROM affected GROUP BY ecosystem ORDER BY 1",
			       -1, &s, NULL) != SQLITE_OK)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "%s: %s", path, sqlite3_errmsg(db)));
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *e = (const char *)sqlite3_column_text(s, 0);
		if (e && (rc = cg_json_set_int(eco, e, sqlite3_column_int64(s, 1))))
			goto done;
	}
	if ((rc = cg_json_set(o, "affected_by_ecosystem", eco)))
		goto done;
	eco = NULL;
	rc = cg_json_dump(o, CG_JSON_PRETTY, out);
	if (!rc)
		rc = cg_buf_putc(out, '\n');
done:
	sqlite3_finalize(s);
	if (db)
		sqlite3_close(db);
	cg_json_free(o);
	cg_json_free(eco);
	cg_json_free(feeds);
	return rc;
}
