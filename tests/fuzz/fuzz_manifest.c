/* Fuzz target: manifest, index and platform parsing (registry and layout
 * replies are untrusted). */
#include "fuzz.h"
#include <stdlib.h>
#include "util/internal.h"
#include "image/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_json_limits lim = { .max_bytes = 1 << 20 };
	struct cg_platform plat;
	struct cg_manifest m = { 0 };
	struct cg_blob_ref ref = { 0 };
	enum cg_manifest_kind kind;
	cg_json *doc = NULL;
	if (cg_json_parse((const char *)data, size, &lim, &doc, NULL) != CG_OK)
		return 0;
	if (cg_manifest_kind(doc, &kind, NULL) == CG_OK) {
		if (kind == CG_MANIFEST_IMAGE) {
			(void)cg_manifest_from_json(doc, &m, NULL);
			cg_manifest_release(&m);
		} else {
			(void)cg_platform_parse("linux/arm64/v8", &plat, NULL);
			(void)cg_index_select(doc, &plat, NULL, &ref, NULL);
			cg_blob_ref_release(&ref);
			(void)cg_index_select(doc, &plat, "latest", &ref, NULL);
			cg_blob_ref_release(&ref);
		}
	}
	/* the platform string parser on the raw input */
	{
		char s[128];
		size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;
		memcpy(s, data, n);
		s[n] = '\0';
		(void)cg_platform_parse(s, &plat, NULL);
	}
	cg_json_free(doc);
	return 0;
}
