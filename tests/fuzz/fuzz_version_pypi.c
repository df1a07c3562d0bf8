/* Fuzz target: the pypi version comparator (see fuzz_version.h). */
#define FUZZ_ECOSYSTEM "pypi"
#include "fuzz_version.h"
