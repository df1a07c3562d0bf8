/* Internal: package collectors. Each collector names the files it wants (by
 * path), the image reader buffers the visible versions of those files (after
 * whiteouts, bounded by max_size), and hands them all to collect() at once,
 * so a collector that needs several files (dpkg's status plus the info/ lists)
 * sees them together.
 *
 * Adding a collector = one file lib/pkg/<name>.c defining
 * `const struct cg_pkg_collector cg_collector_<name>` and one line in
 * lib/pkg/collectors.def. */
#ifndef CG_PKG_COLLECTOR_H
#define CG_PKG_COLLECTOR_H

#include <cguard/pkg.h>

/* One input file, content in memory (untrusted, not NUL-terminated). */
struct cg_pkg_file {
	const char *path; /* absolute path inside the image, normalised ("/usr/lib/...") */
	int layer;        /* layer index, -1 when not known */
	const unsigned char *data;
	size_t len;
};

struct cg_pkg_collector {
	const char *name;
	/* Does this collector want the content of `path` (NUL-terminated,
	 * normalised, absolute)? Called for every file of the image: keep it cheap. */
	bool (*match)(const char *path, size_t len);
	/* Matched files larger than this are not read; the sink is warned. */
	size_t max_size;
	/* Parse the matched files. Malformed files are reported through
	 * sink->warn and skipped; only a sink error, CG_ERR_NOMEM or an
	 * internal error is returned. */
	cg_err_t (*collect)(const struct cg_pkg_file *files, size_t nfiles,
			    const struct cg_pkg_sink *sink, struct cg_error *err);
};

/* Helpers for match(): the last path component, and suffix tests. */
static inline const char *cg_path_base(const char *path, size_t len)
{
	const char *p = path + len;
	while (p > path && p[-1] != '/')
		p--;
	return p;
}

static inline bool cg_path_has_suffix(const char *path, size_t len, const char *suffix)
{
	size_t n = __builtin_strlen(suffix);
	return len >= n && __builtin_memcmp(path + len - n, suffix, n) == 0;
}

#endif
