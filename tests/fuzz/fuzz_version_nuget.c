/* Fuzz target: the nuget version comparator (see fuzz_version.h). */
#define FUZZ_ECOSYSTEM "nuget"
#include "fuzz.h"
#include "fuzz_version.h"
