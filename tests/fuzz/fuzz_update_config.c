/* Fuzz target: the feed-source config of `cguard db update`
 * (cg_vulndb_sources_parse, include/cguard/vulndb_update.h). Parsing never
 * reads past `size` (the input is copied to a buffer of exactly that size).
 * A failed parse leaves the list as it was and says "fuzz.conf:LINE: ...";
 * a successful one gives sources that pass the documented checks, and
 * writing them back as config text and parsing that gives the same list.
 * The input's first line also goes through --source parsing and URL
 * redaction, whose output must stay within its buffer and never hold the
 * password of a URL with user:password@. */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>
#include <cguard/vulndb_update.h>

static int type_ok(const char *t)
{
	size_t n = strlen(t);
	if (n == 0 || n > CG_VULNDB_TYPE_MAX || t[0] < 'a' || t[0] > 'z')
		return 0;
	return strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

static int url_ok(const char *u)
{
	size_t n = strlen(u);
	if (n == 0 || n > CG_VULNDB_URL_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)u[i] < 0x21 || (unsigned char)u[i] > 0x7e)
			return 0;
	return !strncasecmp(u, "https://", 8) || !strncasecmp(u, "http://", 7);
}

static void check_sources(const struct cg_vulndb_sources *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct cg_vulndb_source *x = &s->v[i];
		if (!type_ok(x->type) || !x->url || !url_ok(x->url) || x->builtin)
			abort();
		if (x->has_sha256 &&
		    (strlen(x->sha256) != 64 || strspn(x->sha256, "0123456789abcdef") != 64))
			abort();
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->v[j].type, x->type) && !strcmp(s->v[j].url, x->url))
				abort(); /* duplicates are refused */
	}
}

static void redact_first_line(const uint8_t *data, size_t size)
{
	size_t n = 0;
	char *line, out[64];
	const char *at, *colon, *sep;
	while (n < size && n < 512 && data[n] != '\n' && data[n] != '\0')
		n++;
	line = malloc(n + 1);
	if (!line)
		return;
	memcpy(line, data, n);
	line[n] = '\0';
	memset(out, 'Z', sizeof(out));
	cg_vulndb_url_redact(line, out, sizeof(out));
	if (!memchr(out, '\0', sizeof(out)))
		abort();
	/* "scheme://user:SECRET@host": SECRET must not survive */
	sep = strstr(line, "://");
	if (sep && sep - line <= 32) {
		const char *auth = sep + 3, *end = auth + strcspn(auth, "/?#");
		at = NULL;
		for (const char *p = auth; p < end; p++)
			if (*p == '@')
				at = p;
		colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
		if (colon && at - colon > 8) {
			char secret[9];
			memcpy(secret, colon + 1, 8);
			secret[8] = '\0';
			/* (unless the same bytes also occur elsewhere in the URL) */
			if (strstr(line, secret) == colon + 1 && !strstr(colon + 2, secret) &&
			    strstr(out, secret))
				abort();
		}
	}
	{
		struct cg_vulndb_sources s;
		struct cg_error err = {0};
		cg_vulndb_sources_init(&s);
		if (cg_vulndb_sources_parse_arg(&s, line, &err) == CG_OK) {
			if (s.n != 1)
				abort();
			check_sources(&s);
		} else if (s.n != 0 || !err.msg[0]) {
			abort();
		}
		cg_vulndb_sources_release(&s);
	}
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_vulndb_sources s, again;
	struct cg_error err = {0};
	struct cg_buf text = CG_BUF_INIT((size_t)64 << 20);
	char *copy = malloc(size ? size : 1);
	cg_err_t rc;

	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	cg_vulndb_sources_init(&s);
	cg_vulndb_sources_init(&again);
	rc = cg_vulndb_sources_parse(&s, copy, size, "fuzz.conf", &err);
	free(copy);
	if (rc != CG_OK) {
		if ((rc != CG_ERR_INVALID && rc != CG_ERR_LIMIT) || err.code != rc ||
		    strncmp(err.msg, "fuzz.conf:", 10) != 0 || s.n != 0)
			abort();
		goto done;
	}
	check_sources(&s);
	for (size_t i = 0; i < s.n; i++) {
		if (cg_buf_printf(&text, "%s %s", s.v[i].type, s.v[i].url) ||
		    (s.v[i].has_sha256 && cg_buf_printf(&text, " sha256=%s", s.v[i].sha256)) ||
		    cg_buf_putc(&text, '\n'))
			abort();
	}
	if (cg_vulndb_sources_parse(&again, text.data, text.len, "again", &err) != CG_OK ||
	    again.n != s.n)
		abort();
	for (size_t i = 0; i < s.n; i++)
		if (strcmp(s.v[i].type, again.v[i].type) || strcmp(s.v[i].url, again.v[i].url) ||
		    s.v[i].has_sha256 != again.v[i].has_sha256 ||
		    strcmp(s.v[i].sha256, again.v[i].sha256))
			abort();
done:
	redact_first_line(data, size);
	cg_vulndb_sources_release(&s);
	cg_vulndb_sources_release(&again);
	cg_buf_release(&text);
	return 0;
}
