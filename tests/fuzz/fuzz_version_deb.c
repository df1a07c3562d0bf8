/* Fuzz target: the deb version comparator (see fuzz_version.h). */
#define FUZZ_ECOSYSTEM "deb"
#include "fuzz.h"
#include "fuzz_version.h"
