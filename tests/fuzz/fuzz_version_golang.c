/* Fuzz target: the golang version comparator (see fuzz_version.h). */
#define FUZZ_ECOSYSTEM "golang"
#include "fuzz.h"
#include "fuzz_version.h"
