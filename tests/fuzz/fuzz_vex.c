/* Fuzz target: OpenVEX documents (cg_vex_parse), then applied to a few findings. */
#include "fuzz_filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_vex *v = NULL;
	struct cg_error err = { 0 };
	struct cg_scan_filter flt = { 0 };
	const struct cg_vex *vv[1];
	char *copy = malloc(size ? size : 1);
	cg_err_t rc;

	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	rc = cg_vex_parse("fuzz", copy, size, &v, &err);
	free(copy);
	if (rc != CG_OK) {
		fuzz_check_error(rc, &err);
		return 0;
	}
	vv[0] = v;
	flt.vex = vv;
	flt.nvex = 1;
	fuzz_apply(&flt);
	cg_vex_free(v);
	return 0;
}
