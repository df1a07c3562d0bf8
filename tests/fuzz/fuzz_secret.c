/* Fuzz target: the secret scanner (lib/scan/secret.c). The input is scanned
 * as a file through begin/feed/finish, in chunks whose sizes come from the
 * input's first bytes, then once more in one piece; both scans must report
 * the same findings (matching does not depend on chunk boundaries). Then the
 * input goes through cg_secret_scan_text() as an ENV value and a history
 * line. Every finding has its fields set and a bounded match, and no shown
 * match holds a random-looking run of 20+ characters taken from the input
 * (a secret is never shown unmasked). */
#define _GNU_SOURCE /* memmem */
#include "fuzz.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>
#include "scan/secret.h"

#define MAXF 256

struct rec {
	size_t n;
	char key[MAXF][256];
};

static const uint8_t *in_data;
static size_t in_size;

static bool run_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '+' || c == '/' || c == '_' || c == '-' || c == '.';
}

/* A random-looking run (20+ characters, letters and digits) in a shown match
 * must not come from the input unmasked. Runs end at '=' and '*': the key
 * name before "=" and the (at most 4) shown characters of a masked secret
 * may touch. */
static void check_masked(const char *m)
{
	size_t i = 0, n = strlen(m);
	while (i < n) {
		size_t j = i;
		bool digit = false, alpha = false;
		while (j < n && run_char(m[j])) {
			digit |= m[j] >= '0' && m[j] <= '9';
			alpha |= (m[j] | 32) >= 'a' && (m[j] | 32) <= 'z';
			j++;
		}
		if (j - i >= 20 && digit && alpha && memmem(in_data, in_size, m + i, j - i))
			abort();
		i = j + 1;
	}
}

static void check_finding(const struct cg_content_finding *f)
{
	if (!f->rule || !f->type || !f->title || f->level < CG_THREAT_LOW ||
	    f->level > CG_THREAT_CRITICAL)
		abort();
	if (f->kind != CG_CONTENT_SECRET && f->kind != CG_CONTENT_FILE)
		abort();
	if (f->match && strlen(f->match) >= CG_SECRET_MASK_MAX)
		abort();
	if (!f->path && !f->where)
		abort();
	if (f->kind == CG_CONTENT_SECRET && f->match)
		check_masked(f->match);
}

static cg_err_t add(void *ud, const struct cg_content_finding *f)
{
	struct rec *r = ud;
	check_finding(f);
	if (r && r->n < MAXF) {
		snprintf(r->key[r->n], sizeof(r->key[0]), "%d|%s|%llu|%s", (int)f->kind, f->rule,
			 (unsigned long long)f->line, f->match ? f->match : "");
		r->n++;
	}
	return CG_OK;
}

static void warn(void *ud, const char *path, const char *msg)
{
	(void)ud;
	if (!path || !msg)
		abort();
}

static void *ctx(void)
{
	static void *c;
	struct cg_error err;
	if (!c && cg_scanner_secret.open(NULL, &c, &err) != CG_OK)
		abort();
	return c;
}

static void scan(const uint8_t *p, size_t n, const uint8_t *sizes, size_t nsizes, const char *path,
		 struct rec *r)
{
	const struct cg_content_scanner *s = &cg_scanner_secret;
	struct cg_content_sink sink = {add, warn, r};
	struct cg_error err;
	void *st = malloc(s->state_size);
	size_t off = 0, k = 0;
	if (!st)
		return;
	r->n = 0;
	s->begin(ctx(), st);
	while (off < n) {
		size_t c = nsizes ? (size_t)sizes[k++ % nsizes] * 7 + 1 : n;
		if (c > n - off)
			c = n - off;
		if (!s->feed(st, p + off, c))
			break;
		off += c;
	}
	if (s->finish(st, path, 0, &sink, &err) != CG_OK)
		abort();
	s->release(st);
	free(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rec a, b;
	const uint8_t *sizes = data;
	size_t nsizes = size ? data[0] % 8 : 0;
	const char *paths[] = {"/app/settings.conf", "/etc/shadow", "/root/.aws/credentials",
			       "/app/main.js"};
	const char *path;
	struct cg_content_sink sink = {add, warn, NULL};
	cg_err_t rc;

	if (nsizes + 1 > size)
		nsizes = 0;
	sizes = data + 1;
	path = paths[size ? data[size - 1] % 4 : 0];
	in_data = data + (nsizes ? nsizes + 1 : 0);
	in_size = size - (size_t)(in_data - data);

	scan(in_data, in_size, sizes, nsizes, path, &a);
	scan(in_data, in_size, NULL, 0, path, &b);
	if (a.n != b.n)
		abort();
	for (size_t i = 0; i < a.n; i++)
		if (strcmp(a.key[i], b.key[i]) != 0)
			abort();

	rc = cg_secret_scan_text(ctx(), "env:DB_PASSWORD", (const char *)in_data, in_size, &sink,
				 NULL);
	if (rc != CG_OK)
		abort();
	rc = cg_secret_scan_text(ctx(), "history:1", (const char *)in_data, in_size, &sink, NULL);
	if (rc != CG_OK)
		abort();
	return 0;
}
