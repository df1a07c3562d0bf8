/* Fuzz target: the JSON wrapper's parser with small limits, and a dump of
 * whatever it accepts (which must parse again to an equal dump). */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_json_limits lim = { .max_bytes = 1 << 16, .max_depth = 16 };
	struct cg_buf a = CG_BUF_INIT(1 << 20), b = CG_BUF_INIT(1 << 20);
	cg_json *j = NULL, *k = NULL;
	if (cg_json_parse((const char *)data, size, &lim, &j, NULL) != CG_OK)
		return 0;
	if (cg_json_dump(j, CG_JSON_COMPACT | CG_JSON_SORTED, &a) == CG_OK) {
		lim.max_bytes = 1 << 20;
		if (cg_json_parse(a.data, a.len, &lim, &k, NULL) != CG_OK)
			abort();
		if (cg_json_dump(k, CG_JSON_COMPACT | CG_JSON_SORTED, &b) != CG_OK ||
		    a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
			abort();
	}
	cg_json_free(k);
	cg_json_free(j);
	cg_buf_release(&a);
	cg_buf_release(&b);
	return 0;
}
