/* Fuzz target: the osv: feed parser (lib/vulndb/feed_osv.c). The input is
 * parsed once as JSON ("x.json") and once as YAML ("x.yaml"). Checked on
 * every input: no crash or out-of-bounds read (the input is an exact-size heap
 * copy), every advisory is well formed (non-empty id; ecosystem, package,
 * range types, event kinds and versions set; counts within the parser's
 * limits), the status is one the parser may give, and an error from the sink
 * stops the parser and is returned as is. */
#include "fuzz.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>
#include "vulndb/advisory.h"

extern const struct cg_feed_parser cg_feed_osv;

struct count {
	size_t n;
	bool fail; /* return CG_ERR_LIMIT from the first add */
};

static bool nonempty(const char *s)
{
	return s && *s;
}

static void check(const struct cg_advisory *a)
{
	bool ok = nonempty(a->id) && a->naliases <= 1024 && a->nrelated <= 2048 &&
		  a->naffected <= 8192 && a->nreferences <= 4096 && a->nseverities <= 64;
	for (size_t i = 0; ok && i < a->naliases; i++)
		ok = nonempty(a->aliases[i]);
	for (size_t i = 0; ok && i < a->nrelated; i++)
		ok = nonempty(a->related[i]);
	for (size_t i = 0; ok && i < a->nreferences; i++)
		ok = a->references[i] != NULL;
	for (size_t i = 0; ok && i < a->nseverities; i++)
		ok = nonempty(a->severities[i].type) && nonempty(a->severities[i].score);
	for (size_t i = 0; ok && i < a->naffected; i++) {
		const struct cg_adv_affected *f = &a->affected[i];
		ok = nonempty(f->ecosystem) && nonempty(f->package) &&
		     f->status == CG_ADV_AFFECTED && f->nranges <= 256 && f->nversions <= 65536 &&
		     (!f->purl || *f->purl);
		for (size_t k = 0; ok && k < f->nversions; k++)
			ok = nonempty(f->versions[k]) &&
			     strlen(f->versions[k]) <= CG_VERSION_MAX_LEN;
		for (size_t k = 0; ok && k < f->nranges; k++) {
			const struct cg_adv_range *r = &f->ranges[k];
			ok =
			    (strcmp(r->type, "ECOSYSTEM") == 0 || strcmp(r->type, "SEMVER") == 0) &&
			    r->nevents >= 1 && r->nevents <= 1024;
			for (size_t e = 0; ok && e < r->nevents; e++)
				ok = r->events[e].kind <= CG_OSV_LIMIT &&
				     nonempty(r->events[e].version) &&
				     strlen(r->events[e].version) <= CG_VERSION_MAX_LEN;
		}
	}
	if (!ok) {
		fprintf(stderr, "bad advisory '%s'\n", a->id ? a->id : "(null)");
		abort();
	}
}

static cg_err_t add(void *ud, const struct cg_advisory *a)
{
	struct count *c = ud;
	if (c->fail)
		return CG_ERR_LIMIT;
	check(a);
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
	static const char *const paths[] = {"feed/x.json", "feed/x.yaml"};
	unsigned char *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct count c = {0, false};
		struct cg_adv_sink sink = {add, warn, &c};
		struct cg_error err;
		cg_err_t rc;
		if (!cg_feed_osv.match(paths[i]))
			abort();
		rc = cg_feed_osv.parse(paths[i], copy, size, &sink, &err);
		if (rc != CG_OK && rc != CG_ERR_INVALID && rc != CG_ERR_LIMIT && rc != CG_ERR_NOMEM)
			abort();
		if (c.n) {
			c.fail = true;
			if (cg_feed_osv.parse(paths[i], copy, size, &sink, &err) != CG_ERR_LIMIT)
				abort();
		}
	}
	free(copy);
	return 0;
}
