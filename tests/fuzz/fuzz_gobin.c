/* Fuzz target: Go build information (lib/pkg/gobin.c).
 *
 * Input: one byte that seeds the chunk sizes, then the file. When the
 * byte's top bit is set, 65400 + (byte & 0x3f) zero bytes are inserted after
 * the file's first 16, which moves what follows across the first boundary
 * of the 64 KiB search window (small inputs never reach it). The file is
 * read twice, in one piece (cg_gobin_parse) and streamed in chunks whose
 * sizes come from a generator seeded by that byte and the length (1 byte to
 * 64 KiB + 100, so window and chunk boundaries fall everywhere); both must
 * report the same packages and warnings in the same order. Every package is
 * checked: type golang, a name without '/' and a namespace of printable
 * ASCII, a version of printable ASCII of at most 256 bytes. The input's
 * first bytes also go through cg_gobin_stdlib_version. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>
#include <cguard/pkg.h>
#include "pkg/gobin.h"

struct out {
	uint64_t hash;
	size_t pkgs, warns;
};

static void mix(struct out *o, const char *s)
{
	for (; s && *s; s++)
		o->hash = (o->hash ^ (unsigned char)*s) * 0x100000001b3ull;
	o->hash = (o->hash ^ 0xff) * 0x100000001b3ull;
}

static void check_token(const char *s, size_t max, int allow_empty, int allow_slash)
{
	size_t n = strlen(s);
	if ((!allow_empty && n == 0) || n > max)
		abort();
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f || (!allow_slash && s[i] == '/'))
			abort();
}

static cg_err_t add(void *ud, const struct cg_pkg *p, const char *const *files, size_t nfiles)
{
	struct out *o = ud;
	(void)files;
	if (strcmp(p->type, "golang") != 0 || nfiles != 0 || p->flags || !p->path ||
	    strcmp(p->path, "/app") != 0 || p->layer != 1 || !p->version)
		abort();
	check_token(p->name, 512, 0, 0);
	if (p->namespace_)
		check_token(p->namespace_, 512, 0, 1);
	check_token(p->version, 256, 1, 1);
	o->pkgs++;
	mix(o, p->namespace_);
	mix(o, p->name);
	mix(o, p->version);
	return CG_OK;
}

static void warn(void *ud, const char *path, const char *msg)
{
	struct out *o = ud;
	if (!path || !msg || !msg[0])
		abort();
	o->warns++;
	mix(o, msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct out one = { 0xcbf29ce484222325ull, 0, 0 }, two = one;
	struct cg_pkg_sink s1 = { add, warn, &one }, s2 = { add, warn, &two };
	struct cg_gobin g;
	uint32_t seed;
	size_t off = 0;
	char ver[64];
	uint8_t *padded = NULL;

	if (size < 1)
		return 0;
	seed = data[0] * 2654435761u + (uint32_t)size;
	if ((data[0] & 0x80) && size > 17) {
		size_t pad = 65400 + (data[0] & 0x3f);
		padded = calloc(1, size - 1 + pad);
		if (!padded)
			return 0;
		memcpy(padded, data + 1, 16);
		memcpy(padded + 16 + pad, data + 17, size - 17);
		data = padded;
		size = size - 1 + pad;
	} else {
		data++;
		size--;
	}
	(void)cg_gobin_stdlib_version((const char *)data, size < 40 ? size : 40, ver, sizeof(ver));

	if (cg_gobin_parse(data, size, "/app", 1, &s1) != CG_OK)
		abort();
	cg_gobin_init(&g);
	while (off < size) {
		size_t k;
		seed = seed * 1103515245u + 12345u;
		k = (seed >> 4) % 8 == 0 ? 65536 + (seed >> 12) % 100 : 1 + (seed >> 12) % 300;
		if (k > size - off)
			k = size - off;
		off += k;
		if (!cg_gobin_feed(&g, data + off - k, k))
			break;
	}
	if (cg_gobin_finish(&g, "/app", 1, &s2) != CG_OK)
		abort();
	if (one.hash != two.hash || one.pkgs != two.pkgs || one.warns != two.warns)
		abort();
	free(padded);
	return 0;
}
