/* Node.js security working group advisories (nodejs/security-wg, vuln/):
 *
 *  npm/<N>.json   third-party modules: {id, module_name, cves[], vulnerable_versions,
 *                 patched_versions, title, overview, recommendation, publish_date,
 *                 updated_at, cvss_vector, references[], ...}
 *  core/<N>.json  Node.js itself: {cve[], vulnerable, patched, description, overview,
 *                 ref, publish_date, severity, affectedEnvironments[], cvss, ...}
 *  deps/, index.json (both folders' contents in one file) are not read.
 *
 * The feed root may be the repository, its vuln/ folder or vuln/npm/: a file is
 * "<digits>.json" whose parent folder is npm or core; a file directly in the root
 * is an npm advisory.
 *
 * Output: npm -> affected {"npm", module_name}; core -> {"Node.js", "node"}, both
 * with SEMVER ranges. Id: the CVE when the file names exactly one well-formed CVE
 * (the NSWG id is then an alias), else NSWG-ECO-<id> (npm, the file's id field) or
 * NSWG-COR-<N> (core, the file number: the form vuln/README.md documents) with the
 * CVEs as aliases; malformed CVE strings are warned about and dropped.
 * summary = title (npm) or description (core); details = overview (npm: then
 * "Recommendation: ..."); published = publish_date; modified = updated_at;
 * references = references[] or ref. Severity: cvss_vector (npm) or cvss (core,
 * written "3.0/AV:..." without the "CVSS:" prefix, which is added) when
 * cg_cvss_parse() accepts it, as CVSS_V2/V3/V4 by its version. Core's severity
 * word (but "unknown") goes to affected.severity and affectedEnvironments other
 * than ["all"] to the note ("environments: win32").
 *
 * Affected versions: npm vulnerable_versions (npm audit's reading; patched_versions
 * is ignored when vulnerable_versions is given, it often contradicts it); without
 * vulnerable_versions, the complement of patched_versions. Core: vulnerable AND
 * NOT patched (is-my-node-vulnerable's reading: "vulnerable" names whole release
 * lines like "18.x"); either alone when the other is missing.
 *
 * Range conversion: node-semver 7 (strict parse) ranges become exact intervals of
 * SemVer precedence, desugared the way node-semver does with includePrerelease
 * (classes/range.js: replaceCaret, replaceTilde, replaceXRange, hyphenReplace;
 * e.g. "^1.2" is >=1.2.0-0 <2.0.0-0, "<=1.2" is <1.3.0-0, ">1" is >=2.0.0-0,
 * "1.2.3 - 2.3" is >=1.2.3-0 <2.4.0-0). OSV ranges are intervals of precedence, so
 * the result is exact for every version under includePrerelease: true, and for
 * every release version under node-semver's default too (the two differ only for
 * pre-releases, which by default match only comparators with a pre-release on
 * the same major.minor.patch: a filter OSV cannot express).
 * Each || alternative is one interval [lo, hi) whose bounds are "before v" (>= v,
 * < v) or "after v" (> v, <= v); it becomes one OSV range: introduced lo ("0"
 * when unbounded; after v is the least version above v: 1.2.3 -> 1.2.4-0,
 * 1.2.3-rc.1 -> 1.2.3-rc.1.0), then fixed v (< v) or last_affected v (<= v), none
 * when unbounded above. Empty alternatives (">2 <1") are dropped. A complement
 * or intersection (patched_versions, core) gives sorted disjoint intervals: one
 * range per vulnerable alternative (core) or one range for the complement.
 * Accepted: comparators < <= > >= = and bare versions, optional white space after
 * an operator, a "v" prefix, x-ranges (x X * or missing parts), ~ ~> ^, hyphen
 * ranges, "" and "*", pre-releases and build metadata. Rejected (the advisory is
 * warned about and skipped, never guessed): what node-semver rejects, and rarer
 * forms it accepts that are not handled here ("=" or "v=" prefixes after an
 * operator, "~ >", numbers above 2^53-1, non-ASCII white space). An advisory
 * whose affected set is empty is skipped with a warning too. */
#include "util/internal.h"
#include "vulndb/advisory.h"

#define NJ_MAX_RANGE  4096 /* bytes of one range string */
#define NJ_MAX_ALTS   64   /* || alternatives of one range */
#define NJ_MAX_COMPS  32   /* comparators of one alternative */
#define NJ_MAX_IVL    (NJ_MAX_ALTS + 1)
#define NJ_MAX_RANGES NJ_MAX_ALTS
#define NJ_MAX_EVENTS 512
#define NJ_MAX_LIST   256 /* cves, references */
#define NJ_PRE_MAX    240
#define NJ_VER_LEN    (CG_VERSION_MAX_LEN + 1)
#define NJ_MAX_SAFE   9007199254740991ULL /* Number.MAX_SAFE_INTEGER */

/* ---- versions ---- */

struct nv {
	uint64_t n[3];
	char pre[NJ_PRE_MAX + 1]; /* "" for a release */
};

static bool all_digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return n > 0;
}

/* SemVer precedence of pre-release strings ("" is a release); numeric
 * identifiers have no leading zeros (checked when parsed). */
static int cmp_pre(const char *a, const char *b)
{
	if (!*a || !*b)
		return !*a && !*b ? 0 : (!*a ? 1 : -1);
	for (;;) {
		size_t na = strcspn(a, "."), nb = strcspn(b, ".");
		bool da = all_digits(a, na), db = all_digits(b, nb);
		int c;
		if (da && db) {
			c = na != nb ? (na < nb ? -1 : 1) : memcmp(a, b, na);
		} else if (da != db) {
			c = da ? -1 : 1;
		} else {
			c = memcmp(a, b, na < nb ? na : nb);
			if (c == 0 && na != nb)
				c = na < nb ? -1 : 1;
		}
		if (c)
			return c < 0 ? -1 : 1;
		a += na;
		b += nb;
		if (!*a || !*b)
			return !*a && !*b ? 0 : (!*a ? -1 : 1);
		a++, b++;
	}
}

static int nv_cmp(const struct nv *a, const struct nv *b)
{
	for (int i = 0; i < 3; i++)
		if (a->n[i] != b->n[i])
			return a->n[i] < b->n[i] ? -1 : 1;
	return cmp_pre(a->pre, b->pre);
}

/* The least version above v: 1.2.3 -> 1.2.4-0, 1.2.3-rc.1 -> 1.2.3-rc.1.0. */
static bool nv_succ(const struct nv *v, struct nv *out)
{
	size_t n = strlen(v->pre);
	*out = *v;
	if (n == 0) {
		if (v->n[2] >= NJ_MAX_SAFE)
			return false;
		out->n[2]++;
		memcpy(out->pre, "0", 2);
		return true;
	}
	if (n + 2 > NJ_PRE_MAX)
		return false;
	memcpy(out->pre + n, ".0", 3);
	return true;
}

static bool nv_format(const struct nv *v, char *out, size_t size)
{
	int n = snprintf(out, size, "%llu.%llu.%llu%s%s", (unsigned long long)v->n[0],
			 (unsigned long long)v->n[1], (unsigned long long)v->n[2],
			 v->pre[0] ? "-" : "", v->pre);
	return n > 0 && (size_t)n < size && (size_t)n <= CG_VERSION_MAX_LEN;
}

/* ---- interval bounds ("cuts" between versions) ---- */

enum cut_kind { CUT_NEG_INF, CUT_BEFORE, CUT_AFTER, CUT_POS_INF };

struct cut {
	enum cut_kind k;
	struct nv v;  /* as written */
	struct nv cv; /* canonical: the least version above the cut (v, or succ(v)) */
};

static int cut_cmp(const struct cut *a, const struct cut *b)
{
	bool fa = a->k == CUT_BEFORE || a->k == CUT_AFTER;
	bool fb = b->k == CUT_BEFORE || b->k == CUT_AFTER;
	if (!fa || !fb) {
		int ra = a->k == CUT_NEG_INF ? 0 : (fa ? 1 : 2);
		int rb = b->k == CUT_NEG_INF ? 0 : (fb ? 1 : 2);
		return ra < rb ? -1 : ra > rb;
	}
	return nv_cmp(&a->cv, &b->cv);
}

static bool cut_make(enum cut_kind k, const struct nv *v, struct cut *c)
{
	static const struct nv zero = {{0, 0, 0}, "0"};
	c->k = k;
	c->v = *v;
	if (k == CUT_AFTER)
		return nv_succ(v, &c->cv);
	c->cv = *v;
	if (nv_cmp(v, &zero) == 0) /* nothing is below 0.0.0-0 */
		c->k = CUT_NEG_INF;
	return true;
}

struct ivl {
	struct cut lo, hi;
};

static bool ivl_empty(const struct ivl *iv)
{
	return cut_cmp(&iv->lo, &iv->hi) >= 0;
}

static void ivl_all(struct ivl *iv)
{
	memset(iv, 0, sizeof(*iv));
	iv->lo.k = CUT_NEG_INF;
	iv->hi.k = CUT_POS_INF;
}

/* ---- node-semver range syntax ---- */

enum op { OP_NONE, OP_EQ, OP_LT, OP_LE, OP_GT, OP_GE };

/* A version token as XRANGEPLAIN reads it: v?XID(.XID(.XID(-PRE)?(+BUILD)?)?)? */
struct xv {
	uint64_t n[3];
	bool x[3]; /* the part is x, X, * or missing */
	bool build;
	char pre[NJ_PRE_MAX + 1];
};

struct rparse {
	char why[160];
};

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_ident_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '-';
}

/* Dot-separated identifiers of [0-9A-Za-z-], none empty; numeric ones without
 * leading zeros when `pre`. */
static bool idents_ok(const char *p, size_t n, bool pre)
{
	size_t i = 0;
	if (n == 0)
		return false;
	while (i <= n) {
		size_t j = i;
		while (j < n && p[j] != '.') {
			if (!is_ident_char(p[j]))
				return false;
			j++;
		}
		if (j == i)
			return false;
		if (pre && j - i > 1 && p[i] == '0' && all_digits(p + i, j - i))
			return false;
		i = j + 1;
	}
	return true;
}

/* One XID at *pp: "0", [1-9][0-9]*, x, X or *. */
static bool parse_xid(const char **pp, const char *e, uint64_t *num, bool *x)
{
	const char *p = *pp;
	uint64_t v = 0;
	*num = 0;
	*x = false;
	if (p >= e)
		return false;
	if (*p == 'x' || *p == 'X' || *p == '*') {
		*x = true;
		*pp = p + 1;
		return true;
	}
	if (*p < '0' || *p > '9')
		return false;
	if (*p == '0' && p + 1 < e && p[1] >= '0' && p[1] <= '9')
		return false;
	while (p < e && *p >= '0' && *p <= '9') {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > NJ_MAX_SAFE)
			return false;
		p++;
	}
	*num = v;
	*pp = p;
	return true;
}

/* The token [p, e) (no white space) as a version. */
static bool parse_xv(const char *p, const char *e, struct xv *v)
{
	int parts = 1;
	memset(v, 0, sizeof(*v));
	v->x[1] = v->x[2] = true;
	if (p < e && *p == 'v')
		p++;
	if (!parse_xid(&p, e, &v->n[0], &v->x[0]))
		return false;
	while (parts < 3 && p < e && *p == '.') {
		p++;
		if (!parse_xid(&p, e, &v->n[parts], &v->x[parts]))
			return false;
		parts++;
	}
	if (parts == 3 && p < e && *p == '-') {
		const char *q = ++p;
		while (p < e && *p != '+')
			p++;
		if ((size_t)(p - q) > NJ_PRE_MAX || !idents_ok(q, (size_t)(p - q), true))
			return false;
		memcpy(v->pre, q, (size_t)(p - q));
		v->pre[p - q] = '\0';
	}
	if (parts == 3 && p < e && *p == '+') {
		const char *q = ++p;
		p = e;
		if (!idents_ok(q, (size_t)(e - q), false))
			return false;
		v->build = true;
	}
	/* a wildcard anywhere makes the parts after it wildcards too */
	for (int i = 1; i < 3; i++)
		if (v->x[i - 1])
			v->x[i] = true;
	return p == e;
}

/* Intersect iv with "op M.m.p[-pre]"; pre NULL or "" for none. */
static bool bound(struct ivl *iv, enum op op, uint64_t M, uint64_t m, uint64_t p, const char *pre)
{
	struct nv v;
	struct cut c;
	if (M > NJ_MAX_SAFE || m > NJ_MAX_SAFE || p > NJ_MAX_SAFE)
		return false;
	memset(&v, 0, sizeof(v));
	v.n[0] = M;
	v.n[1] = m;
	v.n[2] = p;
	if (pre) {
		size_t n = strlen(pre);
		if (n > NJ_PRE_MAX)
			return false;
		memcpy(v.pre, pre, n + 1);
	}
	if (op == OP_GE || op == OP_GT || op == OP_EQ) {
		if (!cut_make(op == OP_GT ? CUT_AFTER : CUT_BEFORE, &v, &c))
			return false;
		if (cut_cmp(&c, &iv->lo) > 0)
			iv->lo = c;
	}
	if (op == OP_LT || op == OP_LE || op == OP_EQ) {
		if (!cut_make(op == OP_LT ? CUT_BEFORE : CUT_AFTER, &v, &c))
			return false;
		if (cut_cmp(&c, &iv->hi) < 0)
			iv->hi = c;
	}
	return true;
}

static void make_null(struct ivl *iv)
{
	/* <0.0.0-0: nothing */
	iv->hi.k = CUT_NEG_INF;
}

/* ^v with includePrerelease (replaceCaret). */
static bool apply_caret(struct ivl *iv, const struct xv *v)
{
	uint64_t M = v->n[0], m = v->n[1], p = v->n[2];
	if (v->x[0])
		return true;
	if (v->x[1])
		return bound(iv, OP_GE, M, 0, 0, "0") && bound(iv, OP_LT, M + 1, 0, 0, "0");
	if (v->x[2]) {
		if (M == 0)
			return bound(iv, OP_GE, 0, m, 0, "0") && bound(iv, OP_LT, 0, m + 1, 0, "0");
		return bound(iv, OP_GE, M, m, 0, "0") && bound(iv, OP_LT, M + 1, 0, 0, "0");
	}
	/* with a pre-release the lower bound is the version; without, M.m.p-0
	 * (includePrerelease's z) except for majors above 0 */
	{
		const char *lo = v->pre[0] ? v->pre : (M == 0 ? "0" : NULL);
		if (!bound(iv, OP_GE, M, m, p, lo))
			return false;
	}
	if (M == 0 && m == 0)
		return bound(iv, OP_LT, 0, 0, p + 1, "0");
	if (M == 0)
		return bound(iv, OP_LT, 0, m + 1, 0, "0");
	return bound(iv, OP_LT, M + 1, 0, 0, "0");
}

/* ~v (replaceTilde: no -0 on the lower bound, includePrerelease or not). */
static bool apply_tilde(struct ivl *iv, const struct xv *v)
{
	uint64_t M = v->n[0], m = v->n[1], p = v->n[2];
	if (v->x[0])
		return true;
	if (v->x[1])
		return bound(iv, OP_GE, M, 0, 0, NULL) && bound(iv, OP_LT, M + 1, 0, 0, "0");
	if (v->x[2])
		return bound(iv, OP_GE, M, m, 0, NULL) && bound(iv, OP_LT, M, m + 1, 0, "0");
	return bound(iv, OP_GE, M, m, p, v->pre) && bound(iv, OP_LT, M, m + 1, 0, "0");
}

/* gtlt v (replaceXRange with includePrerelease, then the comparator). */
static bool apply_cmp(struct ivl *iv, enum op op, const struct xv *v)
{
	uint64_t M = v->n[0], m = v->n[1], p = v->n[2];
	bool xM = v->x[0], xm = v->x[1], xp = v->x[2];
	if (!xp) /* a plain comparator: "" and "=" are equality */
		return bound(iv, op == OP_NONE ? OP_EQ : op, M, m, p, v->pre);
	if (op == OP_EQ)
		op = OP_NONE;
	if (xM) {
		if (op == OP_GT || op == OP_LT)
			make_null(iv);
		return true;
	}
	if (op == OP_NONE) {
		if (xm)
			return bound(iv, OP_GE, M, 0, 0, "0") && bound(iv, OP_LT, M + 1, 0, 0, "0");
		return bound(iv, OP_GE, M, m, 0, "0") && bound(iv, OP_LT, M, m + 1, 0, "0");
	}
	if (xm)
		m = 0;
	p = 0;
	if (op == OP_GT) {
		op = OP_GE;
		if (xm)
			M++;
		else
			m++;
	} else if (op == OP_LE) {
		op = OP_LT;
		if (xm)
			M++;
		else
			m++;
	}
	return bound(iv, op, M, m, p, "0");
}

/* "from - to" with includePrerelease (hyphenReplace). */
static bool apply_hyphen(struct ivl *iv, const struct xv *f, const struct xv *t)
{
	bool ok = true;
	if (f->x[0])
		;
	else if (f->x[1])
		ok = bound(iv, OP_GE, f->n[0], 0, 0, "0");
	else if (f->x[2])
		ok = bound(iv, OP_GE, f->n[0], f->n[1], 0, "0");
	else if (f->pre[0])
		ok = bound(iv, OP_GE, f->n[0], f->n[1], f->n[2], f->pre);
	else /* ">=1.2.3+b" + "-0" reads as build "b-0": no -0 then */
		ok = bound(iv, OP_GE, f->n[0], f->n[1], f->n[2], f->build ? NULL : "0");
	if (!ok)
		return false;
	if (t->x[0])
		return true;
	if (t->x[1])
		return bound(iv, OP_LT, t->n[0] + 1, 0, 0, "0");
	if (t->x[2])
		return bound(iv, OP_LT, t->n[0], t->n[1] + 1, 0, "0");
	if (t->pre[0])
		return bound(iv, OP_LE, t->n[0], t->n[1], t->n[2], t->pre);
	return bound(iv, OP_LT, t->n[0], t->n[1], t->n[2] + 1, "0");
}

static const char *skip_ws(const char *p, const char *e)
{
	while (p < e && is_ws(*p))
		p++;
	return p;
}

static const char *token_end(const char *p, const char *e)
{
	while (p < e && !is_ws(*p))
		p++;
	return p;
}

/* One || alternative [p, e) into iv (possibly empty). */
static bool parse_alt(struct rparse *rp, const char *p, const char *e, struct ivl *iv)
{
	const char *t[3];
	const char *te[3];
	size_t ntok = 0, ncomp = 0;
	ivl_all(iv);
	p = skip_ws(p, e);
	while (e > p && is_ws(e[-1]))
		e--;
	/* a hyphen range is exactly "A - B" */
	for (const char *q = p; q < e;) {
		const char *qe = token_end(q, e);
		if (ntok < 3) {
			t[ntok] = q;
			te[ntok] = qe;
		}
		ntok++;
		q = skip_ws(qe, e);
	}
	if (ntok == 3 && te[1] - t[1] == 1 && *t[1] == '-') {
		struct xv f, to;
		if (!parse_xv(t[0], te[0], &f) || !parse_xv(t[2], te[2], &to)) {
			snprintf(rp->why, sizeof(rp->why), "bad hyphen range");
			return false;
		}
		return apply_hyphen(iv, &f, &to);
	}
	while (p < e) {
		enum op op = OP_NONE;
		char kind = 0; /* '^', '~' or 0 */
		const char *ve;
		struct xv v;
		if (++ncomp > NJ_MAX_COMPS) {
			snprintf(rp->why, sizeof(rp->why), "more than %d comparators",
				 NJ_MAX_COMPS);
			return false;
		}
		if (e - p >= 2 && p[1] == '=' && (*p == '<' || *p == '>')) {
			op = *p == '<' ? OP_LE : OP_GE;
			p += 2;
		} else if (*p == '<' || *p == '>') {
			op = *p == '<' ? OP_LT : OP_GT;
			p++;
		} else if (*p == '=') {
			op = OP_EQ;
			p++;
		} else if (*p == '^') {
			kind = '^';
			p++;
		} else if (*p == '~') {
			kind = '~';
			p++;
			if (p < e && *p == '>')
				p++;
		}
		p = skip_ws(p, e); /* "> 1.2.3", "^ 1.2": node trims these */
		ve = token_end(p, e);
		if (!parse_xv(p, ve, &v)) {
			snprintf(rp->why, sizeof(rp->why), "bad comparator '%.*s'",
				 (int)(ve - p < 40 ? ve - p : 40), p);
			return false;
		}
		if (!(kind == '^'   ? apply_caret(iv, &v)
		      : kind == '~' ? apply_tilde(iv, &v)
				    : apply_cmp(iv, op, &v))) {
			snprintf(rp->why, sizeof(rp->why), "version out of range");
			return false;
		}
		p = skip_ws(ve, e);
	}
	return true;
}

/* A whole range: one interval per || alternative. */
static bool parse_range(struct rparse *rp, const char *s, struct ivl *alts, size_t *nalts)
{
	size_t n = strlen(s);
	const char *p = s, *e = s + n;
	*nalts = 0;
	if (n > NJ_MAX_RANGE) {
		snprintf(rp->why, sizeof(rp->why), "range longer than %d bytes", NJ_MAX_RANGE);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x7f || (c < ' ' && !is_ws((char)c))) {
			snprintf(rp->why, sizeof(rp->why), "unsupported character 0x%02x", c);
			return false;
		}
	}
	for (;;) {
		const char *bar = p;
		while (bar + 1 < e && !(bar[0] == '|' && bar[1] == '|'))
			bar++;
		if (bar + 1 >= e)
			bar = e;
		if (*nalts == NJ_MAX_ALTS) {
			snprintf(rp->why, sizeof(rp->why), "more than %d alternatives",
				 NJ_MAX_ALTS);
			return false;
		}
		if (!parse_alt(rp, p, bar, &alts[*nalts]))
			return false;
		++*nalts;
		if (bar == e)
			break;
		p = bar + 2;
	}
	return true;
}

/* ---- interval sets ---- */

static int ivl_lo_cmp(const void *a, const void *b)
{
	return cut_cmp(&((const struct ivl *)a)->lo, &((const struct ivl *)b)->lo);
}

/* Sorted, merged, non-empty intervals of the union of in[0..n) (in place). */
static size_t ivl_union(struct ivl *v, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!ivl_empty(&v[i]))
			v[k++] = v[i];
	if (k == 0)
		return 0;
	qsort(v, k, sizeof(v[0]), ivl_lo_cmp);
	n = k;
	k = 0;
	for (size_t i = 1; i < n; i++) {
		if (cut_cmp(&v[i].lo, &v[k].hi) <= 0) {
			if (cut_cmp(&v[i].hi, &v[k].hi) > 0)
				v[k].hi = v[i].hi;
		} else {
			v[++k] = v[i];
		}
	}
	return k + 1;
}

/* The complement of sorted disjoint intervals; out has room for n + 1. */
static size_t ivl_complement(const struct ivl *v, size_t n, struct ivl *out)
{
	size_t k = 0;
	struct ivl g;
	ivl_all(&g);
	for (size_t i = 0; i < n; i++) {
		g.hi = v[i].lo;
		if (!ivl_empty(&g))
			out[k++] = g;
		g.lo = v[i].hi;
		g.hi.k = CUT_POS_INF;
	}
	if (!ivl_empty(&g))
		out[k++] = g;
	return k;
}

/* ---- events ---- */

struct evbuf {
	struct cg_osv_event ev[NJ_MAX_EVENTS];
	char ver[NJ_MAX_EVENTS][NJ_VER_LEN];
	size_t nev;
	struct cg_adv_range ranges[NJ_MAX_RANGES + 1];
	size_t nranges;
	size_t range_start;
};

static bool ev_add(struct evbuf *b, enum cg_osv_event_kind kind, const struct nv *v)
{
	if (b->nev == NJ_MAX_EVENTS)
		return false;
	if (v) {
		if (!nv_format(v, b->ver[b->nev], NJ_VER_LEN))
			return false;
	} else {
		memcpy(b->ver[b->nev], "0", 2);
	}
	b->ev[b->nev] = (struct cg_osv_event){kind, b->ver[b->nev]};
	b->nev++;
	return true;
}

static bool ev_interval(struct evbuf *b, const struct ivl *iv)
{
	bool ok;
	if (iv->lo.k == CUT_NEG_INF)
		ok = ev_add(b, CG_OSV_INTRODUCED, NULL);
	else
		ok = ev_add(b, CG_OSV_INTRODUCED, &iv->lo.cv);
	if (ok && iv->hi.k == CUT_BEFORE)
		ok = ev_add(b, CG_OSV_FIXED, &iv->hi.v);
	else if (ok && iv->hi.k == CUT_AFTER)
		ok = ev_add(b, CG_OSV_LAST_AFFECTED, &iv->hi.v);
	return ok;
}

/* Close the range opened at range_start (nothing when it has no events). */
static bool ev_close(struct evbuf *b)
{
	if (b->nev > b->range_start) {
		if (b->nranges == NJ_MAX_RANGES)
			return false;
		b->ranges[b->nranges++] = (struct cg_adv_range){"SEMVER", b->ev + b->range_start,
								b->nev - b->range_start};
	}
	b->range_start = b->nev;
	return true;
}

/* Work space of one conversion (large: on the heap). */
struct conv {
	struct ivl v[NJ_MAX_ALTS], p[NJ_MAX_ALTS], np[NJ_MAX_IVL];
	struct evbuf b;
	struct rparse rp;
};

/* vuln and/or patched -> c->b ranges (see the header); false with c->rp.why. */
static bool convert(struct conv *c, const char *vuln, const char *patched)
{
	size_t nv = 0, np = 0, nnp = 0;
	memset(&c->b, 0, sizeof(c->b));
	c->rp.why[0] = '\0';
	if (vuln && !parse_range(&c->rp, vuln, c->v, &nv))
		return false;
	if (patched && !parse_range(&c->rp, patched, c->p, &np))
		return false;
	if (patched) {
		np = ivl_union(c->p, np);
		nnp = ivl_complement(c->p, np, c->np);
	}
	if (!vuln) {
		for (size_t i = 0; i < nnp; i++)
			if (!ev_interval(&c->b, &c->np[i]))
				goto overflow;
		if (!ev_close(&c->b))
			goto overflow;
	} else {
		for (size_t i = 0; i < nv; i++) {
			if (ivl_empty(&c->v[i]))
				continue;
			if (!patched) {
				if (!ev_interval(&c->b, &c->v[i]))
					goto overflow;
			} else {
				for (size_t k = 0; k < nnp; k++) {
					struct ivl x = c->v[i];
					if (cut_cmp(&c->np[k].lo, &x.lo) > 0)
						x.lo = c->np[k].lo;
					if (cut_cmp(&c->np[k].hi, &x.hi) < 0)
						x.hi = c->np[k].hi;
					if (!ivl_empty(&x) && !ev_interval(&c->b, &x))
						goto overflow;
				}
			}
			if (!ev_close(&c->b))
				goto overflow;
		}
	}
	if (c->b.nranges == 0) {
		snprintf(c->rp.why, sizeof(c->rp.why), "no version is affected");
		return false;
	}
	return true;
overflow:
	snprintf(c->rp.why, sizeof(c->rp.why), "too many ranges or unrepresentable version");
	return false;
}

/* ---- files ---- */

enum nj_kind { NJ_NONE, NJ_NPM, NJ_CORE };

/* "<digits>.json" in npm/ or core/ (or in the root: npm); *num gets the number. */
static enum nj_kind nj_classify(const char *path, uint64_t *num)
{
	const char *base = strrchr(path, '/'), *dir;
	size_t n, dn;
	uint64_t x = 0;
	base = base ? base + 1 : path;
	n = strlen(base);
	if (n < 6 || n > 20 || strcmp(base + n - 5, ".json") != 0 || base[0] == '0')
		return NJ_NONE;
	for (size_t i = 0; i + 5 < n; i++) {
		if (base[i] < '0' || base[i] > '9')
			return NJ_NONE;
		x = x * 10 + (uint64_t)(base[i] - '0');
	}
	if (num)
		*num = x;
	if (base == path)
		return NJ_NPM;
	dn = (size_t)(base - 1 - path);
	dir = path + dn;
	while (dir > path && dir[-1] != '/')
		dir--;
	dn = (size_t)(base - 1 - dir);
	if (dn == 3 && memcmp(dir, "npm", 3) == 0)
		return NJ_NPM;
	if (dn == 4 && memcmp(dir, "core", 4) == 0)
		return NJ_CORE;
	return NJ_NONE;
}

static bool nj_match(const char *path)
{
	return path && nj_classify(path, NULL) != NJ_NONE;
}

/* A string member: *out NULL when absent or null; false for another type or a
 * string with a NUL. */
static bool get_str(const cg_json *o, const char *key, const char **out)
{
	cg_json *j = cg_json_get(o, key);
	*out = NULL;
	if (!j || cg_json_type_of(j) == CG_JSON_NULL)
		return true;
	if (!cg_json_is_string(j))
		return false;
	*out = cg_json_string(j);
	return strlen(*out) == cg_json_string_len(j);
}

/* A list of strings (absent/null: empty); non-strings are an error. */
static bool get_list(const cg_json *o, const char *key, const char **out, size_t *n, bool *too_many)
{
	cg_json *j = cg_json_get(o, key);
	size_t len;
	*n = 0;
	*too_many = false;
	if (!j || cg_json_type_of(j) == CG_JSON_NULL)
		return true;
	if (!cg_json_is_array(j))
		return false;
	len = cg_json_array_len(j);
	if (len > NJ_MAX_LIST) {
		*too_many = true;
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		cg_json *s = cg_json_array_at(j, i);
		if (!cg_json_is_string(s) || strlen(cg_json_string(s)) != cg_json_string_len(s))
			return false;
		out[(*n)++] = cg_json_string(s);
	}
	return true;
}

static bool cve_ok(const char *s)
{
	size_t n = strlen(s), d = 0;
	if (n < 13 || n > 32 || memcmp(s, "CVE-", 4) != 0 || !all_digits(s + 4, 4) || s[8] != '-')
		return false;
	for (size_t i = 9; i < n; i++, d++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return d >= 4;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 256)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return false;
	return true;
}

static void warnf(const struct cg_adv_sink *sink, const char *path, const char *fmt, ...)
    CG_PRINTF(3, 4);
static void warnf(const struct cg_adv_sink *sink, const char *path, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	if (!sink->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sink->warn(sink->ud, path, msg);
}

static cg_err_t nj_parse(const char *path, const unsigned char *data, size_t len,
			 const struct cg_adv_sink *sink, struct cg_error *err)
{
	cg_err_t rc = CG_OK;
	cg_json *root = NULL;
	struct conv *c = NULL;
	struct cg_json_limits lim = {(size_t)4 << 20, 16, false};
	struct cg_error jerr;
	enum nj_kind kind;
	uint64_t num = 0;
	int64_t id64;
	const char *cves[NJ_MAX_LIST], *refs[NJ_MAX_LIST], *envs[NJ_MAX_LIST];
	const char *aliases[NJ_MAX_LIST + 1];
	size_t ncves = 0, nrefs = 0, nenvs = 0, naliases = 0, nvalid = 0;
	const char *first_cve = NULL;
	const char *package = "node", *vuln, *patched, *summary, *overview, *recommendation,
		   *published, *modified, *vector, *sevword = NULL;
	char nswg[48], vecbuf[CG_CVSS_MAX_LEN + 8], note[200];
	char *details = NULL;
	bool many = false;
	struct cg_cvss cvss;
	struct cg_adv_severity sev;
	struct cg_adv_affected aff;
	struct cg_advisory adv;

	if (!sink || !sink->add || (!data && len))
		return cg_error_set(err, CG_ERR_ARG, "nodejs feed: bad arguments");
	path = path ? path : "";
	kind = nj_classify(path, &num);
	if (kind == NJ_NONE)
		return cg_error_set(err, CG_ERR_INVALID, "%s: not an npm/ or core/ advisory", path);
	rc = cg_json_parse((const char *)data, len, &lim, &root, &jerr);
	if (rc != CG_OK)
		CG_FAIL(rc, cg_error_set(err, rc, "%s: %s", path, cg_error_message(&jerr)));
	if (!cg_json_is_object(root))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "%s: not a JSON object", path));

	if (kind == NJ_NPM) {
		cg_json *jid = cg_json_get(root, "id");
		if (jid && cg_json_type_of(jid) != CG_JSON_NULL) {
			if (!cg_json_int(jid, &id64) || id64 <= 0)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "%s: bad id", path));
			num = (uint64_t)id64;
		}
		snprintf(nswg, sizeof(nswg), "NSWG-ECO-%llu", (unsigned long long)num);
		if (!get_str(root, "module_name", &package) || !package || !name_ok(package))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "%s: no module_name", path));
	} else {
		snprintf(nswg, sizeof(nswg), "NSWG-COR-%llu", (unsigned long long)num);
	}
	if (!get_str(root, kind == NJ_NPM ? "vulnerable_versions" : "vulnerable", &vuln) ||
	    !get_str(root, kind == NJ_NPM ? "patched_versions" : "patched", &patched) ||
	    !get_str(root, kind == NJ_NPM ? "title" : "description", &summary) ||
	    !get_str(root, "overview", &overview) ||
	    !get_str(root, "recommendation", &recommendation) ||
	    !get_str(root, "publish_date", &published) || !get_str(root, "updated_at", &modified) ||
	    !get_str(root, kind == NJ_NPM ? "cvss_vector" : "cvss", &vector) ||
	    (kind == NJ_CORE && !get_str(root, "severity", &sevword)))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "%s: a field is not a string", path));
	if (!get_list(root, kind == NJ_NPM ? "cves" : "cve", cves, &ncves, &many) ||
	    (kind == NJ_NPM && !get_list(root, "references", refs, &nrefs, &many)) ||
	    (kind == NJ_CORE && !get_list(root, "affectedEnvironments", envs, &nenvs, &many)))
		CG_FAIL(rc, cg_error_set(err, many ? CG_ERR_LIMIT : CG_ERR_INVALID,
					 many ? "%s: more than " CG_STR(NJ_MAX_LIST) " list items"
					      : "%s: a list is not a list of strings",
					 path));
	if (kind == NJ_CORE) {
		const char *ref;
		if (!get_str(root, "ref", &ref))
			CG_FAIL(rc,
				cg_error_set(err, CG_ERR_INVALID, "%s: ref is not a string", path));
		if (ref && *ref)
			refs[nrefs++] = ref;
	}
	if (!vuln && !patched) {
		warnf(sink, path, "%s: no vulnerable or patched versions: skipped", nswg);
		goto done;
	}

	c = malloc(sizeof(*c));
	if (!c)
		CG_FAIL(rc, CG_ERR_NOMEM);
	if (!convert(c, vuln, kind == NJ_NPM && vuln ? NULL : patched)) {
		warnf(sink, path, "%s: %s: skipped", nswg, c->rp.why);
		goto done;
	}

	/* ids: the CVE when there is exactly one */
	for (size_t i = 0; i < ncves; i++) {
		bool dup = false;
		if (!cve_ok(cves[i])) {
			warnf(sink, path, "%s: malformed CVE id '%.40s' ignored", nswg, cves[i]);
			continue;
		}
		for (size_t k = 0; k < naliases; k++)
			dup |= strcmp(aliases[k], cves[i]) == 0;
		if (dup)
			continue;
		aliases[naliases++] = cves[i];
		if (!first_cve)
			first_cve = cves[i];
		nvalid++;
	}
	memset(&adv, 0, sizeof(adv));
	if (nvalid == 1) {
		adv.id = first_cve;
		aliases[0] = nswg;
		naliases = 1;
	} else {
		adv.id = nswg;
	}

	if (recommendation && *recommendation) {
		const char *o = overview ? overview : "";
		size_t n = strlen(o) + strlen(recommendation) + 32;
		details = malloc(n);
		if (!details)
			CG_FAIL(rc, CG_ERR_NOMEM);
		snprintf(details, n, "%s%sRecommendation: %s", o, *o ? "\n\n" : "", recommendation);
	}

	if (vector && *vector) {
		const char *v = vector;
		if (kind == NJ_CORE &&
		    (strncmp(vector, "3.0/", 4) == 0 || strncmp(vector, "3.1/", 4) == 0)) {
			snprintf(vecbuf, sizeof(vecbuf), "CVSS:%s", vector);
			v = vecbuf;
		}
		if (cg_cvss_parse(v, strlen(v), &cvss, NULL) == CG_OK) {
			sev.type = cvss.version == CG_CVSS_V2_0	  ? "CVSS_V2"
				   : cvss.version == CG_CVSS_V4_0 ? "CVSS_V4"
								  : "CVSS_V3";
			sev.score = v;
			adv.severities = &sev;
			adv.nseverities = 1;
		}
	}

	memset(&aff, 0, sizeof(aff));
	aff.ecosystem = kind == NJ_NPM ? "npm" : "Node.js";
	aff.package = package;
	aff.status = CG_ADV_AFFECTED;
	aff.ranges = c->b.ranges;
	aff.nranges = c->b.nranges;
	aff.severity = sevword && *sevword && strcmp(sevword, "unknown") != 0 ? sevword : NULL;
	if (nenvs && !(nenvs == 1 && strcmp(envs[0], "all") == 0)) {
		snprintf(note, sizeof(note), "environments:");
		for (size_t i = 0; i < nenvs; i++) {
			size_t l = strlen(note);
			snprintf(note + l, sizeof(note) - l, "%s%.40s", i ? ", " : " ", envs[i]);
		}
		aff.note = note;
	}

	adv.aliases = aliases;
	adv.naliases = naliases;
	adv.summary = summary && *summary ? summary : NULL;
	adv.details = details ? details : (overview && *overview ? overview : NULL);
	adv.published = published && *published ? published : NULL;
	adv.modified = modified && *modified ? modified : NULL;
	adv.references = refs;
	adv.nreferences = nrefs;
	adv.affected = &aff;
	adv.naffected = 1;
	rc = sink->add(sink->ud, &adv);
done:
	free(details);
	free(c);
	cg_json_free(root);
	return rc;
}

const struct cg_feed_parser cg_feed_nodejs = {
    .type = "nodejs",
    .match = nj_match,
    .parse = nj_parse,
};
