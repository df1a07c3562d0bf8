#include "util/internal.h"

const char *cg_library_version(void)
{
	return CG_VERSION_STRING;
}
