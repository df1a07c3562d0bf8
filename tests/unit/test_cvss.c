/* CVSS parsing and base scores (include/cguard/cvss.h).
 *
 * Where the expected scores come from: no CVSS implementation ships in Debian 12
 * for Python/C (only ruby-cvss-suite), so the expectations were computed once,
 * outside the tree, with two independent JavaScript implementations from npm:
 * ae-cvss-calculator 1.0.13 ({metaeffekt}, Apache-2.0) and @pandatix/js-cvss 0.4.4
 * (MIT). They agree on every v2.0/v3.0/v3.1 vector below. For v4.0 the table holds
 * ae-cvss-calculator's scores, which round x.x5 ties half up as FIRST's reference
 * calculator does since its 2024 rounding fix (RedHatProductSecurity/cvss-v4-calculator
 * #66/#67); js-cvss 0.4.4 still rounds some ties down (450 of the 104,976 base
 * vectors), see t_v4_ties.
 *
 * The feed table is every distinct CVSS vector in the offline feeds
 * (/work/shared/feeds: OSV severity[].score of the PyPI and GHSA files, RustSec
 * `cvss =`, nodejs security-wg `cvss_vector`; the Go and AlmaLinux OSV files carry
 * no CVSS vectors). For v4.0 vectors with Threat metrics, `base` is the score of
 * the vector stripped to its base metrics and `full` that of the whole vector. */
#include <cguard/cguard.h>
#include <cguard/cvss.h>
#include "cgtest.h"

#define CGT_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct vec {
	const char *vector;
	int base;  /* base score in tenths */
	int full;  /* v4.0: cg_cvss_v4_score in tenths; -1 for other versions */
};

static const struct vec feed_vectors[] = {
	{ "CVSS:3.0/AV:A/AC:H/PR:L/UI:R/S:U/C:H/I:H/A:H", 68, -1 },
	{ "CVSS:3.0/AV:A/AC:H/PR:N/UI:N/S:C/C:H/I:N/A:N", 61, -1 },
	{ "CVSS:3.0/AV:A/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", 68, -1 },
	{ "CVSS:3.0/AV:A/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:N", 42, -1 },
	{ "CVSS:3.0/AV:A/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 68, -1 },
	{ "CVSS:3.0/AV:A/AC:L/PR:N/UI:N/S:C/C:N/I:L/A:N", 47, -1 },
	{ "CVSS:3.0/AV:A/AC:L/PR:N/UI:N/S:U/C:L/I:H/A:L", 76, -1 },
	{ "CVSS:3.0/AV:A/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 65, -1 },
	{ "CVSS:3.0/AV:A/AC:L/PR:N/UI:R/S:U/C:L/I:N/A:N", 35, -1 },
	{ "CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 18, -1 },
	{ "CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:L", 18, -1 },
	{ "CVSS:3.0/AV:L/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:H", 78, -1 },
	{ "CVSS:3.0/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:H", 70, -1 },
	{ "CVSS:3.0/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:N/A:L", 53, -1 },
	{ "CVSS:3.0/AV:L/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:N", 33, -1 },
	{ "CVSS:3.0/AV:L/AC:L/PR:H/UI:N/S:U/C:N/I:H/A:H", 60, -1 },
	{ "CVSS:3.0/AV:L/AC:L/PR:H/UI:R/S:C/C:L/I:L/A:L", 52, -1 },
	{ "CVSS:3.0/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:N/A:N", 42, -1 },
	{ "CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N", 71, -1 },
	{ "CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 55, -1 },
	{ "CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:N", 44, -1 },
	{ "CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N", 33, -1 },
	{ "CVSS:3.0/AV:L/AC:L/PR:L/UI:R/S:C/C:H/I:L/A:N", 67, -1 },
	{ "CVSS:3.0/AV:L/AC:L/PR:L/UI:R/S:C/C:N/I:L/A:N", 32, -1 },
	{ "CVSS:3.0/AV:L/AC:L/PR:L/UI:R/S:U/C:H/I:H/A:H", 73, -1 },
	{ "CVSS:3.0/AV:L/AC:L/PR:L/UI:R/S:U/C:L/I:L/A:N", 39, -1 },
	{ "CVSS:3.0/AV:L/AC:L/PR:N/UI:N/S:C/C:L/I:L/A:N", 57, -1 },
	{ "CVSS:3.0/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 84, -1 },
	{ "CVSS:3.0/AV:L/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N", 51, -1 },
	{ "CVSS:3.0/AV:L/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 40, -1 },
	{ "CVSS:3.0/AV:L/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 62, -1 },
	{ "CVSS:3.0/AV:L/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 86, -1 },
	{ "CVSS:3.0/AV:N/AC:H/PR:H/UI:R/S:C/C:H/I:N/A:N", 54, -1 },
	{ "CVSS:3.0/AV:N/AC:H/PR:H/UI:R/S:U/C:H/I:H/A:N", 57, -1 },
	{ "CVSS:3.0/AV:N/AC:H/PR:H/UI:R/S:U/C:L/I:L/A:L", 39, -1 },
	{ "CVSS:3.0/AV:N/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:L", 20, -1 },
	{ "CVSS:3.0/AV:N/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:N", 82, -1 },
	{ "CVSS:3.0/AV:N/AC:H/PR:L/UI:N/S:U/C:L/I:L/A:N", 42, -1 },
	{ "CVSS:3.0/AV:N/AC:H/PR:L/UI:R/S:U/C:H/I:H/A:H", 71, -1 },
	{ "CVSS:3.0/AV:N/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:L", 46, -1 },
	{ "CVSS:3.0/AV:N/AC:H/PR:L/UI:R/S:U/C:N/I:H/A:L", 54, -1 },
	{ "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H", 90, -1 },
	{ "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:N", 87, -1 },
	{ "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:N/A:H", 87, -1 },
	{ "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 81, -1 },
	{ "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", 74, -1 },
	{ "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 59, -1 },
	{ "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:L", 56, -1 },
	{ "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:N", 48, -1 },
	{ "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:H", 65, -1 },
	{ "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:N", 59, -1 },
	{ "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:L/A:N", 37, -1 },
	{ "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:L", 37, -1 },
	{ "CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:N", 68, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H", 91, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:H/UI:N/S:C/C:H/I:N/A:N", 68, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N", 38, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:N/A:N", 27, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:H/UI:N/S:U/C:N/I:H/A:N", 49, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:H/UI:N/S:U/C:N/I:L/A:N", 27, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:H/UI:R/S:U/C:N/I:N/A:H", 45, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 99, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:N", 96, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:L/A:N", 85, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:N/A:H", 96, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:N/A:N", 77, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:N/I:H/A:N", 77, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:N/I:L/A:N", 50, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N", 81, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:L", 63, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:H", 71, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N", 43, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H", 65, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:L", 43, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:L", 89, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:N/A:N", 68, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:L", 65, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:U/C:H/I:H/A:H", 80, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:U/C:H/I:H/A:N", 73, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:N/A:N", 35, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 100, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:N", 100, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H", 100, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:N", 86, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:L/A:L", 83, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:L/A:N", 72, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N", 91, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:L/A:N", 82, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H", 91, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 75, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:H", 86, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L", 73, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N", 65, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:H", 82, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:L", 65, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 53, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:L", 82, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", 75, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:H", 82, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:N", 53, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 75, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", 53, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N", 93, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:N/A:N", 74, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 61, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:N/I:L/A:N", 47, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:N", 81, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:N", 65, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:L", 63, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N", 54, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:N/A:L", 54, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:H/A:N", 65, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:L/A:N", 43, -1 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H", 65, -1 },
	{ "CVSS:3.0/AV:P/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 62, -1 },
	{ "CVSS:3.0/AV:P/AC:L/PR:L/UI:R/S:U/C:L/I:L/A:N", 31, -1 },
	{ "CVSS:3.0/AV:P/AC:L/PR:L/UI:R/S:U/C:N/I:L/A:N", 19, -1 },
	{ "CVSS:3.0/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 68, -1 },
	{ "CVSS:3.0/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H", 61, -1 },
	{ "CVSS:3.0/AV:P/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:H", 52, -1 },
	{ "CVSS:3.1/AV:A/AC:H/PR:H/UI:N/S:U/C:H/I:N/A:N", 42, -1 },
	{ "CVSS:3.1/AV:A/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:N", 64, -1 },
	{ "CVSS:3.1/AV:A/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 53, -1 },
	{ "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", 65, -1 },
	{ "CVSS:3.1/AV:L/AC:H/PR:H/UI:N/S:U/C:L/I:H/A:N", 47, -1 },
	{ "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:C/C:L/I:N/A:N", 23, -1 },
	{ "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:L/A:L", 38, -1 },
	{ "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:L/A:L", 29, -1 },
	{ "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:L/A:N", 18, -1 },
	{ "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:H", 78, -1 },
	{ "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:H", 70, -1 },
	{ "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:N/I:H/A:H", 63, -1 },
	{ "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:N/I:H/A:N", 47, -1 },
	{ "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:N/I:N/A:H", 47, -1 },
	{ "CVSS:3.1/AV:L/AC:H/PR:L/UI:R/S:U/C:H/I:H/A:N", 60, -1 },
	{ "CVSS:3.1/AV:L/AC:H/PR:N/UI:N/S:C/C:L/I:L/A:N", 45, -1 },
	{ "CVSS:3.1/AV:L/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 74, -1 },
	{ "CVSS:3.1/AV:L/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:L", 29, -1 },
	{ "CVSS:3.1/AV:L/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 25, -1 },
	{ "CVSS:3.1/AV:L/AC:H/PR:N/UI:R/S:U/C:N/I:L/A:N", 25, -1 },
	{ "CVSS:3.1/AV:L/AC:H/PR:N/UI:R/S:U/C:N/I:N/A:L", 25, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:H/A:H", 65, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:N/I:L/A:L", 31, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 88, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:C/C:L/I:N/A:N", 38, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:C/C:N/I:H/A:N", 65, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:C/C:N/I:L/A:H", 73, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 78, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 55, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N", 33, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:L/A:N", 33, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H", 55, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:L", 33, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", 46, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:U/C:H/I:H/A:H", 73, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:U/C:H/I:H/A:L", 68, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:U/C:L/I:N/A:N", 28, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:U/C:N/I:H/A:N", 50, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:U/C:N/I:L/A:N", 28, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:C/C:N/I:L/A:L", 57, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 84, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:H", 73, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N", 51, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 62, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 78, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:L/I:N/A:H", 61, -1 },
	{ "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H", 55, -1 },
	{ "CVSS:3.1/AV:N/AC:H/PR:H/UI:N/S:U/C:H/I:H/A:N", 59, -1 },
	{ "CVSS:3.1/AV:N/AC:H/PR:H/UI:N/S:U/C:N/I:L/A:N", 22, -1 },
	{ "CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:U/C:H/I:N/A:N", 42, -1 },
	{ "CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:U/C:L/I:L/A:L", 39, -1 },
	{ "CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:H", 85, -1 },
	{ "CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:H", 75, -1 },
	{ "CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:N", 68, -1 },
	{ "CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:U/C:N/I:L/A:N", 31, -1 },
	{ "CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:N", 37, -1 },
	{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 68, -1 },
	{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 81, -1 },
	{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", 74, -1 },
	{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:H", 74, -1 },
	{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 59, -1 },
	{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N", 37, -1 },
	{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:N", 59, -1 },
	{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H", 59, -1 },
	{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H", 75, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 72, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:N/A:N", 27, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:N/I:H/A:N", 49, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:N/I:N/A:H", 49, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:H/UI:R/S:C/C:L/I:L/A:N", 48, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 99, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:N/A:N", 77, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 88, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N", 81, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:H", 81, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 65, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:N", 54, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N", 43, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:H/A:H", 81, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:H/A:N", 65, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:L/A:N", 43, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", 54, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:H/I:H/A:H", 80, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 100, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:N", 86, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 58, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:H/A:N", 86, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:H", 86, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:L", 94, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N", 91, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:L/A:L", 86, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H", 91, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 75, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:H/A:N", 82, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:H", 86, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L", 73, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N", 65, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:L", 65, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 53, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H", 91, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", 75, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:L", 65, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:N", 53, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 75, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", 53, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 61, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 88, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:N", 81, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:N", 65, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N", 54, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:L/A:L", 54, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H", 65, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:L", 43, -1 },
	{ "CVSS:3.1/AV:P/AC:L/PR:H/UI:R/S:C/C:H/I:L/A:N", 56, -1 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:N/VI:H/VA:L/SC:H/SI:H/SA:H", 83, 83 },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 94, 94 },
	{ "CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:A/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 41, 41 },
	{ "CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 73, 73 },
	{ "CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:A/VC:N/VI:N/VA:H/SC:N/SI:N/SA:H", 68, 68 },
	{ "CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:N/VC:L/VI:H/VA:N/SC:H/SI:H/SA:H", 73, 73 },
	{ "CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:H/SI:N/SA:N", 89, 89 },
	{ "CVSS:4.0/AV:N/AC:H/AT:P/PR:H/UI:A/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", 18, 18 },
	{ "CVSS:4.0/AV:N/AC:H/AT:P/PR:H/UI:A/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 56, 56 },
	{ "CVSS:4.0/AV:N/AC:H/AT:P/PR:H/UI:P/VC:N/VI:L/VA:L/SC:N/SI:N/SA:N", 20, 20 },
	{ "CVSS:4.0/AV:N/AC:H/AT:P/PR:L/UI:N/VC:L/VI:L/VA:H/SC:N/SI:N/SA:N", 61, 61 },
	{ "CVSS:4.0/AV:N/AC:H/AT:P/PR:L/UI:N/VC:L/VI:N/VA:N/SC:L/SI:N/SA:N", 23, 23 },
	{ "CVSS:4.0/AV:N/AC:H/AT:P/PR:L/UI:P/VC:N/VI:N/VA:H/SC:N/SI:N/SA:H", 69, 69 },
	{ "CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N/E:U", 63, 17 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:P/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 69, 69 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N", 51, 51 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", 51, 51 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N", 93, 93 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:N/SC:H/SI:H/SA:N", 93, 93 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:N/SC:N/SI:N/SA:N", 87, 87 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N/E:P", 69, 55 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 87, 87 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:L/SC:N/SI:N/SA:N", 69, 69 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0, 0 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:N/VI:H/VA:N/SC:H/SI:H/SA:N", 84, 84 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 90, 90 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:L/VI:L/VA:H/SC:N/SI:N/SA:N", 61, 61 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", 23, 23 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:L/VI:N/VA:N/SC:L/SI:N/SA:N", 23, 23 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:N/VI:N/VA:L/SC:N/SI:N/SA:L", 23, 23 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:P/VC:N/VI:N/VA:H/SC:N/SI:N/SA:H", 69, 69 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:P/VC:N/VI:N/VA:H/SC:N/SI:N/SA:L", 59, 59 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:P/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 59, 59 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:N/SC:L/SI:L/SA:N", 91, 91 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N", 82, 82 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:N/VI:H/VA:N/SC:N/SI:N/SA:N", 82, 82 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", 63, 63 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 82, 82 },
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", 10, 10 },
};

/* Hand-picked: every severity, scope changed/unchanged, v2.0, the v4.0 examples of
 * the v4.0 specification's "Vector String" section, ties that need exact rounding. */
static const struct vec more_vectors[] = {
	/* v3.1: None, Low, Medium, High, Critical; S:C raises PR:L/H weights */
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0, -1 },
	{ "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 16, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N", 38, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:L/I:L/A:N", 55, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 64, -1 },
	{ "CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 88, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 100, -1 },
	/* any order in v3.x; temporal/environmental metrics do not change the base score */
	{ "CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N", 98, -1 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:U/CR:L/IR:L/AR:L/MAV:P/"
	  "MAC:H/MPR:H/MUI:R/MS:C/MC:N/MI:N/MA:N", 98, -1 },
	/* v2.0 */
	{ "AV:N/AC:L/Au:N/C:C/I:C/A:C", 100, -1 },
	{ "AV:N/AC:L/Au:N/C:P/I:P/A:P", 75, -1 },
	{ "AV:N/AC:M/Au:S/C:P/I:N/A:N", 35, -1 },
	{ "AV:L/AC:H/Au:M/C:N/I:N/A:P", 8, -1 },
	{ "AV:N/AC:L/Au:N/C:N/I:N/A:N", 0, -1 },
	{ "AV:L/AC:H/Au:S/C:C/I:P/A:N/E:U/RL:U/RC:C/CDP:LM/TD:M/CR:H/IR:H/AR:H", 45, -1 },
	/* v4.0 specification examples */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N", 51, 51 },
	{ "CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:P/VC:H/VI:H/VA:H/SC:L/SI:L/SA:L/E:P", 54, 45 },
	{ "CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:A/VC:N/VI:N/VA:L/SC:H/SI:H/SA:H/CR:H/IR:H/AR:M/"
	  "MAV:N/MAC:L/MAT:P/MPR:L/MUI:A/MVC:N/MVI:H/MVA:L/MSC:L/MSI:S/MSA:H", 50, 85 },
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:L/UI:P/VC:H/VI:H/VA:H/SC:L/SI:L/SA:L/E:A/S:P/AU:Y/R:A/"
	  "V:D/RE:L/U:Red", 54, 54 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/E:U/CR:L/IR:X/AR:L/"
	  "MAV:A/MAC:H/MAT:N/MPR:N/MUI:P/MVC:X/MVI:N/MVA:H/MSC:N/MSI:L/MSA:S/S:N/AU:N/R:I/V:C/"
	  "RE:H/U:Green", 51, 42 },
	/* v4.0: no impact at all is 0.0; the lowest non-zero; critical */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0, 0 },
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:N/VI:N/VA:L/SC:N/SI:N/SA:N", 10, 10 },
	{ "CVSS:4.0/AV:A/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N", 61, 61 },
};

/* v4.0 scores whose unrounded value is exactly x.x5: exact arithmetic rounds
 * half up (8.55 -> 8.6), as the reference calculator does since its 2024 fix;
 * plain floating point gives x.x4999... and rounds down. */
static const struct vec tie_vectors[] = {
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:H/SI:H/SA:H", 86, 86 },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:N/VI:L/VA:H/SC:H/SI:H/SA:H", 86, 86 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:H/VI:L/VA:N/SC:L/SI:L/SA:L", 57, 57 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/E:U", 20, 4 },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:N/SC:H/SI:H/SA:H/E:P", 95, 90 },
};

static enum cg_cvss_severity sev3(int t)
{
	return t == 0 ? CG_CVSS_SEV_NONE : t < 40 ? CG_CVSS_SEV_LOW : t < 70 ? CG_CVSS_SEV_MEDIUM
	       : t < 90 ? CG_CVSS_SEV_HIGH : CG_CVSS_SEV_CRITICAL;
}

static void check_table(struct cgt *t, const struct vec *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct cg_cvss c;
		struct cg_error e;
		cg_err_t rc = cg_cvss_parse(v[i].vector, strlen(v[i].vector), &c, &e);
		CHECKF(t, rc == CG_OK, "%s: %s", v[i].vector, cg_error_message(&e));
		if (rc != CG_OK)
			continue;
		CHECKF(t, (int)c.score10 == v[i].base, "%s: base %u, expected %d", v[i].vector,
		       c.score10, v[i].base);
		if (c.version != CG_CVSS_V2_0)
			CHECKF(t, c.severity == sev3(v[i].base), "%s: severity %s", v[i].vector,
			       cg_cvss_severity_name(c.severity));
		if (v[i].full >= 0) {
			unsigned f = 999;
			const char *nom = NULL;
			CHECK(t, c.version == CG_CVSS_V4_0);
			CHECK(t, cg_cvss_v4_score(&c, &f, &nom) == CG_OK);
			CHECKF(t, (int)f == v[i].full, "%s: full %u, expected %d", v[i].vector, f,
			       v[i].full);
			CHECK(t, nom && !strncmp(nom, "CVSS-B", 6));
		} else {
			unsigned f;
			CHECK(t, cg_cvss_v4_score(&c, &f, NULL) == CG_ERR_UNSUPPORTED);
		}
	}
}

static void t_feed_vectors(struct cgt *t)
{
	check_table(t, feed_vectors, CGT_LEN(feed_vectors));
}

static void t_more_vectors(struct cgt *t)
{
	check_table(t, more_vectors, CGT_LEN(more_vectors));
}

static void t_v4_ties(struct cgt *t)
{
	check_table(t, tie_vectors, CGT_LEN(tie_vectors));
}

/* Every base vector of each version, in odometer order (last metric fastest,
 * values in specification order): the FNV-1a hash of the scores (one byte of
 * tenths each) and their sum, as computed from ae-cvss-calculator's scores.
 * A single score off anywhere changes the hash. */
static uint64_t fnv(uint64_t h, unsigned char b)
{
	return (h ^ b) * 0x100000001b3ULL;
}

struct space {
	const char *prefix;
	int n;
	const char *names[11];
	const char *values[11]; /* one letter per value */
	long count, sum;
	uint64_t hash;
};

static const struct space spaces[] = {
	{ "", 6, { "AV", "AC", "Au", "C", "I", "A" }, { "LAN", "HML", "MSN", "NPC", "NPC", "NPC" },
	  729, 38007, 0xae1a702285ae23a8ULL },
	{ "CVSS:3.0/", 8, { "AV", "AC", "PR", "UI", "S", "C", "I", "A" },
	  { "NALP", "LH", "NLH", "NR", "UC", "HLN", "HLN", "HLN" }, 2592, 142706,
	  0xe696c5debffb6f09ULL },
	{ "CVSS:3.1/", 8, { "AV", "AC", "PR", "UI", "S", "C", "I", "A" },
	  { "NALP", "LH", "NLH", "NR", "UC", "HLN", "HLN", "HLN" }, 2592, 142706,
	  0xe696c5debffb6f09ULL },
	{ "CVSS:4.0/", 11, { "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA" },
	  { "NALP", "LH", "NP", "NLH", "NPA", "HLN", "HLN", "HLN", "HLN", "HLN", "HLN" }, 104976,
	  5964883, 0x5ddefebf6dbbe1daULL },
};

static void t_whole_base_space(struct cgt *t)
{
	for (size_t s = 0; s < CGT_LEN(spaces); s++) {
		const struct space *sp = &spaces[s];
		int idx[11] = { 0 };
		long count = 0, sum = 0, bad = 0;
		uint64_t h = 0xcbf29ce484222325ULL;
		for (;;) {
			char buf[256];
			size_t n = (size_t)snprintf(buf, sizeof(buf), "%s", sp->prefix);
			struct cg_cvss c;
			for (int m = 0; m < sp->n; m++)
				n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s:%c",
						      m ? "/" : "",
						      sp->names[m], sp->values[m][idx[m]]);
			if (cg_cvss_parse(buf, n, &c, NULL) != CG_OK) {
				bad++;
			} else {
				count++;
				sum += c.score10;
				h = fnv(h, (unsigned char)c.score10);
			}
			int m = sp->n - 1;
			while (m >= 0 && !sp->values[m][++idx[m]])
				idx[m--] = 0;
			if (m < 0)
				break;
		}
		CHECK_INT(t, bad, 0);
		CHECK_INT(t, count, sp->count);
		CHECKF(t, sum == sp->sum, "%s: sum %ld, expected %ld", sp->prefix, sum, sp->sum);
		CHECKF(t, h == sp->hash, "%s: hash %#llx, expected %#llx", sp->prefix,
		       (unsigned long long)h, (unsigned long long)sp->hash);
	}
}

/* Invalid vectors and the reason given. The first four are the only invalid
 * vectors in the feeds (nodejs security-wg and RustSec). */
static const struct {
	const char *vector;
	const char *reason;
} invalid_vectors[] = {
	{ "3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:N", "component '3.0' is not NAME:VALUE" },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:U/A:U", "invalid value 'U' for metric 'I'" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C/", "empty component" },
	{ "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown metric 'PR' for CVSS 2.0" },
	/* v4.0 specification's invalid examples */
	{ "CVSS:4.0/AV:F/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N",
	  "invalid value 'F' for metric 'AV'" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:A/E:X",
	  "metric 'E' given twice" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/ui:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N",
	  "unknown metric 'ui'" },
	{ "AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", "unknown metric 'AT'" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/SC:N/SI:N/SA:N",
	  "missing base metric 'VA'" },
	{ "CVSS:4.0/AC:L/AV:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/CR:L/IR:X/AR:L/RE:H/MAV:A/"
	  "MAC:H/MAT:N/MPR:N/MUI:P/AT:N/MVC:X/MVI:N/MVA:H/MSC:N/MSI:L/MSA:S/E:U/S:N/AU:N/R:I/V:C/"
	  "U:Green", "metric 'AV' out of order" },
	/* the order GHSA once published (github/advisory-database#7448) */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/SC:N/VI:H/SI:N/VA:H/SA:N",
	  "metric 'VI' out of order" },
	/* prefixes, separators, values */
	{ "", "empty vector" },
	{ "CVSS:3.1", "no metrics after 'CVSS:3.1/'" },
	{ "CVSS:3.1/", "no metrics after 'CVSS:3.1/'" },
	{ "CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown version 'CVSS:3.2'" },
	{ "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", "unknown version 'CVSS:2.0'" },
	{ "cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown metric 'cvss'" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "missing base metric 'A'" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H", "missing base metric 'S'" },
	{ "CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "empty component at offset 14" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:h", "invalid value 'h' for metric 'A'" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:", "invalid value '' for metric 'A'" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H:H", "invalid value 'H:H'" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:N", "metric 'AV' given twice" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/E:X", "metric 'E' given twice" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:A", "invalid value 'A' for metric 'E'" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MAT:N", "unknown metric 'MAT'" },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/U:Red", "unknown metric 'U'" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H ", "invalid value 'H '" },
	{ " CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown metric ' CVSS'" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:S/SA:H",
	  "invalid value 'S' for metric 'SI'" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/U:red",
	  "invalid value 'red' for metric 'U'" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/S:N/E:A",
	  "metric 'E' out of order" },
	/* v2.0: fixed order, whole groups */
	{ "AC:L/AV:N/Au:N/C:P/I:P/A:P", "metric 'AV' out of order" },
	{ "AV:N/AC:L/Au:N/C:P/I:P/A:P/E:F", "incomplete CVSS 2.0 temporal vector" },
	{ "AV:N/AC:L/Au:N/C:P/I:P/A:P/CDP:N/TD:N", "incomplete CVSS 2.0 environmental vector" },
	{ "(AV:N/AC:L/Au:N/C:P/I:P/A:P)", "unknown metric '(AV'" },
};

static void t_invalid(struct cgt *t)
{
	for (size_t i = 0; i < CGT_LEN(invalid_vectors); i++) {
		const char *v = invalid_vectors[i].vector;
		struct cg_cvss c;
		struct cg_error e;
		cg_err_t rc;
		memset(&c, 0x5a, sizeof(c));
		rc = cg_cvss_parse(v, strlen(v), &c, &e);
		CHECKF(t, rc == CG_ERR_INVALID, "'%s': %s", v, cg_strerror(rc));
		CHECKF(t, strstr(e.msg, invalid_vectors[i].reason) != NULL,
		       "'%s': message '%s', expected '%s'", v, e.msg, invalid_vectors[i].reason);
		CHECK(t, c.score10 == 0x5a5a5a5au); /* out untouched on failure */
	}
}

static void t_limits(struct cgt *t)
{
	char big[CG_CVSS_MAX_LEN + 64];
	const char *ok = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
	struct cg_cvss c;
	struct cg_error e;
	size_t n;

	/* only the first len bytes are read: a vector inside a larger buffer */
	snprintf(big, sizeof(big), "%s/GARBAGE", ok);
	CHECK(t, cg_cvss_parse(big, strlen(ok), &c, NULL) == CG_OK && c.score10 == 98);
	CHECK(t, cg_cvss_parse(big, strlen(big), &c, NULL) == CG_ERR_INVALID);
	/* too long */
	memset(big, 'A', sizeof(big));
	CHECK(t, cg_cvss_parse(big, CG_CVSS_MAX_LEN + 1, &c, &e) == CG_ERR_INVALID);
	CHECK(t, strstr(e.msg, "longer than") != NULL);
	/* a NUL inside the vector is just an invalid byte */
	CHECK(t, cg_cvss_parse("CVSS:3.1/AV:N\0", 14, &c, NULL) == CG_ERR_INVALID);
	/* arguments */
	CHECK(t, cg_cvss_parse(NULL, 3, &c, NULL) == CG_ERR_ARG);
	CHECK(t, cg_cvss_parse(ok, strlen(ok), NULL, NULL) == CG_ERR_ARG);
	/* the longest valid v4.0 vector: every metric, longest values */
	n = (size_t)snprintf(big, sizeof(big), "%s",
			     "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/"
			     "E:A/CR:H/IR:H/AR:H/MAV:N/MAC:L/MAT:N/MPR:N/MUI:N/MVC:H/MVI:H/"
			     "MVA:H/MSC:H/MSI:S/MSA:S/S:P/AU:Y/R:I/V:C/RE:H/U:Amber");
	CHECK(t, cg_cvss_parse(big, n, &c, &e) == CG_OK);
	CHECK_INT(t, c.score10, 100);
}

static void t_accessors(struct cgt *t)
{
	const char *v = "CVSS:3.1/UI:R/AV:L/AC:H/PR:L/S:C/C:L/I:N/A:N/E:P/RL:X";
	struct cg_cvss c;
	char buf[CG_CVSS_MAX_LEN];
	size_t n = 0;
	unsigned s;
	const char *nom;

	CHECK(t, cg_cvss_parse(v, strlen(v), &c, NULL) == CG_OK);
	CHECK(t, c.version == CG_CVSS_V3_1);
	CHECK_STR(t, cg_cvss_version_name(c.version), "3.1");
	CHECK_STR(t, cg_cvss_get(&c, "AV"), "L");
	CHECK_STR(t, cg_cvss_get(&c, "S"), "C");
	CHECK_STR(t, cg_cvss_get(&c, "RL"), "X");
	CHECK(t, cg_cvss_get(&c, "RC") == NULL);
	CHECK(t, cg_cvss_get(&c, "AT") == NULL);
	CHECK_INT(t, cg_cvss_metric_count(CG_CVSS_V3_1), 22);
	CHECK_INT(t, cg_cvss_metric_count(CG_CVSS_V4_0), 32);
	CHECK_INT(t, cg_cvss_metric_count(CG_CVSS_V2_0), 14);
	CHECK_STR(t, cg_cvss_metric_name(CG_CVSS_V4_0, 31), "U");
	CHECK(t, cg_cvss_metric_name(CG_CVSS_V4_0, 32) == NULL);
	/* canonical form: specification order */
	CHECK(t, cg_cvss_format(&c, buf, sizeof(buf), &n) == CG_OK);
	CHECK_STR(t, buf, "CVSS:3.1/AV:L/AC:H/PR:L/UI:R/S:C/C:L/I:N/A:N/E:P/RL:X");
	CHECK_INT(t, n, strlen(buf));
	CHECK(t, cg_cvss_format(&c, buf, 10, NULL) == CG_ERR_LIMIT && buf[0] == '\0');
	CHECK(t, cg_cvss_format(&c, buf, 53, NULL) == CG_ERR_LIMIT); /* no room for the NUL */
	CHECK(t, cg_cvss_format(&c, buf, 54, NULL) == CG_OK);
	/* nomenclature */
	v = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/CR:X/U:Red";
	CHECK(t, cg_cvss_parse(v, strlen(v), &c, NULL) == CG_OK);
	CHECK(t, cg_cvss_v4_score(&c, &s, &nom) == CG_OK);
	CHECK_STR(t, nom, "CVSS-B");
	CHECK_INT(t, s, c.score10);
	CHECK_STR(t, cg_cvss_get(&c, "U"), "Red");
	v = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MAV:L";
	CHECK(t, cg_cvss_parse(v, strlen(v), &c, NULL) == CG_OK);
	CHECK(t, cg_cvss_v4_score(&c, &s, &nom) == CG_OK);
	CHECK_STR(t, nom, "CVSS-BE");
	CHECK(t, s < c.score10);
	/* severities */
	CHECK_STR(t, cg_cvss_severity_name(cg_cvss_severity_of(CG_CVSS_V3_1, 0)), "None");
	CHECK_STR(t, cg_cvss_severity_name(cg_cvss_severity_of(CG_CVSS_V3_1, 1)), "Low");
	CHECK_STR(t, cg_cvss_severity_name(cg_cvss_severity_of(CG_CVSS_V4_0, 39)), "Low");
	CHECK_STR(t, cg_cvss_severity_name(cg_cvss_severity_of(CG_CVSS_V4_0, 40)), "Medium");
	CHECK_STR(t, cg_cvss_severity_name(cg_cvss_severity_of(CG_CVSS_V3_0, 69)), "Medium");
	CHECK_STR(t, cg_cvss_severity_name(cg_cvss_severity_of(CG_CVSS_V3_0, 70)), "High");
	CHECK_STR(t, cg_cvss_severity_name(cg_cvss_severity_of(CG_CVSS_V3_1, 89)), "High");
	CHECK_STR(t, cg_cvss_severity_name(cg_cvss_severity_of(CG_CVSS_V3_1, 90)), "Critical");
	CHECK_STR(t, cg_cvss_severity_name(cg_cvss_severity_of(CG_CVSS_V3_1, 100)), "Critical");
	CHECK_STR(t, cg_cvss_severity_name(cg_cvss_severity_of(CG_CVSS_V2_0, 0)), "Low");
	CHECK_STR(t, cg_cvss_severity_name(cg_cvss_severity_of(CG_CVSS_V2_0, 100)), "High");
	CHECK_STR(t, cg_cvss_severity_name((enum cg_cvss_severity)9), "?");
	CHECK(t, cg_cvss_score(&c) > 0.0);
}

/* Every table vector: format, parse again, same version, values and scores. */
static void t_roundtrip(struct cgt *t)
{
	const struct vec *tabs[] = { feed_vectors, more_vectors, tie_vectors };
	size_t lens[] = { CGT_LEN(feed_vectors), CGT_LEN(more_vectors),
			  CGT_LEN(tie_vectors) };
	for (size_t k = 0; k < 3; k++)
		for (size_t i = 0; i < lens[k]; i++) {
			struct cg_cvss a, b;
			char buf[CG_CVSS_MAX_LEN];
			size_t n;
			const char *v = tabs[k][i].vector;
			CHECK(t, cg_cvss_parse(v, strlen(v), &a, NULL) == CG_OK);
			CHECK(t, cg_cvss_format(&a, buf, sizeof(buf), &n) == CG_OK);
			CHECKF(t, cg_cvss_parse(buf, n, &b, NULL) == CG_OK, "%s", buf);
			CHECKF(t, memcmp(&a, &b, sizeof(a)) == 0, "%s -> %s", v, buf);
		}
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_feed_vectors), CGT_CASE(t_more_vectors), CGT_CASE(t_v4_ties),
	CGT_CASE(t_whole_base_space), CGT_CASE(t_invalid), CGT_CASE(t_limits),
	CGT_CASE(t_accessors), CGT_CASE(t_roundtrip),
};
CGT_MAIN(cases)
