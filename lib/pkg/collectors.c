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
