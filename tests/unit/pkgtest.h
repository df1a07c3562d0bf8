/* Helpers shared by the package collector tests (tests/unit/test_pkg_*.c),
 * header-only like cgtest.h: file loading, and a recording sink that keeps
 * each package as one tab-separated line (type name version flags license
 * arch) to compare with an expected table.
 *
 *   struct pkgt_rec r = {0};
 *   pkgt_run_text(C, "/app/Cargo.lock", text, &r);
 *   pkgt_check_expected(t, &r, "pkg/cargo/expected.tsv");
 *   pkgt_rec_free(&r);
 */
#ifndef PKGTEST_H
#define PKGTEST_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>
#include <cguard/pkg.h>
#include "pkg/collector.h"
#include "cgtest.h"

/* ---- files ---- */

/* The whole file at path, NUL-terminated, its size in *len; NULL (and
 * *len 0) when it cannot be read. */
static inline unsigned char *pkgt_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *d = NULL;
	long n;
	*len = 0;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		d = calloc(1, (size_t)n + 1);
		if (d && fread(d, 1, (size_t)n, f) == (size_t)n) {
			*len = (size_t)n;
		} else {
			free(d);
			d = NULL;
		}
	}
	fclose(f);
	return d;
}

/* A file of tests/data (rel: "pkg/cargo/x.lock"), as pkgt_slurp. */
static inline unsigned char *pkgt_load(const char *rel, size_t *len)
{
	char path[2048];
	snprintf(path, sizeof(path), "%s/%s", CG_TEST_DATA, rel);
	return pkgt_slurp(path, len);
}

static inline int pkgt_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* qsort comparison of char arrays (char lines[N][M]). */
static inline int pkgt_cmp_line(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* A sink's warn that prints the warning when CG_TEST_VERBOSE is set. */
static inline void pkgt_verbose_warn(const char *path, const char *msg)
{
	if (getenv("CG_TEST_VERBOSE"))
		fprintf(stderr, "    warn %s: %s\n", path, msg);
}

/* The loaded files of a test, freed together. */
struct pkgt_files {
	struct cg_pkg_file f[256];
	unsigned char *data[256];
	char *path[256];
	size_t n;
};

/* Load tests/data/rel as a file at vpath in the image. */
static inline bool pkgt_add_file(struct pkgt_files *fs, const char *rel, const char *vpath,
				 int layer)
{
	size_t len = 0;
	unsigned char *d;
	if (fs->n >= 256 || !(d = pkgt_load(rel, &len)))
		return false;
	fs->data[fs->n] = d;
	fs->path[fs->n] = strdup(vpath);
	fs->f[fs->n].path = fs->path[fs->n];
	fs->f[fs->n].layer = layer;
	fs->f[fs->n].data = d;
	fs->f[fs->n].len = len;
	fs->n++;
	return true;
}

static inline void pkgt_files_free(struct pkgt_files *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->data[i]);
		free(fs->path[i]);
	}
	fs->n = 0;
}

/* ---- a recording sink ---- */

#define PKGT_REC_MAX 4096

struct pkgt_rec {
	char *lines[PKGT_REC_MAX];
	size_t n;
	int warnings;
	char last_warn[512];
	int bad; /* packages with a wrong path, layer or flag */
	const struct cg_pkg_file *files;
	size_t nfiles;
	size_t fail_after; /* with fail_with: the add that fails */
	cg_err_t fail_with;
};

/* Records "type\tname\tversion\t[L-][D-]\tlicense\tarch"; a package counts as
 * bad unless its path and layer are those of a file given, it owns no files,
 * has only FROM_LOCK and DEV flags, a type, name and version, and no epoch,
 * source or namespace. */
static inline cg_err_t pkgt_rec_add(void *ud, const struct cg_pkg *p, const char *const *files,
				    size_t nfiles)
{
	struct pkgt_rec *r = ud;
	char buf[2048];
	bool path_ok = false;
	(void)files;
	if (r->fail_with != CG_OK && r->n >= r->fail_after)
		return r->fail_with;
	for (size_t i = 0; i < r->nfiles; i++)
		if (p->path == r->files[i].path && p->layer == r->files[i].layer)
			path_ok = true;
	if (!path_ok || nfiles != 0 || (p->flags & ~(unsigned)(CG_PKG_FROM_LOCK | CG_PKG_DEV)) ||
	    !p->type || !p->name || !p->version || p->epoch || p->src_name || p->namespace_)
		r->bad++;
	snprintf(buf, sizeof(buf), "%s\t%s\t%s\t%c%c\t%s\t%s", p->type, p->name, p->version,
		 (p->flags & CG_PKG_FROM_LOCK) ? 'L' : '-', (p->flags & CG_PKG_DEV) ? 'D' : '-',
		 p->license ? p->license : "", p->arch ? p->arch : "");
	if (r->n < PKGT_REC_MAX)
		r->lines[r->n++] = strdup(buf);
	return CG_OK;
}

static inline void pkgt_rec_warn(void *ud, const char *path, const char *msg)
{
	struct pkgt_rec *r = ud;
	(void)path;
	r->warnings++;
	snprintf(r->last_warn, sizeof(r->last_warn), "%s", msg);
}

static inline void pkgt_rec_free(struct pkgt_rec *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->lines[i]);
	memset(r, 0, sizeof(*r));
}

/* Run the collector over files; fills r (which it clears first, keeping
 * fail_after and fail_with). */
static inline cg_err_t pkgt_run(const struct cg_pkg_collector *c, const struct cg_pkg_file *files,
				size_t n, struct pkgt_rec *r)
{
	struct cg_pkg_sink sink = {pkgt_rec_add, pkgt_rec_warn, r};
	struct cg_error err;
	size_t fail_after = r->fail_after;
	cg_err_t fail_with = r->fail_with;
	pkgt_rec_free(r);
	r->fail_after = fail_after;
	r->fail_with = fail_with;
	r->files = files;
	r->nfiles = n;
	return c->collect(files, n, &sink, &err);
}

/* One in-memory file at a virtual path. */
static inline cg_err_t pkgt_run_text(const struct cg_pkg_collector *c, const char *path,
				     const char *text, struct pkgt_rec *r)
{
	struct cg_pkg_file f = {path, 0, (const unsigned char *)text, strlen(text)};
	return pkgt_run(c, &f, 1, r);
}

/* The recorded packages must be exactly the lines of an expected file of
 * tests/data (tab-separated, as pkgt_rec_add writes them), as multisets. */
static inline void pkgt_check_expected(struct cgt *t, struct pkgt_rec *r, const char *rel)
{
	size_t len = 0, nwant = 0, i;
	unsigned char *data = pkgt_load(rel, &len);
	char *want[PKGT_REC_MAX], *p;
	CHECKF(t, data != NULL, "cannot read %s", rel);
	if (!data)
		return;
	data[len] = '\0';
	for (p = (char *)data; *p && nwant < PKGT_REC_MAX;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (*p)
			want[nwant++] = p;
		if (!nl)
			break;
		p = nl + 1;
	}
	qsort(want, nwant, sizeof(*want), pkgt_cmp_str);
	qsort(r->lines, r->n, sizeof(*r->lines), pkgt_cmp_str);
	CHECKF(t, r->n == nwant, "%s: %zu packages, expected %zu", rel, r->n, nwant);
	for (i = 0; i < r->n && i < nwant; i++) {
		CHECKF(t, strcmp(r->lines[i], want[i]) == 0, "%s: got [%.300s] expected [%.300s]",
		       rel, r->lines[i], want[i]);
		if (strcmp(r->lines[i], want[i]) != 0)
			break;
	}
	CHECKF(t, r->bad == 0, "%s: %d packages with a wrong path, layer or flag", rel, r->bad);
	free(data);
}

/* Is line among lines[0..n)? */
static inline bool pkgt_has_line(char *const *lines, size_t n, const char *line)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(lines[i], line) == 0)
			return true;
	return false;
}

/* Is line (type name version flags license arch) among the recorded? */
static inline bool pkgt_has(const struct pkgt_rec *r, const char *line)
{
	return pkgt_has_line(r->lines, r->n, line);
}

#endif
