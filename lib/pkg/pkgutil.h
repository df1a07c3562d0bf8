/* Internal: helpers the package collectors share (lib/pkg/pkgutil.c).
 *
 *  - warnings about one input file: cg_pkg_warnf (every warning, cut to a
 *    width) and, for the JSON manifest collectors, the capped and cleaned
 *    cg_pkg_ctx_warn;
 *  - the text of a file less its UTF-8 byte order mark;
 *  - name and version checks (cg_pkg_token_ok, cg_pkg_ascii_token);
 *  - the per-file loop, JSON parse and package count of composer.c,
 *    dotnet.c and npm.c (struct cg_pkg_ctx). */
#ifndef CG_PKG_PKGUTIL_H
#define CG_PKG_PKGUTIL_H

#include <stdarg.h>

#include <cguard/json.h>

#include "pkg/collector.h"

/* The widest message cg_pkg_vwarn writes, its NUL included. */
#define CG_PKG_WARN_WIDTH 512

/* A message about path to sink->warn (nothing when it is NULL), cut to
 * width - 1 bytes (width at most CG_PKG_WARN_WIDTH). Bytes are passed as
 * they are: callers show untrusted text through their own excerpt. */
void cg_pkg_vwarn(const struct cg_pkg_sink *sink, const char *path, size_t width, const char *fmt,
		  va_list ap) CG_PRINTF(4, 0);
void cg_pkg_warnf(const struct cg_pkg_sink *sink, const char *path, size_t width, const char *fmt,
		  ...) CG_PRINTF(4, 5);

/* Length of a UTF-8 byte order mark at the start of p[0..n) (npm and
 * editors leave one now and then), else 0. */
static inline size_t cg_pkg_bom_len(const unsigned char *p, size_t n)
{
	return (p && n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) ? 3 : 0;
}

/* p[0..*n) less a leading byte order mark, *n adjusted (NULL stays NULL). */
static inline const char *cg_pkg_text(const unsigned char *p, size_t *n)
{
	size_t skip = cg_pkg_bom_len(p, *n);
	*n -= skip;
	return p ? (const char *)p + skip : NULL;
}

/* 1..max bytes, none of them a space, a C0 control or DEL; other bytes
 * (UTF-8) are allowed. false for NULL. Names and versions of JSON manifests. */
bool cg_pkg_token_ok(const char *s, size_t n, size_t max);

/* 1..max bytes of printable ASCII without space (0x21..0x7e): what any
 * version of any ecosystem is. */
bool cg_pkg_ascii_token(const char *s, size_t n, size_t max);

/* The value of a hexadecimal digit, or -1. */
static inline int cg_pkg_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ---- one file of a JSON manifest collector (composer, dotnet, npm) ---- */

/* Warnings for one file: this many, then one "more problems in this file
 * not reported", then none. */
#define CG_PKG_CTX_MAX_WARN 16

struct cg_pkg_ctx {
	const struct cg_pkg_file *f;
	const struct cg_pkg_sink *sink;
	size_t npkgs;
	unsigned nwarn;
	bool stop; /* a per-file limit was hit: read no more of this file */
};

/* A warning about c->f (at most 319 bytes), control characters (below 0x20
 * and DEL) replaced by '?', capped at CG_PKG_CTX_MAX_WARN per file. */
void cg_pkg_ctx_warn(struct cg_pkg_ctx *c, const char *fmt, ...) CG_PRINTF(2, 3);

/* Count one more package against max: true while within it; past it, false,
 * warned once ("more than max packages: the rest is not read") and c->stop
 * set. */
bool cg_pkg_ctx_count(struct cg_pkg_ctx *c, size_t max);

/* Hand p to the sink, with the file's path and layer and flags. */
cg_err_t cg_pkg_ctx_add(struct cg_pkg_ctx *c, struct cg_pkg *p, unsigned flags);

/* Parse c->f (less a byte order mark) as JSON within lim. CG_OK with *out
 * the document, or with *out NULL when the file is not JSON or, with
 * want_object, not a JSON object (warned); CG_ERR_NOMEM. */
cg_err_t cg_pkg_ctx_json(struct cg_pkg_ctx *c, const struct cg_json_limits *lim, bool want_object,
			 cg_json **out);

/* One file: path is f->path, or "" when it has none. Returns CG_OK, the
 * sink's error or CG_ERR_NOMEM (anything else stops as well). */
typedef cg_err_t (*cg_pkg_file_fn)(struct cg_pkg_ctx *c, const char *path, size_t plen);

/* fn on each file in order, each with a fresh context, until one fails;
 * that error is set in err as "name: <error>" and returned. */
cg_err_t cg_pkg_each_file(const char *name, const struct cg_pkg_file *files, size_t nfiles,
			  const struct cg_pkg_sink *sink, struct cg_error *err, cg_pkg_file_fn fn);

#endif
