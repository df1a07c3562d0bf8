/* Fuzz target: the Python collector (lib/pkg/python.c) on one file.
 *
 * The low three bits of the first byte pick the file's path, and so how the
 * rest is read: 0 .dist-info/METADATA, 1 .egg-info/PKG-INFO, 2 an .egg-info
 * file, 3 requirements.txt, 4 poetry.lock, 5 Pipfile.lock, 6 uv.lock,
 * 7 requirements-dev.txt. Every package handed out is checked: a PEP 503
 * name, a version of printable ASCII, a license of valid UTF-8 without
 * control characters, only the flags a Python file can give. */
#include "fuzz.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>
#include <cguard/pkg.h>
#include "pkg/collector.h"

extern const struct cg_pkg_collector cg_collector_python;

static const char *const paths[8] = {
    "/usr/lib/python3/dist-packages/a-1.dist-info/METADATA",
    "/usr/lib/python3/dist-packages/a-1.egg-info/PKG-INFO",
    "/usr/lib/python3/dist-packages/a-1.egg-info",
    "/app/requirements.txt",
    "/app/poetry.lock",
    "/app/Pipfile.lock",
    "/app/uv.lock",
    "/app/requirements-dev.txt",
};

static void check_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;
	if (n == 0 || n > 512)
		abort();
	while (i < n) { /* valid UTF-8, no control characters */
		unsigned c = p[i], need = c < 0x80	       ? 0
					  : (c & 0xe0) == 0xc0 ? 1
					  : (c & 0xf0) == 0xe0 ? 2
					  : (c & 0xf8) == 0xf0 ? 3
							       : 9;
		if (need == 9 || (c < 0x20 && c != '\t') || c == 0x7f || n - i - 1 < need)
			abort();
		for (unsigned k = 1; k <= need; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				abort();
		i += need + 1;
	}
}

static cg_err_t add(void *ud, const struct cg_pkg *p, const char *const *files, size_t nfiles)
{
	size_t n, i;
	(void)files;
	++*(size_t *)ud;
	if (strcmp(p->type, "pypi") != 0 || nfiles != 0 || !p->path || p->layer != 7 ||
	    (p->flags & ~(unsigned)(CG_PKG_FROM_LOCK | CG_PKG_DEV)))
		abort();
	n = strlen(p->name);
	if (n == 0 || n > 256 || p->name[0] == '-' || p->name[n - 1] == '-')
		abort();
	for (i = 0; i < n; i++) {
		char c = p->name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') ||
		    (c == '-' && p->name[i + 1] == '-'))
			abort();
	}
	n = strlen(p->version);
	if (n == 0 || n > 256)
		abort();
	for (i = 0; i < n; i++)
		if (p->version[i] <= ' ' || p->version[i] >= 0x7f)
			abort();
	if (p->license)
		check_text(p->license);
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
	struct cg_pkg_file f;
	struct cg_error err;
	if (size < 1)
		return 0;
	f.path = paths[data[0] & 7];
	f.layer = 7;
	f.data = data + 1;
	f.len = size - 1;
	if (!cg_collector_python.match(f.path, strlen(f.path)))
		abort();
	if (cg_collector_python.collect(&f, 1, &sink, &err) != CG_OK)
		abort(); /* only a sink error or out of memory may fail */
	return 0;
}
