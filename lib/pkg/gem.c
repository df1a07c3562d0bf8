/* Ruby gems, purl type "gem".
 *
 * Installed (no flag): specifications/NAME-VERSION[-PLATFORM].gemspec and
 * specifications/default/... (Ruby's default gems), the Ruby files RubyGems
 * writes with Gem::Specification#to_ruby. Nothing is executed: a bounded
 * line reader takes
 *   - the stub line ("# stub: NAME VERSION PLATFORM REQUIRE_PATHS", one of
 *     the first three lines), which is what RubyGems itself (and so
 *     `gem list`) reads first: Gem::StubSpecification;
 *   - else the assignments `VAR.name = "x".freeze`, `VAR.version = "1.2.3"`,
 *     `VAR.platform = "..."`, where VAR is the block variable of
 *     `Gem::Specification.new do |VAR|` and the value is one Ruby string
 *     literal ("..." with the escapes to_ruby writes, '...', %q{...}),
 *     optionally .freeze'd and followed only by a comment or an if/unless;
 *   - `VAR.licenses = ["MIT".freeze, ...]` or `VAR.license = "MIT"`: joined
 *     by ", " into the license.
 *   The platform (when not "ruby") is reported as arch, as the purl
 *   "platform" qualifier.
 * Declared (CG_PKG_FROM_LOCK): Gemfile.lock and gems.locked, the specs of
 * every source section (GEM, GIT, PATH, PLUGIN SOURCE): lines indented by
 * exactly four spaces under "  specs:", read as Bundler's LockfileParser
 * does (`NAME (VERSION[-PLATFORM])`, the version ends at the first "-").
 * PATH specs (the application's own gems) are reported like the others; see
 * cargo.c. A lock file records no groups, so there is no DEV flag. */
#include "util/internal.h"

#include "pkg/pkgutil.h"
#include "util/utf8.h"

#define GEM_MAX_SIZE	 ((size_t)4 << 20)
#define GEM_MAX_NAME	 128
#define GEM_MAX_PLATFORM 64
#define GEM_MAX_LICENSE	 512
#define GEM_MAX_LICENSES 16
#define GEM_MAX_LINES	 200000
#define GEM_MAX_PACKAGES 100000
#define GEM_MAX_VAR	 32

struct gem {
	const struct cg_pkg_file *file;
	const struct cg_pkg_sink *sink;
	cg_err_t sink_rc;
	size_t count;
	bool capped;
};

static void CG_PRINTF(2, 3) warnf(const struct gem *g, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cg_pkg_vwarn(g->sink, g->file->path, 256, fmt, ap);
	va_end(ap);
}

static bool is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_ident(int c)
{
	return is_alnum(c) || c == '_';
}

static bool is_ws(int c)
{
	return c == ' ' || c == '\t';
}

/* RubyGems: /\A[a-zA-Z0-9.\-_]+\z/ */
static bool valid_name(const char *s, size_t n)
{
	if (n == 0 || n > GEM_MAX_NAME)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '.' && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

/* Report one gem; CG_ERR_INVALID (nothing reported) for a bad name or
 * version, CG_ERR_LIMIT past GEM_MAX_PACKAGES, or the sink's error. */
static cg_err_t report(struct gem *g, const char *name, size_t nlen, const char *ver, size_t vlen,
		       const char *platform, size_t plen, const char *license, unsigned flags)
{
	char n[GEM_MAX_NAME + 1], v[CG_VERSION_MAX_LEN + 1], p[GEM_MAX_PLATFORM + 1];
	struct cg_pkg pkg;
	cg_err_t rc;

	if (!valid_name(name, nlen) || !cg_pkg_ascii_token(ver, vlen, CG_VERSION_MAX_LEN) ||
	    (plen && !cg_pkg_ascii_token(platform, plen, GEM_MAX_PLATFORM)))
		return CG_ERR_INVALID;
	if (g->count >= GEM_MAX_PACKAGES) {
		if (!g->capped)
			warnf(g, "more than %d gems: the rest is skipped", GEM_MAX_PACKAGES);
		g->capped = true;
		return CG_ERR_LIMIT;
	}
	memcpy(n, name, nlen);
	n[nlen] = '\0';
	memcpy(v, ver, vlen);
	v[vlen] = '\0';
	if (plen)
		memcpy(p, platform, plen);
	p[plen] = '\0';
	memset(&pkg, 0, sizeof(pkg));
	pkg.type = "gem";
	pkg.name = n;
	pkg.version = v;
	pkg.arch = (plen && !(plen == 4 && memcmp(p, "ruby", 4) == 0)) ? p : NULL;
	pkg.license = license;
	pkg.path = g->file->path;
	pkg.layer = g->file->layer;
	pkg.flags = flags;
	rc = g->sink->add(g->sink->ud, &pkg, NULL, 0);
	if (rc != CG_OK) {
		g->sink_rc = rc;
		return rc;
	}
	g->count++;
	return CG_OK;
}

static bool starts_with(struct cg_view v, size_t i, const char *s)
{
	size_t n = strlen(s);
	return i <= v.len && v.len - i >= n && memcmp(v.p + i, s, n) == 0;
}

static size_t skip_ws(struct cg_view v, size_t i)
{
	while (i < v.len && is_ws(v.p[i]))
		i++;
	return i;
}

/* ---- gemspec ---- */

/* A decoded Ruby string, bounded by cap. */
struct rstr {
	char s[GEM_MAX_LICENSE + 1];
	size_t len;
};

static bool rstr_put(struct rstr *o, const void *p, size_t n, size_t cap)
{
	if (n > cap - o->len)
		return false;
	memcpy(o->s + o->len, p, n);
	o->len += n;
	o->s[o->len] = '\0';
	return true;
}

/* One Ruby string literal at v.p[*i], plus an optional ".freeze". Only the
 * forms RubyGems writes: "..." (escapes \\ \" \# \' and \uXXXX; no
 * interpolation), '...' and %q with any delimiter (bracket pairs nest). */
static bool ruby_string(struct cg_view v, size_t *i, struct rstr *out, size_t cap)
{
	size_t k = *i;
	uint8_t open, close;
	bool dq;

	out->len = 0;
	out->s[0] = '\0';
	if (k >= v.len)
		return false;
	if (v.p[k] == '"' || v.p[k] == '\'') {
		open = close = v.p[k];
		dq = open == '"';
		k++;
	} else if (starts_with(v, k, "%q") && k + 2 < v.len) {
		open = v.p[k + 2];
		close = open == '('   ? ')'
			: open == '[' ? ']'
			: open == '{' ? '}'
			: open == '<' ? '>'
				      : open;
		if (is_alnum(open) || is_ws(open))
			return false;
		dq = false;
		k += 3;
	} else {
		return false;
	}
	for (unsigned depth = 0;;) {
		uint8_t c;
		if (k >= v.len)
			return false;
		c = v.p[k];
		if (c == close && depth == 0) {
			k++;
			break;
		}
		if (open != close && (c == open || c == close)) {
			if (c == open)
				depth++;
			else
				depth--;
			if (!rstr_put(out, &c, 1, cap))
				return false;
			k++;
			continue;
		}
		if (c == '\\') {
			uint8_t e;
			if (k + 1 >= v.len)
				return false;
			e = v.p[k + 1];
			if (e == '\\' || e == close || e == open ||
			    (dq && (e == '#' || e == '\''))) {
				if (!rstr_put(out, &e, 1, cap))
					return false;
				k += 2;
				continue;
			}
			if (dq && e == 'u' && k + 6 <= v.len) {
				uint32_t cp = 0;
				uint8_t u[3];
				size_t un;
				for (size_t h = 0; h < 4; h++) {
					int x = cg_pkg_hexval(v.p[k + 2 + h]);
					if (x < 0)
						return false;
					cp = (cp << 4) | (uint32_t)x;
				}
				if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff))
					return false;
				if (cp < 0x80) {
					u[0] = (uint8_t)cp, un = 1;
				} else if (cp < 0x800) {
					u[0] = (uint8_t)(0xc0 | (cp >> 6));
					u[1] = (uint8_t)(0x80 | (cp & 0x3f)), un = 2;
				} else {
					u[0] = (uint8_t)(0xe0 | (cp >> 12));
					u[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
					u[2] = (uint8_t)(0x80 | (cp & 0x3f)), un = 3;
				}
				if (!rstr_put(out, u, un, cap))
					return false;
				k += 6;
				continue;
			}
			if (!dq) { /* '...': other backslashes are literal */
				if (!rstr_put(out, &c, 1, cap))
					return false;
				k++;
				continue;
			}
			return false; /* an escape we do not decode */
		}
		if (dq && c == '#' && k + 1 < v.len &&
		    (v.p[k + 1] == '{' || v.p[k + 1] == '@' || v.p[k + 1] == '$'))
			return false; /* interpolation */
		if (c < 0x20 && c != '\t')
			return false;
		if (!rstr_put(out, &c, 1, cap))
			return false;
		k++;
	}
	if (starts_with(v, k, ".freeze"))
		k += 7;
	*i = k;
	return true;
}

/* After a value: nothing, a comment, or a trailing if/unless. */
static bool value_end(struct cg_view v, size_t i)
{
	i = skip_ws(v, i);
	return i == v.len || v.p[i] == '#' || starts_with(v, i, "if ") ||
	       starts_with(v, i, "unless ");
}

struct spec {
	char var[GEM_MAX_VAR + 1];
	size_t var_len;
	struct rstr name, version, platform;
	bool has_name, has_version, has_platform;
	char license[GEM_MAX_LICENSE + 1];
	bool has_license;
	struct cg_view stub; /* the stub line, after "# stub: " */
	bool has_stub;
};

static void set_licenses(struct spec *s, struct cg_view v, size_t i, bool list)
{
	struct rstr one;
	size_t o = 0, n = 0;
	if (list) {
		if (i >= v.len || v.p[i] != '[')
			return;
		i = skip_ws(v, i + 1);
	}
	for (;;) {
		if (list && i < v.len && v.p[i] == ']') {
			i++;
			break;
		}
		if (!ruby_string(v, &i, &one, GEM_MAX_LICENSE) ||
		    !cg_utf8_text(one.s, one.len, false))
			return;
		if (one.len && n < GEM_MAX_LICENSES) {
			if (o + one.len + 2 > GEM_MAX_LICENSE)
				return;
			if (o) {
				memcpy(s->license + o, ", ", 2);
				o += 2;
			}
			memcpy(s->license + o, one.s, one.len);
			o += one.len;
			n++;
		}
		if (!list)
			break;
		i = skip_ws(v, i);
		if (i < v.len && v.p[i] == ',') {
			i = skip_ws(v, i + 1);
			continue;
		}
		if (i < v.len && v.p[i] == ']') {
			i++;
			break;
		}
		return;
	}
	if (!value_end(v, i))
		return;
	s->license[o] = '\0';
	s->has_license = o > 0;
}

/* `VAR.attr = value` lines and `Gem::Specification.new do |VAR|`. */
static void spec_line(struct spec *s, struct cg_view line)
{
	size_t i = skip_ws(line, 0), id0, id1, a0, a1;
	struct cg_view attr;

	if (starts_with(line, i, "Gem::Specification.new")) {
		const uint8_t *bar = memchr(line.p + i, '|', line.len - i);
		if (bar) {
			size_t k = (size_t)(bar - line.p) + 1, start;
			k = skip_ws(line, k);
			start = k;
			while (k < line.len && is_ident(line.p[k]))
				k++;
			if (k > start && k - start <= GEM_MAX_VAR) {
				memcpy(s->var, line.p + start, k - start);
				s->var_len = k - start;
				s->var[s->var_len] = '\0';
			}
		}
		return;
	}
	id0 = i;
	while (i < line.len && is_ident(line.p[i]))
		i++;
	id1 = i;
	if (id1 == id0 || i >= line.len || line.p[i] != '.')
		return;
	if (s->var_len && (id1 - id0 != s->var_len || memcmp(line.p + id0, s->var, s->var_len)))
		return;
	a0 = ++i;
	while (i < line.len && is_ident(line.p[i]))
		i++;
	a1 = i;
	i = skip_ws(line, i);
	if (i >= line.len || line.p[i] != '=' || (i + 1 < line.len && line.p[i + 1] == '='))
		return;
	i = skip_ws(line, i + 1);
	attr = cg_view_make(line.p + a0, a1 - a0);
	if (cg_view_eq(attr, "name") && !s->has_name) {
		s->has_name = ruby_string(line, &i, &s->name, GEM_MAX_NAME) && value_end(line, i);
	} else if (cg_view_eq(attr, "version") && !s->has_version) {
		s->has_version =
		    ruby_string(line, &i, &s->version, CG_VERSION_MAX_LEN) && value_end(line, i);
	} else if (cg_view_eq(attr, "platform") && !s->has_platform) {
		s->has_platform =
		    ruby_string(line, &i, &s->platform, GEM_MAX_PLATFORM) && value_end(line, i);
	} else if (cg_view_eq(attr, "licenses") && !s->has_license) {
		set_licenses(s, line, i, true);
	} else if (cg_view_eq(attr, "license") && !s->has_license) {
		set_licenses(s, line, i, false);
	}
}

/* The next space-separated word of the stub line (NUL also separates the
 * require paths there). */
static struct cg_view stub_word(struct cg_view v, size_t *i)
{
	size_t start;
	while (*i < v.len && v.p[*i] == ' ')
		(*i)++;
	start = *i;
	while (*i < v.len && v.p[*i] != ' ' && v.p[*i] != '\0')
		(*i)++;
	return cg_view_make(v.p + start, *i - start);
}

static cg_err_t collect_gemspec(struct gem *g)
{
	struct spec *s;
	struct cg_cursor c;
	struct cg_view line, name, ver, plat = {NULL, 0};
	size_t nlines = 0;
	cg_err_t rc;

	s = calloc(1, sizeof(*s));
	if (!s)
		return CG_ERR_NOMEM;
	cg_cursor_init(&c, g->file->data, g->file->len);
	while (cg_cursor_line(&c, SIZE_MAX, &line)) {
		if (++nlines > GEM_MAX_LINES) {
			warnf(g, "more than %d lines: the rest is ignored", GEM_MAX_LINES);
			break;
		}
		if (nlines <= 3 && !s->has_stub && starts_with(line, 0, "# stub: ")) {
			s->stub = cg_view_make(line.p + 8, line.len - 8);
			s->has_stub = true;
			continue;
		}
		spec_line(s, line);
	}
	if (s->has_stub) {
		size_t i = 0;
		name = stub_word(s->stub, &i);
		ver = stub_word(s->stub, &i);
		plat = stub_word(s->stub, &i);
	} else if (s->has_name && s->has_version) {
		name = cg_view_make(s->name.s, s->name.len);
		ver = cg_view_make(s->version.s, s->version.len);
		if (s->has_platform)
			plat = cg_view_make(s->platform.s, s->platform.len);
	} else {
		warnf(g, "no stub line and no literal name and version: skipped");
		CG_FAIL(rc, CG_OK);
	}
	rc = report(g, (const char *)name.p, name.len, (const char *)ver.p, ver.len,
		    (const char *)plat.p, plat.len, s->has_license ? s->license : NULL, 0);
	if (rc == CG_ERR_INVALID) {
		warnf(g, "invalid gem name, version or platform: skipped");
		rc = CG_OK;
	}
done:
	free(s);
	return rc == CG_ERR_LIMIT ? CG_OK : rc;
}

/* ---- Gemfile.lock ---- */

/* "    NAME (VERSION[-PLATFORM])[!]", as Bundler's NAME_VERSION regexp. */
static cg_err_t lock_spec(struct gem *g, struct cg_view line, size_t lineno)
{
	size_t i = 4, n0, n1, v0, v1, p0 = 0, p1 = 0;
	cg_err_t rc;

	if (line.len && line.p[line.len - 1] == '!')
		line.len--;
	n0 = i;
	while (i < line.len && line.p[i] != ' ')
		i++;
	n1 = i;
	if (i == line.len || !starts_with(line, i, " (") || line.p[line.len - 1] != ')')
		return CG_OK; /* no version: not a spec we can report */
	v0 = i + 2;
	v1 = v0;
	while (v1 < line.len - 1 && line.p[v1] != '-')
		v1++;
	if (v1 < line.len - 1) {
		p0 = v1 + 1;
		p1 = line.len - 1;
	}
	rc = report(g, (const char *)line.p + n0, n1 - n0, (const char *)line.p + v0, v1 - v0,
		    (const char *)line.p + p0, p1 - p0, NULL, CG_PKG_FROM_LOCK);
	if (rc == CG_ERR_INVALID) {
		warnf(g, "line %zu: invalid spec, skipped", lineno);
		rc = CG_OK;
	}
	return rc;
}

static cg_err_t collect_lock(struct gem *g)
{
	struct cg_cursor c;
	struct cg_view line;
	size_t nlines = 0;
	bool source = false, specs = false;
	cg_err_t rc = CG_OK;

	cg_cursor_init(&c, g->file->data, g->file->len);
	while (cg_cursor_line(&c, SIZE_MAX, &line)) {
		if (++nlines > GEM_MAX_LINES) {
			warnf(g, "more than %d lines: the rest is ignored", GEM_MAX_LINES);
			break;
		}
		if (line.len == 0)
			continue;
		if (line.p[0] != ' ') { /* a section header */
			source = cg_view_eq(line, "GEM") || cg_view_eq(line, "GIT") ||
				 cg_view_eq(line, "PATH") || cg_view_eq(line, "PLUGIN SOURCE");
			specs = false;
			continue;
		}
		if (!source)
			continue;
		if (starts_with(line, 0, "  ") && !is_ws(line.len > 2 ? line.p[2] : ' ')) {
			specs = cg_view_eq(line, "  specs:");
			continue;
		}
		if (specs && starts_with(line, 0, "    ") && line.len > 4 && !is_ws(line.p[4])) {
			if ((rc = lock_spec(g, line, nlines)) != CG_OK)
				break;
		}
	}
	return rc == CG_ERR_LIMIT ? CG_OK : rc;
}

/* ---- matching and dispatch ---- */

enum gem_kind { GEM_NONE, GEM_SPEC, GEM_LOCK };

static bool dir_is(const char *path, const char *base, size_t up, const char *name)
{
	const char *end = base, *p;
	size_t n = strlen(name);
	for (size_t k = 0; k <= up; k++) {
		if (end <= path)
			return false;
		end--; /* the "/" before the current component */
		p = end;
		while (p > path && p[-1] != '/')
			p--;
		if (k == up)
			return (size_t)(end - p) == n && memcmp(p, name, n) == 0;
		end = p;
	}
	return false;
}

static enum gem_kind classify(const char *path, size_t len)
{
	const char *base = cg_path_base(path, len);
	if (strcmp(base, "Gemfile.lock") == 0 || strcmp(base, "gems.locked") == 0)
		return GEM_LOCK;
	if (!cg_path_has_suffix(path, len, ".gemspec"))
		return GEM_NONE;
	if (dir_is(path, base, 0, "specifications") ||
	    (dir_is(path, base, 0, "default") && dir_is(path, base, 1, "specifications")))
		return GEM_SPEC;
	return GEM_NONE;
}

static bool gem_match(const char *path, size_t len)
{
	return classify(path, len) != GEM_NONE;
}

static cg_err_t gem_collect(const struct cg_pkg_file *files, size_t nfiles,
			    const struct cg_pkg_sink *sink, struct cg_error *err)
{
	if (!sink || !sink->add || (!files && nfiles))
		return cg_error_set(err, CG_ERR_ARG, "gem: no sink or no files");
	for (size_t i = 0; i < nfiles; i++) {
		struct gem g;
		cg_err_t rc = CG_OK;
		memset(&g, 0, sizeof(g));
		g.file = &files[i];
		g.sink = sink;
		switch (classify(files[i].path, strlen(files[i].path))) {
		case GEM_SPEC:
			rc = collect_gemspec(&g);
			break;
		case GEM_LOCK:
			rc = collect_lock(&g);
			break;
		case GEM_NONE:
			break;
		}
		if (g.sink_rc != CG_OK)
			return cg_error_set(err, g.sink_rc, "%s: the package sink failed",
					    files[i].path);
		if (rc != CG_OK)
			return cg_error_set(err, rc, "%s: %s", files[i].path, cg_strerror(rc));
	}
	return CG_OK;
}

const struct cg_pkg_collector cg_collector_gem = {
    .name = "gem",
    .match = gem_match,
    .max_size = GEM_MAX_SIZE,
    .collect = gem_collect,
};
