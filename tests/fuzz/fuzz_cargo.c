/* Fuzz target: the Cargo.lock collector (lib/pkg/cargo.c) on one file.
 * Every crate handed out is checked: a crate name, a version of printable
 * ASCII, the lock flag only. */
#include "fuzz.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>
#include <cguard/pkg.h>
#include "pkg/collector.h"

extern const struct cg_pkg_collector cg_collector_cargo;

static cg_err_t add(void *ud, const struct cg_pkg *p, const char *const *files, size_t nfiles)
{
	size_t n;
	(void)files;
	++*(size_t *)ud;
	if (strcmp(p->type, "cargo") != 0 || nfiles != 0 || p->flags != CG_PKG_FROM_LOCK ||
	    !p->path || p->license || p->arch)
		abort();
	n = strlen(p->name);
	if (n == 0 || n > 128)
		abort();
	for (const char *c = p->name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
			abort();
	n = strlen(p->version);
	if (n == 0 || n > 256)
		abort();
	for (const char *c = p->version; *c; c++)
		if (*c <= ' ' || *c >= 0x7f)
			abort();
	return CG_OK;
}

static void warn(void *ud, const char *path, const char *msg)
{
	(void)ud;
	if (!path || !msg || !msg[0])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t count = 0;
	struct cg_pkg_sink sink = {add, warn, &count};
	struct cg_pkg_file f = {"/app/Cargo.lock", 0, data, size};
	struct cg_error err;
	if (cg_collector_cargo.collect(&f, 1, &sink, &err) != CG_OK)
		abort();
	return 0;
}
