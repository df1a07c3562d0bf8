/* Fuzz target: the apk version comparator (see fuzz_version.h). */
#define FUZZ_ECOSYSTEM "apk"
#include "fuzz.h"
#include "fuzz_version.h"
