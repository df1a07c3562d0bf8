/* Fuzz target: one HTTP request as the server parses it ("METHOD URL\nBODY"):
 * path normalisation, routing, query decoding and every route's handler with its
 * JSON body, on an in-memory store (as an administrator; changes rolled back).
 * Any status is fine; a crash, a leak or a 5xx for bad input is a bug. */
#include "fuzz.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "server/http.h"
#include "server/iam.h"

static struct srv *srv;
static struct cg_db *db;

static void done(void)
{
	cg_db_close(db);
	srv_test_free(srv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char method[16], url[2048];
	if (!srv) {
		setenv("CGUARD_ADMIN_PASSWORD", "fuzz-password-1", 1);
		srv = srv_test_new();
		if (!srv || cg_db_open("sqlite::memory:", &db, NULL) != CG_OK || cg_db_migrate(db, NULL) != CG_OK ||
		    iam_bootstrap(db, NULL, NULL) != CG_OK)
			abort();
		atexit(done);
	}
	const char *p = (const char *)data, *end = p + size;
	const char *sp = memchr(p, ' ', size);
	if (!sp || (size_t)(sp - p) >= sizeof method)
		return 0;
	memcpy(method, p, (size_t)(sp - p));
	method[sp - p] = 0;
	const char *nl = memchr(sp + 1, '\n', (size_t)(end - sp - 1));
	size_t ul = (size_t)((nl ? nl : end) - sp - 1);
	if (ul >= sizeof url || memchr(sp + 1, 0, ul))
		return 0;
	memcpy(url, sp + 1, ul);
	url[ul] = 0;
	const char *body = nl ? nl + 1 : end;
	/* the user and password routes hash with argon2id (19 MiB): keep them rare */
	if (strstr(url, "/auth/login") || (strstr(url, "/users") && strcmp(method, "GET") != 0)) {
		if (size > 64 || (size & 7))
			return 0;
	}
	cg_json *resp = NULL;
	int st = srv_request_raw(srv, db, method, url, body, (size_t)(end - body), "fuzz-user", &resp);
	if (st >= 500 && st != 503) {
		fprintf(stderr, "status %d for %s %s\n", st, method, url);
		abort();
	}
	cg_json_free(resp);
	return 0;
}
