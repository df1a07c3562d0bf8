/* Fuzz target: the debian-support feed parser (lib/vulndb/feed_debian_support.c) on one
 * file; the checks are in fuzz_feed.h. */
#define FUZZ_FEED cg_feed_debian_support
#define FUZZ_PATHS "security-support-ended.deb12", "security-support-limited"
#include "fuzz_feed.h"
