/* Fuzz target: the npm collector (lib/pkg/npm.c). The input is handed to
 * it once as each kind of file it reads. Checked on every input: no crash or
 * out-of-bounds read (the input is an exact-size heap copy), every package is
 * well formed (type "npm", non-empty name and version without blanks, the
 * path it was given), and an error from the sink stops the collector and is
 * returned as is. */
#include "fuzz_collector.h"

extern const struct cg_pkg_collector cg_collector_npm;

static const char *const paths[] = {"/app/node_modules/@s/a/package.json", "/app/package-lock.json",
				    "/app/yarn.lock", "/app/pnpm-lock.yaml"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_collector(&cg_collector_npm, "npm", paths, sizeof(paths) / sizeof(paths[0]),
			      data, size);
}
