/* Shared body of the JSON manifest collector fuzz targets (fuzz_composer.c,
 * fuzz_dotnet.c, fuzz_npm.c). The input is handed to the collector once as
 * each kind of file it reads. Checked on every input: no crash or
 * out-of-bounds read (the input is an exact-size heap copy), every package is
 * well formed (the collector's type, non-empty name and version without
 * blanks, a name without '/', the path it was given), and an error from the
 * sink stops the collector and is returned as is. */
#ifndef CG_FUZZ_COLLECTOR_H
#define CG_FUZZ_COLLECTOR_H
#include "fuzz.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>
#include "pkg/collector.h"

struct fuzz_count {
	size_t n;
	const char *type;
	const char *path;
	bool fail; /* return CG_ERR_LIMIT from the first add */
};

static inline bool fuzz_blank_free(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20)
			return false;
	return true;
}

static inline cg_err_t fuzz_add(void *ud, const struct cg_pkg *p, const char *const *files,
				size_t nfiles)
{
	struct fuzz_count *c = ud;
	(void)files;
	if (c->fail)
		return CG_ERR_LIMIT;
	if (strcmp(p->type, c->type) != 0 || !fuzz_blank_free(p->name) ||
	    !fuzz_blank_free(p->version) || strchr(p->name, '/') ||
	    (p->namespace_ && !fuzz_blank_free(p->namespace_)) || strcmp(p->path, c->path) != 0 ||
	    p->layer != 7 || nfiles != 0) {
		fprintf(stderr, "bad package '%s' '%s' '%s'\n", p->namespace_ ? p->namespace_ : "",
			p->name, p->version);
		abort();
	}
	c->n++;
	return CG_OK;
}

static inline void fuzz_warn(void *ud, const char *path, const char *msg)
{
	(void)ud;
	if (!path || !msg)
		abort();
}

/* The whole check of one input against collector col, whose packages have
 * purl type `type`, as each of paths[0..npaths) (all of which it matches). */
static inline int fuzz_collector(const struct cg_pkg_collector *col, const char *type,
				 const char *const *paths, size_t npaths, const uint8_t *data,
				 size_t size)
{
	unsigned char *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	for (size_t i = 0; i < npaths; i++) {
		struct cg_pkg_file f = {paths[i], 7, copy, size};
		struct fuzz_count c = {0, type, paths[i], false};
		struct cg_pkg_sink sink = {fuzz_add, fuzz_warn, &c};
		struct cg_error err;
		if (!col->match(paths[i], strlen(paths[i])))
			abort();
		if (col->collect(&f, 1, &sink, &err) != CG_OK)
			abort(); /* only the sink, memory or a bug may fail */
		if (c.n) {
			c.fail = true;
			if (col->collect(&f, 1, &sink, &err) != CG_ERR_LIMIT)
				abort();
		}
	}
	free(copy);
	return 0;
}

#endif
