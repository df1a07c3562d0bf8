/* The table of package collectors (collectors.def). */
#include "util/internal.h"
#include "image/image_int.h"

#define CG_COLLECTOR(id) extern const struct cg_pkg_collector cg_collector_##id;
#include "pkg/collectors.def"
#undef CG_COLLECTOR

static const struct cg_pkg_collector *const collectors[] = {
#define CG_COLLECTOR(id) &cg_collector_##id,
#include "pkg/collectors.def"
#undef CG_COLLECTOR
};

_Static_assert(sizeof(collectors) / sizeof(collectors[0]) <= 64,
	       "collector masks are 64-bit: at most 64 collectors");

size_t cg_collector_count(void)
{
	return CG_ARRAY_LEN(collectors);
}

const struct cg_pkg_collector *cg_collector_at(size_t i)
{
	return i < CG_ARRAY_LEN(collectors) ? collectors[i] : NULL;
}

/* ---- streaming collectors (streams.def) ---- */

#define CG_STREAM(id) extern const struct cg_stream_collector cg_stream_##id;
#include "pkg/streams.def"
#undef CG_STREAM

static const struct cg_stream_collector *const streams[] = {
#define CG_STREAM(id) &cg_stream_##id,
#include "pkg/streams.def"
#undef CG_STREAM
	NULL,
};

_Static_assert(sizeof(streams) / sizeof(streams[0]) <= 33, "at most 32 stream collectors");

size_t cg_stream_collector_count(void)
{
	return CG_ARRAY_LEN(streams) - 1;
}

const struct cg_stream_collector *cg_stream_collector_at(size_t i)
{
	/* the table ends with NULL (it may hold nothing else) */
	for (size_t k = 0; streams[k]; k++)
		if (k == i)
			return streams[k];
	return NULL;
}
