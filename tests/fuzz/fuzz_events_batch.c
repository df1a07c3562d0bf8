/* Fuzz target: an agent's event batch (untrusted JSON) through the server's
 * ingest path: cg_events_ingest on an in-memory SQLite store (validation, the
 * bounded body dump, the inserts), inside a transaction rolled back after each
 * input so the store stays small; then a query of what a batch stored. The
 * input's first line, when short, is also given to the RFC 3339 parser, whose
 * result must format and parse back to the same millisecond. */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>
#include "server/db.h"
#include "server/events.h"

static struct cg_db *db;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_json_limits lim = { .max_bytes = 1 << 20, .max_depth = 32 };
	const char *nl = memchr(data, '\n', size);
	size_t first = nl ? (size_t)(nl - (const char *)data) : size;
	cg_json *batch = NULL, *page = NULL;
	size_t acc = 0, dup = 0;
	int64_t ms = 0, back = 0;
	char out[48];

	if (first <= 48 && cg_rfc3339_parse((const char *)data, first, &ms) == CG_OK) {
		cg_rfc3339_format(ms, out, sizeof(out));
		if (cg_rfc3339_parse(out, strlen(out), &back) != CG_OK || back != ms)
			abort();
	}
	if (!db) {
		if (cg_db_open("sqlite::memory:", &db, NULL) || cg_db_migrate(db, NULL))
			abort();
	}
	if (cg_json_parse((const char *)data, size, &lim, &batch, NULL) != CG_OK)
		return 0;
	if (cg_db_begin(db, NULL) != CG_OK)
		abort();
	if (cg_events_ingest(db, batch, NULL, "fuzz", &acc, &dup, NULL) == CG_OK) {
		if (acc + dup != cg_json_array_len(batch))
			abort();
		if (cg_events_query(db, &(struct cg_event_filter){ .limit = 10 }, &page, NULL) != CG_OK)
			abort();
		cg_json_free(page);
	}
	cg_db_rollback(db);
	if (cg_db_depth(db) != 0)
		abort();
	cg_json_free(batch);
	return 0;
}
