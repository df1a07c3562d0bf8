/* Fuzz target: the npm version comparator (see fuzz_version.h). */
#define FUZZ_ECOSYSTEM "npm"
#include "fuzz.h"
#include "fuzz_version.h"
