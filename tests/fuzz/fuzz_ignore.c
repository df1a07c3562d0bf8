/* Fuzz target: ignore files (cg_ignore_parse: the text and the YAML/JSON forms),
 * then the rules applied to a few findings. */
#include "fuzz_filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_ignore_list *l = NULL;
	struct cg_error err = { 0 };
	struct cg_scan_filter flt = { 0 };
	char *copy = malloc(size ? size : 1);
	cg_err_t rc;

	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	rc = cg_ignore_parse("fuzz", copy, size, &l, &err);
	free(copy);
	if (rc != CG_OK) {
		fuzz_check_error(rc, &err);
		return 0;
	}
	flt.ignore = l;
	flt.today = "2026-01-01";
	fuzz_apply(&flt);
	flt.ignore_unfixed = true;
	flt.levels = 1u << CG_LEVEL_HIGH;
	fuzz_apply(&flt);
	cg_ignore_free(l);
	return 0;
}
