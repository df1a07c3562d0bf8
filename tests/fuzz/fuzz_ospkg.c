/* Fuzz target: the OS package collectors (dpkg status and lists, apk
 * installed) and os-release parsing on one input, split on a 0xff byte into
 * a status file and a list file. */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>
#include "util/internal.h"
#include "pkg/collector.h"

extern const struct cg_pkg_collector cg_collector_dpkg, cg_collector_apk;

static cg_err_t add(void *ud, const struct cg_pkg *p, const char *const *files, size_t n)
{
	size_t *count = ud;
	(void)p;
	for (size_t i = 0; i < n; i++)
		*count += strlen(files[i]) > 0;
	(*count)++;
	return CG_OK;
}

static void warn(void *ud, const char *path, const char *msg)
{
	(void)ud;
	(void)path;
	(void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t count = 0, cut = size;
	const uint8_t *ff = memchr(data, 0xff, size);
	struct cg_pkg_sink sink = { add, warn, &count };
	struct cg_pkg_file f[2];
	if (ff)
		cut = (size_t)(ff - data);
	f[0] = (struct cg_pkg_file){ "/var/lib/dpkg/status", 0, data, cut };
	f[1] = (struct cg_pkg_file){ "/var/lib/dpkg/info/bash.list", 0, ff ? ff + 1 : data,
				     ff ? size - cut - 1 : 0 };
	(void)cg_collector_dpkg.collect(f, 2, &sink, NULL);
	f[0].path = "/var/lib/dpkg/status.d/bash";
	f[1].path = "/var/lib/dpkg/status.d/bash.md5sums";
	(void)cg_collector_dpkg.collect(f, 2, &sink, NULL);
	f[0].path = "/lib/apk/db/installed";
	(void)cg_collector_apk.collect(f, 1, &sink, NULL);
	return 0;
}
