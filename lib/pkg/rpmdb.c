/* rpm package databases: format detection, limits, and the path from a
 * record's header blob to the caller's callback. The formats themselves are
 * in rpmdb_sqlite.c, rpmdb_bdb.c and rpmdb_ndb.c; the header in rpmhdr.c. */
#include "util/internal.h"
#include "pkg/rpmdb_internal.h"

static bool is_sqlite(const uint8_t *p, size_t n)
{
	return n >= 16 && memcmp(p, "SQLite format 3", 16) == 0;
}

/* Berkeley DB: the hash magic 0x061561 at offset 12, in either byte order
 * (and the btree magic 0x053162, to say that it is not handled). */
static bool is_bdb(const uint8_t *p, size_t n)
{
	struct cg_view v = cg_view_make(p, n);
	uint32_t le, be;
	return cg_view_u32le(v, 12, &le) && cg_view_u32be(v, 12, &be) &&
	       (le == 0x061561 || be == 0x061561 || le == 0x053162 || be == 0x053162);
}

static bool is_ndb(const uint8_t *p, size_t n)
{
	return n >= 4 && memcmp(p, "RpmP", 4) == 0;
}

/* The formats, in detection order. */
static const struct rpmdb_format {
	enum cg_rpmdb_format id;
	const char *name;
	const char *title;
	bool (*detect)(const uint8_t *p, size_t n);
	cg_err_t (*read)(struct cg_rpmdb_ctx *c, const uint8_t *data, size_t len);
} formats[] = {
	{ CG_RPMDB_SQLITE, "sqlite", "SQLite (rpmdb.sqlite)", is_sqlite, cg_rpmdb_read_sqlite },
	{ CG_RPMDB_BDB, "bdb", "Berkeley DB hash (Packages)", is_bdb, cg_rpmdb_read_bdb },
	{ CG_RPMDB_NDB, "ndb", "NDB (Packages.db)", is_ndb, cg_rpmdb_read_ndb },
};

static const struct rpmdb_format *format_find(enum cg_rpmdb_format id)
{
	for (size_t i = 0; i < CG_ARRAY_LEN(formats); i++)
		if (formats[i].id == id)
			return &formats[i];
	return NULL;
}

const char *cg_rpmdb_format_name(enum cg_rpmdb_format format)
{
	const struct rpmdb_format *f = format_find(format);
	return f ? f->name : "auto";
}

cg_err_t cg_rpmdb_detect(const void *data, size_t len, enum cg_rpmdb_format *format,
			 struct cg_error *err)
{
	if (!data && len)
		return cg_error_set(err, CG_ERR_ARG, "rpmdb: NULL data");
	for (size_t i = 0; i < CG_ARRAY_LEN(formats); i++) {
		if (formats[i].detect(data, len)) {
			*format = formats[i].id;
			return CG_OK;
		}
	}
	return cg_error_set(err, CG_ERR_INVALID,
			    "rpmdb: not an rpm database (no SQLite, Berkeley DB or NDB magic)");
}

static void lim_init(struct cg_rpmdb_lim *lim, const struct cg_rpmdb_options *opt)
{
	static const struct cg_rpmdb_options none;
	if (!opt)
		opt = &none;
	lim->flags = opt->flags;
	lim->max_db_bytes = opt->max_db_bytes ? opt->max_db_bytes : CG_RPMDB_DEFAULT_MAX_DB_BYTES;
	lim->max_header_bytes =
		opt->max_header_bytes ? opt->max_header_bytes : CG_RPMDB_DEFAULT_MAX_HEADER_BYTES;
	lim->max_packages = opt->max_packages ? opt->max_packages : CG_RPMDB_DEFAULT_MAX_PACKAGES;
	lim->max_files = opt->max_files ? opt->max_files : CG_RPMDB_DEFAULT_MAX_FILES;
	lim->max_path_bytes =
		opt->max_path_bytes ? opt->max_path_bytes : CG_RPMDB_DEFAULT_MAX_PATH_BYTES;
}

/* Count one more record against max_packages. */
static cg_err_t count_record(struct cg_rpmdb_ctx *c)
{
	if (c->records >= c->lim.max_packages)
		return cg_error_set(c->err, CG_ERR_LIMIT,
				    "rpmdb: more than max_packages (%zu) records", c->lim.max_packages);
	c->records++;
	return CG_OK;
}

static void note_skip(struct cg_rpmdb_ctx *c, uint32_t hnum, const char *why)
{
	struct cg_rpmdb_stats *st = c->stats;
	if (st->skipped++ == 0)
		snprintf(st->first_skip, sizeof(st->first_skip), "record %u: %s", hnum, why);
}

cg_err_t cg_rpmdb_skip(struct cg_rpmdb_ctx *c, uint32_t hnum, const char *fmt, ...)
{
	char why[128];
	va_list ap;
	cg_err_t rc = count_record(c);
	if (rc != CG_OK)
		return rc;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	note_skip(c, hnum, why);
	return CG_OK;
}

cg_err_t cg_rpmdb_emit(struct cg_rpmdb_ctx *c, const uint8_t *blob, size_t len, uint32_t hnum)
{
	struct cg_rpmdb_pkg pkg;
	char why[128];
	cg_err_t rc = count_record(c);
	if (rc != CG_OK)
		return rc;
	if (len > c->lim.max_header_bytes) {
		snprintf(why, sizeof(why), "header of %zu bytes is over max_header_bytes (%zu)", len,
			 c->lim.max_header_bytes);
		note_skip(c, hnum, why);
		return CG_OK;
	}
	rc = cg_rpmhdr_parse(blob, len, &c->lim, &c->scratch, &pkg, why, sizeof(why));
	if (rc == CG_ERR_INVALID) {
		note_skip(c, hnum, why);
		return CG_OK;
	}
	if (rc != CG_OK)
		return cg_error_set(c->err, rc, "rpmdb: record %u: %s", hnum, cg_strerror(rc));
	pkg.hnum = hnum;
	rc = c->fn(&pkg, c->ud);
	if (rc != CG_OK)
		return cg_error_set(c->err, rc, "rpmdb: stopped by the package callback: %s",
				    cg_strerror(rc));
	c->stats->packages++;
	return CG_OK;
}

cg_err_t cg_rpmdb_read(const void *data, size_t len, const struct cg_rpmdb_options *opt,
		       cg_rpmdb_pkg_fn fn, void *userdata, struct cg_rpmdb_stats *stats,
		       struct cg_error *err)
{
	struct cg_rpmdb_stats local;
	struct cg_rpmdb_ctx c;
	const struct rpmdb_format *f;
	enum cg_rpmdb_format id = opt ? opt->format : CG_RPMDB_AUTO;
	cg_err_t rc;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	memset(&c, 0, sizeof(c));
	cg_error_clear(err);
	if ((!data && len) || !fn)
		return cg_error_set(err, CG_ERR_ARG, "rpmdb: NULL data or callback");
	lim_init(&c.lim, opt);
	c.fn = fn;
	c.ud = userdata;
	c.stats = stats;
	c.err = err;

	if (len > c.lim.max_db_bytes)
		return cg_error_set(err, CG_ERR_LIMIT,
				    "rpmdb: database of %zu bytes is over max_db_bytes (%zu)", len,
				    c.lim.max_db_bytes);
	if (id == CG_RPMDB_AUTO) {
		rc = cg_rpmdb_detect(data, len, &id, err);
		if (rc != CG_OK)
			return rc;
	}
	f = format_find(id);
	if (!f)
		return cg_error_set(err, CG_ERR_ARG, "rpmdb: unknown format %d", (int)id);
	if (!f->detect(data, len))
		return cg_error_set(err, CG_ERR_INVALID, "rpmdb: not a %s database (bad magic)",
				    f->title);
	stats->format = id;
	rc = f->read(&c, data, len);
	cg_rpmhdr_scratch_release(&c.scratch);
	return rc;
}

cg_err_t cg_rpmdb_read_header(const void *blob, size_t len, const struct cg_rpmdb_options *opt,
			      cg_rpmdb_pkg_fn fn, void *userdata, struct cg_error *err)
{
	struct cg_rpmdb_lim lim;
	struct cg_rpmhdr_scratch scratch;
	struct cg_rpmdb_pkg pkg;
	char why[128];
	cg_err_t rc;

	cg_error_clear(err);
	if ((!blob && len) || !fn)
		return cg_error_set(err, CG_ERR_ARG, "rpm header: NULL blob or callback");
	lim_init(&lim, opt);
	if (len > lim.max_header_bytes)
		return cg_error_set(err, CG_ERR_LIMIT,
				    "rpm header: %zu bytes is over max_header_bytes (%zu)", len,
				    lim.max_header_bytes);
	memset(&scratch, 0, sizeof(scratch));
	rc = cg_rpmhdr_parse(blob, len, &lim, &scratch, &pkg, why, sizeof(why));
	if (rc == CG_ERR_INVALID) {
		cg_error_set(err, rc, "rpm header: %s", why);
		goto done;
	}
	if (rc != CG_OK) {
		cg_error_set(err, rc, "rpm header: %s", cg_strerror(rc));
		goto done;
	}
	rc = fn(&pkg, userdata);
	if (rc != CG_OK)
		cg_error_set(err, rc, "rpm header: stopped by the package callback: %s",
			     cg_strerror(rc));
done:
	cg_rpmhdr_scratch_release(&scratch);
	return rc;
}
