/* Fuzz target: CVSS vector parsing (include/cguard/cvss.h). Parsing never reads
 * past `size` (the input is copied to a buffer of exactly that size), and a
 * parsed vector, written in canonical form and parsed again, gives the same
 * version, metric values, base score and severity (and v4.0 full score). */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>
#include <cguard/cvss.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_cvss a, b;
	struct cg_error err;
	char out[CG_CVSS_MAX_LEN + 1];
	size_t n = 0;
	char *copy = malloc(size ? size : 1);
	cg_err_t rc;

	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	rc = cg_cvss_parse(copy, size, &a, &err);
	free(copy);
	if (rc != CG_OK) {
		if (rc != CG_ERR_INVALID || err.code != CG_ERR_INVALID || !err.msg[0])
			abort();
		return 0;
	}
	if (a.score10 > 100 || a.severity != cg_cvss_severity_of(a.version, a.score10))
		abort();
	if (cg_cvss_format(&a, out, sizeof(out), &n) != CG_OK || n != strlen(out))
		abort();
	if (cg_cvss_parse(out, n, &b, NULL) != CG_OK || memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	if (a.version == CG_CVSS_V4_0) {
		unsigned fa = 0, fb = 0;
		if (cg_cvss_v4_score(&a, &fa, NULL) != CG_OK ||
		    cg_cvss_v4_score(&b, &fb, NULL) != CG_OK || fa > 100 || fa != fb)
			abort();
	}
	return 0;
}
