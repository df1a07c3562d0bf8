/* Helpers the package collectors share; see pkgutil.h. */
#include "util/internal.h"

#include "pkg/pkgutil.h"

void cg_pkg_vwarn(const struct cg_pkg_sink *sink, const char *path, size_t width, const char *fmt,
		  va_list ap)
{
	char msg[CG_PKG_WARN_WIDTH];

	if (!sink->warn)
		return;
	vsnprintf(msg, width < sizeof(msg) ? width : sizeof(msg), fmt, ap);
	sink->warn(sink->ud, path, msg);
}

void cg_pkg_warnf(const struct cg_pkg_sink *sink, const char *path, size_t width, const char *fmt,
		  ...)
{
	va_list ap;
	va_start(ap, fmt);
	cg_pkg_vwarn(sink, path, width, fmt, ap);
	va_end(ap);
}

bool cg_pkg_token_ok(const char *s, size_t n, size_t max)
{
	if (!s || n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

bool cg_pkg_ascii_token(const char *s, size_t n, size_t max)
{
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

void cg_pkg_ctx_warn(struct cg_pkg_ctx *c, const char *fmt, ...)
{
	char msg[320];
	va_list ap;
	if (!c->sink->warn || c->nwarn > CG_PKG_CTX_MAX_WARN)
		return;
	if (c->nwarn++ == CG_PKG_CTX_MAX_WARN) {
		c->sink->warn(c->sink->ud, c->f->path, "more problems in this file not reported");
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	c->sink->warn(c->sink->ud, c->f->path, msg);
}

bool cg_pkg_ctx_count(struct cg_pkg_ctx *c, size_t max)
{
	if (++c->npkgs <= max)
		return true;
	cg_pkg_ctx_warn(c, "more than %zu packages: the rest is not read", max);
	c->stop = true;
	return false;
}

cg_err_t cg_pkg_ctx_add(struct cg_pkg_ctx *c, struct cg_pkg *p, unsigned flags)
{
	p->path = c->f->path;
	p->layer = c->f->layer;
	p->flags = flags;
	return c->sink->add(c->sink->ud, p, NULL, 0);
}

cg_err_t cg_pkg_ctx_json(struct cg_pkg_ctx *c, const struct cg_json_limits *lim, bool want_object,
			 cg_json **out)
{
	struct cg_error e;
	size_t n = c->f->len;
	const char *text = cg_pkg_text(c->f->data, &n);
	cg_err_t rc;

	*out = NULL;
	rc = cg_json_parse(text, n, lim, out, &e);
	if (rc == CG_ERR_NOMEM)
		return rc;
	if (rc != CG_OK) {
		cg_pkg_ctx_warn(c, "%s", e.msg);
		*out = NULL;
	} else if (want_object && !cg_json_is_object(*out)) {
		cg_pkg_ctx_warn(c, "not a JSON object");
		cg_json_free(*out);
		*out = NULL;
	}
	return CG_OK;
}

cg_err_t cg_pkg_each_file(const char *name, const struct cg_pkg_file *files, size_t nfiles,
			  const struct cg_pkg_sink *sink, struct cg_error *err, cg_pkg_file_fn fn)
{
	cg_err_t rc = CG_OK;

	for (size_t i = 0; i < nfiles && !rc; i++) {
		struct cg_pkg_ctx c = {&files[i], sink, 0, 0, false};
		const char *path = files[i].path ? files[i].path : "";
		rc = fn(&c, path, strlen(path));
	}
	if (rc)
		cg_error_set(err, rc, "%s: %s", name, cg_strerror(rc));
	return rc;
}
