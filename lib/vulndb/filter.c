/* What a scan leaves out: --severity, --ignore-unfixed, ignore files and
 * OpenVEX documents (the formats and the matching rules are in
 * include/cguard/vulndb.h). Both files are untrusted input: sizes, counts and
 * string lengths are capped, and anything the formats do not allow is refused
 * with the line or the statement that holds it, never guessed: an ignore rule
 * read wrongly hides a real vulnerability. */
#include "util/internal.h"
#include "util/arena.h"
#include "util/yaml.h"
#include "vulndb/findings.h"
#include <ctype.h>
#include <fcntl.h>
#include <strings.h>
#include <time.h>

#define FILTER_FILE_MAX ((size_t)16 << 20)
#define IGNORE_MAX_RULES 100000
#define VEX_MAX_STATEMENTS 100000
#define VEX_MAX_PRODUCTS 10000 /* per statement, subcomponents included */
#define ID_MAX 256
#define NAME_MAX_ 1024
#define TEXT_MAX 4096

/* ---- shared ----------------------------------------------------------------- */

static bool valid_date(const char *s)
{
	int m, d;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* An advisory id: letters, digits and ._:- (CVE-2024-1, GHSA-xxxx-..., ALSA-2024:1). */
static bool valid_id(const char *s, size_t n)
{
	if (n == 0 || n > ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("._:-", s[i])))
			return false;
	return true;
}

static bool finding_has_id(const struct cg_finding *x, const char *id)
{
	if (!strcasecmp(x->id, id))
		return true;
	for (size_t i = 0; i < x->naliases; i++)
		if (!strcasecmp(x->aliases[i], id))
			return true;
	return false;
}

/* A bounded string field of a JSON/YAML object: NULL when absent; *bad when
 * present but not a string, too long or holding a NUL. */
static const char *get_text(const cg_json *o, const char *key, size_t max, bool *bad)
{
	cg_json *v = cg_json_get(o, key);
	const char *s;
	if (!v || cg_json_type_of(v) == CG_JSON_NULL)
		return NULL;
	s = cg_json_string(v);
	if (!s || cg_json_string_len(v) > max || strlen(s) != cg_json_string_len(v)) {
		*bad = true;
		return NULL;
	}
	return s;
}

/* JSON when the first non-blank byte is '{' or '[', else YAML; the first
 * document. */
struct first_doc {
	cg_json *root;
};

static cg_err_t take_first(void *ud, const cg_json *root, struct cg_error *err)
{
	struct first_doc *d = ud;
	(void)err;
	if (!d->root)
		d->root = cg_json_ref((cg_json *)root);
	return CG_OK;
}

static cg_err_t parse_tree(const char *data, size_t len, cg_json **out, struct cg_error *err)
{
	struct cg_json_limits lim = { FILTER_FILE_MAX, 0, false };
	struct first_doc d = { NULL };
	size_t i = 0;
	cg_err_t rc;

	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i < len && (data[i] == '{' || data[i] == '['))
		return cg_json_parse(data, len, &lim, out, err);
	rc = cg_yaml_parse((const unsigned char *)data, len, take_first, &d, err);
	if (rc != CG_OK) {
		cg_json_free(d.root);
		return rc;
	}
	if (!d.root)
		return cg_error_set(err, CG_ERR_INVALID, "empty document");
	*out = d.root;
	return CG_OK;
}

/* Prefix err's message with the file's name. */
static cg_err_t named(struct cg_error *err, cg_err_t rc, const char *name)
{
	char msg[CG_ERROR_MSG_MAX];
	if (rc == CG_OK)
		return rc;
	snprintf(msg, sizeof(msg), "%s", err ? err->msg : cg_strerror(rc));
	return cg_error_set(err, rc, "%s: %s", name, msg);
}

static cg_err_t load(const char *path, struct cg_buf *b, struct cg_error *err)
{
	cg_buf_init(b, FILTER_FILE_MAX);
	return cg_buf_read_file(b, AT_FDCWD, path, err);
}

/* ---- ignore files ----------------------------------------------------------- */

struct ignore_rule {
	const char *id, *package, *expires, *reason;
	size_t line; /* text format: the line; else the entry's index + 1 */
};

struct cg_ignore_list {
	struct cg_arena arena;
	struct ignore_rule *v;
	size_t n, cap;
};

static cg_err_t rule_add(struct cg_ignore_list *l, const char *id, size_t idn, const char *pkg,
			 size_t pkgn, const char *exp, size_t expn, const char *why, size_t whyn,
			 const char *what, size_t line, struct cg_error *err)
{
	struct ignore_rule *r;
	char date[16];

	if (!valid_id(id, idn))
		return cg_error_set(err, CG_ERR_INVALID, "%s %zu: '%.*s' is not an advisory id",
				    what, line, (int)(idn > 64 ? 64 : idn), id);
	if (pkg && (pkgn == 0 || pkgn > NAME_MAX_ || memchr(pkg, '\0', pkgn)))
		return cg_error_set(err, CG_ERR_INVALID, "%s %zu: bad package name", what, line);
	if (exp) {
		if (expn >= sizeof(date))
			return cg_error_set(err, CG_ERR_INVALID,
					    "%s %zu: expiry is not a date YYYY-MM-DD", what, line);
		memcpy(date, exp, expn);
		date[expn] = '\0';
		if (!valid_date(date))
			return cg_error_set(err, CG_ERR_INVALID,
					    "%s %zu: expiry '%s' is not a date YYYY-MM-DD", what,
					    line, date);
	}
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 16;
		struct ignore_rule *nv;
		if (l->n >= IGNORE_MAX_RULES)
			return cg_error_set(err, CG_ERR_LIMIT, "more than %d rules",
					    IGNORE_MAX_RULES);
		nv = realloc(l->v, nc * sizeof(*nv));
		if (!nv)
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		l->v = nv;
		l->cap = nc;
	}
	r = &l->v[l->n];
	r->id = cg_arena_strndup(&l->arena, id, idn);
	r->package = pkg ? cg_arena_strndup(&l->arena, pkg, pkgn) : NULL;
	r->expires = exp ? cg_arena_strndup(&l->arena, exp, expn) : NULL;
	r->reason = why && whyn ? cg_arena_strndup(&l->arena, why, whyn > TEXT_MAX ? TEXT_MAX : whyn)
				: NULL;
	r->line = line;
	if (!r->id || (pkg && !r->package) || (exp && !r->expires) || (why && whyn && !r->reason))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	l->n++;
	return CG_OK;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* ID [PACKAGE] [exp:YYYY-MM-DD] [# reason] */
static cg_err_t ignore_text(struct cg_ignore_list *l, const char *d, size_t len,
			    struct cg_error *err)
{
	size_t pos = 0, line = 0;
	while (pos < len) {
		const char *s = d + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos, i = 0;
		const char *tok[3] = { NULL }, *why = NULL, *exp = NULL, *pkg = NULL;
		size_t tokn[3] = { 0 }, ntok = 0, whyn = 0, expn = 0, pkgn = 0;
		cg_err_t rc;

		pos += n + (nl ? 1 : 0);
		line++;
		if (memchr(s, '\0', n))
			return cg_error_set(err, CG_ERR_INVALID, "line %zu: a NUL byte", line);
		while (i < n) {
			size_t b;
			while (i < n && blank(s[i]))
				i++;
			if (i >= n)
				break;
			if (s[i] == '#') {
				why = s + i + 1;
				whyn = n - i - 1;
				while (whyn && blank(*why))
					why++, whyn--;
				while (whyn && blank(why[whyn - 1]))
					whyn--;
				break;
			}
			b = i;
			while (i < n && !blank(s[i]))
				i++;
			if (ntok == CG_ARRAY_LEN(tok))
				return cg_error_set(err, CG_ERR_INVALID,
						    "line %zu: more than ID, PACKAGE and exp:DATE",
						    line);
			tok[ntok] = s + b;
			tokn[ntok++] = i - b;
		}
		if (!ntok)
			continue;
		for (size_t k = 1; k < ntok; k++) {
			if (tokn[k] > 4 && !memcmp(tok[k], "exp:", 4) && !exp) {
				exp = tok[k] + 4;
				expn = tokn[k] - 4;
			} else if (!pkg && !(tokn[k] >= 4 && !memcmp(tok[k], "exp:", 4))) {
				pkg = tok[k];
				pkgn = tokn[k];
			} else {
				return cg_error_set(err, CG_ERR_INVALID, "line %zu: unexpected '%.*s'",
						    line, (int)(tokn[k] > 64 ? 64 : tokn[k]), tok[k]);
			}
		}
		rc = rule_add(l, tok[0], tokn[0], pkg, pkgn, exp, expn, why, whyn, "line", line,
			      err);
		if (rc)
			return rc;
	}
	return CG_OK;
}

static cg_err_t ignore_tree(struct cg_ignore_list *l, const cg_json *root, struct cg_error *err)
{
	static const char *const known[] = { "id", "package", "expires", "reason",
					     "expired_at", "statement" };
	const cg_json *list;
	size_t n;

	if (!cg_json_is_object(root))
		return cg_error_set(err, CG_ERR_INVALID, "the top level is not a mapping");
	list = cg_json_get(root, "ignore");
	if (!list)
		list = cg_json_get(root, "vulnerabilities");
	if (!list)
		return cg_error_set(err, CG_ERR_INVALID, "no \"ignore\" list");
	if (!cg_json_is_array(list))
		return cg_error_set(err, CG_ERR_INVALID, "\"ignore\" is not a list");
	n = cg_json_array_len(list);
	for (size_t i = 0; i < n; i++) {
		const cg_json *e = cg_json_array_at(list, i);
		const char *id, *pkg, *exp, *why;
		bool bad = false;
		cg_err_t rc;
		void *it;
		if (!cg_json_is_object(e))
			return cg_error_set(err, CG_ERR_INVALID, "entry %zu is not a mapping", i + 1);
		for (it = cg_json_iter(e); it; it = cg_json_iter_next(e, it)) {
			const char *k = cg_json_iter_key(it);
			size_t j = 0;
			while (j < CG_ARRAY_LEN(known) && strcmp(k, known[j]))
				j++;
			/* e.g. Trivy's "paths" and "purls": narrowing this reader does not
			 * do; ignoring them would hide more than the user asked */
			if (j == CG_ARRAY_LEN(known))
				return cg_error_set(err, CG_ERR_INVALID,
						    "entry %zu: unknown key '%.64s'", i + 1, k);
		}
		id = get_text(e, "id", ID_MAX, &bad);
		pkg = get_text(e, "package", NAME_MAX_, &bad);
		exp = get_text(e, "expires", 16, &bad);
		if (!exp)
			exp = get_text(e, "expired_at", 16, &bad);
		why = get_text(e, "reason", TEXT_MAX, &bad);
		if (!why)
			why = get_text(e, "statement", TEXT_MAX, &bad);
		if (bad || !id)
			return cg_error_set(err, CG_ERR_INVALID,
					    "entry %zu: needs \"id\"; every value a short string",
					    i + 1);
		rc = rule_add(l, id, strlen(id), pkg, pkg ? strlen(pkg) : 0, exp,
			      exp ? strlen(exp) : 0, why, why ? strlen(why) : 0, "entry", i + 1, err);
		if (rc)
			return rc;
	}
	return CG_OK;
}

/* Structured when the first line that says something starts a mapping or a
 * document. */
static bool ignore_structured(const char *d, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t e = i;
		while (e < len && d[e] != '\n')
			e++;
		while (i < e && blank(d[i]))
			i++;
		if (i < e && d[i] != '#')
			return d[i] == '{' || (e - i >= 3 && !memcmp(d + i, "---", 3)) ||
			       (e - i >= 7 && !memcmp(d + i, "ignore:", 7)) ||
			       (e - i >= 16 && !memcmp(d + i, "vulnerabilities:", 16));
		i = e + 1;
	}
	return false;
}

cg_err_t cg_ignore_parse(const char *name, const void *data, size_t len,
			 struct cg_ignore_list **out, struct cg_error *err)
{
	struct cg_ignore_list *l = NULL;
	cg_json *root = NULL;
	cg_err_t rc = CG_OK;

	if (!out || (!data && len))
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	*out = NULL;
	if (!name)
		name = "ignore file";
	if (len > FILTER_FILE_MAX)
		return cg_error_set(err, CG_ERR_LIMIT, "%s: larger than %zu bytes", name,
				    FILTER_FILE_MAX);
	l = calloc(1, sizeof(*l));
	if (!l)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	if (ignore_structured(data, len)) {
		if (!(rc = parse_tree(data, len, &root, err)))
			rc = ignore_tree(l, root, err);
	} else {
		rc = ignore_text(l, data, len, err);
	}
	if (rc)
		CG_FAIL(rc, named(err, rc, name));
	*out = l;
	l = NULL;
done:
	cg_json_free(root);
	cg_ignore_free(l);
	return rc;
}

cg_err_t cg_ignore_load(const char *path, struct cg_ignore_list **out, struct cg_error *err)
{
	struct cg_buf b;
	cg_err_t rc = load(path, &b, err);
	if (!rc)
		rc = cg_ignore_parse(path, b.data, b.len, out, err);
	cg_buf_release(&b);
	return rc;
}

size_t cg_ignore_count(const struct cg_ignore_list *l)
{
	return l ? l->n : 0;
}

void cg_ignore_free(struct cg_ignore_list *l)
{
	if (!l)
		return;
	cg_arena_release(&l->arena);
	free(l->v);
	free(l);
}

/* ---- OpenVEX ---------------------------------------------------------------- */

enum vex_status { VEX_NOT_AFFECTED, VEX_AFFECTED, VEX_FIXED, VEX_UNDER_INVESTIGATION };

static const char *const vex_status_names[] = {
	[VEX_NOT_AFFECTED] = "not_affected", [VEX_AFFECTED] = "affected",
	[VEX_FIXED] = "fixed", [VEX_UNDER_INVESTIGATION] = "under_investigation",
};

struct vex_product {
	const char *id;
	const char *const *subs;
	size_t nsubs;
};

struct vex_stmt {
	const char *const *vulns; /* name and aliases */
	size_t nvulns;
	struct vex_product *products;
	size_t nproducts;
	enum vex_status status;
	const char *justification; /* or the impact statement, or NULL */
	const char *timestamp;     /* "" when none */
};

struct cg_vex {
	struct cg_arena arena;
	struct vex_stmt *v;
	size_t n;
};

/* An id string of a VEX document (a product @id, a purl, a vulnerability). */
static const char *vex_str(struct cg_vex *x, const cg_json *j, bool *bad)
{
	const char *s = cg_json_string(j);
	char *c;
	if (!s || !cg_json_string_len(j) || cg_json_string_len(j) > NAME_MAX_ ||
	    strlen(s) != cg_json_string_len(j)) {
		*bad = true;
		return NULL;
	}
	c = cg_arena_strdup(&x->arena, s);
	if (!c)
		*bad = true;
	return c;
}

/* A product (string or {"@id", "identifiers": {"purl"}, "subcomponents"}) and
 * the statement-level subcomponents of the early format. */
static bool vex_product(struct cg_vex *x, const cg_json *p, const cg_json *stmt_subs,
			struct vex_product *out, size_t *budget)
{
	const cg_json *subs = stmt_subs, *idj;
	bool bad = false;
	size_t ns;
	const char **sv;

	memset(out, 0, sizeof(*out));
	if (cg_json_is_string(p)) {
		idj = p;
	} else if (cg_json_is_object(p)) {
		const cg_json *ids = cg_json_get(p, "identifiers");
		idj = cg_json_get(p, "@id");
		if (!idj && ids)
			idj = cg_json_get(ids, "purl");
		if (cg_json_get(p, "subcomponents"))
			subs = cg_json_get(p, "subcomponents");
	} else {
		return false;
	}
	out->id = vex_str(x, idj, &bad);
	if (bad)
		return false;
	if (!subs)
		return true;
	if (!cg_json_is_array(subs))
		return false;
	ns = cg_json_array_len(subs);
	if (ns > *budget)
		return false;
	*budget -= ns;
	sv = cg_arena_alloc(&x->arena, (ns ? ns : 1) * sizeof(*sv));
	if (!sv)
		return false;
	for (size_t i = 0; i < ns; i++) {
		const cg_json *s = cg_json_array_at(subs, i);
		if (cg_json_is_object(s)) {
			const cg_json *ids = cg_json_get(s, "identifiers");
			const cg_json *sid = cg_json_get(s, "@id");
			s = sid ? sid : ids ? cg_json_get(ids, "purl") : NULL;
		}
		sv[i] = vex_str(x, s, &bad);
		if (bad)
			return false;
	}
	out->subs = sv;
	out->nsubs = ns;
	return true;
}

static cg_err_t vex_statement(struct cg_vex *x, const cg_json *s, const char *doc_time,
			      struct vex_stmt *out, struct cg_error *err)
{
	const cg_json *vul = cg_json_get(s, "vulnerability"), *prods = cg_json_get(s, "products");
	const char *st, *ts;
	const char **vv;
	size_t na = 0, np, budget = VEX_MAX_PRODUCTS;
	bool bad = false;

	memset(out, 0, sizeof(*out));
	if (!cg_json_is_object(s))
		return cg_error_set(err, CG_ERR_INVALID, "not an object");
	st = get_text(s, "status", 64, &bad);
	for (size_t i = 0; st && i < CG_ARRAY_LEN(vex_status_names); i++)
		if (!strcmp(st, vex_status_names[i]))
			out->status = (enum vex_status)i, st = NULL, na = 1;
	if (!na)
		return cg_error_set(err, CG_ERR_INVALID, "status missing or not one of not_affected, "
				    "affected, fixed, under_investigation");
	na = 0;
	/* vulnerability: "CVE-..." (v0.0.x) or {"name", "aliases": [...]} */
	if (cg_json_is_object(vul)) {
		const cg_json *al = cg_json_get(vul, "aliases");
		na = cg_json_is_array(al) ? cg_json_array_len(al) : 0;
		if (na > 64 || (al && !cg_json_is_array(al)))
			return cg_error_set(err, CG_ERR_INVALID, "bad vulnerability aliases");
		vv = cg_arena_alloc(&x->arena, (na + 1) * sizeof(*vv));
		if (!vv)
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		vv[0] = vex_str(x, cg_json_get(vul, "name"), &bad);
		for (size_t i = 0; i < na && !bad; i++)
			vv[i + 1] = vex_str(x, cg_json_array_at(al, i), &bad);
	} else {
		vv = cg_arena_alloc(&x->arena, sizeof(*vv));
		if (!vv)
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		vv[0] = vex_str(x, vul, &bad);
	}
	if (bad)
		return cg_error_set(err, CG_ERR_INVALID, "vulnerability missing or not a name");
	out->vulns = vv;
	out->nvulns = na + 1;
	if (!cg_json_is_array(prods) || !(np = cg_json_array_len(prods)) || np > budget)
		return cg_error_set(err, CG_ERR_INVALID, "products missing, empty or more than %d",
				    VEX_MAX_PRODUCTS);
	budget -= np;
	out->products = cg_arena_alloc(&x->arena, np * sizeof(*out->products));
	if (!out->products)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < np; i++)
		if (!vex_product(x, cg_json_array_at(prods, i), cg_json_get(s, "subcomponents"),
				 &out->products[i], &budget))
			return cg_error_set(err, CG_ERR_INVALID, "product %zu: not an id or an "
					    "object with \"@id\" (subcomponents likewise)", i + 1);
	out->nproducts = np;
	{
		const char *j = get_text(s, "justification", TEXT_MAX, &bad);
		if (!j)
			j = get_text(s, "impact_statement", TEXT_MAX, &bad);
		ts = get_text(s, "timestamp", 64, &bad);
		if (bad)
			return cg_error_set(err, CG_ERR_INVALID,
					    "justification, impact_statement or timestamp not a "
					    "short string");
		out->justification = j ? cg_arena_strdup(&x->arena, j) : NULL;
		out->timestamp = cg_arena_strdup(&x->arena, ts ? ts : doc_time ? doc_time : "");
		if ((j && !out->justification) || !out->timestamp)
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	}
	return CG_OK;
}

cg_err_t cg_vex_parse(const char *name, const void *data, size_t len, struct cg_vex **out,
		      struct cg_error *err)
{
	struct cg_vex *x = NULL;
	cg_json *root = NULL;
	const cg_json *stmts;
	const char *ctx, *doc_time;
	bool bad = false;
	size_t n;
	cg_err_t rc = CG_OK;

	if (!out || (!data && len))
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	*out = NULL;
	if (!name)
		name = "VEX document";
	if (len > FILTER_FILE_MAX)
		return cg_error_set(err, CG_ERR_LIMIT, "%s: larger than %zu bytes", name,
				    FILTER_FILE_MAX);
	if ((rc = parse_tree(data, len, &root, err)))
		return named(err, rc, name);
	ctx = get_text(root, "@context", 256, &bad);
	stmts = cg_json_get(root, "statements");
	doc_time = get_text(root, "timestamp", 64, &bad);
	if (!cg_json_is_object(root) || !ctx || strncmp(ctx, "https://openvex.dev/ns", 22))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
					 "%s: not an OpenVEX document (@context "
					 "https://openvex.dev/ns/...)", name));
	if (!cg_json_is_array(stmts) || (n = cg_json_array_len(stmts)) > VEX_MAX_STATEMENTS)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
					 "%s: \"statements\" missing or more than %d", name,
					 VEX_MAX_STATEMENTS));
	x = calloc(1, sizeof(*x));
	if (!x || !(x->v = calloc(n ? n : 1, sizeof(*x->v))))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	for (size_t i = 0; i < n; i++, x->n++) {
		if ((rc = vex_statement(x, cg_json_array_at(stmts, i), bad ? NULL : doc_time,
					&x->v[i], err))) {
			char msg[CG_ERROR_MSG_MAX];
			snprintf(msg, sizeof(msg), "%s", err ? err->msg : cg_strerror(rc));
			CG_FAIL(rc, cg_error_set(err, rc, "%s: statement %zu: %s", name, i + 1, msg));
		}
	}
	*out = x;
	x = NULL;
done:
	cg_json_free(root);
	cg_vex_free(x);
	return rc;
}

cg_err_t cg_vex_load(const char *path, struct cg_vex **out, struct cg_error *err)
{
	struct cg_buf b;
	cg_err_t rc = load(path, &b, err);
	if (!rc)
		rc = cg_vex_parse(path, b.data, b.len, out, err);
	cg_buf_release(&b);
	return rc;
}

size_t cg_vex_count(const struct cg_vex *v)
{
	return v ? v->n : 0;
}

void cg_vex_free(struct cg_vex *v)
{
	if (!v)
		return;
	cg_arena_release(&v->arena);
	free(v->v);
	free(v);
}

/* ---- matching products ------------------------------------------------------ */

/* Percent-decoded copy of s[0..n) into out (false when it does not fit). */
static bool pct_decode(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			char h[3] = { s[i + 1], s[i + 2], 0 };
			c = (char)strtol(h, NULL, 16);
			i += 2;
		}
		if (o + 1 >= cap)
			return false;
		out[o++] = c;
	}
	out[o] = '\0';
	return true;
}

/* purl a (from VEX) names package purl b: same type/namespace/name, and the
 * same version when a has one; qualifiers and subpath ignored. */
static bool purl_match(const char *a, const char *b)
{
	char ab[NAME_MAX_ + 1], bb[2 * NAME_MAX_ + 1];
	size_t an = strcspn(a, "?#"), bn = strcspn(b, "?#");
	char *av, *bv;
	if (strncmp(a, "pkg:", 4) || strncmp(b, "pkg:", 4) || !pct_decode(a, an, ab, sizeof(ab)) ||
	    !pct_decode(b, bn, bb, sizeof(bb)))
		return false;
	/* the version starts at the last '@' (npm scopes are %40 in a purl, but
	 * decoded they are '@' too: the version is after the last one past the
	 * name's '/') */
	av = strrchr(ab, '@');
	bv = strrchr(bb, '@');
	if (av && strrchr(ab, '/') > av)
		av = NULL;
	if (bv && strrchr(bb, '/') > bv)
		bv = NULL;
	if (av)
		*av++ = '\0';
	if (bv)
		*bv++ = '\0';
	if (strcasecmp(ab, bb))
		return false;
	return !av || (bv && !strcmp(av, bv));
}

struct target {
	const char *ids[4]; /* image ref, name, manifest digest, config digest */
	const char *purl;   /* the finding's package, or NULL */
};

/* Does a product id name the image? */
static bool names_image(const char *id, const struct target *t)
{
	for (int i = 0; i < 2; i++)
		if (t->ids[i] && !strcmp(id, t->ids[i]))
			return true;
	for (int i = 2; i < 4; i++) {
		const char *d = t->ids[i], *hex;
		if (!d || !(hex = strchr(d, ':')) || strlen(hex + 1) < 32)
			continue;
		if (!strcmp(id, d) || strstr(id, hex + 1))
			return true;
	}
	return false;
}

static bool stmt_applies(const struct vex_stmt *s, const struct cg_finding *x,
			 const struct target *t)
{
	bool vuln = false;
	for (size_t i = 0; i < s->nvulns && !vuln; i++)
		vuln = finding_has_id(x, s->vulns[i]);
	if (!vuln)
		return false;
	for (size_t i = 0; i < s->nproducts; i++) {
		const struct vex_product *p = &s->products[i];
		if (names_image(p->id, t)) {
			if (!p->nsubs)
				return true;
			for (size_t k = 0; t->purl && k < p->nsubs; k++)
				if (purl_match(p->subs[k], t->purl))
					return true;
		} else if (t->purl && purl_match(p->id, t->purl)) {
			return true;
		}
	}
	return false;
}

/* ---- applying --------------------------------------------------------------- */

cg_err_t cg_scan_levels_parse(const char *spec, unsigned *levels)
{
	unsigned m = 0;
	if (!spec || !levels || !*spec)
		return CG_ERR_INVALID;
	while (*spec) {
		size_t n = strcspn(spec, ",");
		char word[32];
		bool up;
		enum cg_finding_level l;
		if (!n || n >= sizeof(word))
			return CG_ERR_INVALID;
		memcpy(word, spec, n);
		word[n] = '\0';
		up = word[n - 1] == '+';
		if (up)
			word[n - 1] = '\0';
		if (cg_finding_level_parse(word, &l) != CG_OK)
			return CG_ERR_INVALID;
		for (int k = (int)l; k < (up ? CG_LEVEL_COUNT : (int)l + 1); k++)
			m |= 1u << k;
		spec += n;
		if (*spec == ',' && !*++spec)
			return CG_ERR_INVALID;
	}
	*levels = m;
	return CG_OK;
}

static void today_utc(char out[16])
{
	time_t now = time(NULL);
	struct tm tm;
	if (!gmtime_r(&now, &tm) || !strftime(out, 16, "%Y-%m-%d", &tm))
		snprintf(out, 16, "9999-12-31");
}

static const char *ignored_by(const struct cg_ignore_list *l, const struct cg_finding *x,
			      const char *today, size_t *expired, struct cg_findings *f, bool *oom)
{
	for (size_t i = 0; l && i < l->n; i++) {
		const struct ignore_rule *r = &l->v[i];
		char why[TEXT_MAX + 64];
		char *c;
		if (!finding_has_id(x, r->id))
			continue;
		if (r->package && strcmp(r->package, x->pkg_name) &&
		    (!x->package || strcmp(r->package, x->package)))
			continue;
		if (r->expires && strcmp(today, r->expires) > 0) {
			(*expired)++;
			continue;
		}
		snprintf(why, sizeof(why), "ignore rule %zu%s%s", r->line, r->reason ? ": " : "",
			 r->reason ? r->reason : "");
		c = cg_arena_strdup(&f->arena, why);
		if (!c)
			*oom = true;
		return c;
	}
	return NULL;
}

static const char *vex_verdict(const struct cg_vex *v, const struct cg_finding *x,
			       const struct target *t, struct cg_findings *f, bool *oom)
{
	const struct vex_stmt *best = NULL;
	char why[TEXT_MAX + 64];
	char *c;
	for (size_t i = 0; v && i < v->n; i++)
		if (stmt_applies(&v->v[i], x, t) &&
		    (!best || strcmp(v->v[i].timestamp, best->timestamp) >= 0))
			best = &v->v[i];
	if (!best || (best->status != VEX_NOT_AFFECTED && best->status != VEX_FIXED))
		return NULL;
	snprintf(why, sizeof(why), "vex: %s%s%s", vex_status_names[best->status],
		 best->justification ? ": " : "", best->justification ? best->justification : "");
	c = cg_arena_strdup(&f->arena, why);
	if (!c)
		*oom = true;
	return c;
}

cg_err_t cg_findings_filter(struct cg_findings *f, const struct cg_scan_filter *flt,
			    const struct cg_image *img, const struct cg_inventory *inv,
			    struct cg_error *err)
{
	struct cg_buf purl = CG_BUF_INIT(4096);
	struct target t = { { NULL }, NULL };
	char today[16];
	bool oom = false;
	cg_err_t rc = CG_OK;

	if (!f || !flt)
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	if (flt->today && !valid_date(flt->today))
		return cg_error_set(err, CG_ERR_ARG, "today: not a date YYYY-MM-DD");
	if (flt->today)
		snprintf(today, sizeof(today), "%s", flt->today);
	else
		today_utc(today);
	if (img) {
		struct cg_image_info ii;
		cg_image_get_info(img, &ii);
		t.ids[0] = ii.ref;
		t.ids[1] = ii.name;
		t.ids[2] = ii.manifest_digest;
		t.ids[3] = ii.config_digest;
	}
	f->suppressed = f->expired_rules = 0;
	f->levels = flt->levels;
	for (size_t i = 0; i < f->n && !oom; i++) {
		struct cg_finding *x = &f->v[i].pub;
		const struct cg_pkg *p = inv ? cg_inventory_pkg(inv, x->pkg_index) : NULL;
		const char *why = ignored_by(flt->ignore, x, today, &f->expired_rules, f, &oom);
		if (!why && flt->nvex) {
			cg_buf_reset(&purl);
			t.purl = p && cg_pkg_purl(p, cg_inventory_os(inv), &purl) == CG_OK
					 ? cg_buf_str(&purl) : NULL;
			for (size_t k = 0; !why && k < flt->nvex; k++)
				why = vex_verdict(flt->vex[k], x, &t, f, &oom);
		}
		if (!why && flt->ignore_unfixed && x->status != CG_FINDING_FIXED)
			why = "unfixed";
		if (!why && flt->levels && !(flt->levels & (1u << x->level)))
			why = "severity";
		x->suppressed = why;
		if (why)
			f->suppressed++;
	}
	if (oom)
		rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	cg_buf_release(&purl);
	return rc;
}

bool cg_content_shown_(const struct cg_findings *f, const struct cg_content_finding *c)
{
	static const enum cg_finding_level map[] = {
		[CG_THREAT_LOW] = CG_LEVEL_LOW, [CG_THREAT_MEDIUM] = CG_LEVEL_MEDIUM,
		[CG_THREAT_HIGH] = CG_LEVEL_HIGH, [CG_THREAT_CRITICAL] = CG_LEVEL_CRITICAL,
	};
	if (!f || !f->levels)
		return true;
	return (size_t)c->level < CG_ARRAY_LEN(map) && (f->levels & (1u << map[c->level]));
}

size_t cg_findings_suppressed(const struct cg_findings *f)
{
	return f ? f->suppressed : 0;
}

size_t cg_findings_expired_rules(const struct cg_findings *f)
{
	return f ? f->expired_rules : 0;
}
