/* Shared by the tests/unit/test_feed_*.c tests: a sink that records every
 * advisory as one text line, file loading and whole-directory walks. */
#ifndef FEEDREC_H
#define FEEDREC_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cguard/cguard.h>
#include "vulndb/advisory.h"

#define FEED_SHARED "/work/shared/feeds"

struct frec {
	char **lines;
	size_t n, cap;
	long advisories, warnings, affected, by_status[4], events;
	bool keep; /* record lines (false for whole-feed counts) */
	int bad;   /* advisories breaking the model's invariants */
};

static const char *const frec_status[] = { "AFFECTED", "UNFIXED", "NOT_AFFECTED", "EOL" };

static void frec_cat(char *buf, size_t sz, const char *s)
{
	size_t n = strlen(buf);
	if (n < sz)
		snprintf(buf + n, sz - n, "%s", s);
}

/* "ID {alias,alias} [related] pub=... wd=0 | eco pkg STATUS sev=.. note=.. [TYPE i:0 f:1.2] | ..." */
static cg_err_t frec_add(void *ud, const struct cg_advisory *a)
{
	struct frec *r = ud;
	char buf[16384], t[2048];
	r->advisories++;
	if (!a->id || !*a->id)
		r->bad++;
	for (size_t i = 0; i < a->naffected; i++) {
		const struct cg_adv_affected *f = &a->affected[i];
		r->affected++;
		if ((unsigned)f->status > 3 || !f->ecosystem || !f->package)
			r->bad++;
		else
			r->by_status[f->status]++;
		for (size_t k = 0; k < f->nranges; k++)
			r->events += (long)f->ranges[k].nevents;
	}
	if (!r->keep)
		return CG_OK;
	snprintf(buf, sizeof(buf), "%s {", a->id);
	for (size_t i = 0; i < a->naliases; i++) {
		frec_cat(buf, sizeof(buf), i ? "," : "");
		frec_cat(buf, sizeof(buf), a->aliases[i]);
	}
	frec_cat(buf, sizeof(buf), "} [");
	for (size_t i = 0; i < a->nrelated; i++) {
		frec_cat(buf, sizeof(buf), i ? "," : "");
		frec_cat(buf, sizeof(buf), a->related[i]);
	}
	snprintf(t, sizeof(t), "] pub=%s wd=%d", a->published ? a->published : "-", a->withdrawn);
	frec_cat(buf, sizeof(buf), t);
	if (a->kev) {
		snprintf(t, sizeof(t), " kev=%s,%s,%d", a->kev_date_added ? a->kev_date_added : "-",
			 a->kev_due_date ? a->kev_due_date : "-", a->kev_ransomware);
		frec_cat(buf, sizeof(buf), t);
	}
	for (size_t i = 0; i < a->nseverities; i++) {
		snprintf(t, sizeof(t), " %s=%s", a->severities[i].type, a->severities[i].score);
		frec_cat(buf, sizeof(buf), t);
	}
	for (size_t i = 0; i < a->naffected; i++) {
		const struct cg_adv_affected *f = &a->affected[i];
		snprintf(t, sizeof(t), " | %s %s%s %s sev=%s note=%s", f->ecosystem, f->package,
			 f->by_source ? "(src)" : "", frec_status[f->status & 3],
			 f->severity ? f->severity : "-", f->note ? f->note : "-");
		frec_cat(buf, sizeof(buf), t);
		for (size_t k = 0; k < f->nranges; k++) {
			frec_cat(buf, sizeof(buf), " [");
			frec_cat(buf, sizeof(buf), f->ranges[k].type);
			for (size_t e = 0; e < f->ranges[k].nevents; e++) {
				static const char *const kn[] = { "i", "f", "la", "l" };
				snprintf(t, sizeof(t), " %s:%s", kn[f->ranges[k].events[e].kind & 3],
					 f->ranges[k].events[e].version);
				frec_cat(buf, sizeof(buf), t);
			}
			frec_cat(buf, sizeof(buf), "]");
		}
	}
	if (r->n == r->cap) {
		size_t nc = r->cap ? 2 * r->cap : 64;
		char **nl = realloc(r->lines, nc * sizeof(*nl));
		if (!nl)
			return CG_ERR_NOMEM;
		r->lines = nl;
		r->cap = nc;
	}
	r->lines[r->n] = strdup(buf);
	if (!r->lines[r->n])
		return CG_ERR_NOMEM;
	r->n++;
	return CG_OK;
}

static void frec_warn(void *ud, const char *file, const char *msg)
{
	struct frec *r = ud;
	(void)file;
	(void)msg;
	r->warnings++;
}

static inline void frec_release(struct frec *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->lines[i]);
	free(r->lines);
	memset(r, 0, sizeof(*r));
}

/* The recorded line of advisory `id` (the first), or NULL. */
static inline const char *frec_find(const struct frec *r, const char *id)
{
	size_t n = strlen(id);
	for (size_t i = 0; i < r->n; i++)
		if (strncmp(r->lines[i], id, n) == 0 && r->lines[i][n] == ' ')
			return r->lines[i];
	return NULL;
}

static unsigned char *frec_load(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b = NULL;
	long n;
	*len = 0;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (b = malloc((size_t)n + 1)) && fread(b, 1, (size_t)n, f) == (size_t)n) {
		*len = (size_t)n;
	} else {
		free(b);
		b = NULL;
	}
	fclose(f);
	return b;
}

/* Parse one file (path as given to match/parse: relative to `root`). */
static inline cg_err_t frec_parse(const struct cg_feed_parser *p, const char *root, const char *rel,
			   struct frec *r, struct cg_error *err)
{
	char full[4096];
	size_t len;
	unsigned char *b;
	struct cg_adv_sink sink = { frec_add, frec_warn, r };
	cg_err_t rc;
	snprintf(full, sizeof(full), "%s/%s", root, rel);
	b = frec_load(full, &len);
	if (!b)
		return CG_ERR_IO;
	rc = p->parse(rel, b, len, &sink, err);
	free(b);
	return rc;
}

/* Every file below root/dir that p->match()es; counts files and failures. */
static inline void frec_walk(const struct cg_feed_parser *p, const char *root, const char *dir,
		      struct frec *r, long *files, long *failed)
{
	char full[8192];
	DIR *d;
	struct dirent *e;
	snprintf(full, sizeof(full), "%s/%s", root, dir);
	d = opendir(full);
	if (!d)
		return;
	while ((e = readdir(d))) {
		char rel[2048];
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(rel, sizeof(rel), "%s%s%s", dir, *dir ? "/" : "", e->d_name);
		snprintf(full, sizeof(full), "%s/%s", root, rel);
		if (stat(full, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			frec_walk(p, root, rel, r, files, failed);
		} else if (p->match(rel)) {
			struct cg_error err;
			++*files;
			if (frec_parse(p, root, rel, r, &err) != CG_OK)
				++*failed;
		}
	}
	closedir(d);
}

static inline bool frec_have_shared(const char *sub)
{
	char full[4096];
	struct stat st;
	snprintf(full, sizeof(full), "%s/%s", FEED_SHARED, sub);
	return stat(full, &st) == 0 && S_ISDIR(st.st_mode);
}

#endif
