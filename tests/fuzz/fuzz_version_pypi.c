/* Fuzz target: the pypi version comparator (see fuzz_version.h). */
#define FUZZ_ECOSYSTEM "pypi"
#include "fuzz.h"
#include "fuzz_version.h"
