/* npm packages: what is installed (node_modules/<name>/package.json) and what
 * lock files declare (package-lock.json / npm-shrinkwrap.json v1, v2, v3;
 * yarn.lock v1 and berry; pnpm-lock.yaml v5.x, v6, v9).
 *
 * Installed packages are the package.json files directly in a package folder
 * under node_modules (node_modules/x/ or node_modules/@scope/x/), as npm
 * itself sees them: package.json files deeper inside a package (test fixtures,
 * "type" markers of dist/ folders) are not read. Lock files inside
 * node_modules (a dependency's own shrinkwrap, npm's hidden lock file) are not
 * read either: what they describe is installed and found as package.json.
 *
 * Lock-file packages carry CG_PKG_FROM_LOCK, and CG_PKG_DEV when the lock
 * file marks them development-only (package-lock "dev", pnpm "dev: true"; in
 * pnpm v9, which records no flag, a package reachable only from
 * devDependencies). package-lock v2/v3 also gives CG_PKG_INDIRECT. Entries
 * whose version is not recorded (package-lock v1 "file:" links, pnpm local
 * folders in v6/v9) are skipped, as are yarn berry workspace, link, portal
 * and patch entries (a patch repeats the package it patches).
 *
 * yarn.lock and pnpm-lock.yaml are read by a small line reader for the subset
 * of YAML that yarn and pnpm write (block mappings, plain and quoted keys and
 * scalars), not by a YAML library. Of a pnpm-lock.yaml with several YAML
 * documents, the last is read (pnpm can put an "env" document for its own
 * tools before the project's). */
#include "util/internal.h"
#include "pkg/pkgutil.h"

#define NPM_MAX_FILE	((size_t)32 << 20)
#define NPM_MAX_NAME	512
#define NPM_MAX_VERSION CG_VERSION_MAX_LEN
#define NPM_MAX_LICENSE 512
#define NPM_MAX_PKGS	500000	/* packages (or pnpm records) from one file */
#define NPM_MAX_EDGES	5000000 /* pnpm v9 dependency edges in one file */
#define NPM_JSON_DEPTH	256	/* v1 nests two JSON levels per dependency level */
#define NPM_MAX_LINE	65536
#define NPM_MAX_FOLDERS 256 /* package-lock v2/v3 folders whose deps tell direct ones */
#define Y_MAX_LEVEL	8   /* YAML nesting levels tracked */
#define Y_KEY_MAX	(NPM_MAX_NAME + NPM_MAX_VERSION + 512)

enum npm_kind { NPM_NONE, NPM_MANIFEST, NPM_LOCK, NPM_YARN, NPM_PNPM };

/* ---- helpers ----------------------------------------------------------- */

static bool seg_eq(const char *p, size_t n, const char *s)
{
	size_t sl = strlen(s);
	return n == sl && memcmp(p, s, n) == 0;
}

static bool has_prefix(const char *p, size_t n, const char *s)
{
	size_t sl = strlen(s);
	return n >= sl && memcmp(p, s, sl) == 0;
}

/* Index of c in p[from..n), or n. */
static size_t find_ch(const char *p, size_t n, size_t from, char c)
{
	const char *hit;
	if (from >= n)
		return n;
	hit = memchr(p + from, c, n - from);
	return hit ? (size_t)(hit - p) : n;
}

/* "name@range": the '@' that ends the name (a scope's leading '@' is part of
 * the name), or n when there is none. */
static size_t name_end(const char *p, size_t n)
{
	return n ? find_ch(p, n, 1, '@') : 0;
}

/* A printable copy of untrusted text for a message (at most 64 bytes). */
static const char *shown(char *buf, size_t cap, const char *p, size_t n)
{
	size_t i, o = 0;
	for (i = 0; i < n && o + 4 < cap && i < 64; i++) {
		unsigned char ch = (unsigned char)p[i];
		buf[o++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
	}
	if (i < n && o + 3 < cap) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

/* A version as the lock file records it for a registry package, not a
 * "file:", "link:", URL or path reference. */
static bool is_version(const char *s, size_t n)
{
	return n && !memchr(s, ':', n) && !memchr(s, '/', n);
}

/* Report one package; name is "name" or "@scope/name". Bad names and versions
 * are warned about and skipped; only the sink's error is returned. */
static cg_err_t npm_emit(struct cg_pkg_ctx *c, const char *name, size_t nlen, const char *ver,
			 size_t vlen, const char *license, unsigned flags)
{
	char ns[NPM_MAX_NAME + 1], nm[NPM_MAX_NAME + 1], vs[NPM_MAX_VERSION + 1], b1[80], b2[80];
	struct cg_pkg p;
	const char *slash;
	size_t rest;

	if (c->stop)
		return CG_OK;
	if (!cg_pkg_token_ok(name, nlen, NPM_MAX_NAME) ||
	    !cg_pkg_token_ok(ver, vlen, NPM_MAX_VERSION)) {
		cg_pkg_ctx_warn(c, "bad package name or version '%s' '%s'",
				shown(b1, sizeof(b1), name, nlen),
				shown(b2, sizeof(b2), ver, vlen));
		return CG_OK;
	}
	memset(&p, 0, sizeof(p));
	slash = memchr(name, '/', nlen);
	if (name[0] == '@') {
		if (!slash || slash == name + 1)
			goto bad_name;
		rest = nlen - (size_t)(slash - name) - 1;
		if (rest == 0 || memchr(slash + 1, '/', rest) || slash[1] == '@')
			goto bad_name;
		memcpy(ns, name, (size_t)(slash - name));
		ns[slash - name] = '\0';
		memcpy(nm, slash + 1, rest);
		nm[rest] = '\0';
		p.namespace_ = ns;
	} else {
		if (slash)
			goto bad_name;
		memcpy(nm, name, nlen);
		nm[nlen] = '\0';
	}
	memcpy(vs, ver, vlen);
	vs[vlen] = '\0';
	if (!cg_pkg_ctx_count(c, NPM_MAX_PKGS))
		return CG_OK;
	p.type = "npm";
	p.name = nm;
	p.version = vs;
	p.license = (license && *license) ? license : NULL;
	return cg_pkg_ctx_add(c, &p, flags);
bad_name:
	cg_pkg_ctx_warn(c, "bad package name '%s'", shown(b1, sizeof(b1), name, nlen));
	return CG_OK;
}

/* ---- JSON: package.json and package-lock.json ------------------------- */

static cg_err_t npm_parse_json(struct cg_pkg_ctx *c, cg_json **out)
{
	struct cg_json_limits lim = {NPM_MAX_FILE, NPM_JSON_DEPTH, true};
	return cg_pkg_ctx_json(c, &lim, true, out);
}

/* Append one license name (a string, or an object's "type") to buf. */
static void license_add(const cg_json *v, char *buf, size_t cap, size_t *len)
{
	const char *s = cg_json_string(v);
	size_t n, sep;
	if (!s)
		s = cg_json_get_str(v, "type");
	if (!s)
		return;
	n = strlen(s);
	sep = *len ? 4 : 0;
	if (n == 0 || s[0] == ' ' || *len + sep + n + 1 > cap)
		return;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return;
	if (sep)
		memcpy(buf + *len, " OR ", 4);
	memcpy(buf + *len + sep, s, n);
	*len += sep + n;
	buf[*len] = '\0';
}

/* The license of a package.json or lock entry: "license" as a string, or the
 * legacy forms (an object {"type": ...}, an array of those or of strings, or
 * "licenses"), several joined with " OR ". NULL when none. */
static const char *npm_license(const cg_json *pkg, char *buf, size_t cap)
{
	const cg_json *l = cg_json_get(pkg, "license");
	size_t len = 0;
	buf[0] = '\0';
	if (!l)
		l = cg_json_get(pkg, "licenses");
	if (cg_json_is_array(l)) {
		size_t n = cg_json_array_len(l);
		for (size_t i = 0; i < n && i < 64; i++)
			license_add(cg_json_array_at(l, i), buf, cap, &len);
	} else if (l) {
		license_add(l, buf, cap, &len);
	}
	return len ? buf : NULL;
}

static cg_err_t npm_manifest(struct cg_pkg_ctx *c)
{
	char lic[NPM_MAX_LICENSE + 1];
	cg_json *root = NULL;
	const cg_json *name, *ver;
	cg_err_t rc;

	rc = npm_parse_json(c, &root);
	if (rc || !root)
		goto done;
	name = cg_json_get(root, "name");
	ver = cg_json_get(root, "version");
	if (!cg_json_is_string(name) || !cg_json_is_string(ver))
		goto done; /* not a package (a "type" marker, a fixture) */
	rc = npm_emit(c, cg_json_string(name), cg_json_string_len(name), cg_json_string(ver),
		      cg_json_string_len(ver), npm_license(root, lic, sizeof(lic)), 0);
done:
	cg_json_free(root);
	return rc;
}

static bool json_true(const cg_json *obj, const char *key)
{
	bool b = false;
	return cg_json_get_bool(obj, key, &b) && b;
}

/* v1: "dependencies": { name: { version, dev, dependencies: {...} } }. */
static cg_err_t npm_lock_v1(struct cg_pkg_ctx *c, const cg_json *deps, unsigned depth)
{
	cg_err_t rc = CG_OK;

	if (depth > NPM_JSON_DEPTH) /* cannot happen under the JSON depth limit */
		return CG_OK;
	for (void *it = cg_json_iter(deps); it && !c->stop; it = cg_json_iter_next(deps, it)) {
		const char *name = cg_json_iter_key(it), *ver;
		const cg_json *e = cg_json_iter_value(it), *vj = cg_json_get(e, "version");
		size_t nlen = strlen(name), vlen;
		char b[80];

		if (!cg_json_is_object(e))
			continue;
		ver = cg_json_string(vj);
		vlen = cg_json_string_len(vj);
		if (!ver) {
			cg_pkg_ctx_warn(c, "dependency '%s' has no version",
					shown(b, sizeof(b), name, nlen));
		} else if (has_prefix(ver, vlen, "npm:")) {
			/* an alias: "npm:real-name@version" */
			size_t at = name_end(ver + 4, vlen - 4);
			if (at == vlen - 4) {
				cg_pkg_ctx_warn(c, "bad alias '%s'",
						shown(b, sizeof(b), ver, vlen));
			} else {
				rc = npm_emit(
				    c, ver + 4, at, ver + 4 + at + 1, vlen - 4 - at - 1, NULL,
				    CG_PKG_FROM_LOCK | (json_true(e, "dev") ? CG_PKG_DEV : 0));
			}
		} else if (!has_prefix(ver, vlen, "file:") && !has_prefix(ver, vlen, "link:")) {
			rc = npm_emit(c, name, nlen, ver, vlen, NULL,
				      CG_PKG_FROM_LOCK | (json_true(e, "dev") ? CG_PKG_DEV : 0));
		}
		if (rc)
			return rc;
		if (cg_json_is_object(cg_json_get(e, "dependencies"))) {
			rc = npm_lock_v1(c, cg_json_get(e, "dependencies"), depth + 1);
			if (rc)
				return rc;
		}
	}
	return CG_OK;
}

/* Is `name` a dependency of one of the folders (the root, workspaces)? */
static bool npm_is_direct(const cg_json *const *folders, size_t nfolders, const char *name)
{
	static const char *const kinds[] = {"dependencies", "devDependencies",
					    "optionalDependencies", "peerDependencies"};
	for (size_t i = 0; i < nfolders; i++)
		for (size_t k = 0; k < CG_ARRAY_LEN(kinds); k++)
			if (cg_json_get(cg_json_get(folders[i], kinds[k]), name))
				return true;
	return false;
}

/* v2/v3: "packages": { "": root, "node_modules/a": {...},
 * "node_modules/a/node_modules/b": {...}, "packages/ws": workspace folder,
 * "node_modules/ws": { "resolved": "packages/ws", "link": true } }. */
static cg_err_t npm_lock_v2(struct cg_pkg_ctx *c, const cg_json *pkgs)
{
	static const char nm_dir[] = "node_modules/";
	const size_t nm_len = sizeof(nm_dir) - 1;
	const cg_json *folders[NPM_MAX_FOLDERS];
	char lic[NPM_MAX_LICENSE + 1], b[80];
	size_t nfolders = 0;
	bool folders_known = true;
	cg_err_t rc = CG_OK;

	/* Folders (keys without node_modules/): their dependencies are direct. */
	for (void *it = cg_json_iter(pkgs); it; it = cg_json_iter_next(pkgs, it)) {
		const char *key = cg_json_iter_key(it);
		if (has_prefix(key, strlen(key), nm_dir) || strstr(key, "/node_modules/"))
			continue;
		if (nfolders == NPM_MAX_FOLDERS) {
			folders_known = false;
			break;
		}
		folders[nfolders++] = cg_json_iter_value(it);
	}

	for (void *it = cg_json_iter(pkgs); it && !c->stop; it = cg_json_iter_next(pkgs, it)) {
		const char *key = cg_json_iter_key(it), *last, *p, *name, *ver;
		const cg_json *e = cg_json_iter_value(it), *target = e, *vj, *nj;
		size_t klen = strlen(key), nlen, segs = 0;
		unsigned flags = CG_PKG_FROM_LOCK;

		/* the name after the last "node_modules/"; skip folders */
		last = NULL;
		for (p = key; (p = strstr(p, nm_dir)) != NULL; p += nm_len) {
			if (p == key || p[-1] == '/') {
				last = p + nm_len;
				segs++;
			}
		}
		if (!last || !cg_json_is_object(e))
			continue;
		if (json_true(e, "link")) {
			const char *res = cg_json_get_str(e, "resolved");
			target = res ? cg_json_get(pkgs, res) : NULL;
			if (!cg_json_is_object(target))
				continue; /* a link out of the project: nothing recorded */
		}
		nj = cg_json_get(target, "name");
		if (!cg_json_is_string(nj))
			nj = cg_json_get(e, "name");
		if (cg_json_is_string(nj)) {
			name = cg_json_string(nj);
			nlen = cg_json_string_len(nj);
		} else {
			name = last;
			nlen = klen - (size_t)(last - key);
		}
		vj = cg_json_get(target, "version");
		ver = cg_json_string(vj);
		if (!ver) {
			if (target == e)
				cg_pkg_ctx_warn(c, "'%s' has no version",
						shown(b, sizeof(b), key, klen));
			continue;
		}
		if (json_true(e, "dev") || (target != e && json_true(target, "dev")))
			flags |= CG_PKG_DEV;
		if (folders_known && (segs > 1 || !npm_is_direct(folders, nfolders, last)))
			flags |= CG_PKG_INDIRECT;
		rc = npm_emit(c, name, nlen, ver, cg_json_string_len(vj),
			      npm_license(target, lic, sizeof(lic)), flags);
		if (rc)
			break;
	}
	return rc;
}

static cg_err_t npm_lock(struct cg_pkg_ctx *c)
{
	cg_json *root = NULL;
	const cg_json *pkgs, *deps;
	cg_err_t rc;

	rc = npm_parse_json(c, &root);
	if (rc || !root)
		goto done;
	pkgs = cg_json_get(root, "packages");
	deps = cg_json_get(root, "dependencies");
	if (cg_json_is_object(pkgs))
		rc = npm_lock_v2(c, pkgs);
	else if (cg_json_is_object(deps))
		rc = npm_lock_v1(c, deps, 0);
	else if (pkgs || deps)
		cg_pkg_ctx_warn(c, "\"packages\" or \"dependencies\" is not an object");
done:
	cg_json_free(root);
	return rc;
}

/* ---- a line reader for the YAML that yarn and pnpm write --------------- */

struct yr {
	const char *p;
	size_t len, pos, lineno;
	unsigned stack[Y_MAX_LEVEL];
	size_t depth;
};

struct yline {
	size_t level;  /* 0 = top; Y_MAX_LEVEL = deeper than tracked */
	const char *s; /* after the indentation, trailing blanks removed */
	size_t n;
};

static void yr_init(struct yr *r, const struct cg_pkg_file *f)
{
	memset(r, 0, sizeof(*r));
	r->p = (const char *)f->data;
	r->len = f->data ? f->len : 0;
	r->pos = cg_pkg_bom_len(f->data, r->len);
}

/* The next line that is neither blank nor a comment; false at the end. A
 * line longer than NPM_MAX_LINE is warned about and comes back empty (n = 0)
 * at its level, so that what it opened is closed and what it holds ignored. */
static bool yr_next(struct yr *r, struct cg_pkg_ctx *c, struct yline *l)
{
	while (r->pos < r->len) {
		size_t start = r->pos, end = find_ch(r->p, r->len, start, '\n'), n, ind = 0;
		const char *s = r->p + start;
		bool too_long;

		r->pos = end < r->len ? end + 1 : r->len;
		r->lineno++;
		n = end - start;
		while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		while (ind < n && s[ind] == ' ')
			ind++;
		if (ind == n || s[ind] == '#')
			continue;
		too_long = n > NPM_MAX_LINE;
		if (too_long) {
			cg_pkg_ctx_warn(c, "line %zu is longer than %d bytes: skipped", r->lineno,
					NPM_MAX_LINE);
			ind = ind < NPM_MAX_LINE ? ind : NPM_MAX_LINE;
		}
		while (r->depth > 0 && ind <= r->stack[r->depth - 1])
			r->depth--;
		l->level = r->depth;
		if (r->depth < Y_MAX_LEVEL)
			r->stack[r->depth++] = (unsigned)ind;
		l->s = s + ind;
		l->n = too_long ? 0 : n - ind;
		return true;
	}
	return false;
}

/* Unquote the quoted scalar at s[0..n) into out (NUL-terminated); *used is
 * what it took, quotes included. False when malformed or over cap. */
static bool y_unquote(const char *s, size_t n, char *out, size_t cap, size_t *olen, size_t *used)
{
	char q = s[0];
	size_t i = 1, o = 0;

	while (i < n) {
		char ch = s[i];
		if (ch == q) {
			if (q == '\'' && i + 1 < n && s[i + 1] == '\'') {
				i += 2;
			} else {
				*used = i + 1;
				*olen = o;
				out[o] = '\0';
				return true;
			}
		} else if (ch == '\\' && q == '"') {
			if (i + 1 >= n)
				return false;
			ch = s[i + 1];
			switch (ch) {
			case '"':
			case '\\':
			case '/':
				break;
			case 't':
				ch = '\t';
				break;
			case 'n':
				ch = '\n';
				break;
			case 'r':
				ch = '\r';
				break;
			default:
				return false;
			}
			i += 2;
		} else {
			i++;
		}
		if (o + 1 >= cap)
			return false;
		out[o++] = ch;
	}
	return false;
}

/* Split a mapping line "key: value", "key:" (YAML) or "key value" (yarn v1)
 * into the unquoted key (into kbuf) and the raw value. False: no key. */
static bool y_split(const char *s, size_t n, char *kbuf, size_t kcap, size_t *klen, const char **v,
		    size_t *vn)
{
	size_t i;

	if (n && (s[0] == '"' || s[0] == '\'')) {
		if (!y_unquote(s, n, kbuf, kcap, klen, &i))
			return false;
	} else {
		for (i = 0; i < n; i++)
			if (s[i] == ' ' || (s[i] == ':' && (i + 1 == n || s[i + 1] == ' ')))
				break;
		if (i == 0 || i >= kcap)
			return false;
		memcpy(kbuf, s, i);
		kbuf[i] = '\0';
		*klen = i;
	}
	if (i < n && s[i] == ':')
		i++;
	else if (i < n && s[i] != ' ')
		return false;
	while (i < n && s[i] == ' ')
		i++;
	*v = s + i;
	*vn = n - i;
	return true;
}

/* A scalar value: quoted (unquoted into out) or plain (copied). */
static bool y_value(const char *v, size_t vn, char *out, size_t cap, size_t *olen)
{
	size_t used;
	if (vn && (v[0] == '"' || v[0] == '\''))
		return y_unquote(v, vn, out, cap, olen, &used);
	if (vn == 0 || vn >= cap || v[0] == '{' || v[0] == '[')
		return false;
	memcpy(out, v, vn);
	out[vn] = '\0';
	*olen = vn;
	return true;
}

/* ---- yarn.lock ---------------------------------------------------------- */

struct yarn_entry {
	bool active, has_version, has_res;
	size_t lineno, dlen, vlen, rlen;
	char desc[Y_KEY_MAX]; /* the first descriptor, "name@range" */
	char version[NPM_MAX_VERSION + 1];
	char res[Y_KEY_MAX]; /* berry: "name@protocol:reference" */
};

static cg_err_t yarn_flush(struct cg_pkg_ctx *c, struct yarn_entry *e, bool berry)
{
	static const char *const skipped[] = {"workspace:", "patch:", "link:", "portal:"};
	const char *s = e->desc, *name;
	size_t n = e->dlen, at, nlen;
	char b[80];

	if (!e->active)
		return CG_OK;
	e->active = false;
	if (berry && e->has_res) {
		s = e->res;
		n = e->rlen;
	}
	at = name_end(s, n);
	if (at == n) {
		cg_pkg_ctx_warn(c, "line %zu: no name@range in '%s'", e->lineno,
				shown(b, sizeof(b), s, n));
		return CG_OK;
	}
	name = s;
	nlen = at;
	if (berry && e->has_res) {
		for (size_t i = 0; i < CG_ARRAY_LEN(skipped); i++)
			if (has_prefix(s + at + 1, n - at - 1, skipped[i]))
				return CG_OK;
	} else if (has_prefix(s + at + 1, n - at - 1, "npm:")) {
		/* an alias "alias@npm:real@range": the package is real */
		const char *r = s + at + 5;
		size_t rn = n - at - 5, at2 = name_end(r, rn);
		if (at2 < rn) {
			name = r;
			nlen = at2;
		}
	}
	if (!e->has_version) {
		cg_pkg_ctx_warn(c, "line %zu: '%s' has no version", e->lineno,
				shown(b, sizeof(b), s, n));
		return CG_OK;
	}
	if (berry && seg_eq(e->version, e->vlen, "0.0.0-use.local"))
		return CG_OK;
	return npm_emit(c, name, nlen, e->version, e->vlen, NULL, CG_PKG_FROM_LOCK);
}

/* The first descriptor of an entry line: `a@1, a@2:`, `"a@1", "a@2":` (v1)
 * or `"a@npm:1, a@npm:2":` (berry). */
static bool yarn_first_desc(const char *s, size_t n, struct yarn_entry *e)
{
	size_t used, i;

	if (!n || s[n - 1] != ':')
		return false;
	n--;
	if (s[0] == '"' || s[0] == '\'') {
		if (!y_unquote(s, n, e->desc, sizeof(e->desc), &e->dlen, &used))
			return false;
	} else {
		if (n >= sizeof(e->desc))
			return false;
		memcpy(e->desc, s, n);
		e->dlen = n;
	}
	for (i = 0; i + 1 < e->dlen; i++)
		if (e->desc[i] == ',' && e->desc[i + 1] == ' ')
			break;
	if (i + 1 < e->dlen)
		e->dlen = i;
	e->desc[e->dlen] = '\0';
	return e->dlen > 0;
}

static cg_err_t npm_yarn(struct cg_pkg_ctx *c)
{
	struct yarn_entry *e = NULL;
	char key[32], b[80];
	struct yline l;
	struct yr r;
	bool berry = false;
	cg_err_t rc = CG_OK;

	e = calloc(1, sizeof(*e));
	if (!e)
		return CG_ERR_NOMEM;
	yr_init(&r, c->f);
	while (!c->stop && yr_next(&r, c, &l)) {
		const char *v;
		size_t klen, vn;

		if (l.level == 0) {
			rc = yarn_flush(c, e, berry);
			if (rc)
				goto done;
			if (has_prefix(l.s, l.n, "__metadata:")) {
				berry = true;
				continue;
			}
			e->has_version = e->has_res = false;
			e->lineno = r.lineno;
			e->active = yarn_first_desc(l.s, l.n, e);
			if (!e->active)
				cg_pkg_ctx_warn(c, "line %zu: bad entry '%s'", r.lineno,
						shown(b, sizeof(b), l.s, l.n));
			continue;
		}
		if (l.level != 1 || !e->active ||
		    !y_split(l.s, l.n, key, sizeof(key), &klen, &v, &vn))
			continue;
		if (seg_eq(key, klen, "version")) {
			e->has_version = y_value(v, vn, e->version, sizeof(e->version), &e->vlen);
			if (!e->has_version)
				cg_pkg_ctx_warn(c, "line %zu: bad version", r.lineno);
		} else if (seg_eq(key, klen, "resolution")) {
			e->has_res = y_value(v, vn, e->res, sizeof(e->res), &e->rlen);
		}
	}
	rc = yarn_flush(c, e, berry);
done:
	free(e);
	return rc;
}

/* ---- pnpm-lock.yaml ----------------------------------------------------- */

#define NONE SIZE_MAX

struct pnpm_pkg {
	size_t key, name, ver; /* arena offsets; NONE when absent */
	size_t nlen, vlen;     /* resolved name and version (offsets in name/ver) */
	bool dev, prod;	       /* "dev: true" / v9 reachability */
};

struct pnpm_node {
	size_t key;	      /* snapshot key, peers included */
	size_t first, nedges; /* its edges after sorting */
	unsigned char mark;   /* 1: reached from prod roots, 2: from dev roots */
};

struct pnpm_edge {
	size_t from;   /* node index, or NONE for an importer (a root) */
	size_t target; /* arena offset of the target snapshot key */
	bool dev;      /* roots only: a devDependency */
};

struct pnpm {
	struct cg_pkg_ctx *c;
	struct cg_buf arena;
	struct pnpm_pkg *pkgs;
	struct pnpm_node *nodes;
	struct pnpm_edge *edges;
	size_t npkgs, cpkgs, nnodes, cnodes, nedges, cedges;
	int major;
	bool in_record; /* fields (level 2) belong to the last level-1 record */
};

static cg_err_t grow(void **arr, size_t *cap, size_t n, size_t elem, size_t max)
{
	size_t ncap, bytes;
	void *p;
	if (n < *cap)
		return CG_OK;
	if (n >= max)
		return CG_ERR_LIMIT;
	ncap = *cap ? *cap * 2 : 64;
	if (ncap > max)
		ncap = max;
	if (!cg_size_mul(ncap, elem, &bytes))
		return CG_ERR_LIMIT;
	p = realloc(*arr, bytes);
	if (!p)
		return CG_ERR_NOMEM;
	*arr = p;
	*cap = ncap;
	return CG_OK;
}

static cg_err_t arena_put(struct cg_buf *a, const char *s, size_t n, size_t *off)
{
	cg_err_t rc;
	*off = a->len;
	rc = cg_buf_append(a, s, n);
	if (rc == CG_OK)
		rc = cg_buf_putc(a, '\0');
	return rc;
}

static const char *at_off(const struct pnpm *pn, size_t off)
{
	return pn->arena.data + off;
}

/* The key of the snapshot a dependency "name: value" points to. */
static cg_err_t pnpm_target(struct pnpm *pn, const char *name, size_t nlen, const char *v,
			    size_t vn, size_t *off)
{
	size_t colon = find_ch(v, vn, 0, ':'), at = name_end(v, vn);
	cg_err_t rc;

	*off = NONE;
	if (!vn || has_prefix(v, vn, "link:"))
		return CG_OK;
	if ((v[0] >= '0' && v[0] <= '9') || colon < at || at == vn) {
		rc = arena_put(&pn->arena, name, nlen, off);
		if (!rc) {
			pn->arena.len--; /* drop the NUL: append "@value" */
			rc = cg_buf_putc(&pn->arena, '@');
		}
		if (!rc)
			rc = cg_buf_append(&pn->arena, v, vn);
		if (!rc)
			rc = cg_buf_putc(&pn->arena, '\0');
		return rc;
	}
	return arena_put(&pn->arena, v, vn, off); /* an alias: "real@version" */
}

static cg_err_t pnpm_add_edge(struct pnpm *pn, size_t from, const char *name, size_t nlen,
			      const char *v, size_t vn, bool dev)
{
	size_t off;
	cg_err_t rc;
	if (pn->major < 9)
		return CG_OK; /* only v9 needs the graph */
	rc = pnpm_target(pn, name, nlen, v, vn, &off);
	if (rc || off == NONE)
		return rc;
	rc = grow((void **)&pn->edges, &pn->cedges, pn->nedges, sizeof(*pn->edges), NPM_MAX_EDGES);
	if (rc)
		return rc;
	pn->edges[pn->nedges].from = from;
	pn->edges[pn->nedges].target = off;
	pn->edges[pn->nedges].dev = dev;
	pn->nedges++;
	return CG_OK;
}

/* Name and version of a package record, from its fields or its key. */
static bool pnpm_name_version(struct pnpm *pn, struct pnpm_pkg *pk, const char **name,
			      const char **ver)
{
	const char *k = at_off(pn, pk->key);
	size_t kn = strlen(k), sep, vend;

	if (pk->name != NONE && pk->ver != NONE) {
		*name = at_off(pn, pk->name);
		*ver = at_off(pn, pk->ver);
		pk->nlen = strlen(*name);
		pk->vlen = strlen(*ver);
		return is_version(*ver, pk->vlen);
	}
	if (pn->major < 9) {
		if (kn < 2 || k[0] != '/')
			return false; /* not a registry package, no fields */
		k++;
		kn--;
	}
	if (pn->major < 6) {
		/* "/name/version_peers" or "/@scope/name/version_peers" */
		sep = find_ch(k, kn, k[0] == '@' ? find_ch(k, kn, 0, '/') + 1 : 0, '/');
		vend = find_ch(k, kn, sep + 1, '_');
	} else {
		/* "/name@version(peers)" (v6), "name@version" (v9) */
		sep = name_end(k, kn);
		vend = find_ch(k, kn, sep + 1, '(');
	}
	if (sep >= kn)
		return false;
	*name = pk->name != NONE ? at_off(pn, pk->name) : k;
	pk->nlen = pk->name != NONE ? strlen(*name) : sep;
	*ver = k + sep + 1;
	pk->vlen = vend - sep - 1;
	if (pk->ver != NONE) {
		*ver = at_off(pn, pk->ver);
		pk->vlen = strlen(*ver);
	}
	return is_version(*ver, pk->vlen);
}

/* Binary search of a sorted index (of arena offsets) for key[0..n). */
static size_t lookup(const struct pnpm *pn, const size_t *idx, const size_t *offs, size_t count,
		     const char *key, size_t n)
{
	size_t lo = 0, hi = count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *s = at_off(pn, offs[idx[mid]]);
		int d = strncmp(s, key, n);
		if (d == 0)
			d = s[n] ? 1 : 0;
		if (d == 0)
			return idx[mid];
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NONE;
}

struct sort_ctx {
	const struct pnpm *pn;
	const size_t *offs;
};

static int cmp_idx(const void *a, const void *b, void *ud)
{
	const struct sort_ctx *s = ud;
	return strcmp(at_off(s->pn, s->offs[*(const size_t *)a]),
		      at_off(s->pn, s->offs[*(const size_t *)b]));
}

static int cmp_edge(const void *a, const void *b)
{
	const struct pnpm_edge *x = a, *y = b;
	return x->from < y->from ? -1 : x->from > y->from;
}

/* An index of n records sorted by the strings at arena offsets offs[]. */
static cg_err_t sorted_index(const struct pnpm *pn, const size_t *offs, size_t n, size_t **out)
{
	size_t *idx = NULL, bytes;
	*out = NULL;
	if (!cg_size_mul(n ? n : 1, sizeof(*idx), &bytes))
		return CG_ERR_LIMIT;
	idx = malloc(bytes);
	if (!idx)
		return CG_ERR_NOMEM;
	struct sort_ctx sc = {pn, offs};
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, n, sizeof(*idx), cmp_idx, &sc);
	*out = idx;
	return CG_OK;
}

/* v9 records no "dev": mark what the importers' dependencies reach. */
static cg_err_t pnpm_reach(struct pnpm *pn)
{
	size_t *nkeys = NULL, *nidx = NULL, *pkeys = NULL, *pidx = NULL, *queue = NULL, bytes;
	size_t nroots = 0;
	cg_err_t rc = CG_OK;

	if (!cg_size_mul(pn->nnodes + 1, sizeof(size_t), &bytes))
		CG_FAIL(rc, CG_ERR_LIMIT);
	nkeys = malloc(bytes);
	queue = malloc(bytes);
	if (!cg_size_mul(pn->npkgs + 1, sizeof(size_t), &bytes))
		CG_FAIL(rc, CG_ERR_LIMIT);
	pkeys = malloc(bytes);
	if (!nkeys || !queue || !pkeys)
		CG_FAIL(rc, CG_ERR_NOMEM);
	for (size_t i = 0; i < pn->nnodes; i++)
		nkeys[i] = pn->nodes[i].key;
	for (size_t i = 0; i < pn->npkgs; i++)
		pkeys[i] = pn->pkgs[i].key;
	rc = sorted_index(pn, nkeys, pn->nnodes, &nidx);
	if (!rc)
		rc = sorted_index(pn, pkeys, pn->npkgs, &pidx);
	if (rc)
		goto done;

	/* edges grouped by source: roots (NONE) sort last */
	if (pn->nedges)
		qsort(pn->edges, pn->nedges, sizeof(*pn->edges), cmp_edge);
	for (size_t i = 0; i < pn->nnodes; i++)
		pn->nodes[i].nedges = 0;
	for (size_t i = 0; i < pn->nedges; i++) {
		struct pnpm_edge *e = &pn->edges[i];
		if (e->from == NONE) {
			nroots++;
			continue;
		}
		if (pn->nodes[e->from].nedges++ == 0)
			pn->nodes[e->from].first = i;
	}

	/* breadth-first from the prod roots (mark 1), then from the dev roots (2) */
	for (unsigned char mark = 1; mark <= 2; mark++) {
		size_t head = 0, tail = 0;
		for (size_t i = pn->nedges - nroots; i < pn->nedges; i++) {
			const char *t = at_off(pn, pn->edges[i].target);
			size_t n;
			if (pn->edges[i].dev != (mark == 2))
				continue;
			n = lookup(pn, nidx, nkeys, pn->nnodes, t, strlen(t));
			if (n != NONE && !(pn->nodes[n].mark & mark)) {
				pn->nodes[n].mark |= mark;
				queue[tail++] = n;
			}
		}
		while (head < tail) {
			struct pnpm_node *nd = &pn->nodes[queue[head++]];
			for (size_t i = nd->first; i < nd->first + nd->nedges; i++) {
				const char *t = at_off(pn, pn->edges[i].target);
				size_t n = lookup(pn, nidx, nkeys, pn->nnodes, t, strlen(t));
				if (n != NONE && !(pn->nodes[n].mark & mark)) {
					pn->nodes[n].mark |= mark;
					queue[tail++] = n;
				}
			}
		}
	}

	/* a package is what its snapshots (the key less "(peers)") are */
	for (size_t i = 0; i < pn->nnodes; i++) {
		const char *k = at_off(pn, pn->nodes[i].key);
		size_t kn = strlen(k), p = find_ch(k, kn, name_end(k, kn), '(');
		size_t pk = lookup(pn, pidx, pkeys, pn->npkgs, k, p);
		if (pk == NONE)
			continue;
		pn->pkgs[pk].prod |= (pn->nodes[i].mark & 1) != 0;
		pn->pkgs[pk].dev |= (pn->nodes[i].mark & 2) != 0;
	}
	for (size_t i = 0; i < pn->npkgs; i++)
		pn->pkgs[i].dev = pn->pkgs[i].dev && !pn->pkgs[i].prod;
done:
	free(nkeys);
	free(nidx);
	free(pkeys);
	free(pidx);
	free(queue);
	return rc;
}

static int cmp_pkg_nv(const void *a, const void *b, void *ud)
{
	const struct pnpm *pn = ud;
	const struct pnpm_pkg *x = *(const struct pnpm_pkg *const *)a;
	const struct pnpm_pkg *y = *(const struct pnpm_pkg *const *)b;
	size_t n = x->nlen < y->nlen ? x->nlen : y->nlen;
	int d = memcmp(at_off(pn, x->name), at_off(pn, y->name), n);
	if (d || x->nlen != y->nlen)
		return d ? d : (x->nlen < y->nlen ? -1 : 1);
	n = x->vlen < y->vlen ? x->vlen : y->vlen;
	d = memcmp(at_off(pn, x->ver), at_off(pn, y->ver), n);
	if (d || x->vlen != y->vlen)
		return d ? d : (x->vlen < y->vlen ? -1 : 1);
	return 0;
}

/* Resolve names and versions, merge peer variants of one name@version
 * (dev only when every variant is), report in name order. */
static cg_err_t pnpm_emit_all(struct pnpm *pn)
{
	struct pnpm_pkg **v = NULL;
	size_t nv = 0, bytes;
	cg_err_t rc = CG_OK;

	if (!cg_size_mul(pn->npkgs + 1, sizeof(*v), &bytes))
		return CG_ERR_NOMEM; /* cannot happen: npkgs <= NPM_MAX_PKGS */
	v = malloc(bytes);
	if (!v)
		return CG_ERR_NOMEM;
	for (size_t i = 0; i < pn->npkgs; i++) {
		struct pnpm_pkg *pk = &pn->pkgs[i];
		const char *name, *ver;
		if (!pnpm_name_version(pn, pk, &name, &ver))
			continue;
		/* store the resolved strings as offsets for sorting */
		pk->name = (size_t)(name - pn->arena.data);
		pk->ver = (size_t)(ver - pn->arena.data);
		v[nv++] = pk;
	}
	qsort_r(v, nv, sizeof(*v), cmp_pkg_nv, pn);
	for (size_t i = 0; i < nv && !rc && !pn->c->stop; i++) {
		bool dev = v[i]->dev;
		while (i + 1 < nv && cmp_pkg_nv(&v[i], &v[i + 1], pn) == 0) {
			i++;
			dev = dev && v[i]->dev;
		}
		rc = npm_emit(pn->c, at_off(pn, v[i]->name), v[i]->nlen, at_off(pn, v[i]->ver),
			      v[i]->vlen, NULL, CG_PKG_FROM_LOCK | (dev ? CG_PKG_DEV : 0));
	}
	free(v);
	return rc;
}

enum pnpm_section { PN_OTHER, PN_PACKAGES, PN_SNAPSHOTS, PN_IMPORTERS, PN_DEPS, PN_DEVDEPS };

static enum pnpm_section pnpm_section_of(const char *k, size_t n)
{
	if (seg_eq(k, n, "packages"))
		return PN_PACKAGES;
	if (seg_eq(k, n, "snapshots"))
		return PN_SNAPSHOTS;
	if (seg_eq(k, n, "importers"))
		return PN_IMPORTERS;
	if (seg_eq(k, n, "dependencies") || seg_eq(k, n, "optionalDependencies"))
		return PN_DEPS;
	if (seg_eq(k, n, "devDependencies"))
		return PN_DEVDEPS;
	return PN_OTHER;
}

/* One line of the lock file, by section and level. */
static cg_err_t pnpm_line(struct pnpm *pn, const struct yline *l, enum pnpm_section *sec,
			  enum pnpm_section *sub, char *dep, size_t *deplen)
{
	char key[Y_KEY_MAX], val[Y_KEY_MAX];
	const char *v;
	size_t klen, vn, vlen, off;
	cg_err_t rc = CG_OK;

	if (l->level == 1)
		pn->in_record = false;
	if (!y_split(l->s, l->n, key, sizeof(key), &klen, &v, &vn)) {
		*deplen = 0;
		if (l->level == 0)
			*sec = *sub = PN_OTHER;
		else if (l->level == 2)
			*sub = PN_OTHER;
		return CG_OK;
	}
	if (l->level == 0) {
		*sec = pnpm_section_of(key, klen);
		if (seg_eq(key, klen, "lockfileVersion") &&
		    y_value(v, vn, val, sizeof(val), &vlen)) {
			uint64_t major = 0;
			size_t dot = find_ch(val, vlen, 0, '.');
			if (cg_view_to_u64(cg_view_make(val, dot), &major) && major < 1000)
				pn->major = (int)major;
		}
		*sub = PN_OTHER;
		return CG_OK;
	}
	switch (*sec) {
	case PN_PACKAGES:
		if (l->level == 1) {
			rc = grow((void **)&pn->pkgs, &pn->cpkgs, pn->npkgs, sizeof(*pn->pkgs),
				  NPM_MAX_PKGS);
			if (!rc)
				rc = arena_put(&pn->arena, key, klen, &off);
			if (rc)
				return rc;
			memset(&pn->pkgs[pn->npkgs], 0, sizeof(*pn->pkgs));
			pn->pkgs[pn->npkgs].key = off;
			pn->pkgs[pn->npkgs].name = pn->pkgs[pn->npkgs].ver = NONE;
			pn->npkgs++;
			pn->in_record = true;
		} else if (l->level == 2 && pn->in_record) {
			struct pnpm_pkg *pk = &pn->pkgs[pn->npkgs - 1];
			if (!y_value(v, vn, val, sizeof(val), &vlen))
				return CG_OK;
			if (seg_eq(key, klen, "name"))
				rc = arena_put(&pn->arena, val, vlen, &pk->name);
			else if (seg_eq(key, klen, "version"))
				rc = arena_put(&pn->arena, val, vlen, &pk->ver);
			else if (seg_eq(key, klen, "dev"))
				pk->dev = seg_eq(val, vlen, "true");
		}
		break;
	case PN_SNAPSHOTS:
		if (pn->major < 9)
			break;
		if (l->level == 1) {
			rc = grow((void **)&pn->nodes, &pn->cnodes, pn->nnodes, sizeof(*pn->nodes),
				  NPM_MAX_PKGS);
			if (!rc)
				rc = arena_put(&pn->arena, key, klen, &off);
			if (rc)
				return rc;
			memset(&pn->nodes[pn->nnodes], 0, sizeof(*pn->nodes));
			pn->nodes[pn->nnodes++].key = off;
			pn->in_record = true;
		} else if (l->level == 2) {
			*sub = pnpm_section_of(key, klen);
		} else if (l->level == 3 && *sub == PN_DEPS && pn->in_record &&
			   y_value(v, vn, val, sizeof(val), &vlen)) {
			rc = pnpm_add_edge(pn, pn->nnodes - 1, key, klen, val, vlen, false);
		}
		break;
	case PN_IMPORTERS: /* importers: path: dependencies: name: (version: v | v) */
		if (l->level == 2) {
			*sub = pnpm_section_of(key, klen);
		} else if (l->level == 3 && (*sub == PN_DEPS || *sub == PN_DEVDEPS)) {
			*deplen = klen < NPM_MAX_NAME ? klen : 0;
			memcpy(dep, key, *deplen);
			if (y_value(v, vn, val, sizeof(val), &vlen))
				rc = pnpm_add_edge(pn, NONE, key, klen, val, vlen,
						   *sub == PN_DEVDEPS);
		} else if (l->level == 4 && (*sub == PN_DEPS || *sub == PN_DEVDEPS) && *deplen &&
			   seg_eq(key, klen, "version") &&
			   y_value(v, vn, val, sizeof(val), &vlen)) {
			rc = pnpm_add_edge(pn, NONE, dep, *deplen, val, vlen, *sub == PN_DEVDEPS);
		}
		break;
	case PN_DEPS:
	case PN_DEVDEPS: /* one project: dependencies: name: (version: v | v) */
		if (l->level == 1) {
			*deplen = klen < NPM_MAX_NAME ? klen : 0;
			memcpy(dep, key, *deplen);
			if (y_value(v, vn, val, sizeof(val), &vlen))
				rc = pnpm_add_edge(pn, NONE, key, klen, val, vlen,
						   *sec == PN_DEVDEPS);
		} else if (l->level == 2 && *deplen && seg_eq(key, klen, "version") &&
			   y_value(v, vn, val, sizeof(val), &vlen)) {
			rc = pnpm_add_edge(pn, NONE, dep, *deplen, val, vlen, *sec == PN_DEVDEPS);
		}
		break;
	case PN_OTHER:
		break;
	}
	return rc;
}

static cg_err_t npm_pnpm(struct cg_pkg_ctx *c)
{
	struct pnpm pn;
	enum pnpm_section sec = PN_OTHER, sub = PN_OTHER;
	char dep[NPM_MAX_NAME];
	size_t deplen = 0, cap;
	struct yline l;
	struct yr r;
	cg_err_t rc = CG_OK;

	memset(&pn, 0, sizeof(pn));
	pn.c = c;
	if (!cg_size_mul(c->f->len, 3, &cap) || !cg_size_add(cap, 65536, &cap))
		cap = SIZE_MAX;
	cg_buf_init(&pn.arena, cap);
	yr_init(&r, c->f);
	while (yr_next(&r, c, &l)) {
		if (l.level == 0 && seg_eq(l.s, l.n, "---")) {
			/* a new document: the last one is the project's lock file
			 * (pnpm may write an "env" document for its own tools first) */
			pn.npkgs = pn.nnodes = pn.nedges = 0;
			pn.major = 0;
			pn.in_record = false;
			cg_buf_reset(&pn.arena);
			sec = sub = PN_OTHER;
			deplen = 0;
			continue;
		}
		rc = pnpm_line(&pn, &l, &sec, &sub, dep, &deplen);
		if (rc == CG_ERR_LIMIT) {
			cg_pkg_ctx_warn(
			    c, "line %zu: too many packages or dependencies: the rest is not read",
			    r.lineno);
			rc = CG_OK;
			break;
		}
		if (rc)
			goto done;
	}
	if (pn.major == 0) {
		if (pn.npkgs)
			cg_pkg_ctx_warn(c, "no lockfileVersion: not read");
		goto done;
	}
	if (pn.major >= 9 && pn.nnodes) {
		rc = pnpm_reach(&pn);
		if (rc == CG_ERR_LIMIT) {
			cg_pkg_ctx_warn(c, "too large to tell development dependencies");
			rc = CG_OK;
		}
		if (rc)
			goto done;
	}
	rc = pnpm_emit_all(&pn);
done:
	free(pn.pkgs);
	free(pn.nodes);
	free(pn.edges);
	cg_buf_release(&pn.arena);
	return rc; /* only the sink's error or CG_ERR_NOMEM: limits are warned about above */
}

/* ---- the collector ------------------------------------------------------ */

/* A package folder's manifest: .../node_modules/<name>/package.json or
 * .../node_modules/@scope/<name>/package.json. */
static bool npm_is_manifest(const char *path, size_t len)
{
	const char *end, *d1, *d2;
	size_t n1;

	if (len < 14)
		return false;
	end = path + len - 13; /* the '/' before "package.json" */
	if (*end != '/')
		return false;
	d1 = end;
	while (d1 > path && d1[-1] != '/')
		d1--;
	n1 = (size_t)(end - d1);
	if (n1 == 0 || d1 == path)
		return false;
	d2 = d1 - 1; /* the '/' before d1 */
	while (d2 > path && d2[-1] != '/')
		d2--;
	if (seg_eq(d2, (size_t)(d1 - 1 - d2), "node_modules"))
		return d1[0] != '@' && d1[0] != '.';
	if (d2[0] != '@' || d2 == path)
		return false;
	end = d2 - 1;
	d1 = end;
	while (d1 > path && d1[-1] != '/')
		d1--;
	return seg_eq(d1, (size_t)(end - d1), "node_modules");
}

static enum npm_kind npm_kind_of(const char *path, size_t len)
{
	const char *base = cg_path_base(path, len);
	size_t blen = (size_t)(path + len - base);
	bool in_nm = memmem(path, len, "/node_modules/", 14) != NULL;

	if (seg_eq(base, blen, "package.json"))
		return npm_is_manifest(path, len) ? NPM_MANIFEST : NPM_NONE;
	if (in_nm)
		return NPM_NONE;
	if (seg_eq(base, blen, "package-lock.json") || seg_eq(base, blen, "npm-shrinkwrap.json"))
		return NPM_LOCK;
	if (seg_eq(base, blen, "yarn.lock"))
		return NPM_YARN;
	if (seg_eq(base, blen, "pnpm-lock.yaml"))
		return NPM_PNPM;
	return NPM_NONE;
}

static bool npm_match(const char *path, size_t len)
{
	return npm_kind_of(path, len) != NPM_NONE;
}

static cg_err_t npm_file(struct cg_pkg_ctx *c, const char *path, size_t plen)
{
	switch (npm_kind_of(path, plen)) {
	case NPM_MANIFEST:
		return npm_manifest(c);
	case NPM_LOCK:
		return npm_lock(c);
	case NPM_YARN:
		return npm_yarn(c);
	case NPM_PNPM:
		return npm_pnpm(c);
	case NPM_NONE:
		break;
	}
	return CG_OK;
}

static cg_err_t npm_collect(const struct cg_pkg_file *files, size_t nfiles,
			    const struct cg_pkg_sink *sink, struct cg_error *err)
{
	return cg_pkg_each_file("npm", files, nfiles, sink, err, npm_file);
}

const struct cg_pkg_collector cg_collector_npm = {
    .name = "npm",
    .match = npm_match,
    .max_size = NPM_MAX_FILE,
    .collect = npm_collect,
};
