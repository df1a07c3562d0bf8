/* Internal: the findings list shared by the matcher (match.c), the derived
 * fields (finding.c), the filters (filter.c) and the report writers
 * (report*.c). */
#ifndef CG_VULNDB_FINDINGS_H
#define CG_VULNDB_FINDINGS_H

#include "util/arena.h"
#include "version/scheme.h"

struct cg_finding_item {
	struct cg_finding pub;
	int64_t adv; /* advisories.id */
	const struct cg_version_scheme *scheme;
};

struct cg_findings {
	struct cg_arena arena;
	struct cg_finding_item *v;
	size_t n, cap;
	size_t skipped, packages, unmapped;
	size_t suppressed; /* items with pub.suppressed set */
	size_t expired_rules;
	unsigned levels;   /* the filter's --severity (0: all), for content findings too */
};

/* The level a distribution's or feed's word names ("important" is high,
 * "unimportant" negligible, ...), CG_LEVEL_UNKNOWN for others. */
enum cg_finding_level cg_finding_level_of_word_(const char *word);

/* Fill the derived fields of a finding whose matched fields are set: CVSS
 * scores, the level when the feed gave none, the fix command, the urgency.
 * Strings go to the findings' arena; false when out of memory. */
bool cg_finding_derive_(struct cg_findings *f, struct cg_finding *x);

/* The report writers of report_sarif.c and report_cdx.c (img and inv may be
 * NULL). Suppressed findings are not written. */
cg_err_t cg_report_sarif_(const struct cg_image *img, const struct cg_inventory *inv,
			  const struct cg_findings *f, struct cg_buf *out, struct cg_error *err);
cg_err_t cg_report_cyclonedx_(const struct cg_image *img, const struct cg_inventory *inv,
			      const struct cg_findings *f, struct cg_buf *out,
			      struct cg_error *err);

/* Is an image content finding shown under the filter's --severity (threat
 * levels map onto the finding levels of the same names)? f may be NULL. */
bool cg_content_shown_(const struct cg_findings *f, const struct cg_content_finding *c);

/* Number of levels (for counting arrays). */
#define CG_LEVEL_COUNT 6

#endif
