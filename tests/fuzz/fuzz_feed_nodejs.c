/* Fuzz target: the nodejs feed parser (lib/vulndb/feed_nodejs.c) on one
 * advisory file, read as npm/ (first byte even) or core/ (odd), which
 * exercises the node-semver range conversion; the checks are in fuzz_feed.h. */
#define FUZZ_FEED cg_feed_nodejs
#define FUZZ_PATHS "vuln/npm/1.json", "vuln/core/1.json"
#include "fuzz_feed.h"
