/* CVSS vectors: strict parsing and the base score.
 *
 * Versions (FIRST specifications, https://www.first.org/cvss/):
 *   2.0  bare vector "AV:N/AC:L/Au:N/C:P/I:P/A:P" (v2 has no prefix); metrics in the
 *        guide's fixed order (section 2.4), base metrics required, temporal and
 *        environmental metrics optional.
 *   3.0, 3.1  "CVSS:3.x/..." every base metric exactly once, in any order (FIRST's
 *        v3 calculator accepts any order; the table order is the canonical one),
 *        temporal and environmental metrics optional.
 *   4.0  "CVSS:4.0/..." every base metric exactly once, all metrics in the order of the
 *        specification's table of metrics (Base, Threat, Environmental, Supplemental).
 * Metric names and values are case-sensitive; unknown or repeated metrics, unknown
 * values, empty components and stray characters are invalid.
 *
 * Scored: the BASE score only, as the specification rounds it:
 *   2.0  round_to_1_decimal of the base equation;
 *   3.0  Roundup = ceiling to one decimal (3.0's definition, floating point as in 3.0);
 *   3.1  Roundup with the integer arithmetic of the 3.1 specification's Appendix A;
 *   4.0  CVSS-B: MacroVector (EQ1..EQ6) lookup plus the severity-distance interpolation,
 *        with Threat metrics at their worst case (E:X = A) and the security
 *        requirements at H, exactly as a vector with only base metrics is scored.
 * Temporal (v2, v3), Threat and Environmental (v4) and Supplemental (v4) metrics are
 * validated and kept, but never change score10. For v4.0 only, cg_cvss_v4_score()
 * gives the score with Threat and Environmental metrics too (CVSS-BT/-BE/-BTE);
 * v2/v3 temporal and environmental scores are not computed. */
#ifndef CGUARD_CVSS_H
#define CGUARD_CVSS_H

#include <cguard/common.h>
#include <cguard/error.h>

/* Longest vector accepted (the longest valid v4.0 vector is under 300 bytes). */
#define CG_CVSS_MAX_LEN 512
/* Metrics of the largest version (v4.0 has 32). */
#define CG_CVSS_MAX_METRICS 32

enum cg_cvss_version {
	CG_CVSS_V2_0 = 1,
	CG_CVSS_V3_0 = 2,
	CG_CVSS_V3_1 = 3,
	CG_CVSS_V4_0 = 4,
};

/* Qualitative severity rating scale of v3.x/v4.0: None 0.0, Low 0.1-3.9,
 * Medium 4.0-6.9, High 7.0-8.9, Critical 9.0-10.0. v2.0 defines no scale: cguard
 * uses NVD's v2 ranges, Low 0.0-3.9, Medium 4.0-6.9, High 7.0-10.0. */
enum cg_cvss_severity {
	CG_CVSS_SEV_NONE = 0,
	CG_CVSS_SEV_LOW = 1,
	CG_CVSS_SEV_MEDIUM = 2,
	CG_CVSS_SEV_HIGH = 3,
	CG_CVSS_SEV_CRITICAL = 4,
};

/* A parsed vector. Plain data: no release needed, copy freely. */
struct cg_cvss {
	enum cg_cvss_version version;
	unsigned score10;               /* base score in tenths, 0..100 (9.8 -> 98): exact */
	enum cg_cvss_severity severity; /* of the base score */
	/* value[i]: metric i of the version (cg_cvss_metric_name order, the
	 * specification's order), 0 = absent, else 1 + index of the value. */
	uint8_t value[CG_CVSS_MAX_METRICS];
};

/* Parse `vector` (len bytes, need not be NUL-terminated) and compute its base
 * score. CG_ERR_INVALID with the reason in err for anything the specification
 * does not allow; CG_ERR_ARG for NULL arguments. `out` is filled only on success. */
CG_API cg_err_t cg_cvss_parse(const char *vector, size_t len, struct cg_cvss *out,
			      struct cg_error *err) CG_MUST_CHECK;

/* v4.0 only: the score of every metric in the vector, Threat and Environmental
 * included (what FIRST's calculator shows for it), in tenths, and its
 * nomenclature "CVSS-B", "CVSS-BT", "CVSS-BE" or "CVSS-BTE" (which groups have a
 * metric other than X). Equals score10 when the vector has only base (and
 * supplemental) metrics. CG_ERR_UNSUPPORTED for other versions: cguard does not
 * score v2/v3 temporal or environmental metrics. */
CG_API cg_err_t cg_cvss_v4_score(const struct cg_cvss *c, unsigned *score10,
				 const char **nomenclature) CG_MUST_CHECK;

/* The base score as a number (score10 / 10.0). */
CG_API double cg_cvss_score(const struct cg_cvss *c);

/* "2.0", "3.0", "3.1", "4.0"; "?" for an unknown value. */
CG_API const char *cg_cvss_version_name(enum cg_cvss_version v);

/* "None", "Low", "Medium", "High", "Critical"; "?" for an unknown value. */
CG_API const char *cg_cvss_severity_name(enum cg_cvss_severity s);

/* The severity of a score (in tenths) on the version's scale (see above). */
CG_API enum cg_cvss_severity cg_cvss_severity_of(enum cg_cvss_version v, unsigned score10);

/* The value of metric `name` ("AV", "MSI", ...) as written in the vector, or NULL
 * when the vector does not have it (or the version has no such metric). */
CG_API const char *cg_cvss_get(const struct cg_cvss *c, const char *name);

/* Metrics of a version in specification order: count, and name of metric i
 * (NULL past the end). */
CG_API size_t cg_cvss_metric_count(enum cg_cvss_version v);
CG_API const char *cg_cvss_metric_name(enum cg_cvss_version v, size_t i);

/* Write the vector in canonical form (prefix, then the present metrics in
 * specification order) to buf, NUL-terminated. CG_ERR_LIMIT if it does not fit
 * in size bytes; *outlen (optional) gets the length without the NUL. */
CG_API cg_err_t cg_cvss_format(const struct cg_cvss *c, char *buf, size_t size,
			       size_t *outlen) CG_MUST_CHECK;

#endif
