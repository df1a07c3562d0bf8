/* Shared body of the ignore-file and VEX fuzz targets: parse the input; when it
 * parses, apply it to a small findings list (ids, aliases, packages) and check
 * the counts stay consistent. A failure must carry one of the documented codes
 * and a message. */
#ifndef CG_FUZZ_FILTER_H
#define CG_FUZZ_FILTER_H
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>
#include "vulndb/findings.h"

static const char *const fz_aliases[] = { "CVE-2023-0001", "GHSA-aaaa-bbbb-cccc" };

static void fuzz_apply(const struct cg_scan_filter *flt)
{
	struct cg_findings *f = cg_findings_new();
	struct cg_finding_item items[3];
	size_t sup = 0;
	if (!f)
		return;
	memset(items, 0, sizeof(items));
	for (size_t i = 0; i < 3; i++) {
		struct cg_finding *x = &items[i].pub;
		x->id = i ? "DSA-5365-1" : "PYSEC-2023-236";
		x->aliases = fz_aliases;
		x->naliases = i == 2 ? 2 : 1;
		x->pkg_name = i ? "libcurl4" : "remarshal";
		x->package = i ? "curl" : "remarshal";
		x->pkg_version = "1.0";
		x->pkg_type = i ? "deb" : "pypi";
		x->level = (enum cg_finding_level)(i + 2);
		x->status = (enum cg_finding_status)(i % 3);
	}
	f->v = items;
	f->n = f->cap = 3;
	if (cg_findings_filter(f, flt, NULL, NULL, NULL) != CG_OK)
		abort();
	for (size_t i = 0; i < 3; i++)
		sup += items[i].pub.suppressed != NULL;
	if (sup != cg_findings_suppressed(f))
		abort();
	f->v = NULL; /* the items are on the stack */
	cg_findings_free(f);
}

static void fuzz_check_error(cg_err_t rc, const struct cg_error *err)
{
	if (rc != CG_ERR_INVALID && rc != CG_ERR_LIMIT && rc != CG_ERR_NOMEM)
		abort();
	if (err->code != rc || !err->msg[0])
		abort();
}
#endif
