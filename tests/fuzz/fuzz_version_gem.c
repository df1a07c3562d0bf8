/* Fuzz target: the gem version comparator (see fuzz_version.h). */
#define FUZZ_ECOSYSTEM "gem"
#include "fuzz_version.h"
