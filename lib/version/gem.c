/* RubyGems: Gem::Version (checked against RubyGems 3.3.15 on Ruby 3.1).
 *
 * Accepted: what Gem::Version.correct? accepts,
 *
 *   \A \s* ( [0-9]+ (\.[0-9a-zA-Z]+)* (-[0-9A-Za-z-]+ (\.[0-9A-Za-z-]+)*)? )? \s* \z
 *
 * with \s = [ \t\n\v\f\r], and one relaxation: the first component may
 * carry letters after its leading digit ("1beta", "8x9q"), as the later ones
 * may ("1.0a" is correct? already). RubyGems rejects those; osv-scalibr's
 * vectors (1 > 1beta, 1 > 1gamma) accept them, and they are cut into segments
 * and ordered exactly as Gem::Version's <=> would order them. An all-blank
 * string is "0", as Gem::Version.new(" ") is; the empty string is refused
 * (the library refuses it for every scheme).
 *
 * Order (Gem::Version#<=>): the string is stripped, each "-" becomes ".pre.",
 * and it is cut into segments, runs of digits (numbers, any size) and runs of
 * letters (strings). The canonical segments are the numbers before the first
 * string with trailing zeros dropped, followed by the rest with trailing zeros
 * dropped ("1.0.a.0" is [1, "a"]). Those are compared one by one, a missing
 * segment counting as 0: numbers numerically, strings byte-wise (case
 * matters: "B" < "a"), and any string below any number, so "1.a" < "1" and
 * "1.0.a" == "1.a".
 *
 * Bounds: at most GEM_MAX_SEGS segments. Every segment takes at least one
 * byte, so a CG_VERSION_MAX_LEN-byte string always fits; longer input is
 * refused. */
#include "util/internal.h"
#include "version/scheme.h"

#define GEM_MAX_SEGS CG_VERSION_MAX_LEN

_Static_assert(CG_VERSION_MAX_LEN < UINT16_MAX, "offsets are stored as uint16_t");

enum gem_kind { GEM_NUM, GEM_STR, GEM_PRE /* a "-", read as the string "pre" */ };

/* A segment: s[off, off+len); for a number only its significant digits
 * (len 0 is zero). */
struct gem_seg {
	uint16_t off, len;
	uint8_t kind;
};

struct gem_version {
	size_t nseg;
	size_t num_end;  /* canonical: seg[0, num_end) ... */
	size_t str_start, str_end; /* ... then seg[str_start, str_end) */
	struct gem_seg seg[GEM_MAX_SEGS];
};

static bool is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(unsigned char c)
{
	return is_digit(c) || is_alpha(c);
}

static bool is_zero(const struct gem_seg *g)
{
	return g->kind == GEM_NUM && g->len == 0;
}

static const char *push_seg(struct gem_version *v, uint8_t kind, size_t off, size_t len)
{
	if (v->nseg == GEM_MAX_SEGS)
		return "more than " CG_STR(GEM_MAX_SEGS) " segments";
	v->seg[v->nseg].kind = kind;
	v->seg[v->nseg].off = (uint16_t)off;
	v->seg[v->nseg].len = (uint16_t)len;
	v->nseg++;
	return NULL;
}

/* Cut the alphanumeric run s[*i, ...) into digit and letter segments. */
static const char *add_run(const unsigned char *s, size_t n, size_t *i, struct gem_version *v)
{
	const char *why = NULL;
	while (!why && *i < n && is_alnum(s[*i])) {
		size_t start = *i;
		if (is_digit(s[*i])) {
			while (*i < n && s[*i] == '0')
				(*i)++;
			start = *i;
			while (*i < n && is_digit(s[*i]))
				(*i)++;
			why = push_seg(v, GEM_NUM, start, *i - start);
		} else {
			while (*i < n && is_alpha(s[*i]))
				(*i)++;
			why = push_seg(v, GEM_STR, start, *i - start);
		}
	}
	return why;
}

static const char *gem_parse(const char *str, size_t n, struct gem_version *v)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, first;
	const char *why = NULL;

	v->nseg = v->num_end = v->str_start = v->str_end = 0;
	if (n > CG_VERSION_MAX_LEN)
		return "longer than " CG_STR(CG_VERSION_MAX_LEN) " bytes";
	if (n == 0)
		return "empty";
	while (i < n && is_space(s[i]))
		i++;
	if (i == n)
		return NULL; /* blank: the version "0", which has no canonical segments */
	if (!is_digit(s[i]))
		return "does not start with a digit";
	/* [0-9]+ -- and, relaxed, letters and digits after it */
	if ((why = add_run(s, n, &i, v)))
		return why;
	/* release part: (\.[0-9a-zA-Z]+)* */
	while (i + 1 < n && s[i] == '.' && is_alnum(s[i + 1])) {
		i++;
		if ((why = add_run(s, n, &i, v)))
			return why;
	}
	/* prerelease part: -[0-9A-Za-z-]+ (\.[0-9A-Za-z-]+)*, each '-' is ".pre." */
	if (i + 1 < n && s[i] == '-' && (is_alnum(s[i + 1]) || s[i + 1] == '-')) {
		for (;;) {
			while (i < n && (s[i] == '-' || is_alnum(s[i]))) {
				if (s[i] == '-') {
					why = push_seg(v, GEM_PRE, 0, 0);
					i++;
				} else {
					why = add_run(s, n, &i, v);
				}
				if (why)
					return why;
			}
			if (i + 1 < n && s[i] == '.' && (is_alnum(s[i + 1]) || s[i + 1] == '-'))
				i++;
			else
				break;
		}
	}
	while (i < n && is_space(s[i]))
		i++;
	if (i != n)
		return s[i] == '.' || s[i] == '-' ? "empty segment" : "unexpected character";

	/* canonical segments */
	for (first = 0; first < v->nseg && v->seg[first].kind == GEM_NUM; first++)
		;
	v->num_end = first;
	while (v->num_end && is_zero(&v->seg[v->num_end - 1]))
		v->num_end--;
	v->str_start = first;
	v->str_end = v->nseg;
	while (v->str_end > first && is_zero(&v->seg[v->str_end - 1]))
		v->str_end--;
	return NULL;
}

static size_t canon_len(const struct gem_version *v)
{
	return v->num_end + (v->str_end - v->str_start);
}

/* Canonical segment i, or NULL past the end (which counts as 0). */
static const struct gem_seg *canon_at(const struct gem_version *v, size_t i)
{
	if (i < v->num_end)
		return &v->seg[i];
	i -= v->num_end;
	return i < v->str_end - v->str_start ? &v->seg[v->str_start + i] : NULL;
}

static int seg_cmp(const char *a, const struct gem_seg *x, const char *b, const struct gem_seg *y)
{
	static const struct gem_seg zero = { 0, 0, GEM_NUM };
	const char *pa, *pb;
	size_t la, lb;
	int c;
	if (!x)
		x = &zero;
	if (!y)
		y = &zero;
	if ((x->kind == GEM_NUM) != (y->kind == GEM_NUM))
		return x->kind == GEM_NUM ? 1 : -1; /* a string is below any number */
	if (x->kind == GEM_NUM) {
		if (x->len != y->len)
			return x->len < y->len ? -1 : 1;
		c = memcmp(a + x->off, b + y->off, x->len);
		return (c > 0) - (c < 0);
	}
	pa = x->kind == GEM_PRE ? "pre" : a + x->off;
	la = x->kind == GEM_PRE ? 3 : x->len;
	pb = y->kind == GEM_PRE ? "pre" : b + y->off;
	lb = y->kind == GEM_PRE ? 3 : y->len;
	c = memcmp(pa, pb, la < lb ? la : lb);
	if (c)
		return c > 0 ? 1 : -1;
	return (la > lb) - (la < lb);
}

static const char *gem_check(const char *s, size_t n)
{
	struct gem_version v;
	return gem_parse(s, n, &v);
}

static int gem_cmp(const char *a, size_t an, const char *b, size_t bn, int *res)
{
	struct gem_version x, y;
	size_t n;
	if (gem_parse(a, an, &x) || gem_parse(b, bn, &y))
		return -1;
	n = canon_len(&x) > canon_len(&y) ? canon_len(&x) : canon_len(&y);
	*res = 0;
	for (size_t i = 0; i < n; i++) {
		int c = seg_cmp(a, canon_at(&x, i), b, canon_at(&y, i));
		if (c) {
			*res = c;
			break;
		}
	}
	return 0;
}

const struct cg_version_scheme cg_scheme_gem = {
	.name = "gem",
	.title = "RubyGems Gem::Version",
	.check = gem_check,
	.cmp = gem_cmp,
};
