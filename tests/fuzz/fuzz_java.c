/* Fuzz target: the Java archive collector (lib/pkg/java.c) on one file.
 *
 * The low two bits of the first byte say what the rest is:
 *   0  the archive itself (/app/x-1.0.jar);
 *   1  a pom.properties, 2  a MANIFEST.MF, 3  a nested archive: stored
 *      (with a right CRC) in a zip built here, so that libarchive hands the
 *      bytes over and the Properties, manifest and nesting code sees them.
 * Every package handed out is checked: type maven, a name and namespace of
 * Maven id characters, a version of printable ASCII (<= 256 bytes), a path
 * that starts with the file's. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <cguard/cguard.h>
#include <cguard/pkg.h>
#include "pkg/collector.h"

extern const struct cg_pkg_collector cg_collector_java;

static const char path0[] = "/app/x-1.0.jar";

static void check_id(const char *s, int dots_ok)
{
	size_t n = strlen(s);
	if (n == 0 || n > 1024)
		abort();
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			abort();
		if (c == '.' && !dots_ok)
			abort();
	}
}

static cg_err_t add(void *ud, const struct cg_pkg *p, const char *const *files, size_t nfiles)
{
	size_t n;
	(void)files;
	++*(size_t *)ud;
	if (strcmp(p->type, "maven") != 0 || nfiles != 0 || p->flags || !p->path ||
	    strncmp(p->path, path0, sizeof(path0) - 1) != 0 || p->layer != 0 || !p->version)
		abort();
	check_id(p->name, 1);
	if (p->namespace_)
		check_id(p->namespace_, 1);
	n = strlen(p->version);
	if (n == 0 || n > 256)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p->version[i] <= ' ' || (unsigned char)p->version[i] >= 0x7f)
			abort();
	return CG_OK;
}

static void warn(void *ud, const char *path, const char *msg)
{
	(void)ud;
	if (!path || !msg || !msg[0] || strncmp(path, path0, sizeof(path0) - 1) != 0)
		abort();
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

/* A zip with one stored entry `name` holding data; malloc'd, *len set. */
static uint8_t *zip1(const char *name, const uint8_t *data, size_t size, size_t *len)
{
	size_t nl = strlen(name), total = 30 + nl + size + 46 + nl + 22;
	uint8_t *z = calloc(1, total), *p;
	uint32_t crc = (uint32_t)crc32(0, data, (uInt)size);
	if (!z)
		return NULL;
	p = z;
	put32(p, 0x04034b50);
	put16(p + 4, 10);
	put32(p + 14, crc);
	put32(p + 18, (uint32_t)size);
	put32(p + 22, (uint32_t)size);
	put16(p + 26, (unsigned)nl);
	memcpy(p + 30, name, nl);
	memcpy(p + 30 + nl, data, size);
	p += 30 + nl + size;
	put32(p, 0x02014b50);
	put16(p + 4, 20);
	put16(p + 6, 10);
	put32(p + 16, crc);
	put32(p + 20, (uint32_t)size);
	put32(p + 24, (uint32_t)size);
	put16(p + 28, (unsigned)nl);
	memcpy(p + 46, name, nl);
	p += 46 + nl;
	put32(p, 0x06054b50);
	put16(p + 8, 1);
	put16(p + 10, 1);
	put32(p + 12, (uint32_t)(46 + nl));
	put32(p + 16, (uint32_t)(30 + nl + size));
	*len = total;
	return z;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[4] = { NULL, "META-INF/maven/g.x/a-b/pom.properties",
					      "META-INF/MANIFEST.MF", "WEB-INF/lib/inner-2.0.jar" };
	size_t count = 0, zlen = 0;
	struct cg_pkg_sink sink = { add, warn, &count };
	struct cg_pkg_file f;
	struct cg_error err;
	uint8_t *z = NULL;
	int mode;

	if (size < 1 || size > (1u << 20))
		return 0;
	mode = data[0] & 3;
	f.path = path0;
	f.layer = 0;
	if (mode == 0) {
		f.data = data + 1;
		f.len = size - 1;
	} else {
		z = zip1(names[mode], data + 1, size - 1, &zlen);
		if (!z)
			return 0;
		f.data = z;
		f.len = zlen;
	}
	if (cg_collector_java.collect(&f, 1, &sink, &err) != CG_OK)
		abort();
	/* a pom.properties or a manifest alone names at most one package */
	if ((mode == 1 || mode == 2) && count > 1)
		abort();
	free(z);
	return 0;
}
