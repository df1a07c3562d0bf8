/* Fuzz target: the rpm version comparator (see fuzz_version.h). */
#define FUZZ_ECOSYSTEM "rpm"
#include "fuzz.h"
#include "fuzz_version.h"
