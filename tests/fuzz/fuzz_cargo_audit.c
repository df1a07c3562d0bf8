/* Fuzz target: cargo auditable data in ELF files (lib/pkg/cargo_audit.c).
 *
 * Input: one byte that seeds the chunk sizes, then the file. The file is
 * streamed twice, in one piece and in chunks of 1 to 300 bytes (now and then
 * up to 5000) from a generator seeded by that byte and the length; both must
 * report the same packages and warnings in the same order. Every package is
 * checked: type cargo, name and version of printable ASCII without spaces,
 * at most 256 bytes, path and layer as given, only DEV and INDIRECT flags. */
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>
#include <cguard/pkg.h>
#include "pkg/collector.h"
#include "fuzz.h"

extern const struct cg_stream_collector cg_stream_cargo_audit;

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

static void check_token(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 256)
		abort();
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f)
			abort();
}

static cg_err_t add(void *ud, const struct cg_pkg *p, const char *const *files, size_t nfiles)
{
	struct out *o = ud;
	(void)files;
	if (strcmp(p->type, "cargo") != 0 || nfiles != 0 || !p->path ||
	    strcmp(p->path, "/app") != 0 || p->layer != 1 || !p->name || !p->version ||
	    (p->flags & ~(unsigned)(CG_PKG_DEV | CG_PKG_INDIRECT)))
		abort();
	check_token(p->name);
	check_token(p->version);
	o->pkgs++;
	mix(o, p->name);
	mix(o, p->version);
	o->hash ^= p->flags;
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

static void stream(const uint8_t *data, size_t size, uint32_t seed, bool whole, struct out *o)
{
	const struct cg_stream_collector *c = &cg_stream_cargo_audit;
	struct cg_pkg_sink sink = { add, warn, o };
	struct cg_error err;
	void *st = calloc(1, c->state_size);
	size_t off = 0;
	if (!st)
		abort();
	c->begin(st);
	while (off < size) {
		size_t k = size - off;
		if (!whole) {
			seed = seed * 1103515245u + 12345u;
			k = (seed >> 4) % 8 == 0 ? 1 + (seed >> 12) % 5000 : 1 + (seed >> 12) % 300;
			if (k > size - off)
				k = size - off;
		}
		off += k;
		if (!c->feed(st, data + off - k, k))
			break;
	}
	if (c->finish(st, "/app", 1, &sink, &err) != CG_OK)
		abort();
	c->release(st);
	free(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct out one = { 0xcbf29ce484222325ull, 0, 0 }, two = one;
	uint32_t seed;

	if (size < 1)
		return 0;
	seed = data[0] * 2654435761u + (uint32_t)size;
	stream(data + 1, size - 1, seed, true, &one);
	stream(data + 1, size - 1, seed, false, &two);
	if (one.hash != two.hash || one.pkgs != two.pkgs || one.warns != two.warns)
		abort();
	return 0;
}
