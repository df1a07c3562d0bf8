/* Fuzz target: the index of an outer archive (docker-archive, oci-archive),
 * and lookups through its symlinked members. */
#include "fuzz.h"
#include <stdlib.h>
#include "util/internal.h"
#include "image/tarindex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_tar_index idx;
	if (cg_tar_index_build_mem(data, size, 1000, &idx, NULL) != CG_OK)
		return 0;
	for (size_t i = 0; i < idx.n; i++)
		(void)cg_tar_index_find(&idx, idx.m[i].name);
	(void)cg_tar_index_find(&idx, "manifest.json");
	(void)cg_tar_index_find(&idx, "../x/../../manifest.json");
	cg_tar_index_release(&idx);
	return 0;
}
