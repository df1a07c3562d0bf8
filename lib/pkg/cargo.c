/* Rust crates from Cargo.lock (formats v1 to v4), purl type "cargo".
 *
 * Every [[package]] with a name and a version is reported, flagged
 * CG_PKG_FROM_LOCK (a lock file says what a build resolved, not what is
 * installed). Packages without a `source` are the workspace's own members and
 * path dependencies: they are reported too, because they are part of the
 * program (and an SBOM lists them), but a matcher should know that a
 * crates.io advisory for the same name does not concern them; struct cg_pkg
 * has no field for that yet (see the report of IMG-07). A lock file does not
 * say which crates are dev-only or direct, so neither flag is set.
 * [[patch.unused]] entries are not part of the build and are not reported.
 * The oldest format kept the root package in a [root] table: it is read as
 * one more [[package]].
 *
 * Input is read by lib/pkg/toml_lite.c; a malformed file is warned about and
 * the packages read before the fault are kept. */
#include "util/internal.h"

#include "pkg/pkgutil.h"
#include "pkg/toml_lite.h"

#define CARGO_MAX_SIZE	   ((size_t)16 << 20)
#define CARGO_MAX_PACKAGES 100000
#define CARGO_MAX_NAME	   128

struct cargo {
	const struct cg_pkg_file *file;
	const struct cg_pkg_sink *sink;
	cg_err_t sink_rc; /* an error from the sink: stops everything */
	bool in_package;  /* inside a [[package]] element (or its sub-tables) */
	bool top;	  /* directly in [[package]], not in a sub-table */
	size_t line;
	char name[CARGO_MAX_NAME + 1];
	char version[CG_VERSION_MAX_LEN + 1];
	bool has_name, has_version;
	bool capped; /* CARGO_MAX_PACKAGES was hit (and warned about) */
	size_t count;
};

static bool valid_name(const char *s, size_t n)
{
	if (n == 0 || n > CARGO_MAX_NAME)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	return true;
}

static cg_err_t flush(struct cargo *c)
{
	struct cg_pkg pkg;
	cg_err_t rc;

	if (!c->in_package)
		return CG_OK;
	c->in_package = false;
	if (!c->has_name || !c->has_version) {
		cg_pkg_warnf(c->sink, c->file->path, 256,
			     "line %zu: [[package]] without a valid name and version, skipped",
			     c->line);
		return CG_OK;
	}
	if (c->count >= CARGO_MAX_PACKAGES) {
		cg_pkg_warnf(c->sink, c->file->path, 256,
			     "more than %d packages: the rest is skipped", CARGO_MAX_PACKAGES);
		c->capped = true;
		return CG_ERR_LIMIT;
	}
	memset(&pkg, 0, sizeof(pkg));
	pkg.type = "cargo";
	pkg.name = c->name;
	pkg.version = c->version;
	pkg.path = c->file->path;
	pkg.layer = c->file->layer;
	pkg.flags = CG_PKG_FROM_LOCK;
	rc = c->sink->add(c->sink->ud, &pkg, NULL, 0);
	if (rc != CG_OK) {
		c->sink_rc = rc;
		return rc;
	}
	c->count++;
	return CG_OK;
}

static void copy_field(char *dst, const struct cg_toml_str *s)
{
	memcpy(dst, s->p, s->len);
	dst[s->len] = '\0';
}

static cg_err_t on_event(void *ud, const struct cg_toml_event *ev)
{
	struct cargo *c = ud;
	cg_err_t rc;

	switch (ev->kind) {
	case CG_TOML_ARRAY_TABLE:
	case CG_TOML_TABLE:
		/* [root] held the root package in the oldest format */
		if ((ev->kind == CG_TOML_ARRAY_TABLE &&
		     cg_toml_path_is(ev->table, ev->ntable, "package")) ||
		    (ev->kind == CG_TOML_TABLE && cg_toml_path_is(ev->table, ev->ntable, "root"))) {
			if ((rc = flush(c)) != CG_OK)
				return rc;
			c->in_package = c->top = true;
			c->has_name = c->has_version = false;
			c->line = ev->line;
			return CG_OK;
		}
		if (c->in_package && ev->ntable > 1 && cg_toml_path_is(ev->table, 1, "package")) {
			c->top = false; /* [package.x]: still the same package */
			return CG_OK;
		}
		return flush(c);
	case CG_TOML_STRING:
		if (!c->in_package || !c->top || ev->nkey != 1)
			return CG_OK;
		if (cg_toml_path_is(ev->key, 1, "name")) {
			c->has_name = valid_name(ev->str.p, ev->str.len);
			if (c->has_name)
				copy_field(c->name, &ev->str);
		} else if (cg_toml_path_is(ev->key, 1, "version")) {
			c->has_version =
			    cg_pkg_ascii_token(ev->str.p, ev->str.len, CG_VERSION_MAX_LEN);
			if (c->has_version)
				copy_field(c->version, &ev->str);
		}
		return CG_OK;
	case CG_TOML_SCALAR:
		/* the format version: 3 and 4 are written, 1 and 2 have none */
		if (ev->ntable == 0 && cg_toml_path_is(ev->key, ev->nkey, "version") &&
		    !(ev->str.len == 1 && ev->str.p[0] >= '1' && ev->str.p[0] <= '4'))
			cg_pkg_warnf(c->sink, c->file->path, 256,
				     "unknown Cargo.lock format version %.16s, read as v4",
				     ev->str.p);
		return CG_OK;
	case CG_TOML_ARRAY:
		return CG_OK;
	}
	return CG_OK;
}

static cg_err_t collect_one(const struct cg_pkg_file *f, const struct cg_pkg_sink *sink,
			    struct cg_error *err)
{
	struct cargo c;
	struct cg_error terr;
	cg_err_t rc;

	memset(&c, 0, sizeof(c));
	c.file = f;
	c.sink = sink;
	cg_error_clear(&terr);
	rc = cg_toml_parse(f->data, f->len, on_event, &c, &terr);
	if (rc == CG_OK)
		rc = flush(&c);
	if (c.sink_rc != CG_OK)
		return cg_error_set(err, c.sink_rc, "%s: the package sink failed", f->path);
	if (rc == CG_ERR_NOMEM)
		return cg_error_set(err, rc, "%s: out of memory", f->path);
	if (rc != CG_OK && !c.capped)
		cg_pkg_warnf(sink, f->path, 256, "%s", cg_error_message(&terr));
	return CG_OK;
}

static bool cargo_match(const char *path, size_t len)
{
	const char *base = cg_path_base(path, len);
	return strcmp(base, "Cargo.lock") == 0;
}

static cg_err_t cargo_collect(const struct cg_pkg_file *files, size_t nfiles,
			      const struct cg_pkg_sink *sink, struct cg_error *err)
{
	if (!sink || !sink->add || (!files && nfiles))
		return cg_error_set(err, CG_ERR_ARG, "cargo: no sink or no files");
	for (size_t i = 0; i < nfiles; i++) {
		cg_err_t rc = collect_one(&files[i], sink, err);
		if (rc != CG_OK)
			return rc;
	}
	return CG_OK;
}

const struct cg_pkg_collector cg_collector_cargo = {
    .name = "cargo",
    .match = cargo_match,
    .max_size = CARGO_MAX_SIZE,
    .collect = cargo_collect,
};
