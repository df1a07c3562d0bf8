/* Fuzz target: image-config checks (lib/scan/config.c): the input as a whole
 * config document, and as one history line (the shell-text reader). Every
 * finding has a rule, a title and a location; the result is CG_OK (the sink
 * never fails here). */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>
#include "scan/config.h"

static cg_err_t add(void *ud, const struct cg_content_finding *f)
{
	(void)ud;
	if (!f->rule || !f->title || !f->where || f->layer != -1 || f->level < CG_THREAT_LOW ||
	    f->level > CG_THREAT_CRITICAL)
		abort();
	return CG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_content_sink sink = { add, NULL, NULL };
	cg_json *doc = NULL, *hist, *entry, *line;

	if (cg_json_parse((const char *)data, size, NULL, &doc, NULL) == CG_OK) {
		if (cg_json_is_object(doc) && cg_config_check(doc, NULL, &sink, NULL) != CG_OK)
			abort();
		cg_json_free(doc);
	}
	line = cg_json_new_stringn((const char *)data, size);
	if (!line)
		return 0; /* not UTF-8: no config holds it */
	doc = cg_json_new_object();
	hist = cg_json_new_array();
	entry = cg_json_new_object();
	if (doc && hist && entry && cg_json_set(entry, "created_by", line) == CG_OK) {
		line = NULL;
		if (cg_json_append(hist, entry) == CG_OK) {
			entry = NULL;
			if (cg_json_set(doc, "history", hist) == CG_OK) {
				hist = NULL;
				if (cg_config_check(doc, NULL, &sink, NULL) != CG_OK)
					abort();
			}
		}
	}
	cg_json_free(line);
	cg_json_free(entry);
	cg_json_free(hist);
	cg_json_free(doc);
	return 0;
}
