/* Internal: what the report writers share (lib/vulndb/report_util.c). */
#ifndef CG_VULNDB_REPORT_INT_H
#define CG_VULNDB_REPORT_INT_H

#include "vulndb/findings.h"

#define CG_REPORT_MAX_URL 2048

/* A JSON string from untrusted bytes: at most max bytes (cut between two
 * characters, " [...]" added), bytes that are not UTF-8 replaced by U+FFFD.
 * NULL only when out of memory. jstr: the same without a cap, null for NULL. */
cg_json *cg_report_jtext_(const char *s, size_t max);
cg_json *cg_report_jstr_(const char *s);

/* Is s an absolute http(s) URL that every URI check accepts (references
 * come from feeds: anything else is left out)? */
bool cg_report_url_ok_(const char *s);

/* The findings written (not suppressed), grouped by advisory id; the groups
 * in the order of their first finding (the list's: level, id, package). */
struct cg_report_group {
	const struct cg_finding_item *first;
	size_t start, len;
};
struct cg_report_grouping {
	const struct cg_finding_item **item; /* by id, then list order */
	size_t n;                            /* items (findings written) */
	struct cg_report_group *g;
	size_t ngroups;
	size_t *group_of; /* per finding of the list: its group (suppressed: none) */
};
cg_err_t cg_report_grouping_init_(struct cg_report_grouping *gr, const struct cg_findings *f);
void cg_report_grouping_release_(struct cg_report_grouping *gr);

#endif
