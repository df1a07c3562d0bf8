/* Fuzz target: the RUN-05 environment checks of an OCI config.json (no live
 * process); every finding's details must serialise. */
#include "fuzz.h"
#include "util/internal.h"
#include "agent/agent_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_envfinding *f = NULL;
	size_t n = 0;
	if (cg_envcheck((const char *)data, size, 0, &f, &n, NULL) == CG_OK) {
		for (size_t i = 0; i < n; i++) {
			struct cg_buf b = CG_BUF_INIT(1 << 24);
			if (!f[i].rule || !f[i].details ||
			    cg_json_dump(f[i].details, CG_JSON_COMPACT | CG_JSON_SORTED, &b) != CG_OK)
				abort();
			cg_buf_release(&b);
		}
	} else if (f || n) {
		abort(); /* nothing appended on failure */
	}
	cg_envfindings_free(f, n);
	return 0;
}
