/* Fuzz target: the composer collector (lib/pkg/composer.c). The input is handed to
 * it once as each kind of file it reads. Checked on every input: no crash or
 * out-of-bounds read (the input is an exact-size heap copy), every package is
 * well formed (type "composer", non-empty name and version without blanks, the
 * path it was given), and an error from the sink stops the collector and is
 * returned as is. */
#include "fuzz_collector.h"

extern const struct cg_pkg_collector cg_collector_composer;

static const char *const paths[] = {"/app/vendor/composer/installed.json", "/app/composer.lock"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_collector(&cg_collector_composer, "composer", paths,
			      sizeof(paths) / sizeof(paths[0]), data, size);
}
