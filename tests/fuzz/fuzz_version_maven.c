/* Fuzz target: the maven version comparator (see fuzz_version.h). */
#define FUZZ_ECOSYSTEM "maven"
#include "fuzz.h"
#include "fuzz_version.h"
