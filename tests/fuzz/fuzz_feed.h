/* Shared body of the feed fuzz targets (tests/fuzz/fuzz_feed_<type>.c): a
 * target defines FUZZ_FEED (the parser) and FUZZ_PATHS (file names the
 * parser is told; the input's first byte picks one: some parsers choose the
 * format by name) and includes this file. Every advisory handed out is
 * checked against the model's invariants (an id, known statuses, ranges with
 * events that have versions, bounded NUL-terminated strings), and the result
 * must be one of the documented codes. */
#ifndef CG_FUZZ_FEED_H
#define CG_FUZZ_FEED_H
#include "fuzz.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>
#include "vulndb/advisory.h"

extern const struct cg_feed_parser FUZZ_FEED;

static void str_ok(const char *s, size_t max)
{
	if (!s || strnlen(s, max + 1) > max)
		abort();
}

static cg_err_t add(void *ud, const struct cg_advisory *a)
{
	++*(size_t *)ud;
	str_ok(a->id, 1 << 20);
	if (!a->id[0])
		abort();
	for (size_t i = 0; i < a->naliases; i++)
		str_ok(a->aliases[i], 1 << 20);
	for (size_t i = 0; i < a->nrelated; i++)
		str_ok(a->related[i], 1 << 20);
	for (size_t i = 0; i < a->nreferences; i++)
		str_ok(a->references[i], 1 << 20);
	for (size_t i = 0; i < a->nseverities; i++) {
		str_ok(a->severities[i].type, 64);
		str_ok(a->severities[i].score, 1 << 20);
	}
	if (a->summary)
		str_ok(a->summary, 1 << 24);
	if (a->details)
		str_ok(a->details, 1 << 24);
	for (size_t i = 0; i < a->naffected; i++) {
		const struct cg_adv_affected *f = &a->affected[i];
		str_ok(f->ecosystem, 64);
		str_ok(f->package, 1 << 20);
		if ((unsigned)f->status > CG_ADV_EOL)
			abort();
		if (f->note)
			str_ok(f->note, 1 << 20);
		if (f->severity)
			str_ok(f->severity, 1 << 20);
		for (size_t k = 0; k < f->nranges; k++) {
			str_ok(f->ranges[k].type, 16);
			if (f->ranges[k].nevents == 0)
				abort();
			for (size_t e = 0; e < f->ranges[k].nevents; e++) {
				str_ok(f->ranges[k].events[e].version, 1024);
				if ((unsigned)f->ranges[k].events[e].kind > CG_OSV_LIMIT)
					abort();
			}
		}
	}
	return CG_OK;
}

static void warn(void *ud, const char *path, const char *msg)
{
	(void)ud;
	str_ok(path, 4096);
	str_ok(msg, 4096);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { FUZZ_PATHS };
	size_t n = 0;
	struct cg_adv_sink sink = { add, warn, &n };
	struct cg_error err;
	const char *path;
	cg_err_t rc;
	if (size == 0)
		return 0;
	path = paths[data[0] % (sizeof(paths) / sizeof(paths[0]))];
	if (!FUZZ_FEED.match(path))
		abort();
	rc = FUZZ_FEED.parse(path, data + 1, size - 1, &sink, &err);
	if (rc != CG_OK && rc != CG_ERR_INVALID && rc != CG_ERR_LIMIT && rc != CG_ERR_NOMEM)
		abort();
	return 0;
}
#endif
