/* Fuzz target: the debian feed parser (lib/vulndb/feed_debian.c) on one
 * file; the checks are in fuzz_feed.h. */
#define FUZZ_FEED cg_feed_debian
#define FUZZ_PATHS "data/CVE/list", "data/DSA/list", "tracker/json"
#include "fuzz_feed.h"
