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

/* Collectors that read files as they stream past, for files too large to
 * buffer (binaries). Each file a collector wants gets a fresh state of
 * state_size bytes; feed() sees the content in order and returns false when
 * it needs no more; finish() reports packages. Packages found in a file that
 * a higher layer replaced or removed are dropped after the merge.
 * One file lib/pkg/<name>.c, one line in lib/pkg/streams.def. */
struct cg_stream_collector {
	const char *name;
	bool (*want)(const char *path, size_t len, uint32_t mode, uint64_t size);
	size_t state_size;
	void (*begin)(void *state);
	bool (*feed)(void *state, const void *p, size_t n);
	cg_err_t (*finish)(void *state, const char *path, int layer, const struct cg_pkg_sink *sink,
			   struct cg_error *err);
	void (*release)(void *state);
};

size_t cg_stream_collector_count(void);
const struct cg_stream_collector *cg_stream_collector_at(size_t i);

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
