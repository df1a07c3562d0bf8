/* Fuzz target: the rustsec feed parser (lib/vulndb/feed_rustsec.c) on one
 * file; the checks are in fuzz_feed.h. */
#define FUZZ_FEED cg_feed_rustsec
#define FUZZ_PATHS "crates/x/RUSTSEC-2024-0001.md"
#include "fuzz_feed.h"
