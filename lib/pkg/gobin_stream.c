/* The Go build-information reader (gobin.c) as a streaming collector:
 * executables stream past it, and it stops reading as soon as a file is no
 * executable format or its build information is read. */
#include "util/internal.h"
#include "pkg/collector.h"
#include "pkg/gobin.h"

#define GOBIN_MIN_SIZE (16 * 1024)
#define GOBIN_MAX_SIZE ((uint64_t)4 << 30)

static bool gobin_want(const char *path, size_t len, uint32_t mode, uint64_t size)
{
	(void)path;
	(void)len;
	return (mode & 0111) && size >= GOBIN_MIN_SIZE && size <= GOBIN_MAX_SIZE;
}

static void gobin_begin(void *state)
{
	cg_gobin_init(state);
}

static bool gobin_feed(void *state, const void *p, size_t n)
{
	return cg_gobin_feed(state, p, n);
}

static cg_err_t gobin_finish(void *state, const char *path, int layer,
			     const struct cg_pkg_sink *sink, struct cg_error *err)
{
	cg_err_t rc = cg_gobin_finish(state, path, layer, sink);
	return rc ? cg_error_set(err, rc, "%s: %s", path, cg_strerror(rc)) : CG_OK;
}

static void gobin_release(void *state)
{
	cg_gobin_release(state);
}

const struct cg_stream_collector cg_stream_gobin = {
	.name = "gobin",
	.want = gobin_want,
	.state_size = sizeof(struct cg_gobin),
	.begin = gobin_begin,
	.feed = gobin_feed,
	.finish = gobin_finish,
	.release = gobin_release,
};
