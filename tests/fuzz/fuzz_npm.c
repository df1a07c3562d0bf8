/* Fuzz target: the npm collector (lib/pkg/npm.c). The input is handed to
 * it once as each kind of file it reads. Checked on every input: no crash or
 * out-of-bounds read (the input is an exact-size heap copy), every package is
 * well formed (type "npm", non-empty name and version without blanks, the
 * path it was given), and an error from the sink stops the collector and is
 * returned as is. */
#include "fuzz.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>
#include "pkg/collector.h"

extern const struct cg_pkg_collector cg_collector_npm;

static const char *const paths[] = {"/app/node_modules/@s/a/package.json", "/app/package-lock.json",
				    "/app/yarn.lock", "/app/pnpm-lock.yaml"};

struct count {
	size_t n;
	const char *path;
	bool fail; /* return CG_ERR_LIMIT from the first add */
};

static bool blank_free(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20)
			return false;
	return true;
}

static cg_err_t add(void *ud, const struct cg_pkg *p, const char *const *files, size_t nfiles)
{
	struct count *c = ud;
	(void)files;
	if (c->fail)
		return CG_ERR_LIMIT;
	if (strcmp(p->type, "npm") != 0 || !blank_free(p->name) || !blank_free(p->version) ||
	    strchr(p->name, '/') || (p->namespace_ && !blank_free(p->namespace_)) ||
	    strcmp(p->path, c->path) != 0 || p->layer != 7 || nfiles != 0) {
		fprintf(stderr, "bad package '%s' '%s' '%s'\n", p->namespace_ ? p->namespace_ : "",
			p->name, p->version);
		abort();
	}
	c->n++;
	return CG_OK;
}

static void warn(void *ud, const char *path, const char *msg)
{
	(void)ud;
	if (!path || !msg)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct cg_pkg_file f = {paths[i], 7, copy, size};
		struct count c = {0, paths[i], false};
		struct cg_pkg_sink sink = {add, warn, &c};
		struct cg_error err;
		if (!cg_collector_npm.match(paths[i], strlen(paths[i])))
			abort();
		if (cg_collector_npm.collect(&f, 1, &sink, &err) != CG_OK)
			abort(); /* only the sink, memory or a bug may fail */
		if (c.n) {
			c.fail = true;
			if (cg_collector_npm.collect(&f, 1, &sink, &err) != CG_ERR_LIMIT)
				abort();
		}
	}
	free(copy);
	return 0;
}
