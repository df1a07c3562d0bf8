/* Fuzz target: the gem version comparator (see fuzz_version.h). */
#define FUZZ_ECOSYSTEM "gem"
#include "fuzz.h"
#include "fuzz_version.h"
