/* Python distributions, purl type "pypi".
 *
 * Installed (no flag):
 *   - *.dist-info/METADATA, *.egg-info/PKG-INFO, *.egg/EGG-INFO/PKG-INFO and
 *     *.egg-info as a file: RFC 822 headers as importlib.metadata reads them
 *     with the email parser: the headers end at the first empty line or at
 *     the first line that is neither "Key: value" (key without spaces) nor a
 *     continuation (leading space or tab); the first Name and Version win;
 *     header names are case-insensitive. At most PY_MAX_HEADER_LINES lines.
 *     A distribution found twice (Debian's cryptography has both a
 *     .dist-info and an .egg-info) is reported twice, as importlib lists it.
 * Declared (CG_PKG_FROM_LOCK, plus CG_PKG_DEV where the file says so):
 *   - requirements*.txt (any name holding "requirements" and ending .txt):
 *     only exact pins, `name==version` or `name===version`, as pip reads the
 *     file (backslash continuations joined, comments cut, options after the
 *     requirement dropped); extras are ignored and environment markers are
 *     not evaluated (every pin is reported whatever its markers say); option
 *     lines (-r, -e, --hash, --index-url ...), URLs, paths, `name @ url`,
 *     ranges, wildcards and several clauses are skipped. -r files are not
 *     followed (they are matched by name on their own). No DEV flag: a
 *     requirements file has no sections.
 *   - poetry.lock: [[package]] name and version; DEV when `category = "dev"`
 *     (Poetry < 1.5) or when `groups` (Poetry 2) does not hold "main".
 *     Poetry 1.5 to 1.8 files record neither, so nothing is flagged there.
 *   - Pipfile.lock: "default" and "develop" (DEV); "version": "==x"; entries
 *     without a pinned version (VCS, paths, editables) are skipped, and a
 *     develop entry also present in default is reported once, not as DEV.
 *   - uv.lock: [[package]] name and version; packages without a version
 *     (dynamic versions of the project's own members) are skipped; uv.lock
 *     keeps dev-only status only as a graph from the root, not computed here.
 * The project's own packages (uv's virtual/editable sources, Poetry's
 * directory sources) are reported like any other; see cargo.c.
 *
 * Names are reported normalised as PEP 503 says (lower case, each run of
 * "-", "_" and "." one "-"), which is the purl form and what OSV matches;
 * struct cg_pkg has no field for the name as written. The license is
 * License-Expression, else a one-line License other than "UNKNOWN", else the
 * leaves of the "License ::" classifiers joined by ", ". */
#include "util/internal.h"

#include "pkg/pkgutil.h"
#include "pkg/toml_lite.h"
#include "util/utf8.h"

#define PY_MAX_SIZE	    ((size_t)8 << 20)
#define PY_MAX_NAME	    256
#define PY_MAX_LICENSE	    512
#define PY_MAX_HEADER_LINES 100000
#define PY_MAX_REQ_LINES    100000
#define PY_MAX_REQ_LINE	    ((size_t)64 << 10)
#define PY_MAX_PACKAGES	    100000
#define PY_MAX_CLASSIFIERS  8

enum py_kind { PY_NONE, PY_METADATA, PY_REQUIREMENTS, PY_POETRY, PY_PIPFILE, PY_UV };

struct py {
	const struct cg_pkg_file *file;
	const struct cg_pkg_sink *sink;
	cg_err_t sink_rc; /* the sink failed: stop everything */
	size_t count;
	bool capped; /* PY_MAX_PACKAGES hit, and warned about */
	/* [[package]] state of poetry.lock and uv.lock */
	enum py_kind kind;
	bool in_package, top, has_name, has_version, dev;
	size_t line;
	char name[PY_MAX_NAME + 1];
	char version[CG_VERSION_MAX_LEN + 1];
};

static void CG_PRINTF(2, 3) warnf(const struct py *st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cg_pkg_vwarn(st->sink, st->file->path, 256, fmt, ap);
	va_end(ap);
}

static bool is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_sep(int c)
{
	return c == '-' || c == '_' || c == '.';
}

static bool is_ws(int c)
{
	return c == ' ' || c == '\t';
}

/* PEP 508: ^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$, case-insensitive. */
static bool valid_name(const char *s, size_t n)
{
	if (n == 0 || n > PY_MAX_NAME || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
		return false;
	for (size_t i = 1; i + 1 < n; i++)
		if (!is_alnum(s[i]) && !is_sep(s[i]))
			return false;
	return true;
}

/* PEP 503 normalisation of a valid name into out (n + 1 bytes). */
static void normalise(const char *s, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (is_sep(c)) {
			if (o == 0 || out[o - 1] != '-')
				out[o++] = '-';
			continue;
		}
		out[o++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	out[o] = '\0';
}

/* Validate, normalise and report one package. CG_ERR_INVALID (nothing
 * reported, nothing warned) for a bad name or version; the caller decides
 * whether that deserves a warning. */
static cg_err_t report(struct py *st, const char *name, size_t nlen, const char *ver, size_t vlen,
		       const char *license, unsigned flags)
{
	char norm[PY_MAX_NAME + 1], version[CG_VERSION_MAX_LEN + 1];
	struct cg_pkg pkg;
	cg_err_t rc;

	if (!valid_name(name, nlen) || !cg_pkg_ascii_token(ver, vlen, CG_VERSION_MAX_LEN))
		return CG_ERR_INVALID;
	if (st->count >= PY_MAX_PACKAGES) {
		if (!st->capped)
			warnf(st, "more than %d packages: the rest is skipped", PY_MAX_PACKAGES);
		st->capped = true;
		return CG_ERR_LIMIT;
	}
	normalise(name, nlen, norm);
	memcpy(version, ver, vlen);
	version[vlen] = '\0';
	memset(&pkg, 0, sizeof(pkg));
	pkg.type = "pypi";
	pkg.name = norm;
	pkg.version = version;
	pkg.license = license;
	pkg.path = st->file->path;
	pkg.layer = st->file->layer;
	pkg.flags = flags;
	rc = st->sink->add(st->sink->ud, &pkg, NULL, 0);
	if (rc != CG_OK) {
		st->sink_rc = rc;
		return rc;
	}
	st->count++;
	return CG_OK;
}

static struct cg_view trim(struct cg_view v)
{
	while (v.len && is_ws(v.p[0]))
		v.p++, v.len--;
	while (v.len && (is_ws(v.p[v.len - 1]) || v.p[v.len - 1] == '\r'))
		v.len--;
	return v;
}

static bool view_ieq(struct cg_view v, const char *s)
{
	size_t n = strlen(s);
	if (v.len != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		int a = v.p[i], b = (unsigned char)s[i];
		if (a >= 'A' && a <= 'Z')
			a += 'a' - 'A';
		if (b >= 'A' && b <= 'Z')
			b += 'a' - 'A';
		if (a != b)
			return false;
	}
	return true;
}

static bool view_starts(struct cg_view v, const char *s)
{
	size_t n = strlen(s);
	return v.len >= n && memcmp(v.p, s, n) == 0;
}

/* ---- METADATA / PKG-INFO ---- */

enum hdr { H_OTHER, H_NAME, H_VERSION, H_LICENSE, H_LEXPR };

struct meta {
	struct cg_view name, version, license, lexpr;
	bool has_name, has_version, has_license, has_lexpr;
	bool license_multi, lexpr_multi;
	struct cg_view classifiers[PY_MAX_CLASSIFIERS];
	size_t nclassifiers;
};

/* "License :: OSI Approved :: MIT License" -> "MIT License". */
static void add_classifier(struct meta *m, struct cg_view v)
{
	const uint8_t *leaf = v.p;
	if (!view_starts(v, "License ::") || m->nclassifiers == PY_MAX_CLASSIFIERS)
		return;
	for (size_t i = 0; i + 4 <= v.len; i++)
		if (memcmp(v.p + i, " :: ", 4) == 0)
			leaf = v.p + i + 4;
	v.len -= (size_t)(leaf - v.p);
	v.p = leaf;
	v = trim(v);
	if (v.len == 0 || view_ieq(v, "OSI Approved"))
		return;
	m->classifiers[m->nclassifiers++] = v;
}

static void parse_headers(struct py *st, struct meta *m)
{
	struct cg_cursor c;
	struct cg_view line;
	enum hdr cur = H_OTHER;
	size_t nlines = 0;

	memset(m, 0, sizeof(*m));
	cg_cursor_init(&c, st->file->data, st->file->len);
	if (st->file->len >= 3 && memcmp(st->file->data, "\xef\xbb\xbf", 3) == 0)
		c.pos = 3;
	while (cg_cursor_line(&c, SIZE_MAX, &line)) {
		const uint8_t *colon;
		struct cg_view key, val;
		bool key_ok = true;
		if (++nlines > PY_MAX_HEADER_LINES) {
			warnf(st, "more than %d header lines: the rest is ignored",
			      PY_MAX_HEADER_LINES);
			return;
		}
		if (line.len == 0)
			return; /* the body starts */
		if (is_ws(line.p[0])) {
			if (cur == H_LICENSE && trim(line).len)
				m->license_multi = true;
			else if (cur == H_LEXPR && trim(line).len)
				m->lexpr_multi = true;
			continue;
		}
		colon = memchr(line.p, ':', line.len);
		if (!colon)
			return; /* not a header: the email parser starts the body here */
		key.p = line.p;
		key.len = (size_t)(colon - line.p);
		for (size_t i = 0; i < key.len; i++)
			if (key.p[i] <= ' ' || key.p[i] >= 0x7f)
				key_ok = false;
		if (!key_ok)
			return;
		val.p = colon + 1;
		val.len = line.len - key.len - 1;
		val = trim(val);
		cur = H_OTHER;
		if (view_ieq(key, "Name")) {
			if (!m->has_name)
				m->name = val, m->has_name = true, cur = H_NAME;
		} else if (view_ieq(key, "Version")) {
			if (!m->has_version)
				m->version = val, m->has_version = true, cur = H_VERSION;
		} else if (view_ieq(key, "License")) {
			if (!m->has_license)
				m->license = val, m->has_license = true, cur = H_LICENSE;
		} else if (view_ieq(key, "License-Expression")) {
			if (!m->has_lexpr)
				m->lexpr = val, m->has_lexpr = true, cur = H_LEXPR;
		} else if (view_ieq(key, "Classifier")) {
			add_classifier(m, val);
		}
	}
}

static bool usable_license(struct cg_view v, bool multi)
{
	return !multi && v.len > 0 && v.len <= PY_MAX_LICENSE && !view_ieq(v, "UNKNOWN") &&
	       cg_utf8_text(v.p, v.len, true);
}

/* Choose the license text into buf (PY_MAX_LICENSE + 1 bytes); NULL if none. */
static const char *pick_license(const struct meta *m, char *buf)
{
	size_t o = 0;
	if (m->has_lexpr && usable_license(m->lexpr, m->lexpr_multi)) {
		memcpy(buf, m->lexpr.p, m->lexpr.len);
		buf[m->lexpr.len] = '\0';
		return buf;
	}
	if (m->has_license && usable_license(m->license, m->license_multi)) {
		memcpy(buf, m->license.p, m->license.len);
		buf[m->license.len] = '\0';
		return buf;
	}
	for (size_t i = 0; i < m->nclassifiers; i++) {
		struct cg_view v = m->classifiers[i];
		if (!cg_utf8_text(v.p, v.len, true) || o + v.len + 2 > PY_MAX_LICENSE)
			break;
		if (o) {
			memcpy(buf + o, ", ", 2);
			o += 2;
		}
		memcpy(buf + o, v.p, v.len);
		o += v.len;
	}
	buf[o] = '\0';
	return o ? buf : NULL;
}

static cg_err_t collect_metadata(struct py *st)
{
	struct meta m;
	char license[PY_MAX_LICENSE + 1];
	cg_err_t rc;

	parse_headers(st, &m);
	if (!m.has_name || !m.has_version) {
		warnf(st, "no %s header: skipped", m.has_name ? "Version" : "Name");
		return CG_OK;
	}
	rc = report(st, (const char *)m.name.p, m.name.len, (const char *)m.version.p,
		    m.version.len, pick_license(&m, license), 0);
	if (rc == CG_ERR_INVALID)
		warnf(st, "invalid Name or Version header: skipped");
	return rc == CG_ERR_INVALID || rc == CG_ERR_LIMIT ? CG_OK : rc;
}

/* ---- requirements*.txt ---- */

static bool is_name_char(int c)
{
	return is_alnum(c) || is_sep(c);
}

static bool is_version_char(int c)
{
	return is_alnum(c) || c == '.' || c == '+' || c == '!' || c == '_' || c == '-';
}

/* One requirement (options already cut off). Reports it when it is an
 * exact pin; anything else is skipped silently. */
static cg_err_t req_requirement(struct py *st, struct cg_view r)
{
	size_t i = 0, name_start, name_end, ver_start, ver_end, nclauses = 0;
	bool paren = false, exact = false, arbitrary = false;
	const uint8_t *semi;
	cg_err_t rc;

	semi = memchr(r.p, ';', r.len);
	if (semi)
		r.len = (size_t)(semi - r.p);
	r = trim(r);
	if (r.len == 0)
		return CG_OK;
	name_start = 0;
	while (i < r.len && is_name_char(r.p[i]))
		i++;
	name_end = i;
	if (name_end == 0)
		return CG_OK; /* a path, a URL or garbage */
	while (i < r.len && is_ws(r.p[i]))
		i++;
	if (i < r.len && r.p[i] == '[') { /* extras */
		const uint8_t *close = memchr(r.p + i, ']', r.len - i);
		if (!close)
			return CG_OK;
		i = (size_t)(close - r.p) + 1;
		while (i < r.len && is_ws(r.p[i]))
			i++;
	}
	if (i < r.len && r.p[i] == '(') {
		paren = true;
		i++;
	}
	ver_start = ver_end = 0;
	for (;;) { /* the version clauses, comma-separated */
		size_t op;
		while (i < r.len && is_ws(r.p[i]))
			i++;
		op = i;
		while (i < r.len && (r.p[i] == '=' || r.p[i] == '<' || r.p[i] == '>' ||
				     r.p[i] == '!' || r.p[i] == '~'))
			i++;
		if (i == op)
			return CG_OK; /* no operator: a bare name, "@ url", or garbage */
		nclauses++;
		exact = (i - op == 2 && memcmp(r.p + op, "==", 2) == 0);
		arbitrary = (i - op == 3 && memcmp(r.p + op, "===", 3) == 0);
		while (i < r.len && is_ws(r.p[i]))
			i++;
		ver_start = i;
		if (arbitrary) {
			while (i < r.len && !is_ws(r.p[i]) && r.p[i] != ',' && r.p[i] != ')')
				i++;
		} else {
			while (i < r.len && is_version_char(r.p[i]))
				i++;
		}
		ver_end = i;
		while (i < r.len && is_ws(r.p[i]))
			i++;
		if (i < r.len && r.p[i] == ',') {
			i++;
			continue;
		}
		break;
	}
	if (paren) {
		if (i >= r.len || r.p[i] != ')')
			return CG_OK;
		i++;
		while (i < r.len && is_ws(r.p[i]))
			i++;
	}
	if (i != r.len || nclauses != 1 || !(exact || arbitrary) || ver_end == ver_start)
		return CG_OK;
	rc = report(st, (const char *)r.p + name_start, name_end - name_start,
		    (const char *)r.p + ver_start, ver_end - ver_start, NULL, CG_PKG_FROM_LOCK);
	return rc == CG_ERR_INVALID ? CG_OK : rc;
}

/* One logical line, as pip's req_file preprocesses it. */
static cg_err_t req_line(struct py *st, struct cg_view l)
{
	size_t i = 0, end;
	/* comments: "#" at the start or after whitespace, to the end */
	for (i = 0; i < l.len; i++)
		if (l.p[i] == '#' && (i == 0 || is_ws(l.p[i - 1]))) {
			l.len = i;
			break;
		}
	l = trim(l);
	/* the requirement is the space-separated tokens before the first one
	 * starting with "-" (pip's break_args_options) */
	end = 0;
	for (i = 0; i < l.len;) {
		size_t start = i;
		while (i < l.len && l.p[i] != ' ')
			i++;
		if (i > start && l.p[start] == '-')
			break;
		end = i;
		while (i < l.len && l.p[i] == ' ')
			i++;
	}
	l.len = end;
	if (l.len == 0)
		return CG_OK;
	return req_requirement(st, l);
}

static bool is_comment_line(struct cg_view l)
{
	size_t i = 0;
	while (i < l.len && is_ws(l.p[i]))
		i++;
	return i < l.len && l.p[i] == '#';
}

static cg_err_t collect_requirements(struct py *st)
{
	struct cg_cursor c;
	struct cg_view line;
	struct cg_buf joined = CG_BUF_INIT(PY_MAX_REQ_LINE);
	size_t nlines = 0;
	bool joining = false, too_long = false;
	cg_err_t rc = CG_OK;

	cg_cursor_init(&c, st->file->data, st->file->len);
	if (st->file->len >= 3 && memcmp(st->file->data, "\xef\xbb\xbf", 3) == 0)
		c.pos = 3;
	while (cg_cursor_line(&c, SIZE_MAX, &line)) {
		bool cont;
		if (++nlines > PY_MAX_REQ_LINES) {
			warnf(st, "more than %d lines: the rest is ignored", PY_MAX_REQ_LINES);
			break;
		}
		/* a line ending in "\" continues on the next, unless it is a comment */
		cont = line.len && line.p[line.len - 1] == '\\' && !is_comment_line(line);
		if (cont) {
			while (line.len && line.p[line.len - 1] == '\\')
				line.len--;
			while (line.len && line.p[0] == '\\')
				line.p++, line.len--;
		}
		if (!cont && !joining) {
			if ((rc = req_line(st, line)) != CG_OK)
				goto done;
			continue;
		}
		if (!too_long) {
			/* pip puts a space before a comment ending a continued line */
			rc = is_comment_line(line) ? cg_buf_putc(&joined, ' ') : CG_OK;
			if (rc == CG_OK)
				rc = cg_buf_append(&joined, line.p, line.len);
			if (rc == CG_ERR_LIMIT) {
				warnf(st, "line %zu: continued line longer than %zu bytes, skipped",
				      nlines, PY_MAX_REQ_LINE);
				too_long = true;
				rc = CG_OK;
			} else if (rc != CG_OK) {
				goto done;
			}
		}
		joining = cont;
		if (!cont) {
			if (!too_long &&
			    (rc = req_line(st, cg_view_make(joined.data, joined.len))) != CG_OK)
				goto done;
			cg_buf_reset(&joined);
			too_long = false;
		}
	}
	if (joining && !too_long)
		rc = req_line(st, cg_view_make(joined.data, joined.len));
done:
	cg_buf_release(&joined);
	return rc == CG_ERR_LIMIT ? CG_OK : rc;
}

/* ---- poetry.lock and uv.lock ---- */

static void copy_str(char *dst, size_t cap, const struct cg_toml_str *s, bool *ok)
{
	*ok = s->len > 0 && s->len <= cap;
	if (*ok) {
		memcpy(dst, s->p, s->len);
		dst[s->len] = '\0';
	}
}

static cg_err_t lock_flush(struct py *st)
{
	cg_err_t rc;
	if (!st->in_package)
		return CG_OK;
	st->in_package = false;
	if (!st->has_name) {
		warnf(st, "line %zu: [[package]] without a usable name, skipped", st->line);
		return CG_OK;
	}
	if (!st->has_version && st->kind == PY_UV)
		return CG_OK; /* the project's own members may have no version */
	if (!st->has_version) {
		warnf(st, "line %zu: [[package]] without a version, skipped", st->line);
		return CG_OK;
	}
	rc = report(st, st->name, strlen(st->name), st->version, strlen(st->version), NULL,
		    CG_PKG_FROM_LOCK | (st->dev ? CG_PKG_DEV : 0));
	if (rc == CG_ERR_INVALID) {
		warnf(st, "line %zu: invalid package name or version, skipped", st->line);
		return CG_OK;
	}
	return rc;
}

static cg_err_t lock_event(void *ud, const struct cg_toml_event *ev)
{
	struct py *st = ud;
	cg_err_t rc;

	if (ev->kind == CG_TOML_TABLE || ev->kind == CG_TOML_ARRAY_TABLE) {
		if (ev->kind == CG_TOML_ARRAY_TABLE &&
		    cg_toml_path_is(ev->table, ev->ntable, "package")) {
			if ((rc = lock_flush(st)) != CG_OK)
				return rc;
			st->in_package = st->top = true;
			st->has_name = st->has_version = st->dev = false;
			st->line = ev->line;
			return CG_OK;
		}
		if (st->in_package && ev->ntable > 1 && cg_toml_path_is(ev->table, 1, "package")) {
			st->top = false; /* [package.dependencies] and the like */
			return CG_OK;
		}
		return lock_flush(st);
	}
	if (!st->in_package || !st->top || ev->nkey != 1)
		return CG_OK;
	if (ev->kind == CG_TOML_STRING) {
		if (cg_toml_path_is(ev->key, 1, "name"))
			copy_str(st->name, PY_MAX_NAME, &ev->str, &st->has_name);
		else if (cg_toml_path_is(ev->key, 1, "version"))
			copy_str(st->version, CG_VERSION_MAX_LEN, &ev->str, &st->has_version);
		else if (st->kind == PY_POETRY && cg_toml_path_is(ev->key, 1, "category"))
			st->dev = ev->str.len == 3 && memcmp(ev->str.p, "dev", 3) == 0;
	} else if (ev->kind == CG_TOML_ARRAY && st->kind == PY_POETRY &&
		   cg_toml_path_is(ev->key, 1, "groups")) {
		bool main_group = false;
		for (size_t i = 0; i < ev->nitems; i++)
			if (ev->items[i].len == 4 && memcmp(ev->items[i].p, "main", 4) == 0)
				main_group = true;
		st->dev = !main_group;
	}
	return CG_OK;
}

static cg_err_t collect_toml_lock(struct py *st)
{
	struct cg_error terr;
	cg_err_t rc;

	cg_error_clear(&terr);
	rc = cg_toml_parse(st->file->data, st->file->len, lock_event, st, &terr);
	if (rc == CG_OK)
		rc = lock_flush(st);
	if (st->sink_rc != CG_OK || rc == CG_ERR_NOMEM)
		return st->sink_rc != CG_OK ? st->sink_rc : rc;
	if (rc != CG_OK && !st->capped)
		warnf(st, "%s", cg_error_message(&terr));
	return CG_OK;
}

/* ---- Pipfile.lock ---- */

static cg_err_t pipfile_section(struct py *st, const cg_json *root, const char *section, bool dev)
{
	const cg_json *sec = cg_json_get(root, section);
	const cg_json *def = dev ? cg_json_get(root, "default") : NULL;
	cg_err_t rc;

	if (!sec)
		return CG_OK;
	if (!cg_json_is_object(sec)) {
		warnf(st, "\"%s\" is not an object: skipped", section);
		return CG_OK;
	}
	for (void *it = cg_json_iter(sec); it; it = cg_json_iter_next(sec, it)) {
		const char *name = cg_json_iter_key(it);
		const char *ver = cg_json_get_str(cg_json_iter_value(it), "version");
		size_t vlen;
		if (!ver)
			continue; /* VCS, path or editable: no pinned version */
		if (dev && cg_json_get(def, name))
			continue; /* also a runtime dependency: reported from default */
		vlen = strlen(ver);
		if (vlen > 3 && memcmp(ver, "===", 3) == 0)
			ver += 3, vlen -= 3;
		else if (vlen > 2 && memcmp(ver, "==", 2) == 0)
			ver += 2, vlen -= 2;
		else
			continue; /* not a pin */
		rc = report(st, name, strlen(name), ver, vlen, NULL,
			    CG_PKG_FROM_LOCK | (dev ? CG_PKG_DEV : 0));
		if (rc == CG_ERR_INVALID) {
			warnf(st, "%s: invalid name or version \"%.64s\", skipped", section, name);
			continue;
		}
		if (rc != CG_OK)
			return rc;
	}
	return CG_OK;
}

static cg_err_t collect_pipfile(struct py *st)
{
	struct cg_json_limits lim = {
	    .max_bytes = PY_MAX_SIZE, .max_depth = 32, .allow_duplicates = true};
	struct cg_error jerr;
	cg_json *root = NULL;
	cg_err_t rc;

	rc = cg_json_parse((const char *)st->file->data, st->file->len, &lim, &root, &jerr);
	if (rc == CG_ERR_NOMEM)
		return rc;
	if (rc != CG_OK) {
		warnf(st, "%s", cg_error_message(&jerr));
		return CG_OK;
	}
	if (!cg_json_is_object(root)) {
		warnf(st, "not a JSON object: skipped");
		CG_FAIL(rc, CG_OK);
	}
	if ((rc = pipfile_section(st, root, "default", false)) != CG_OK)
		goto done;
	rc = pipfile_section(st, root, "develop", true);
done:
	cg_json_free(root);
	return rc == CG_ERR_LIMIT ? CG_OK : rc;
}

/* ---- matching and dispatch ---- */

/* The name of the folder holding base (base points into path). */
static struct cg_view parent_dir(const char *path, const char *base)
{
	const char *end = base > path ? base - 1 : base, *p = end;
	while (p > path && p[-1] != '/')
		p--;
	return cg_view_make(p, (size_t)(end - p));
}

static bool view_ends(struct cg_view v, const char *s)
{
	size_t n = strlen(s);
	return v.len >= n && memcmp(v.p + v.len - n, s, n) == 0;
}

static enum py_kind classify(const char *path, size_t len)
{
	const char *base = cg_path_base(path, len);
	struct cg_view b = cg_view_make(base, len - (size_t)(base - path));
	if (cg_view_eq(b, "METADATA"))
		return view_ends(parent_dir(path, base), ".dist-info") ? PY_METADATA : PY_NONE;
	if (cg_view_eq(b, "PKG-INFO")) {
		struct cg_view d = parent_dir(path, base);
		return view_ends(d, ".egg-info") || cg_view_eq(d, "EGG-INFO") ? PY_METADATA
									      : PY_NONE;
	}
	if (b.len > 9 && view_ends(b, ".egg-info"))
		return PY_METADATA;
	if (cg_view_eq(b, "poetry.lock"))
		return PY_POETRY;
	if (cg_view_eq(b, "Pipfile.lock"))
		return PY_PIPFILE;
	if (cg_view_eq(b, "uv.lock"))
		return PY_UV;
	if (view_ends(b, ".txt") && memmem(b.p, b.len, "requirements", 12))
		return PY_REQUIREMENTS;
	return PY_NONE;
}

static bool python_match(const char *path, size_t len)
{
	return classify(path, len) != PY_NONE;
}

static cg_err_t python_collect(const struct cg_pkg_file *files, size_t nfiles,
			       const struct cg_pkg_sink *sink, struct cg_error *err)
{
	if (!sink || !sink->add || (!files && nfiles))
		return cg_error_set(err, CG_ERR_ARG, "python: no sink or no files");
	for (size_t i = 0; i < nfiles; i++) {
		struct py st;
		cg_err_t rc = CG_OK;
		memset(&st, 0, sizeof(st));
		st.file = &files[i];
		st.sink = sink;
		st.kind = classify(files[i].path, strlen(files[i].path));
		switch (st.kind) {
		case PY_METADATA:
			rc = collect_metadata(&st);
			break;
		case PY_REQUIREMENTS:
			rc = collect_requirements(&st);
			break;
		case PY_POETRY:
		case PY_UV:
			rc = collect_toml_lock(&st);
			break;
		case PY_PIPFILE:
			rc = collect_pipfile(&st);
			break;
		case PY_NONE:
			break;
		}
		if (st.sink_rc != CG_OK)
			return cg_error_set(err, st.sink_rc, "%s: the package sink failed",
					    files[i].path);
		if (rc != CG_OK)
			return cg_error_set(err, rc, "%s: %s", files[i].path, cg_strerror(rc));
	}
	return CG_OK;
}

const struct cg_pkg_collector cg_collector_python = {
    .name = "python",
    .match = python_match,
    .max_size = PY_MAX_SIZE,
    .collect = python_collect,
};
