/* Fuzz target: the cargo version comparator (see fuzz_version.h). */
#define FUZZ_ECOSYSTEM "cargo"
#include "fuzz.h"
#include "fuzz_version.h"
