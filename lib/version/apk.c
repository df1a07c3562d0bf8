/* Alpine versions: apk-tools 2.x's apk_version_compare() (src/version.c as
 * shipped in Alpine 3.10, which produced tests/data/versions/
 * alpine-versions-generated.txt), walked in place.
 *
 * Grammar (Gentoo's): digit{.digit}...{letter}{_suffix{digit}}...{-rN}. apk
 * reads a version as a stream of tokens, each with a value:
 *   digits      the first number is numeric; a number after '.' that starts
 *               with '0' gives a token worth -(number of leading zeros) and
 *               the rest as a further number ("1.05" < "1.5", "1.0" > "1.00")
 *   letter      one of a-z, worth its code; digits may follow it ("5.5p1")
 *   _suffix     alpha < beta < pre < rc < (none) < cvs < svn < git < hg < p,
 *               then an optional number
 *   -rN         the revision
 * and compares the streams token by token: the first differing value decides;
 * when the kinds differ, a pre-release suffix (or an unknown one, "_blah")
 * loses, and otherwise the version whose next token comes earlier in the
 * grammar wins ("1.1" > "1a" > "1_p" > "1-r1" > "1"). Numbers have any length
 * here (apk-tools keeps them in an int and wraps above 2^31).
 *
 * Newer apk-tools (2.12 and later, Alpine 3.17 on) differ on real versions:
 * they compare a component with a leading zero as a string ("1.0.4" < "1.00"
 * there) and refuse digits after a letter ("5.7.1p1"); the generated vectors,
 * made by Alpine 3.10's apk, need the 2.10 rules kept here.
 *
 * Where the hand-written vectors (osv-scalibr's alpine-versions.txt, which
 * follow newer apk-tools where 2.10 gives an accident) disagree with 2.10 -
 * on strings apk_version_validate() refuses, and on a '.' directly followed
 * by a letter, which apk-tools 3 refuses - we follow the vectors:
 *   1. A malformed rest ("1-r-0", "1.2.0A") sorts below the end of the string
 *      and below every token except a pre-release suffix (apk-tools >= 2.12);
 *      2.10 sorted it above everything. Two malformed rests at the same place
 *      are equal, whatever follows ("1-ruff2" == "1-ruff1").
 *   2. "-r" followed by a letter is malformed at the '-' ("1-ruff" < "1"),
 *      as apk-tools 3 reads it; "-r" then the end is "-r0" and "-r" then
 *      anything else is "-r0" followed by a malformed rest, as in 2.10.
 *   3. A '.' followed by a letter is an empty component that sorts just above
 *      a malformed rest ("0.r1" < "0r2", "0.8.21.r2" < "0.8.21r2"; apk-tools 3
 *      refuses it); the comparison goes on after it ("0.8.21.r2" >
 *      "0.8.21.r1", as in 2.10).
 * With these the order is total: each version maps to a sequence of (kind,
 * value) tokens compared lexicographically under one total order of tokens.
 *
 * Validity: `apk version -t` (and apk_version_compare()) compare any string,
 * and the reference vectors compare strings apk_version_validate() refuses
 * ("a", "xyz10", "1.2_blah"), so every non-empty string of printable ASCII
 * without spaces is valid here. */
#include "util/internal.h"
#include "version/scheme.h"

/* The kinds, in apk's order (later in the grammar = bigger). */
enum apk_tok {
	TOK_INVALID = -1,
	TOK_DIGIT_OR_ZERO, /* a number after '.' */
	TOK_DIGIT,
	TOK_LETTER,
	TOK_SUFFIX,
	TOK_SUFFIX_NO,
	TOK_REVISION_NO,
	TOK_END,
	TOK_EMPTY_DOT, /* deviation 3: '.' then a letter; reads as TOK_DIGIT_OR_ZERO */
};

/* A token's value: a small integer, or a digit string read as a number. */
struct apk_val {
	bool big;
	int small;
	const unsigned char *d; /* digits without leading zeros */
	size_t dn;
};

struct apk_cur {
	const unsigned char *p;
	size_t n; /* bytes left */
	int type; /* kind of the next token */
};

static inline bool apk_digit(unsigned char c)
{
	return (unsigned char)(c - '0') < 10;
}

static inline bool apk_lower(unsigned char c)
{
	return (unsigned char)(c - 'a') < 26;
}

/* The kind the grammar treats a token as. */
static inline int apk_state(int t)
{
	return t == TOK_EMPTY_DOT ? TOK_DIGIT_OR_ZERO : t;
}

static inline void apk_small(struct apk_val *v, int x)
{
	v->big = false;
	v->small = x;
}

static int apk_valcmp(const struct apk_val *a, const struct apk_val *b)
{
	int r;
	if (!a->big && !b->big)
		return (a->small > b->small) - (a->small < b->small);
	if (a->big && b->big) {
		if (a->dn != b->dn)
			return a->dn < b->dn ? -1 : 1;
		r = a->dn ? memcmp(a->d, b->d, a->dn) : 0;
		return (r > 0) - (r < 0);
	}
	if (!a->big) { /* small against a number */
		uint64_t x = 0;
		if (a->small < 0 || b->dn > 18)
			return -1;
		for (size_t i = 0; i < b->dn; i++)
			x = x * 10 + (uint64_t)(b->d[i] - '0');
		return ((uint64_t)a->small > x) - ((uint64_t)a->small < x);
	}
	return -apk_valcmp(b, a);
}

/* apk's next_token(): the kind of the token at c->p, consuming its lead-in
 * ('.', '_', "-r"). */
static void apk_next_token(struct apk_cur *c)
{
	int n = TOK_INVALID, t = apk_state(c->type);

	if (c->n == 0) {
		n = TOK_END;
	} else if ((t == TOK_DIGIT || t == TOK_DIGIT_OR_ZERO) && apk_lower(c->p[0])) {
		n = TOK_LETTER;
	} else if (t == TOK_LETTER && apk_digit(c->p[0])) {
		n = TOK_DIGIT;
	} else if (t == TOK_SUFFIX && apk_digit(c->p[0])) {
		n = TOK_SUFFIX_NO;
	} else {
		switch (c->p[0]) {
		case '.':
			n = c->n > 1 && apk_lower(c->p[1]) ? TOK_EMPTY_DOT : TOK_DIGIT_OR_ZERO;
			break;
		case '_':
			n = TOK_SUFFIX;
			break;
		case '-':
			if (c->n > 1 && c->p[1] == 'r') {
				if (c->n > 2 && apk_lower(c->p[2])) {
					n = TOK_INVALID; /* deviation 2 */
				} else {
					n = TOK_REVISION_NO;
					c->p++;
					c->n--;
				}
			}
			break;
		}
		c->p++;
		c->n--;
	}
	/* the grammar's order: only these kinds may follow a later one */
	if (n != TOK_END && apk_state(n) < t &&
	    !((apk_state(n) == TOK_DIGIT_OR_ZERO && t == TOK_DIGIT) ||
	      (n == TOK_SUFFIX && t == TOK_SUFFIX_NO) || (n == TOK_DIGIT && t == TOK_LETTER)))
		n = TOK_INVALID;
	c->type = n;
}

/* A suffix name at p[0..n): true, its value (alpha -4 ... rc -1, cvs 0 ...
 * p 4) and its length, or false when unknown. apk takes the first name that
 * is a prefix ("_prefoo" is "_pre" then "foo"). */
static bool apk_suffix(const unsigned char *p, size_t n, int *value, size_t *len)
{
	static const char *const names[] = { "alpha", "beta", "pre", "rc",
					     "cvs", "svn", "git", "hg", "p" };
	for (size_t k = 0; k < CG_ARRAY_LEN(names); k++) {
		size_t l = strlen(names[k]);
		if (l <= n && memcmp(names[k], p, l) == 0) {
			*value = (int)k - 4;
			*len = l;
			return true;
		}
	}
	return false;
}

/* apk's get_token(): the value of the token of kind c->type at c->p; moves
 * to the next token and sets c->type to its kind. */
static void apk_get_token(struct apk_cur *c, struct apk_val *v)
{
	size_t i = 0;
	int nt = TOK_INVALID;

	if (c->n == 0) {
		c->type = TOK_END;
		apk_small(v, 0);
		return;
	}
	switch (apk_state(c->type)) {
	case TOK_DIGIT_OR_ZERO:
	case TOK_DIGIT:
	case TOK_SUFFIX_NO:
	case TOK_REVISION_NO:
		if (apk_state(c->type) == TOK_DIGIT_OR_ZERO && c->p[0] == '0') {
			/* after '.', leading zeros are a token worth minus their count */
			while (i < c->n && c->p[i] == '0')
				i++;
			nt = TOK_DIGIT;
			apk_small(v, i > INT_MAX ? INT_MIN : -(int)i);
			break;
		}
		while (i < c->n && c->p[i] == '0')
			i++;
		v->big = true;
		v->d = c->p + i;
		while (i < c->n && apk_digit(c->p[i]))
			i++;
		v->dn = (size_t)(c->p + i - v->d);
		break;
	case TOK_LETTER:
		apk_small(v, c->p[i++]);
		break;
	case TOK_SUFFIX: {
		int s;
		if (!apk_suffix(c->p, c->n, &s, &i)) {
			c->type = TOK_INVALID; /* worth -1, like "_rc" */
			apk_small(v, -1);
			return;
		}
		apk_small(v, s);
		break;
	}
	default:
		c->type = TOK_INVALID;
		apk_small(v, -1);
		return;
	}
	c->p += i;
	c->n -= i;
	if (c->n == 0)
		c->type = TOK_END;
	else if (nt != TOK_INVALID)
		c->type = nt;
	else
		apk_next_token(c);
}

/* Where a kind sorts when two versions part ways there (bigger wins). */
static int apk_rank(int t)
{
	switch (t) {
	case TOK_INVALID:
		return 0; /* deviation 1 */
	case TOK_EMPTY_DOT:
		return 1; /* deviation 3 */
	default:
		return 2 + TOK_END - t; /* END 2, REVISION_NO 3, ... DIGIT_OR_ZERO 8 */
	}
}

/* Is the suffix token at c a pre-release (or unknown) one? */
static bool apk_pre_suffix(const struct apk_cur *c)
{
	struct apk_cur t = *c;
	struct apk_val v;
	apk_get_token(&t, &v);
	return v.small < 0;
}

static int apk_compare(const char *a, size_t an, const char *b, size_t bn)
{
	struct apk_cur ca = { (const unsigned char *)a, an, TOK_DIGIT };
	struct apk_cur cb = { (const unsigned char *)b, bn, TOK_DIGIT };
	struct apk_val va, vb;
	int r = 0;

	apk_small(&va, 0);
	apk_small(&vb, 0);
	/* a token per step; every step consumes at least one byte or ends */
	while (ca.type == cb.type && ca.type != TOK_END && ca.type != TOK_INVALID && r == 0) {
		apk_get_token(&ca, &va);
		apk_get_token(&cb, &vb);
		r = apk_valcmp(&va, &vb);
	}
	if (r)
		return r;
	if (ca.type == cb.type)
		return 0;
	if (ca.type == TOK_SUFFIX && apk_pre_suffix(&ca))
		return -1;
	if (cb.type == TOK_SUFFIX && apk_pre_suffix(&cb))
		return 1;
	return apk_rank(ca.type) < apk_rank(cb.type) ? -1 : 1;
}

static const char *apk_check(const char *s, size_t n)
{
	if (n == 0)
		return "empty";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ')
			return "contains a space";
		if (c < ' ' || c > '~')
			return "contains a control or non-ASCII character";
	}
	return NULL;
}

static int apk_cmp(const char *a, size_t an, const char *b, size_t bn, int *res)
{
	if (apk_check(a, an) || apk_check(b, bn))
		return -1;
	/* the same bytes make the same tokens */
	*res = an == bn && memcmp(a, b, an) == 0 ? 0 : apk_compare(a, an, b, bn);
	return 0;
}

const struct cg_version_scheme cg_scheme_apk = {
	.name = "apk",
	.title = "apk-tools 2.x apk_version_compare",
	.check = apk_check,
	.cmp = apk_cmp,
};
