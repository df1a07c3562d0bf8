/* Fuzz target: the kev feed parser (lib/vulndb/feed_kev.c) on one
 * file; the checks are in fuzz_feed.h. */
#define FUZZ_FEED cg_feed_kev
#define FUZZ_PATHS "known_exploited_vulnerabilities.json"
#include "fuzz_feed.h"
