/* Fuzz target: the alpine feed parser (lib/vulndb/feed_alpine.c) on one
 * file; the checks are in fuzz_feed.h. */
#define FUZZ_FEED cg_feed_alpine
#define FUZZ_PATHS "v3.19/main.json", "v3.8/main.yaml"
#include "fuzz_feed.h"
