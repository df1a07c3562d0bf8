/* RustSec advisory-db (crates/<crate>/RUSTSEC-YYYY-NNNN.md): a ```toml block
 * ([advisory] id, package, date, aliases, related, url, references, cvss,
 * keywords, categories, informational, withdrawn; [versions] patched,
 * unaffected; [affected] functions/os/arch) followed by a Markdown body whose
 * first "# " heading is the title and the rest the description.
 *
 * Output: id, aliases, related, summary = title, details = the rest of the
 * body, published = date, withdrawn, severity CVSS_V2/V3/V4 from the vector's
 * prefix, references = url then references[], one affected entry
 * {"crates.io", package, SEMVER range}; informational advisories ("unsound",
 * "unmaintained", "notice") carry note "informational: <kind>". [affected]
 * (functions, os, arch) has no place in the model and is not reported.
 * Advisories in the repository's rust/ folder (std, cargo, rustdoc: the
 * toolchain, not crates) are not matched.
 *
 * Range conversion: exactly the algorithm of the rustsec crate's OSV export
 * (rustsec/src/osv/unaffected_range.rs and ranges_for_advisory.rs), which
 * osv.dev publishes:
 *  1. every requirement of unaffected[] then patched[] becomes one
 *     "unaffected" interval with start/end bounds, each Unbounded, Inclusive
 *     or Exclusive: ">= v" start Incl, "> v" start Excl, "< v" end Excl,
 *     "<= v" end Incl, "= v" [v, v], "^v" [v, next-breaking-0), "~v"
 *     [v, next-minor-0) (a bare "v" is "^v"); missing minor/patch are 0;
 *     at most two comparators, at most one lower and one upper bound, and
 *     "=", "^", "~" alone; start <= end. Wildcards and other operators are
 *     errors.
 *  2. no intervals: every version is affected: events [introduced "0"].
 *  3. overlapping intervals are an error; otherwise they are sorted by start
 *     and the affected ranges are the gaps: before the first (introduced "0"
 *     up to its start), between neighbours, after the last. An exclusive
 *     start/inclusive end bound v becomes increment(v): "1.2.3" -> "1.2.4-0",
 *     a pre-release "1.2.3-rc.1" -> "1.2.3-rc.1.0" (the least greater
 *     version under SemVer precedence).
 *  4. the ranges become one SEMVER range's events in order: introduced
 *     (its version, or "0"), fixed (when bounded).
 * An advisory whose requirements fail these rules is warned about and
 * skipped (rustsec itself rejects such files). */
#include "util/internal.h"
#include "vulndb/advisory.h"
#include "pkg/toml_lite.h"

#define RS_MAX_LIST	256 /* aliases, related, references, requirements */
#define RS_MAX_PRE	128
#define RS_MAX_EVENTS	(2 * RS_MAX_LIST + 2)
#define RS_VER_LEN	(3 * 21 + 3 + RS_MAX_PRE + 8)

struct sv {
	uint64_t maj, min, pat;
	char pre[RS_MAX_PRE + 1];
};

enum bkind { B_UNB, B_INC, B_EXC };

struct bound {
	enum bkind k;
	struct sv v;
};

struct urange {
	struct bound start, end;
};

struct rs_ctx {
	const char *path;
	const struct cg_adv_sink *sink;
	/* [advisory] */
	char *id, *package, *date, *url, *cvss, *informational, *withdrawn;
	char *aliases[RS_MAX_LIST], *related[RS_MAX_LIST], *refs[RS_MAX_LIST];
	size_t naliases, nrelated, nrefs;
	/* [versions] */
	char *patched[RS_MAX_LIST], *unaffected[RS_MAX_LIST];
	size_t npatched, nunaffected;
	bool versions_seen;
	char errmsg[200];
	struct urange ranges[2 * RS_MAX_LIST];
};

/* ---- SemVer ---- */

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static bool all_digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return n > 0;
}

/* SemVer 2.0 precedence of pre-release strings ("" is a release). */
static int cmp_pre(const char *a, const char *b)
{
	if (!*a || !*b)
		return !*a && !*b ? 0 : (!*a ? 1 : -1);
	for (;;) {
		size_t na = strcspn(a, "."), nb = strcspn(b, ".");
		bool da = all_digits(a, na), db = all_digits(b, nb);
		int c;
		if (da && db) {
			/* no leading zeros were accepted: longer is larger */
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

static int sv_cmp(const struct sv *a, const struct sv *b)
{
	int c = cmp_u64(a->maj, b->maj);
	if (!c)
		c = cmp_u64(a->min, b->min);
	if (!c)
		c = cmp_u64(a->pat, b->pat);
	return c ? c : cmp_pre(a->pre, b->pre);
}

static bool parse_u64(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t x = 0;
	if (s >= end || *s < '0' || *s > '9')
		return false;
	if (*s == '0' && s + 1 < end && s[1] >= '0' && s[1] <= '9')
		return false; /* leading zero */
	while (s < end && *s >= '0' && *s <= '9') {
		if (__builtin_mul_overflow(x, 10, &x) || __builtin_add_overflow(x, *s - '0', &x))
			return false;
		s++;
	}
	*p = s;
	*out = x;
	return true;
}

/* "1", "1.2", "1.2.3", each with -pre and +build; has_min/has_pat say which
 * parts were written. */
static bool parse_partial(const char *s, const char *end, struct sv *v, bool *has_min,
			  bool *has_pat)
{
	memset(v, 0, sizeof(*v));
	*has_min = *has_pat = false;
	if (!parse_u64(&s, end, &v->maj))
		return false;
	if (s < end && *s == '.') {
		s++;
		if (!parse_u64(&s, end, &v->min))
			return false;
		*has_min = true;
		if (s < end && *s == '.') {
			s++;
			if (!parse_u64(&s, end, &v->pat))
				return false;
			*has_pat = true;
		}
	}
	if (s < end && *s == '-') {
		const char *q = ++s;
		size_t n;
		while (s < end && *s != '+')
			s++;
		n = (size_t)(s - q);
		if (n == 0 || n > RS_MAX_PRE || !*has_pat)
			return false;
		for (size_t i = 0; i < n; i++) {
			char ch = q[i];
			if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
			      (ch >= 'A' && ch <= 'Z') || ch == '-' || ch == '.'))
				return false;
			if (ch == '.' && (i == 0 || i + 1 == n || q[i + 1] == '.'))
				return false;
		}
		/* numeric identifiers without leading zeros */
		for (size_t i = 0; i < n;) {
			size_t j = i;
			while (j < n && q[j] != '.')
				j++;
			if (j - i > 1 && q[i] == '0' && all_digits(q + i, j - i))
				return false;
			i = j + 1;
		}
		memcpy(v->pre, q, n);
		v->pre[n] = '\0';
	}
	if (s < end && *s == '+') {
		s++;
		if (s >= end)
			return false;
		for (; s < end; s++)
			if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
			      (*s >= 'A' && *s <= 'Z') || *s == '-' || *s == '.'))
				return false;
	}
	return s == end;
}

static void sv_format(const struct sv *v, char *out, size_t n)
{
	snprintf(out, n, "%llu.%llu.%llu%s%s", (unsigned long long)v->maj,
		 (unsigned long long)v->min, (unsigned long long)v->pat, v->pre[0] ? "-" : "",
		 v->pre);
}

/* The least version greater than v (see the header). */
static bool sv_increment(const struct sv *v, struct sv *out)
{
	*out = *v;
	if (!v->pre[0]) {
		if (v->pat == UINT64_MAX)
			return false;
		out->pat++;
		memcpy(out->pre, "0", 2);
		return true;
	}
	if (strlen(v->pre) + 2 > RS_MAX_PRE)
		return false;
	memcpy(out->pre + strlen(v->pre), ".0", 3);
	return true;
}

/* ---- requirements -> unaffected ranges ---- */

/* start <= end as rustsec's Bound::less_or_equal(start, end). */
static bool bound_le(const struct bound *start, const struct bound *end)
{
	int c;
	if (start->k == B_UNB || end->k == B_UNB)
		return true;
	c = sv_cmp(&start->v, &end->v);
	if (c < 0)
		return true;
	return c == 0 && start->k == B_INC && end->k == B_INC;
}

static bool req_to_range(struct rs_ctx *c, const char *req, struct urange *r)
{
	const char *p = req, *end = req + strlen(req);
	size_t ncomp = 0;
	struct {
		char op[3];
		const char *v, *vend;
	} comps[3];
	r->start.k = r->end.k = B_UNB;
	/* split at commas */
	while (p < end) {
		const char *q = p, *e;
		while (q < end && *q != ',')
			q++;
		e = q;
		while (p < e && *p == ' ')
			p++;
		while (e > p && e[-1] == ' ')
			e--;
		if (p == e || ncomp == 3)
			goto bad;
		memset(comps[ncomp].op, 0, 3);
		if (e - p >= 2 && (p[1] == '=') && (p[0] == '>' || p[0] == '<')) {
			memcpy(comps[ncomp].op, p, 2);
			p += 2;
		} else if (*p == '>' || *p == '<' || *p == '=' || *p == '^' || *p == '~') {
			comps[ncomp].op[0] = *p++;
		}
		while (p < e && *p == ' ')
			p++;
		comps[ncomp].v = p;
		comps[ncomp].vend = e;
		ncomp++;
		p = q < end ? q + 1 : q;
		if (q < end && p == end)
			goto bad; /* trailing comma */
	}
	if (ncomp == 0 || ncomp > 2) {
		snprintf(c->errmsg, sizeof(c->errmsg), "%d comparators in '%.60s'", (int)ncomp, req);
		return false;
	}
	for (size_t i = 0; i < ncomp; i++) {
		struct sv v;
		bool hm, hp;
		const char *op = comps[i].op;
		if (!parse_partial(comps[i].v, comps[i].vend, &v, &hm, &hp))
			goto bad;
		if (!strcmp(op, ">") || !strcmp(op, ">=")) {
			if (r->start.k != B_UNB)
				goto bad;
			r->start.k = op[1] ? B_INC : B_EXC;
			r->start.v = v;
		} else if (!strcmp(op, "<") || !strcmp(op, "<=")) {
			if (r->end.k != B_UNB)
				goto bad;
			r->end.k = op[1] ? B_INC : B_EXC;
			r->end.v = v;
		} else if (!strcmp(op, "=")) {
			if (ncomp != 1)
				goto bad;
			r->start.k = r->end.k = B_INC;
			r->start.v = r->end.v = v;
		} else { /* "^", "~" and bare (caret) */
			struct sv e;
			if (ncomp != 1)
				goto bad;
			memset(&e, 0, sizeof(e));
			if (op[0] == '~') {
				if (!hm) {
					e.maj = v.maj + 1;
				} else {
					e.maj = v.maj;
					e.min = v.min + 1;
				}
			} else if (v.maj == 0) {
				if (hm && v.min == 0 && hp)
					e.pat = v.pat + 1;
				else if (hm)
					e.min = v.min + 1;
				else
					e.maj = 1;
			} else {
				e.maj = v.maj + 1;
			}
			if (v.maj == UINT64_MAX || v.min == UINT64_MAX || v.pat == UINT64_MAX)
				goto bad;
			memcpy(e.pre, "0", 2);
			r->start.k = B_INC;
			r->start.v = v;
			r->end.k = B_EXC;
			r->end.v = e;
		}
	}
	if (!bound_le(&r->start, &r->end)) {
		snprintf(c->errmsg, sizeof(c->errmsg), "empty range '%.60s'", req);
		return false;
	}
	return true;
bad:
	snprintf(c->errmsg, sizeof(c->errmsg), "unsupported requirement '%.60s'", req);
	return false;
}

static int urange_cmp(const void *pa, const void *pb)
{
	const struct urange *a = pa, *b = pb;
	if (a->start.k == B_UNB || b->start.k == B_UNB)
		return a->start.k == B_UNB ? (b->start.k == B_UNB ? 0 : -1) : 1;
	return sv_cmp(&a->start.v, &b->start.v);
}

/* events[] gets versions written into vers[] (RS_VER_LEN each). */
static bool convert(struct rs_ctx *c, struct cg_osv_event *ev, char (*vers)[RS_VER_LEN],
		    size_t *nev)
{
	struct urange *r = c->ranges;
	size_t n = 0, k = 0;
	*nev = 0;
	for (size_t i = 0; i < c->nunaffected; i++)
		if (!req_to_range(c, c->unaffected[i], &r[n++]))
			return false;
	for (size_t i = 0; i < c->npatched; i++)
		if (!req_to_range(c, c->patched[i], &r[n++]))
			return false;
	if (n == 0) {
		ev[0] = (struct cg_osv_event){ CG_OSV_INTRODUCED, "0" };
		*nev = 1;
		return true;
	}
	for (size_t i = 0; i + 1 < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (bound_le(&r[i].start, &r[j].end) && bound_le(&r[j].start, &r[i].end)) {
				snprintf(c->errmsg, sizeof(c->errmsg),
					 "overlapping version ranges");
				return false;
			}
	qsort(r, n, sizeof(r[0]), urange_cmp);
#define EMIT(kind_, svp_, inc_)                                                       \
	do {                                                                          \
		struct sv t_;                                                         \
		if ((inc_) && !sv_increment((svp_), &t_))                             \
			goto overflow;                                                \
		sv_format((inc_) ? &t_ : (svp_), vers[k], RS_VER_LEN);                \
		ev[k] = (struct cg_osv_event){ (kind_), vers[k] };                    \
		k++;                                                                  \
	} while (0)
	/* before the first */
	if (r[0].start.k != B_UNB) {
		ev[k++] = (struct cg_osv_event){ CG_OSV_INTRODUCED, "0" };
		EMIT(CG_OSV_FIXED, &r[0].start.v, r[0].start.k == B_EXC);
	}
	for (size_t i = 0; i + 1 < n; i++) {
		if (r[i].end.k == B_UNB || r[i + 1].start.k == B_UNB) {
			snprintf(c->errmsg, sizeof(c->errmsg), "overlapping version ranges");
			return false;
		}
		EMIT(CG_OSV_INTRODUCED, &r[i].end.v, r[i].end.k == B_INC);
		EMIT(CG_OSV_FIXED, &r[i + 1].start.v, r[i + 1].start.k == B_EXC);
	}
	if (r[n - 1].end.k != B_UNB)
		EMIT(CG_OSV_INTRODUCED, &r[n - 1].end.v, r[n - 1].end.k == B_INC);
#undef EMIT
	*nev = k;
	return true;
overflow:
	snprintf(c->errmsg, sizeof(c->errmsg), "version overflow");
	return false;
}

/* ---- the TOML block ---- */

static char *dupz(const struct cg_toml_str *s)
{
	char *p = malloc(s->len + 1);
	if (p) {
		memcpy(p, s->p, s->len);
		p[s->len] = '\0';
	}
	return p;
}

static cg_err_t set_str(char **dst, const struct cg_toml_event *ev)
{
	if (ev->kind != CG_TOML_STRING)
		return CG_OK; /* wrong type: ignored, checked by the caller's rules */
	free(*dst);
	*dst = dupz(&ev->str);
	return *dst ? CG_OK : CG_ERR_NOMEM;
}

static cg_err_t set_list(char **dst, size_t *n, const struct cg_toml_event *ev)
{
	for (size_t i = 0; i < *n; i++)
		free(dst[i]);
	*n = 0;
	if (ev->kind != CG_TOML_ARRAY)
		return CG_OK;
	if (ev->nitems > RS_MAX_LIST)
		return CG_ERR_LIMIT;
	for (size_t i = 0; i < ev->nitems; i++) {
		if (!(dst[i] = dupz(&ev->items[i])))
			return CG_ERR_NOMEM;
		*n = i + 1;
	}
	return CG_OK;
}

static cg_err_t on_toml(void *ud, const struct cg_toml_event *ev)
{
	struct rs_ctx *c = ud;
	if (ev->kind == CG_TOML_TABLE || ev->kind == CG_TOML_ARRAY_TABLE) {
		if (cg_toml_path_is(ev->table, ev->ntable, "versions"))
			c->versions_seen = true;
		return CG_OK;
	}
	if (cg_toml_path_is(ev->table, ev->ntable, "advisory") && ev->nkey == 1) {
		const struct cg_toml_str *k = ev->key;
		if (cg_toml_path_is(k, 1, "id"))
			return set_str(&c->id, ev);
		if (cg_toml_path_is(k, 1, "package"))
			return set_str(&c->package, ev);
		if (cg_toml_path_is(k, 1, "date"))
			return ev->kind == CG_TOML_SCALAR ? (free(c->date), c->date = dupz(&ev->str),
							     c->date ? CG_OK : CG_ERR_NOMEM)
							  : set_str(&c->date, ev);
		if (cg_toml_path_is(k, 1, "url"))
			return set_str(&c->url, ev);
		if (cg_toml_path_is(k, 1, "cvss"))
			return set_str(&c->cvss, ev);
		if (cg_toml_path_is(k, 1, "informational"))
			return set_str(&c->informational, ev);
		if (cg_toml_path_is(k, 1, "withdrawn"))
			return ev->kind == CG_TOML_SCALAR
				       ? (free(c->withdrawn), c->withdrawn = dupz(&ev->str),
					  c->withdrawn ? CG_OK : CG_ERR_NOMEM)
				       : set_str(&c->withdrawn, ev);
		if (cg_toml_path_is(k, 1, "aliases"))
			return set_list(c->aliases, &c->naliases, ev);
		if (cg_toml_path_is(k, 1, "related"))
			return set_list(c->related, &c->nrelated, ev);
		if (cg_toml_path_is(k, 1, "references"))
			return set_list(c->refs, &c->nrefs, ev);
		return CG_OK;
	}
	if (cg_toml_path_is(ev->table, ev->ntable, "versions") && ev->nkey == 1) {
		if (cg_toml_path_is(ev->key, 1, "patched"))
			return set_list(c->patched, &c->npatched, ev);
		if (cg_toml_path_is(ev->key, 1, "unaffected"))
			return set_list(c->unaffected, &c->nunaffected, ev);
	}
	return CG_OK;
}

static void rs_free(struct rs_ctx *c)
{
	char **lists[] = { c->aliases, c->related, c->refs, c->patched, c->unaffected };
	size_t ns[] = { c->naliases, c->nrelated, c->nrefs, c->npatched, c->nunaffected };
	free(c->id);
	free(c->package);
	free(c->date);
	free(c->url);
	free(c->cvss);
	free(c->informational);
	free(c->withdrawn);
	for (size_t i = 0; i < CG_ARRAY_LEN(lists); i++)
		for (size_t j = 0; j < ns[i]; j++)
			free(lists[i][j]);
}

static bool rs_match(const char *path)
{
	size_t n = strlen(path);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (n < 3 || strcmp(path + n - 3, ".md") != 0 || strncmp(base, "RUSTSEC-", 8) != 0)
		return false;
	/* the toolchain advisories live in rust/<component>/ */
	return !(strncmp(path, "rust/", 5) == 0 || strstr(path, "/rust/"));
}

static bool line_is(const unsigned char *p, size_t n, const char *s)
{
	size_t m = strlen(s);
	while (n && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return n == m && memcmp(p, s, m) == 0;
}

static bool id_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

static cg_err_t rs_parse(const char *path, const unsigned char *data, size_t len,
			 const struct cg_adv_sink *sink, struct cg_error *err)
{
	cg_err_t rc = CG_OK;
	struct rs_ctx *c = NULL;
	struct cg_error terr;
	size_t pos = 0, toml_start, toml_end = 0, body;
	bool closed = false;
	char *title = NULL, *details = NULL, *note = NULL;
	struct cg_osv_event *ev = NULL;
	char (*vers)[RS_VER_LEN] = NULL;
	size_t nev = 0;
	const char *refs[RS_MAX_LIST + 1];
	size_t nrefs = 0;
	struct cg_adv_severity sev;
	struct cg_adv_range range;
	struct cg_adv_affected aff;
	struct cg_advisory adv;
	if (!sink || !sink->add || (!data && len))
		return cg_error_set(err, CG_ERR_ARG, "rustsec feed: bad arguments");
	path = path ? path : "";
	c = calloc(1, sizeof(*c));
	ev = calloc(RS_MAX_EVENTS, sizeof(*ev));
	vers = calloc(RS_MAX_EVENTS, sizeof(*vers));
	if (!c || !ev || !vers)
		CG_FAIL(rc, CG_ERR_NOMEM);
	c->path = path;
	c->sink = sink;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len && (data[pos] == '\n' || data[pos] == '\r' || data[pos] == ' '))
		pos++;
	{
		const unsigned char *nl = memchr(data + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (data + pos)) : len - pos;
		if (!line_is(data + pos, l, "```toml"))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
						 "%s: does not start with a ```toml block", path));
		pos += l + (nl ? 1 : 0);
	}
	toml_start = pos;
	while (pos < len) {
		const unsigned char *nl = memchr(data + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (data + pos)) : len - pos;
		if (line_is(data + pos, l, "```")) {
			toml_end = pos;
			closed = true;
			pos += l + (nl ? 1 : 0);
			break;
		}
		pos += l + (nl ? 1 : 0);
	}
	if (!closed)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "%s: unterminated ```toml block",
					 path));
	body = pos;
	rc = cg_toml_parse(data + toml_start, toml_end - toml_start, on_toml, c, &terr);
	if (rc != CG_OK)
		CG_FAIL(rc, cg_error_set(err, rc, "%s: TOML: %s", path, cg_error_message(&terr)));
	if (!c->id || !id_ok(c->id) || !c->package || !*c->package || strlen(c->package) > 256)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "%s: no advisory id or package",
					 path));
	if (!c->versions_seen)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "%s: no [versions] table", path));
	if (!convert(c, ev, vers, &nev)) {
		if (sink->warn) {
			char msg[300];
			snprintf(msg, sizeof(msg), "%s: %s: skipped", c->id, c->errmsg);
			sink->warn(sink->ud, path, msg);
		}
		goto done;
	}
	/* the body: "# title" then the rest */
	while (body < len && (data[body] == '\n' || data[body] == '\r' || data[body] == ' '))
		body++;
	if (body + 2 <= len && data[body] == '#' && data[body + 1] == ' ') {
		const unsigned char *nl = memchr(data + body, '\n', len - body);
		size_t l = nl ? (size_t)(nl - (data + body)) : len - body;
		size_t s = 2, e = l;
		while (e > s && (data[body + e - 1] == '\r' || data[body + e - 1] == ' '))
			e--;
		if (memchr(data + body + s, '\0', e - s))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "%s: NUL in title", path));
		title = malloc(e - s + 1);
		if (!title)
			CG_FAIL(rc, CG_ERR_NOMEM);
		memcpy(title, data + body + s, e - s);
		title[e - s] = '\0';
		body += l + (nl ? 1 : 0);
	}
	{
		size_t s = body, e = len;
		while (s < e && (data[s] == '\n' || data[s] == '\r'))
			s++;
		while (e > s && (data[e - 1] == '\n' || data[e - 1] == '\r' || data[e - 1] == ' '))
			e--;
		if (e > s) {
			if (memchr(data + s, '\0', e - s))
				CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "%s: NUL in body",
							 path));
			details = malloc(e - s + 1);
			if (!details)
				CG_FAIL(rc, CG_ERR_NOMEM);
			memcpy(details, data + s, e - s);
			details[e - s] = '\0';
		}
	}
	if (c->url && *c->url)
		refs[nrefs++] = c->url;
	for (size_t i = 0; i < c->nrefs; i++)
		refs[nrefs++] = c->refs[i];
	memset(&adv, 0, sizeof(adv));
	memset(&aff, 0, sizeof(aff));
	range = (struct cg_adv_range){ "SEMVER", ev, nev };
	aff.ecosystem = "crates.io";
	aff.package = c->package;
	aff.status = CG_ADV_AFFECTED;
	aff.ranges = &range;
	aff.nranges = 1;
	if (c->informational && *c->informational) {
		size_t n = strlen(c->informational) + 32;
		note = malloc(n);
		if (!note)
			CG_FAIL(rc, CG_ERR_NOMEM);
		snprintf(note, n, "informational: %s", c->informational);
		aff.note = note;
	}
	adv.id = c->id;
	adv.aliases = (const char *const *)c->aliases;
	adv.naliases = c->naliases;
	adv.related = (const char *const *)c->related;
	adv.nrelated = c->nrelated;
	adv.summary = title;
	adv.details = details;
	adv.published = c->date;
	adv.withdrawn = c->withdrawn != NULL;
	if (c->cvss && *c->cvss) {
		sev.type = strncmp(c->cvss, "CVSS:4", 6) == 0	? "CVSS_V4"
			   : strncmp(c->cvss, "CVSS:3", 6) == 0 ? "CVSS_V3"
								: "CVSS_V2";
		sev.score = c->cvss;
		adv.severities = &sev;
		adv.nseverities = 1;
	}
	adv.references = refs;
	adv.nreferences = nrefs;
	adv.affected = &aff;
	adv.naffected = 1;
	rc = sink->add(sink->ud, &adv);
done:
	if (c)
		rs_free(c);
	free(c);
	free(ev);
	free(vers);
	free(title);
	free(details);
	free(note);
	return rc;
}

const struct cg_feed_parser cg_feed_rustsec = {
	.type = "rustsec",
	.match = rs_match,
	.parse = rs_parse,
};
