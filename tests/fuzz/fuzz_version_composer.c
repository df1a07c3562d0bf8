/* Fuzz target: the composer version comparator (see fuzz_version.h). */
#define FUZZ_ECOSYSTEM "composer"
#include "fuzz.h"
#include "fuzz_version.h"
